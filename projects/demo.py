"""Loads the demo data under data/shapefiles/ (see its SOURCE.md) through the import pipeline.

Into an empty database only: when any administrative unit, agency or project exists, it loads
nothing and says so, so a restart (`make run` loads it every time) never overwrites, reverts or
republishes what people edited. Agencies, projects, their coordinating agencies and progress
reports are written through projects.actions (door "demo"), like every other change: the
projects by the import pipeline (projects.imports, recorded as one import batch), the
boundaries and reports read by its steps.
Everything happens in one transaction: a bad row aborts the whole load with a message naming
the file, the row and the problem.

The plan's tasks (data/plan/tasks.json, a transcription of the plan rather than demo values)
are loaded with the demo, and into a database filled before they existed: `load_plan_tasks`
creates the tasks that are missing and leaves the others as people edited them.
"""

import csv
import datetime
import json
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation

from projects import actions, imports, unit_imports
from projects.models import PLAN_DATE, REFORM_DATE, AdminUnit, Agency, Door, PlanTask, Project

ADMIN_UNITS_FILE = "admin_units_vn2000.shp"
AGENCIES_FILE = "agencies.csv"
PROJECTS_FILE = "projects.gpkg"
# The plan's tasks are a transcription of the plan, not demo values: they live apart from the
# demo files and are loaded into any database that lacks them (docs/plan-tasks.md).
PLAN_TASKS_FILE = Path(settings.BASE_DIR) / "data" / "plan" / "tasks.json"


class DemoDataError(Exception):
    """A demo data file is missing or one of its rows cannot be loaded."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped: str = ""  # why nothing was loaded
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    def lines(self) -> list[str]:
        if self.skipped:
            return [self.skipped, *self.notes]
        return [f"{kind}: {n} created" for kind, n in sorted(self.created.items())] + self.notes


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _date(value) -> datetime.date | None:
    text = _text(value)
    return datetime.date.fromisoformat(text[:10]) if text else None


def _decimal(value) -> Decimal | None:
    text = _text(value)
    return Decimal(text) if text else None


def _list(value) -> list[str]:
    return [item.strip() for item in _text(value).split(";") if item.strip()]


def _read(path: Path, layer: str | None = None) -> imports.Source:
    """The file read and its text decoded by the import pipeline's own steps (English
    messages: the loader's are)."""
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    try:
        source = imports.read(path, layer=layer)
        imports.decode(source)
    except imports.ImportRefused as exc:
        raise DemoDataError(str(exc)) from exc
    return source


def load_admin_units(path: Path, report: LoadReport) -> None:
    """The province and its former districts, imported like any file of units
    (projects.unit_imports: the pipeline's read, decode, CRS and gate steps); then the units
    in force since the 2025 reform from the official list (codes and names, no boundary:
    docs/admin-units.md)."""
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    with translation.override("en"):
        try:
            imported = unit_imports.import_units(path)
            official = unit_imports.load_official()
        except imports.ImportRefused as exc:
            raise DemoDataError(f"{path.name}: {exc}") from exc
    report.count("administrative units", len(imported.of(imports.CREATED)))
    report.count("administrative units since 2025", len(official.of(imports.CREATED)))


def load_agencies(path: Path, report: LoadReport) -> None:
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units = {u.code: u for u in AdminUnit.objects.valid_on(PLAN_DATE)}
    # Successors first, so that every succeeded_by points at a saved row.
    pending = {row["code"]: row for row in rows}
    agencies: dict[str, Agency] = {}
    while pending:
        ready = [
            r
            for r in pending.values()
            if not r["succeeded_by"]
            or r["succeeded_by"] in agencies
            and r["succeeded_by"] not in pending
        ]
        if not ready:
            raise DemoDataError(f"{path.name}: succession cycle among {sorted(pending)}.")
        for row in ready:
            del pending[row["code"]]
            agency = Agency(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                short_name=row["short_name"],
                kind=row["kind"],
                admin_unit=units.get(row["admin_unit"]),
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
                succeeded_by=agencies.get(row["succeeded_by"]),
                note=row["note"],
            )
            with _reported(path, row["code"]):
                actions.create_agency(agency, door=Door.DEMO)
            agencies[agency.code] = agency
            report.count("agencies")


def _clean(instance, path: Path, key: str) -> None:
    with _reported(path, key):
        instance.full_clean()


@contextmanager
def _reported(path: Path, key: str):
    """A validation error becomes a DemoDataError naming the file and the row."""
    try:
        yield
    except ValidationError as exc:
        raise DemoDataError(f"{path.name}, {key}: {'; '.join(exc.messages)}") from exc


def load_projects(path: Path, report: LoadReport) -> list[str]:
    """Import the projects through the import pipeline (projects.imports: the file's columns
    carry the project's property names, so it needs no mapping) as drafts, recorded as one
    import batch; then what a file of projects cannot say through the named actions: the
    coordinating agencies and OC4IDS sectors. Returns the codes the file marks as published
    (they are published once their progress reports are in, so the published version is the
    whole)."""
    with translation.override("en"):
        try:
            imported = imports.import_file(path, layer="projects", door=Door.DEMO)
        except imports.ImportRefused as exc:
            raise DemoDataError(f"{path.name}: {exc}") from exc
    report.count("projects", imported.counts[imports.CREATED])
    source = _read(path, layer="projects")
    agencies = Agency.objects.in_bulk(field_name="code")
    projects = Project.objects.in_bulk(field_name="code")
    to_publish = []
    for record in source.records:
        code = record["code"]
        if record["is_published"]:
            to_publish.append(code)
        pairs = [tuple(item.split(":", 1)) for item in _list(record["agencies"])]
        unknown = [agency for agency, _role in pairs if agency not in agencies]
        if unknown:
            raise DemoDataError(f"{path.name}, {code}: unknown agencies {unknown}.")
        participations = [(agencies[agency], role) for agency, role in pairs]
        sectors = _list(record["oc4ids_sectors"])
        project = projects[code]
        if not participations and not sectors:
            continue
        with _reported(path, code):
            actions.update_project(
                project,
                {"oc4ids_sectors": sectors},
                participations=participations,
                expected_version=project.version,
                door=Door.DEMO,
            )
        report.count("coordinating agencies", len(participations))
    return to_publish


def publish_projects(codes: list[str]) -> None:
    for project in Project.objects.filter(code__in=codes):
        actions.publish(project, expected_version=project.version, door=Door.DEMO)


def load_progress_reports(path: Path, report: LoadReport) -> None:
    source = _read(path, layer="progress_reports")
    projects = Project.objects.in_bulk(field_name="code")
    agencies = Agency.objects.in_bulk(field_name="code")
    for row in source.records:
        if row["project"] not in projects:
            raise DemoDataError(f"{path.name}: report for unknown project {row['project']!r}.")
        project = projects[row["project"]]
        with _reported(path, f"{row['project']} {_date(row['report_date'])}"):
            actions.record_progress(
                project,
                report_date=_date(row["report_date"]),
                status=row["status"],
                progress_pct=_decimal(row["progress_pct"]),
                note=_text(row["note"]),
                reporting_agency=agencies.get(_text(row["reporting_agency"])),
                is_illustrative=bool(row["is_illustrative"]),
                expected_version=project.version,
                door=Door.DEMO,
            )
        report.count("progress reports")


def _plan_task(row: dict, agencies: dict, projects: dict, path: Path):
    code = row.get("code", "?")
    named = [row["lead_agency"]] if row.get("lead_agency") else []
    named += [item["agency"] for item in row["agencies"]]
    unknown = [c for c in named if c not in agencies]
    if unknown:
        raise DemoDataError(f"{path.name}, {code}: unknown agencies {unknown}.")
    missing = [c for c in row["projects"] if c not in projects]
    if missing:
        raise DemoDataError(f"{path.name}, {code}: unknown projects {missing}.")
    texts = {
        name: unicodedata.normalize("NFC", row[name])
        for name in ("heading_vi", "heading_en", "title_vi", "title_en", "text_vi", "summary_en")
    }
    task = PlanTask(
        code=code,
        section=row["section"],
        lead_agency=agencies.get(row.get("lead_agency")),
        target_year=row["target_year"],
        assignment_inferred=row["assignment_inferred"],
        sort_order=row["sort_order"],
        **texts,
    )
    pairs = [(agencies[item["agency"]], item["role"]) for item in row["agencies"]]
    return task, pairs, [projects[c] for c in row["projects"]]


def load_plan_tasks(path: Path = PLAN_TASKS_FILE, report: LoadReport | None = None) -> int:
    """Create the plan's tasks the database lacks, from the transcription in `path`, through
    the write path (door "demo"). Tasks already there are left as they are, edits included,
    so running it again changes nothing. Returns how many were created."""
    if not path.exists():
        raise DemoDataError(f"{path} is missing.")
    rows = json.loads(path.read_text(encoding="utf-8"))["tasks"]
    existing = set(PlanTask.objects.values_list("code", flat=True))
    agencies = Agency.objects.in_bulk(field_name="code")
    projects = Project.objects.in_bulk(field_name="code")
    created = 0
    with transaction.atomic():
        for row in rows:
            if row["code"] in existing:
                continue
            task, pairs, linked = _plan_task(row, agencies, projects, path)
            with _reported(path, task.code):
                actions.create_plan_task(task, agencies=pairs, projects=linked, door=Door.DEMO)
            created += 1
    if report is not None and created:
        report.count("plan tasks", created)
    return created


def existing_data() -> dict[str, int]:
    """What the database already holds of what the demo would load."""
    counts = {
        "administrative units": AdminUnit.objects.count(),
        "agencies": Agency.objects.count(),
        "projects": Project.objects.count(),
    }
    return {kind: n for kind, n in counts.items() if n}


@transaction.atomic
def load_demo_data(directory: Path | None = None) -> LoadReport:
    directory = Path(directory or settings.DEMO_DATA_DIR)
    report = LoadReport()
    existing = existing_data()
    if existing:
        held = ", ".join(f"{n} {kind}" for kind, n in existing.items())
        report.skipped = (
            f"Demo data not loaded: the database already holds data ({held}). The demo loads "
            "only into an empty database, so nothing was changed."
        )
        _add_missing_plan_tasks(report)
        _add_missing_reporting_cycles(report)
        _add_missing_reformed_units(report)
        return report
    load_admin_units(directory / ADMIN_UNITS_FILE, report)
    load_agencies(directory / AGENCIES_FILE, report)
    to_publish = load_projects(directory / PROJECTS_FILE, report)
    load_progress_reports(directory / PROJECTS_FILE, report)
    load_plan_tasks(report=report)
    # Before publishing: accepting a report writes a new version of its projects, which
    # would otherwise wait for review as a change since publication.
    load_reporting_cycles(report)
    publish_projects(to_publish)
    return report


def _add_missing_reformed_units(report: LoadReport) -> None:
    """A database holding the plan's province but no unit in force since the 2025 reform gets
    the official ones (codes and names, no boundary); one that has any is left as it is."""
    if AdminUnit.objects.plan_province() is None:
        return
    if AdminUnit.objects.valid_on(REFORM_DATE).exists():
        return
    with translation.override("en"):
        official = unit_imports.load_official()
    report.notes.append(
        f"Administrative units since 2025: {len(official.of(imports.CREATED))} created from "
        "the official list (they were missing)."
    )


def _add_missing_plan_tasks(report: LoadReport) -> None:
    """A database filled before the plan's tasks existed gets them too, unless it lacks an
    agency or a project they name (people may have removed one): then it says so, and a
    restart still succeeds."""
    try:
        with transaction.atomic():
            created = load_plan_tasks()
    except DemoDataError as exc:
        report.notes.append(f"Plan tasks not loaded: {exc}")
        return
    if created:
        report.notes.append(f"Plan tasks: {created} created (they were missing).")


# ---- yearly reporting cycles (docs/reporting.md) -----------------------------------------------

DEMO_NOTE = "(Minh họa) "  # every demo text says it is illustrative, in the UI's language


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _demo_lines(submission, day: datetime.date) -> dict:
    """Each project's latest known progress on `day`, as the agency would have repeated it
    (so accepting the report adds a point to the time series without changing the story)."""
    from projects import access
    from projects.models import ProgressReport

    lines = {}
    for project in access.submission_projects(submission):
        latest = (
            ProgressReport.objects.filter(project=project, report_date__lte=day)
            .order_by("-report_date")
            .first()
        )
        if latest is not None and latest.report_date != day:  # the files' report stays as it is
            lines[project.pk] = {"status": latest.status, "progress_pct": latest.progress_pct,
                                 "note": DEMO_NOTE + "Theo báo cáo gần nhất."}  # fmt: skip
    return lines


def _demo_tasks(submission, n: int) -> dict:
    from projects import access

    states = ["on_track", "behind", "done", "on_track", "blocked"]
    texts = {"on_track": "Đang triển khai theo kế hoạch.", "done": "Đã hoàn thành.",
             "behind": "Chậm so với kế hoạch do vướng giải phóng mặt bằng.",
             "blocked": "Chưa triển khai được do chưa bố trí vốn."}  # fmt: skip
    lines = {}
    for i, task in enumerate(access.submission_tasks(submission)):
        state = states[(n + i) % len(states)]
        lines[task.pk] = {"progress": state, "text": DEMO_NOTE + texts[state]}
    return lines


def _fill(submission, day: datetime.date, n: int) -> None:
    actions.save_submission(
        submission,
        expected_version=submission.version,
        difficulties=DEMO_NOTE + "Vướng mắc giải phóng mặt bằng; vốn bố trí chưa kịp thời.",
        proposals=DEMO_NOTE + "Đề nghị bố trí vốn đầu tư công trung hạn cho các dự án trọng điểm.",
        projects=_demo_lines(submission, day),
        tasks=_demo_tasks(submission, n),
        door=Door.DEMO,
    )


def load_reporting_cycles(report: LoadReport | None = None) -> int:
    """One completed cycle (2024, every submission accepted, consolidated by the planning
    department) and one open cycle (2025, consolidated by the Department of Finance that took
    its role over), every value illustrative. Loads nothing when any cycle exists."""
    from projects.models import ReportingCycle, SubmissionStatus

    if ReportingCycle.objects.exists():
        return 0
    agencies = Agency.objects.in_bulk(field_name="code")
    planning, finance = agencies.get("SKHDT"), agencies.get("GL-STC") or agencies.get("STC")
    if planning is None or finance is None:
        raise DemoDataError("The demo's reporting cycles need the agencies SKHDT and GL-STC.")
    done = actions.open_cycle(2024, planning, is_illustrative=True, door=Door.DEMO,
                              comment="Demo: the 2024 cycle")  # fmt: skip
    for n, submission in enumerate(done.submissions.order_by("agency__code")):
        day = datetime.date(2024, 11, 25) + datetime.timedelta(days=n % 14)
        _fill(submission, day, n)
        actions.submit_submission(submission, expected_version=submission.version,
                                  door=Door.DEMO, when=_at(day))  # fmt: skip
        reviewed = _at(day + datetime.timedelta(days=3))
        actions.accept_submission(submission, expected_version=submission.version,
                                  door=Door.DEMO, when=reviewed)  # fmt: skip
    actions.close_cycle(done, expected_version=done.version, door=Door.DEMO,
                        when=_at(datetime.date(2025, 1, 15)))  # fmt: skip
    current = actions.open_cycle(2025, finance, is_illustrative=True, door=Door.DEMO,
                                 comment="Demo: the 2025 cycle")  # fmt: skip
    # A mix: accepted, submitted (waiting for review), returned, draft, not started.
    plan = [SubmissionStatus.ACCEPTED, SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED,
            SubmissionStatus.DRAFT, SubmissionStatus.NOT_STARTED]  # fmt: skip
    for n, submission in enumerate(current.submissions.order_by("agency__code")):
        wanted = plan[n % len(plan)]
        if wanted == SubmissionStatus.NOT_STARTED:
            continue
        day = datetime.date(2025, 11, 20) + datetime.timedelta(days=n % 10)
        _fill(submission, day, n)
        if wanted == SubmissionStatus.DRAFT:
            continue
        actions.submit_submission(submission, expected_version=submission.version,
                                  door=Door.DEMO, when=_at(day))  # fmt: skip
        later = _at(day + datetime.timedelta(days=2))
        if wanted == SubmissionStatus.ACCEPTED:
            actions.accept_submission(submission, expected_version=submission.version,
                                      door=Door.DEMO, when=later)  # fmt: skip
        elif wanted == SubmissionStatus.RETURNED:
            actions.return_submission(
                submission, expected_version=submission.version, door=Door.DEMO, when=later,
                comment=DEMO_NOTE + "Đề nghị bổ sung tỷ lệ giải ngân của từng dự án.",
            )  # fmt: skip
    if report is not None:
        report.count("reporting cycles", 2)
    return 2


def _add_missing_reporting_cycles(report: LoadReport) -> None:
    """A demo database filled before the cycles existed gets the demo's, unless it has a cycle
    of its own, holds projects that are not illustrative (real data gets no made-up reports),
    or lacks an agency they need (then it says so, and a restart still succeeds). Projects
    that were published as they stood are published again after their accepted reports, so
    nothing waits for review that a person did not change."""
    if Project.objects.filter(is_illustrative=False).exists():
        return
    published = dict(
        Project.objects.filter(is_published=True, published_version=F("version")).values_list(
            "pk", "version"
        )
    )
    try:
        with transaction.atomic():
            created = load_reporting_cycles()
            changed = Project.objects.filter(pk__in=published).exclude(
                published_version=F("version")
            )
            for project in changed:
                actions.publish(project, expected_version=project.version, door=Door.DEMO,
                                comment="Demo: accepted yearly reports")  # fmt: skip
    except (DemoDataError, ValidationError) as exc:
        report.notes.append(f"Reporting cycles not loaded: {exc}")
        return
    if created:
        report.notes.append("Reporting cycles: the demo's 2024 and 2025 cycles were added.")
