"""The planners' dashboard (/dashboard/, docs/dashboard.md): the selection's figures by sector,
status, lead agency and administrative unit, the projects behind schedule and progress over
time, each chart drawn on the server (layers.charts) and followed by its table, each table
also as CSV (`?format=csv&table=…`).

The figures come from projects.dashboard over `queries.select(user, query)`, the planner map's
selection for the same filters; this view only reads the parameters and words the charts.
"""

import csv
import datetime
import io

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from geo.http import read_only
from layers.charts import Bar, Segment, Stack, bar_chart_svg, line_chart_svg, stacked_bar_chart_svg
from layers.forms import MapFilterForm
from layers.templatetags.mapformat import percent
from layers.views import MAP_FILTERS
from projects import access, dashboard, queries
from projects.exports import FORMULA_STARTS
from projects.models import SubmissionStatus
from projects.queries import Parameters

TABLES = (*dashboard.BREAKDOWNS, "behind", "progress", "submissions")
ILLUSTRATIVE_MARK = "*"


def _headings() -> dict[str, str]:
    return {
        "sector": _("Projects by sector"),
        "status": _("Projects by status"),
        "lead_agency": _("Projects by lead agency"),
        "admin_unit": _("Projects by administrative unit (units valid today)"),
    }


def _group_heading(by: str) -> str:
    return {
        "sector": _("Sector"),
        "status": _("Status"),
        "lead_agency": _("Lead agency"),
        "admin_unit": _("Administrative unit"),
    }[by]


def _breakdown_table(by: str, rows) -> dict:
    head = [_group_heading(by), _("Projects"), _("With progress"), _("Average progress"),
            _("With investment known"), _("Total investment (VND, where known)"),
            _("Illustrative")]  # fmt: skip
    body = [
        [row.label, row.count, row.with_progress,
         "" if row.average_progress is None else row.average_progress,
         row.with_capital, row.capital_vnd or "", row.illustrative]
        for row in rows
    ]  # fmt: skip
    return {"head": head, "rows": body}


def _behind_table(found) -> dict:
    head = [_("Code"), _("Project"), _("Lead agency"), _("Status"), _("Planned start"),
            _("Planned end"), _("Progress"), _("Expected by today"), _("Behind (points)"),
            _("Days past planned end"), _("Illustrative")]  # fmt: skip
    body = [
        [b.project.code, b.project.display_name, b.project.lead_agency.display_name,
         b.project.get_status_display(),
         f"{b.project.planned_start:%d/%m/%Y}" if b.project.planned_start else "",
         f"{b.project.planned_end:%d/%m/%Y}", "" if b.progress_pct is None else b.progress_pct,
         b.expected_pct, b.gap_points, "" if b.days_overdue is None else b.days_overdue,
         _("yes") if b.project.is_illustrative else ""]
        for b in found
    ]  # fmt: skip
    return {"head": head, "rows": body}


def _progress_table(points) -> dict:
    head = [_("Period"), _("Average reported progress"), _("Projects reporting"),
            _("Of them illustrative")]  # fmt: skip
    body = [[p.label, p.average_progress, p.projects, p.illustrative] for p in points]
    return {"head": head, "rows": body}


# Each status's colour in the submissions chart: ≥ 3:1 against white, told apart by the legend.
SUBMISSION_COLOURS = {
    SubmissionStatus.ACCEPTED: "#1b6e3a",
    SubmissionStatus.SUBMITTED: "#12436d",
    SubmissionStatus.RETURNED: "#b45309",
    SubmissionStatus.DRAFT: "#6b4fa0",
    SubmissionStatus.NOT_STARTED: "#7a828a",
}


def _submissions_table(cycles) -> dict:
    head = [_("Cycle"), _("Deadline"), _("Agencies"),
            *(SubmissionStatus(s).label for s in dashboard.SUBMISSION_ORDER),
            _("Late"), _("Illustrative")]  # fmt: skip
    body = [
        [c.cycle.year, f"{c.cycle.deadline:%d/%m/%Y}", c.total,
         *(c.counts[s] for s in dashboard.SUBMISSION_ORDER), c.late,
         _("yes") if c.cycle.is_illustrative else ""]
        for c in cycles
    ]  # fmt: skip
    return {"head": head, "rows": body}


def _submissions_chart(cycles) -> str:
    stacks = [
        Stack(
            _("Cycle %(year)s") % {"year": c.cycle.year},
            [Segment(str(SubmissionStatus(s).label), c.counts[s], SUBMISSION_COLOURS[s])
             for s in dashboard.SUBMISSION_ORDER],
            _("%(done)s of %(total)s handed in") % {"done": c.handed_in, "total": c.total},
            illustrative=c.cycle.is_illustrative,
        )
        for c in cycles
    ]  # fmt: skip
    return stacked_bar_chart_svg(
        stacks, chart_id="chart-submissions",
        title=_("Agencies' submissions per reporting cycle, by status"),
        desc=_("%(cycles)s cycles; the table below gives the same numbers with the late "
               "submissions.") % {"cycles": len(cycles)},
        illustrative_mark=ILLUSTRATIVE_MARK,
    )  # fmt: skip


def _csv(name: str, table: dict) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table["head"])
    for row in table["rows"]:
        writer.writerow(
            ["'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bang-dieu-khien-{name}-{datetime.date.today():%Y%m%d}.csv"'
    )
    return response


def _bars(rows) -> list[Bar]:
    return [
        Bar(row.label, row.count, str(row.count), illustrative=row.illustrative > 0) for row in rows
    ]


@read_only
def dashboard_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_see_dashboard(request.user):
        raise PermissionDenied
    # The map's filters, but not its day: the dashboard's figures are today's (docs/as-of.md).
    accepted = (MAP_FILTERS - {"as_of"}) | {"interval", "format", "table"}
    params = Parameters(request.GET, accepted, strict=False)
    query = queries.read_query(params, user=request.user)
    (interval,) = params.choices("interval", dashboard.INTERVALS, _("interval")) or ("quarter",)
    (fmt,) = params.choices("format", ("html", "csv"), _("format")) or ("html",)
    table_names = params.choices("table", TABLES, _("table"))
    if fmt == "csv" and len(table_names) != 1:
        # Named after `format`: the CSV file asked for is what lacks its one table.
        params.fail("format", _("Name one table for the CSV file, e.g. table=sector."))
    params.check()
    projects = queries.select(request.user, query)
    today = datetime.date.today()
    if fmt == "csv":
        (name,) = table_names
        if name in dashboard.BREAKDOWNS:
            table = _breakdown_table(name, dashboard.breakdown(projects, name, day=today))
        elif name == "behind":
            table = _behind_table(dashboard.behind_schedule(projects, today))
        elif name == "submissions":
            table = _submissions_table(dashboard.submissions_per_cycle(today))
        else:
            table = _progress_table(dashboard.progress_over_time(projects, interval))
        return _csv(name, table)

    breakdowns = []
    for by, heading in _headings().items():
        rows = dashboard.breakdown(projects, by, day=today)
        breakdowns.append({
            "name": by,
            "heading": heading,
            "rows": rows,
            "chart": bar_chart_svg(
                _bars(rows), chart_id=f"chart-{by}",
                title=_("%(heading)s: number of projects") % {"heading": heading},
                desc=_("%(groups)s groups; the table below gives the same numbers with "
                       "average progress and investment.") % {"groups": len(rows)},
                illustrative_mark=ILLUSTRATIVE_MARK,
            ),
        })  # fmt: skip
    points = dashboard.progress_over_time(projects, interval)
    progress_chart = ""
    if points:
        progress_chart = line_chart_svg(
            [(p.label, float(p.average_progress), percent(p.average_progress))
             for p in points],
            chart_id="chart-progress",
            title=_("Average reported physical progress by %(interval)s") % {
                "interval": _("quarter") if interval == "quarter" else _("year")},
            desc=_("From %(first)s to %(last)s; the table below gives each period's value.")
            % {"first": points[0].label, "last": points[-1].label},
        )  # fmt: skip
    cycles = dashboard.submissions_per_cycle(today)
    query_string = request.GET.copy()
    for name in ("format", "table"):
        query_string.pop(name, None)
    context = {
        "form": MapFilterForm(request.GET or None, planner=True),
        "totals": dashboard.totals(projects),
        "breakdowns": breakdowns,
        "outside_units": dashboard.outside_units(projects, day=today),
        "unmapped_units": dashboard.unmapped_units(day=today),
        "behind": dashboard.behind_schedule(projects, today),
        "points": points,
        "progress_chart": progress_chart,
        "cycles": cycles,
        "submissions_chart": _submissions_chart(cycles) if cycles else "",
        "interval": interval,
        "today": today,
        "mark_sign": ILLUSTRATIVE_MARK,
        "filters": query_string.urlencode(),
    }
    return render(request, "layers/dashboard.html", context)
