"""The dashboard's figures (projects/dashboard.py) against values computed by hand on the small
world of tests/world.py: seven projects, five giving a progress (35, 10, 100, 100, 20), TM-01
without planned dates, all flagged illustrative."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import GEOSGeometry

from projects import actions, dashboard
from projects.models import AdminUnit, Project
from projects.queries import ProjectQuery, select
from tests.world import report

pytestmark = pytest.mark.django_db
D = datetime.date
BN = 10**9  # a billion đồng


@pytest.fixture
def capital(world):
    for code, amount in (("GT-01", 1000 * BN), ("GT-02", 500 * BN), ("YT-01", 300 * BN)):
        Project.objects.filter(code=code).update(total_investment_vnd=amount)
    return world


def selection(planner, **filters):
    return select(planner, ProjectQuery(**filters))


def by_key(rows):
    return {row.key: row for row in rows}


def test_the_totals_count_progress_and_capital_where_known(planner, capital):
    totals = dashboard.totals(selection(planner))
    assert totals.count == 7
    assert totals.with_progress == 5
    assert totals.average_progress == Decimal("53.0")  # (35 + 10 + 100 + 100 + 20) / 5
    assert totals.with_capital == 3
    assert totals.capital_vnd == 1800 * BN
    assert totals.illustrative == 7
    assert totals.undated == 1  # TM-01


def test_by_sector_averages_only_the_projects_that_give_a_progress(planner, capital):
    rows = by_key(dashboard.breakdown(selection(planner), "sector"))
    assert set(rows) == {"GT", "TM", "YT", "DN", "VH"}
    gt, tm, yt = rows["GT"], rows["TM"], rows["YT"]
    assert (gt.count, gt.with_progress, gt.average_progress) == (2, 2, Decimal("22.5"))
    assert (gt.with_capital, gt.capital_vnd) == (2, 1500 * BN)
    assert (tm.count, tm.with_progress, tm.average_progress, tm.capital_vnd) == (1, 0, None, None)
    assert (yt.count, yt.with_progress, yt.average_progress) == (2, 1, Decimal("100.0"))
    assert (yt.with_capital, yt.capital_vnd) == (1, 300 * BN)  # YT-02's is not known


def test_by_status_and_by_lead_agency(planner, world):
    statuses = by_key(dashboard.breakdown(selection(planner), "status"))
    assert {k: r.count for k, r in statuses.items()} == {
        "under_construction": 1, "site_clearance": 1, "preparing": 1, "completed": 1,
        "proposed": 1, "in_operation": 1, "suspended": 1}  # fmt: skip
    # In the codelist's order, not by count.
    assert [r.key for r in dashboard.breakdown(selection(planner), "status")][:2] == [
        "proposed", "preparing"]  # fmt: skip
    agencies = by_key(dashboard.breakdown(selection(planner), "lead_agency"))
    assert {k: r.count for k, r in agencies.items()} == {
        "SGTVT": 1, "BQLDA-GT": 1, "SCT": 2, "SYT": 2, "SVHTT": 1}  # fmt: skip
    assert agencies["SCT"].average_progress == Decimal("100.0")  # DN-01 only; TM-01 gives none


def test_the_filters_are_the_planner_maps(planner, world):
    rows = dashboard.breakdown(selection(planner, statuses=("under_construction",)), "sector")
    assert [(r.key, r.count) for r in rows] == [("GT", 1)]
    # The public's selection would hide GT-02, YT-02 and DN-01: the dashboard reads select().
    assert dashboard.totals(select(None, ProjectQuery())).count == 4


def test_units_are_those_valid_on_the_day_and_a_project_counts_in_each(planner, world):
    before = by_key(dashboard.breakdown(selection(planner), "admin_unit", day=D(2025, 1, 1)))
    assert {k: r.count for k, r in before.items()} == {"540": 3, "542": 1}
    assert dashboard.outside_units(selection(planner), day=D(2025, 1, 1)) == 3
    # After the reform no district is valid: until communes are loaded, nothing is in a unit.
    assert dashboard.breakdown(selection(planner), "admin_unit", day=D(2026, 1, 1)) == []
    for code, wkt in (
        ("21550", "MULTIPOLYGON(((109.1 13.6, 109.35 13.6, 109.35 13.95, 109.1 13.95, "
                  "109.1 13.6)))"),
        ("21551", "MULTIPOLYGON(((108.85 13.75, 109.25 13.75, 109.25 13.95, 108.85 13.95, "
                  "108.85 13.75)))"),
    ):  # fmt: skip
        AdminUnit.objects.create(
            code=code, name=f"Phường {code}", level="commune", kind="ward",
            valid_from=D(2025, 7, 1), geom=GEOSGeometry(wkt, srid=4326),
        )  # fmt: skip
    for project in Project.objects.all():
        actions.assign_admin_units([project])
    after = by_key(dashboard.breakdown(selection(planner), "admin_unit", day=D(2026, 1, 1)))
    # GT-01, TM-01 and YT-01 lie in both communes; VH-01 in the second only.
    assert {k: r.count for k, r in after.items()} == {"21550": 3, "21551": 4}
    assert dashboard.outside_units(selection(planner), day=D(2026, 1, 1)) == 3


def plan(status="under_construction", progress=None, start=None, end=None):
    return SimpleNamespace(status=status, progress_pct=progress, planned_start=start,
                           planned_end=end)  # fmt: skip


@pytest.mark.parametrize(
    "project, today, expected",
    [
        # No planned dates, or only a start: not judged.
        (plan(progress=Decimal(0)), D(2026, 1, 1), None),
        (plan(start=D(2020, 1, 1)), D(2026, 1, 1), None),
        # Completed, in operation or cancelled long after the planned end: not behind.
        (plan("completed", Decimal(100), D(2020, 1, 1), D(2021, 1, 1)), D(2026, 1, 1), None),
        (plan("in_operation", Decimal(100), D(2020, 1, 1), D(2021, 1, 1)), D(2026, 1, 1), None),
        (plan("cancelled", None, D(2020, 1, 1), D(2021, 1, 1)), D(2026, 1, 1), None),
        # A future start: the line is at 0 %, nothing is expected yet.
        (plan("proposed", None, D(2027, 1, 1), D(2030, 1, 1)), D(2026, 1, 1), None),
        # Half-way through a 200-day plan: 50 % expected.
        (plan(progress=Decimal(60), start=D(2025, 1, 1), end=D(2025, 7, 20)), D(2025, 4, 11),
         None),
        (plan(progress=Decimal(40), start=D(2025, 1, 1), end=D(2025, 7, 20)), D(2025, 4, 11),
         (Decimal("50.0"), Decimal("10.0"), None)),
        # No progress reported: not judged against the line (a missing figure is not 0 %)…
        (plan(start=D(2025, 1, 1), end=D(2025, 7, 20)), D(2025, 4, 11), None),
        # …but overdue all the same once the planned end has passed, with no gap invented.
        (plan(start=D(2025, 1, 1), end=D(2025, 7, 20)), D(2025, 8, 1), (Decimal(100), None, 12)),
        # Past the planned end, not finished: overdue, 100 % expected; only an end is enough.
        (plan("suspended", Decimal(80), D(2020, 1, 1), D(2025, 12, 1)), D(2026, 1, 1),
         (Decimal(100), Decimal(20), 31)),
        (plan(progress=Decimal(95), end=D(2025, 12, 31)), D(2026, 1, 1),
         (Decimal(100), Decimal(5), 1)),
        # On the planned end day itself it is not yet overdue, and 100 % is expected.
        (plan(progress=Decimal(99), start=D(2025, 1, 1), end=D(2026, 1, 1)), D(2026, 1, 1),
         (Decimal("100.0"), Decimal("1.0"), None)),
    ],
)  # fmt: skip
def test_behind_schedule_on_its_edge_cases(project, today, expected):
    found = dashboard.judge(project, today)
    if expected is None:
        assert found is None
    else:
        assert (found.expected_pct, found.gap_points, found.days_overdue) == expected


def test_behind_schedule_in_the_world(planner, world):
    # 1 January 2026: GT-02 (2024–2026, 10 %) should be at 731/1095 days ≈ 66.8 %; GT-01
    # (2025–2029, 35 %) is ahead of its 20 %; VH-01 starts that day; the rest are finished,
    # undated or not started.
    found = dashboard.behind_schedule(selection(planner), D(2026, 1, 1))
    assert [(b.project.code, b.expected_pct, b.gap_points) for b in found] == [
        ("GT-02", Decimal("66.8"), Decimal("56.8"))
    ]
    # Mid-2027: GT-02 is overdue by 182 days and comes first; then GT-01 (49.9 % expected,
    # 35 % reported). YT-02 (started in January) has reported no progress: not judged on the
    # line, since a missing figure is not 0 %.
    found = dashboard.behind_schedule(selection(planner), D(2027, 7, 1))
    assert [(b.project.code, b.days_overdue, b.gap_points) for b in found] == [
        ("GT-02", 182, Decimal(90)), ("GT-01", None, Decimal("14.9"))]  # fmt: skip
    assert found[1].expected_pct == dashboard.expected_pct(D(2027, 7, 1), D(2025, 1, 1),
                                                           D(2029, 12, 31))  # fmt: skip
    assert found[1].gap_points == found[1].expected_pct - Decimal(35)


def test_progress_over_time_averages_each_projects_latest_report_per_period(planner, world):
    gt1, gt2 = world.projects["GT-01"], world.projects["GT-02"]
    report(gt1, D(2025, 2, 10), "under_construction", Decimal(20))
    report(gt1, D(2025, 3, 20), "under_construction", Decimal(30))  # latest of Q1 counts
    report(gt2, D(2025, 3, 1), "site_clearance", Decimal(5))
    report(gt1, D(2025, 6, 30), "under_construction", Decimal(35))
    report(gt2, D(2025, 5, 1), "site_clearance")  # no percentage: left out
    quarters = dashboard.progress_over_time(selection(planner))
    assert [(p.label, p.average_progress, p.projects) for p in quarters] == [
        ("Q1/2025", Decimal("17.5"), 2), ("Q2/2025", Decimal("35.0"), 1)]  # fmt: skip
    years = dashboard.progress_over_time(selection(planner), "year")  # 35 and 5
    assert [(p.label, p.average_progress, p.projects) for p in years] == [
        ("2025", Decimal("20.0"), 2)]  # fmt: skip
    # The filters apply: GT-02 alone.
    only = dashboard.progress_over_time(selection(planner, codes=("GT-02",)))
    assert [(p.label, p.average_progress) for p in only] == [("Q1/2025", Decimal("5.0"))]


def test_submissions_per_cycle_count_each_status_and_the_late_ones(world):
    from projects.models import Submission
    from tests.world import open_reporting_cycle

    past = actions.open_cycle(2024, world.agencies["SCT"], deadline=D(2024, 12, 10))
    current = open_reporting_cycle(world, 2025)  # deadline 10 December 2025
    handed_in = past.submissions.order_by("agency__code").first()
    actions.save_submission(handed_in, expected_version=handed_in.version, difficulties="Vốn chậm.")
    handed_in.refresh_from_db()
    actions.submit_submission(handed_in, expected_version=handed_in.version)
    draft = current.submissions.order_by("agency__code").first()
    actions.save_submission(draft, expected_version=draft.version, proposals="Bổ sung vốn.")

    today = D(2025, 6, 1)  # the 2024 deadline has passed, the 2025 one has not
    found = {c.cycle.year: c for c in dashboard.submissions_per_cycle(today)}
    assert list(found) == [2024, 2025]  # oldest first
    for year, entry in found.items():
        rows = Submission.objects.filter(cycle__year=year).select_related("cycle")
        assert entry.total == rows.count()
        for status in Submission.Status.values:
            assert entry.counts[status] == rows.filter(status=status).count()
        assert entry.late == sum(row.is_late(today) for row in rows)
    assert found[2024].counts["submitted"] == 1 and found[2024].handed_in == 1
    assert found[2024].late == found[2024].total - 1 > 0
    assert found[2025].counts["draft"] == 1 and found[2025].late == 0
    later = {c.cycle.year: c for c in dashboard.submissions_per_cycle(D(2025, 12, 11))}
    assert later[2025].late == later[2025].total  # nothing handed in after the deadline
