"""The planners' dashboard figures (docs/dashboard.md), computed in one place.

Every function takes a queryset of projects, normally `queries.select(user, query)`, so the
dashboard sees exactly what the planner map shows for the same filters. Figures are ORM
aggregates: the number of queries does not grow with the number of projects.

- `breakdown(projects, by)`: per sector, status, lead agency or administrative unit, the number
  of projects, the average physical progress of those that give one, and the total investment
  of those whose investment is known (with how many that is).
- `behind_schedule(projects, today)`: projects whose planned end has passed while they are not
  finished, or whose reported progress lies below the straight line from 0 % at the planned
  start to 100 % at the planned end (a project with no progress figure is judged only on its
  planned end).
- `progress_over_time(projects, interval)`: per quarter or year, the average of each project's
  latest progress report dated in that period.
- `submissions_per_cycle(today)`: per reporting cycle, its agencies' submissions by status and
  how many are late (not about projects, so it takes no selection).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncQuarter, TruncYear
from django.utils import timezone

from projects.models import (
    FINISHED_STATUSES,
    HANDED_IN_STATUSES,
    AdminUnit,
    ProgressReport,
    Project,
    ReportingCycle,
    Status,
    Submission,
    SubmissionStatus,
    _in_language,
)

BREAKDOWNS = ("sector", "status", "lead_agency", "admin_unit")
INTERVALS = ("quarter", "year")
# Not judged against a schedule: finished works, and works that will not be built.
NOT_SCHEDULED = {*FINISHED_STATUSES, Status.CANCELLED}


def _one_decimal(value) -> Decimal | None:
    """Averages as the page prints them: one decimal, half up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One group of a breakdown."""

    key: str
    label: str
    count: int
    with_progress: int  # projects that give a physical progress
    average_progress: Decimal | None
    with_capital: int  # projects whose total investment is known
    capital_vnd: Decimal | None
    illustrative: int  # projects in the group flagged as demonstration values

    def __post_init__(self):
        self.average_progress = _one_decimal(self.average_progress)


@dataclass
class Totals:
    count: int
    with_progress: int
    average_progress: Decimal | None
    with_capital: int
    capital_vnd: Decimal | None
    illustrative: int
    undated: int  # projects with no planned start or no planned end

    def __post_init__(self):
        self.average_progress = _one_decimal(self.average_progress)


@dataclass
class Behind:
    project: Project
    expected_pct: Decimal | None  # where the straight line says it should be today
    progress_pct: Decimal | None
    gap_points: Decimal | None  # expected − reported, in percentage points
    days_overdue: int | None  # days since the planned end, when it has passed


@dataclass
class Point:
    period: datetime.date  # first day of the quarter or year
    label: str
    average_progress: Decimal
    projects: int
    illustrative: int

    def __post_init__(self):
        self.average_progress = _one_decimal(self.average_progress)


def _plain(projects):
    """The selection as a plain queryset of projects: no ranking, ordering or joins, so that
    grouping and aggregates apply to the projects themselves."""
    return Project.objects.filter(pk__in=Subquery(projects.order_by().values("pk")))


def _figures(prefix: str = "") -> dict:
    return {
        "count": Count(f"{prefix}pk", distinct=True),
        "with_progress": Count(f"{prefix}progress_pct"),
        "average_progress": Avg(f"{prefix}progress_pct"),
        "with_capital": Count(f"{prefix}total_investment_vnd"),
        "capital_vnd": Sum(f"{prefix}total_investment_vnd"),
        "illustrative": Count(f"{prefix}pk", filter=Q(**{f"{prefix}is_illustrative": True})),
    }


def totals(projects) -> Totals:
    base = _plain(projects)
    figures = base.aggregate(
        **_figures(),
        undated=Count("pk", filter=Q(planned_start__isnull=True) | Q(planned_end__isnull=True)),
    )
    return Totals(**figures)


def _language_name(row: dict, prefix: str) -> str:
    return _in_language(row[f"{prefix}name"], row[f"{prefix}name_en"])


def breakdown(projects, by: str, *, day: datetime.date | None = None) -> list[Row]:
    """Groups of the selection by `by` (one of BREAKDOWNS), largest first.

    By administrative unit: the units valid on `day` (today by default) below the province; a
    project touching several units counts in each, so the counts may add up to more than the
    selection."""
    base = _plain(projects)
    if by == "status":
        labels = dict(Status.choices)
        rows = base.values("status").annotate(**_figures()).order_by()
        found = [
            Row(key=r["status"], label=str(labels.get(r["status"], r["status"])),
                **{k: r[k] for k in _figures()})
            for r in rows
        ]  # fmt: skip
        order = list(labels)
        return sorted(found, key=lambda row: order.index(row.key) if row.key in order else 99)
    if by == "sector":
        fields, prefix, order = ("sector__code", "sector__name", "sector__name_en"), "sector__", (
            "sector__sort_order", "sector__code")  # fmt: skip
        rows = base.values(*fields, *order).annotate(**_figures()).order_by(*order)
        return [Row(key=r["sector__code"], label=_language_name(r, prefix),
                    **{k: r[k] for k in _figures()}) for r in rows]  # fmt: skip
    if by == "lead_agency":
        fields = ("lead_agency__code", "lead_agency__name", "lead_agency__name_en")
        rows = base.values(*fields).annotate(**_figures()).order_by("-count", "lead_agency__name")
        return [Row(key=r["lead_agency__code"], label=_language_name(r, "lead_agency__"),
                    **{k: r[k] for k in _figures()}) for r in rows]  # fmt: skip
    if by == "admin_unit":
        units = (
            AdminUnit.objects.valid_on(day or datetime.date.today())
            .exclude(level=AdminUnit.Level.PROVINCE)
            .filter(projects__in=base)
            .values("code", "name", "name_en")
            .annotate(**_figures("projects__"))
            .order_by("-count", "code")
        )
        return [Row(key=r["code"], label=_language_name(r, ""),
                    **{k: r[k] for k in _figures()}) for r in units]  # fmt: skip
    raise ValueError(f"unknown breakdown {by!r}")


def outside_units(projects, *, day: datetime.date | None = None) -> int:
    """Projects of the selection in no unit valid on `day` (say so under the unit table)."""
    units = AdminUnit.objects.valid_on(day or datetime.date.today()).exclude(
        level=AdminUnit.Level.PROVINCE
    )
    return _plain(projects).exclude(admin_units__in=units).count()


def unmapped_units(*, day: datetime.date | None = None) -> int:
    """Units valid on `day` that have no boundary (known by code and name only, as the
    communes since 2025 are until their boundaries are loaded): no project can be in them."""
    units = AdminUnit.objects.valid_on(day or datetime.date.today()).below_province()
    return units.filter(geom__isnull=True).count()


def expected_pct(day, start, end) -> Decimal | None:
    """The straight line: 0 % at the planned start, 100 % at the planned end (None when the
    dates do not make a line). Before the start it is 0 %, after the end 100 %."""
    if start is None or end is None or end <= start:
        return None
    share = (day - start).days / (end - start).days
    return _one_decimal(Decimal(100 * max(0.0, min(1.0, share))))


def judge(project, today: datetime.date) -> Behind | None:
    """Whether one project (its fields already loaded) is behind schedule on `today`."""
    if project.status in NOT_SCHEDULED or project.planned_end is None:
        return None
    progress = project.progress_pct
    expected = expected_pct(today, project.planned_start, project.planned_end)
    if project.planned_end < today:  # overdue, whatever its progress (known or not)
        gap = None if progress is None else Decimal(100) - progress
        return Behind(project, Decimal(100), progress, gap, (today - project.planned_end).days)
    # Below the line: only with a progress figure. A missing one is not 0 %: counting it so
    # would invent a number (and put most of the demo projects behind).
    if expected is None or expected == 0 or progress is None:
        return None
    if progress < expected:
        return Behind(project, expected, progress, expected - progress, None)
    return None


def behind_schedule(projects, today: datetime.date | None = None) -> list[Behind]:
    """The selection's projects behind schedule on `today`: overdue ones first (longest
    overdue first), then by how far below the line they are. One query."""
    today = today or datetime.date.today()
    candidates = (
        _plain(projects)
        .exclude(status__in=NOT_SCHEDULED)
        .filter(planned_end__isnull=False)
        .filter(Q(planned_end__lt=today) | Q(planned_start__lt=today))
        .select_related("lead_agency", "sector")
        .defer("geom", "description", "description_en", "location_note", "location_note_en")
    )
    found = [b for b in (judge(p, today) for p in candidates) if b is not None]
    return sorted(
        found,
        key=lambda b: (b.days_overdue is None, -(b.days_overdue or 0), -(b.gap_points or 0),
                       b.project.code),
    )  # fmt: skip


def period_label(day: datetime.date, interval: str) -> str:
    if interval == "year":
        return str(day.year)
    return f"Q{(day.month - 1) // 3 + 1}/{day.year}"


def progress_over_time(projects, interval: str = "quarter") -> list[Point]:
    """Per quarter (or year), the average of the physical progress in each project's latest
    report dated in that period (reports without a percentage are left out), oldest first.
    A project weighs once per period however often it reported."""
    trunc = TruncYear if interval == "year" else TruncQuarter
    reports = ProgressReport.objects.filter(
        project__in=_plain(projects), progress_pct__isnull=False
    ).annotate(period=trunc("report_date"))
    later_in_period = reports.filter(
        project=OuterRef("project"), report_date__gt=OuterRef("report_date"),
        period=OuterRef("period"),
    )  # fmt: skip
    rows = (
        reports.filter(~Exists(later_in_period))
        .values("period")
        .annotate(
            average_progress=Avg("progress_pct"),
            projects=Count("project_id", distinct=True),
            illustrative=Count("pk", filter=Q(is_illustrative=True)),
        )
        .order_by("period")
    )
    return [
        Point(
            period=r["period"],
            label=period_label(r["period"], interval),
            average_progress=r["average_progress"],
            projects=r["projects"],
            illustrative=r["illustrative"],
        )
        for r in rows
    ]


# ---- reporting cycles ----------------------------------------------------------------------------

# The order the chart stacks the statuses in: handed in first, then what the agency still owes.
SUBMISSION_ORDER = (SubmissionStatus.ACCEPTED, SubmissionStatus.SUBMITTED,
                    SubmissionStatus.RETURNED, SubmissionStatus.DRAFT,
                    SubmissionStatus.NOT_STARTED)  # fmt: skip


@dataclass
class CycleSubmissions:
    """One reporting cycle's submissions, counted by status."""

    cycle: ReportingCycle
    counts: dict[str, int]  # every SubmissionStatus value, zero included
    late: int  # deadline passed and not handed in (Submission.is_late)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def handed_in(self) -> int:
        return sum(self.counts[status] for status in HANDED_IN_STATUSES)


def submissions_per_cycle(today: datetime.date | None = None) -> list[CycleSubmissions]:
    """Every reporting cycle, oldest first, with its submissions by status and the number that
    are late on `today` (the same rule as Submission.is_late). Two queries."""
    today = today or timezone.localdate()
    found = {
        cycle.pk: CycleSubmissions(cycle, dict.fromkeys(SubmissionStatus.values, 0), 0)
        for cycle in ReportingCycle.objects.select_related("consolidating_agency").order_by("year")
    }
    grouped = (
        Submission.objects.order_by()
        .values("cycle_id", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(cycle__deadline__lt=today)))
    )
    for row in grouped:
        entry = found[row["cycle_id"]]
        entry.counts[row["status"]] = row["n"]
        if row["status"] not in HANDED_IN_STATUSES:
            entry.late += row["late"]
    return list(found.values())
