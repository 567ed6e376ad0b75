"""The consolidated annual report of a reporting cycle (issue 12 point 5; docs/reporting.md,
"The consolidated report"): what it says, gathered from the database into plain values.
Drawing it (the Word document, the Excel annex, the map) is layers.annual_report's.

What counts as reported: the content of the cycle's **accepted** submissions only. A project
or task that no accepted submission covers is "not reported", and the report says so; for
such a project the last progress report dated on or before the deadline is shown beside it,
labelled as earlier data. Grouping by area uses the administrative units valid on the cycle's
deadline, matched by geometry (a work crossing two units counts in both).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import shapely
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone, translation

from projects.models import (
    HANDED_IN_STATUSES,
    AdminUnit,
    Agency,
    LocationPrecision,
    PlanTask,
    Priority,
    ProgressReport,
    Project,
    ReportingCycle,
    Status,
    SubmissionProject,
    SubmissionStatus,
    SubmissionTask,
    TaskProgress,
)

LANGUAGE = "vi"  # the report is an administrative document of a Vietnamese province


def _one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _average(values) -> Decimal | None:
    known = [v for v in values if v is not None]
    return _one_decimal(sum(known) / len(known)) if known else None


def _day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


@dataclass
class Body:
    """An agency as the report names it."""

    code: str
    name: str
    short_name: str
    kind: str

    @classmethod
    def of(cls, agency: Agency) -> "Body":
        return cls(agency.code, agency.name, agency.short_name or agency.name, agency.kind)


@dataclass
class SubmissionRow:
    agency: Body
    status: str
    status_label: str
    submitted_on: datetime.date | None
    reviewed_on: datetime.date | None
    submitted_late: bool  # handed in after the deadline
    late: bool  # not handed in, and the deadline has passed
    projects_reported: int = 0  # project lines (counted only when accepted)
    average_progress: Decimal | None = None
    tasks: dict[str, int] = field(default_factory=dict)  # task progress → lines
    difficulties: str = ""
    proposals: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == SubmissionStatus.ACCEPTED


@dataclass
class ProjectReport:
    """A project's line in an accepted submission."""

    agency: Body
    status: str
    status_label: str
    progress: Decimal | None
    note: str


@dataclass
class EarlierReport:
    """The project's last progress report dated on or before the deadline (for a project
    that the cycle did not report)."""

    date: datetime.date
    status: str
    status_label: str
    progress: Decimal | None
    is_illustrative: bool


@dataclass
class ProjectRow:
    code: str
    name: str
    sector_code: str
    sector_name: str
    priority: str
    priority_label: str
    lead_agency: str
    reported: ProjectReport | None  # the lead agency's line when it gave one, else the latest
    other_reports: int  # further accepted lines on the same project (coordinating agencies)
    earlier: EarlierReport | None
    location_precision: str
    location_precision_label: str
    is_illustrative: bool  # the project's or the cycle's values are demonstration values
    geometry: object = None  # shapely, WGS 84
    units: list[str] = field(default_factory=list)  # codes of the units valid on the deadline

    @property
    def location_approximate(self) -> bool:
        return self.location_precision != LocationPrecision.SURVEYED

    @property
    def status(self) -> str | None:
        """The status the map colours it by: as reported, else none (not reported)."""
        return self.reported.status if self.reported else None


@dataclass
class TaskReport:
    agency: Body
    progress: str
    progress_label: str
    text: str


@dataclass
class TaskRow:
    code: str
    section: str
    heading: str
    title: str
    lead_agency: str
    target_year: int | None
    assignment_inferred: bool
    reports: list[TaskReport] = field(default_factory=list)


@dataclass
class GroupRow:
    """One sector, agency or administrative unit: its projects and what the cycle reported."""

    code: str
    name: str
    projects: int = 0
    reported: int = 0
    average_progress: Decimal | None = None  # of the reported progress figures
    statuses: dict[str, int] = field(default_factory=dict)  # reported status label → projects
    illustrative: int = 0


@dataclass
class MapUnit:
    code: str
    name: str
    level: str
    geometry: object  # shapely, WGS 84
    valid_to: datetime.date | None = None  # a unit drawn after it ended says so


@dataclass
class Totals:
    agencies: int
    by_status: dict[str, int]  # submission status → submissions
    handed_in: int
    accepted: int
    late: int
    submitted_late: int
    projects: int
    projects_reported: int
    average_progress: Decimal | None
    tasks: int
    tasks_reported: int
    task_lines: dict[str, int]  # progress → lines


@dataclass
class AnnualReport:
    year: int
    deadline: datetime.date
    is_open: bool
    is_illustrative: bool
    issued_on: datetime.date | None  # the day the cycle closed; None while it is open
    issuer: Body  # the cycle's consolidating agency
    issuer_abbreviation: str  # for the document number, "…/BC-<abbreviation>"
    governing_body: Body | None  # the provincial People's Committee in force
    place: str
    generated_on: datetime.date
    submissions: list[SubmissionRow]
    projects: list[ProjectRow]
    tasks: list[TaskRow]
    sectors: list[GroupRow]
    agencies: list[GroupRow]
    units: list[GroupRow]
    outside_units: int  # projects in no unit valid on the deadline
    map_units: list[MapUnit]
    totals: Totals
    status_labels: dict[str, str]  # project status → Vietnamese label, in the codelist's order
    task_progress_labels: dict[str, str]
    submission_status_labels: dict[str, str]

    def priority_projects(self, horizon: str) -> list[ProjectRow]:
        return [p for p in self.projects if p.priority == horizon]


def abbreviation(agency: Agency) -> str:
    """The issuing body's abbreviation for the document number (Decree 30/2020, appendix VI):
    from its short name, acronyms kept whole and other words by their first letter
    ("Sở KH&ĐT" → "SKHĐT", "Sở TC Gia Lai" → "STCGL")."""
    letters = []
    for word in (agency.short_name or agency.name).split():
        word = "".join(c for c in word if c.isalnum())
        if not word:
            continue
        letters.append(word.upper() if word.isupper() else word[0].upper())
    return "".join(letters) or agency.code


def _governing_body(day: datetime.date) -> Agency | None:
    """The provincial People's Committee in force on `day`, over the consolidating department
    (the header's first line); None when there is not exactly one."""
    committees = list(
        Agency.objects.valid_on(day).filter(kind=Agency.Kind.PROVINCIAL_COMMITTEE)[:2]
    )
    return committees[0] if len(committees) == 1 else None


def _place(committee: Agency | None, issuer: Agency) -> str:
    """The place name of the date line: the province the governing committee governs."""
    for agency in (committee, issuer):
        if agency is None:
            continue
        lowered = agency.name.lower()
        for word in (" tỉnh ", " thành phố "):
            if word in f" {lowered}":
                start = f" {lowered}".index(word) + len(word) - 1
                return agency.name[start:].strip()
    return ""


def agency_lineages() -> dict[int, set[int]]:
    """Each agency's id with the ids of every body it took over (transitively)."""
    successor = dict(Agency.objects.values_list("pk", "succeeded_by_id"))
    lineage = defaultdict(set)
    for pk in successor:
        seen, current = set(), pk
        while current is not None and current not in seen:
            seen.add(current)
            lineage[current].add(pk)
            current = successor.get(current)
    return lineage


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def gather(cycle: ReportingCycle, *, today: datetime.date | None = None) -> AnnualReport:
    """The report of `cycle` as plain values, in Vietnamese."""
    with translation.override(LANGUAGE):
        return _gather(cycle, today or timezone.localdate())


def _gather(cycle: ReportingCycle, today: datetime.date) -> AnnualReport:
    issuer = cycle.consolidating_agency
    issued_on = _day(cycle.closed_at)
    committee = _governing_body(issued_on or cycle.deadline)
    status_labels = _labels(Status.choices)
    task_labels = _labels(TaskProgress.choices)
    submission_labels = _labels(SubmissionStatus.choices)
    lineage = agency_lineages()
    judged_on = issued_on or today  # lateness as it stood when the cycle closed, or now

    submissions = list(cycle.submissions.select_related("agency").order_by("agency__code"))
    accepted_ids = {s.pk for s in submissions if s.status == SubmissionStatus.ACCEPTED}
    project_lines = list(
        SubmissionProject.objects.filter(submission_id__in=accepted_ids)
        .select_related("submission__agency")
        .order_by("-submission__submitted_at", "submission__agency__code")
    )
    task_lines = list(
        SubmissionTask.objects.filter(submission_id__in=accepted_ids)
        .select_related("submission__agency")
        .order_by("submission__agency__code")
    )

    rows = []
    for s in submissions:
        own = [line for line in project_lines if line.submission_id == s.pk]
        tasks = Counter(line.progress for line in task_lines if line.submission_id == s.pk)
        rows.append(SubmissionRow(
            agency=Body.of(s.agency), status=s.status, status_label=submission_labels[s.status],
            submitted_on=_day(s.submitted_at), reviewed_on=_day(s.reviewed_at),
            submitted_late=s.submitted_late, late=s.is_late(judged_on),
            projects_reported=len(own), average_progress=_average(x.progress_pct for x in own),
            tasks={k: tasks[k] for k in TaskProgress.values if tasks[k]},
            difficulties=s.difficulties.strip() if s.pk in accepted_ids else "",
            proposals=s.proposals.strip() if s.pk in accepted_ids else "",
        ))  # fmt: skip

    by_project = defaultdict(list)
    for line in project_lines:
        by_project[line.project_id].append(line)
    earlier = {
        r.project_id: r
        for r in ProgressReport.objects.filter(report_date__lte=cycle.deadline)
        .order_by("project_id", "-report_date")
        .distinct("project_id")
    }
    projects = list(
        Project.objects.select_related("sector", "lead_agency").order_by(
            "priority", "sector__sort_order", "sector__code", "code"
        )
    )
    unit_rows, outside, units_of = _units(cycle.units_day, projects)
    priority_labels = _labels(Priority.choices)
    precision_labels = _labels(LocationPrecision.choices)
    project_rows = []
    for p in projects:
        lines = by_project.get(p.pk, [])
        lead = [x for x in lines if p.lead_agency_id in lineage[x.submission.agency_id]]
        chosen = (lead or lines or [None])[0]
        before = earlier.get(p.pk) if chosen is None else None
        project_rows.append(ProjectRow(
            code=p.code, name=p.name, sector_code=p.sector.code, sector_name=p.sector.name,
            priority=p.priority, priority_label=priority_labels.get(p.priority, p.priority),
            lead_agency=p.lead_agency.name,
            reported=ProjectReport(
                Body.of(chosen.submission.agency), chosen.status, status_labels[chosen.status],
                chosen.progress_pct, chosen.note.strip(),
            ) if chosen else None,
            other_reports=max(0, len(lines) - 1),
            earlier=EarlierReport(
                before.report_date, before.status, status_labels[before.status],
                before.progress_pct, before.is_illustrative,
            ) if before else None,
            location_precision=p.location_precision,
            location_precision_label=precision_labels[p.location_precision],
            is_illustrative=p.is_illustrative or (cycle.is_illustrative and chosen is not None),
            geometry=shapely.from_wkb(bytes(p.geom.wkb)),
            units=units_of.get(p.pk, []),
        ))  # fmt: skip

    by_task = defaultdict(list)
    for line in task_lines:
        by_task[line.task_id].append(line)
    task_rows = [
        TaskRow(
            code=t.code,
            section=t.section,
            heading=t.heading_vi,
            title=t.title_vi,
            lead_agency=t.lead_agency.name if t.lead_agency else "",
            target_year=t.target_year,
            assignment_inferred=t.assignment_inferred,
            reports=[
                TaskReport(
                    Body.of(x.submission.agency),
                    x.progress,
                    task_labels[x.progress],
                    x.text.strip(),
                )
                for x in by_task.get(t.pk, [])
            ],
        )  # fmt: skip
        for t in PlanTask.objects.select_related("lead_agency").order_by("sort_order", "code")
    ]

    sectors = _groups(project_rows, lambda p: [(p.sector_code, p.sector_name)])
    agencies = _groups(project_rows, lambda p: [(p.reported.agency.code, p.reported.agency.name)]
                       if p.reported else [])  # fmt: skip
    by_code = {p.code: p for p in project_rows}
    units = [
        (_groups([by_code[c] for c in codes], lambda p, k=(code, name): [k])
         or [GroupRow(code, name)])[0]
        for code, name, codes in unit_rows
    ]  # fmt: skip
    reported = [p for p in project_rows if p.reported]
    all_task_lines = Counter(line.progress for line in task_lines)
    totals = Totals(
        agencies=len(rows),
        by_status={k: sum(1 for r in rows if r.status == k) for k in SubmissionStatus.values},
        handed_in=sum(1 for r in rows if r.status in HANDED_IN_STATUSES),
        accepted=len(accepted_ids),
        late=sum(1 for r in rows if r.late),
        submitted_late=sum(1 for r in rows if r.submitted_late),
        projects=len(project_rows),
        projects_reported=len(reported),
        average_progress=_average(p.reported.progress for p in reported),
        tasks=len(task_rows),
        tasks_reported=sum(1 for t in task_rows if t.reports),
        task_lines={k: all_task_lines[k] for k in TaskProgress.values},
    )
    return AnnualReport(
        year=cycle.year, deadline=cycle.deadline, is_open=cycle.is_open,
        is_illustrative=cycle.is_illustrative, issued_on=issued_on, issuer=Body.of(issuer),
        issuer_abbreviation=abbreviation(issuer),
        governing_body=Body.of(committee) if committee else None,
        place=_place(committee, issuer), generated_on=today, submissions=rows,
        projects=project_rows, tasks=task_rows, sectors=sectors, agencies=agencies,
        units=units, outside_units=outside,
        map_units=_map_units(cycle.units_day), totals=totals, status_labels=status_labels,
        task_progress_labels=task_labels, submission_status_labels=submission_labels,
    )  # fmt: skip


def _groups(rows: list[ProjectRow], keys) -> list[GroupRow]:
    """Rows grouped by `keys(row)` (a list of (code, name)), in first-seen order."""
    groups: dict[str, GroupRow] = {}
    progress = defaultdict(list)
    for row in rows:
        for code, name in keys(row):
            group = groups.setdefault(code, GroupRow(code, name))
            group.projects += 1
            group.illustrative += row.is_illustrative
            if row.reported:
                group.reported += 1
                label = row.reported.status_label
                group.statuses[label] = group.statuses.get(label, 0) + 1
                progress[code].append(row.reported.progress)
    for code, group in groups.items():
        group.average_progress = _average(progress[code])
    return list(groups.values())


def _valid_units(day: datetime.date):
    return AdminUnit.objects.valid_on(day).exclude(geom=None)


def _units(day: datetime.date, projects: list[Project]):
    """The units below the province valid on `day`, each with the codes of the projects whose
    geometry meets it (the links actions.assign_admin_units keeps for every period; one
    query); the number of projects in none; each project's units."""
    linked = Project.objects.filter(admin_units=OuterRef("pk")).order_by("code")
    units = (
        _valid_units(day)
        .below_province()
        .annotate(codes=ArraySubquery(linked.values("code")))
        .order_by("code")
        .values("code", "name", "codes")
    )
    groups, units_of = [], defaultdict(list)
    by_code = {p.code: p.pk for p in projects}
    for unit in units:
        codes = [c for c in unit["codes"] if c in by_code]
        groups.append((unit["code"], unit["name"], codes))
        for code in codes:
            units_of[by_code[code]].append(unit["code"])
    outside = sum(1 for p in projects if not units_of.get(p.pk))
    return groups, outside, units_of


def _map_units(day: datetime.date) -> list[MapUnit]:
    """What the map of `day` draws, as the map pages do (AdminUnitQuerySet.drawn_on)."""
    return [
        MapUnit(u.code, u.name, u.level, shapely.from_wkb(bytes(u.geom.wkb)), u.valid_to)
        for u in AdminUnit.objects.drawn_on(day).order_by("level", "code")
    ]
