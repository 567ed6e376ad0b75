"""The project list as of a day (`as_of`, docs/as-of.md) against the same list without it, at
100,000 synthetic projects with three progress reports each (`make bench BENCH_ARGS=--as-of`
alone). As of a day, each project's status and progress come from its latest report by then,
one index lookup per project; the baseline reads them from the project's row.

Two requests, each timed with and without `as_of` in the same run:
- a district's bounding box, every feature in it (what the map asks for), after checking that
  both answers hold the same projects;
- a status filter over the whole province, one page of 1,000: the status of the day must be
  worked out for every candidate before the page is cut.

Target: `as_of` costs at most 3× the current record on each (our own: a map of a past day
should answer about as fast as today's does to a person clicking through dates).
"""

import statistics

from bench import synthetic
from bench.peers import DISTRICT_BBOX
from bench.run import summary, timed

PROJECTS = 100_000
DAY = "2025-06-30"
TARGET = 3.0

# Three reports a project, either side of the day asked: preparing, then site clearance, then
# under construction with a percentage. History triggers fire as for any write.
REPORTS = """
INSERT INTO projects_progressreport
    (project_id, report_date, status, progress_pct, note, is_illustrative, created_at)
SELECT p.id, d.day, d.status, d.pct, '', true, now()
FROM projects_project p
CROSS JOIN (VALUES (date '2024-09-30', 'preparing', NULL::numeric),
                   (date '2025-03-31', 'site_clearance', NULL),
                   (date '2025-09-30', 'under_construction', 12.5)) AS d(day, status, pct)
WHERE p.code LIKE 'SY-%%'
"""


def _remove(connection) -> None:
    """The synthetic projects and their reports (the database's foreign key does not cascade:
    Django does, for the ORM's deletes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM projects_progressreport WHERE project_id IN "
            "(SELECT id FROM projects_project WHERE code LIKE 'SY-%%')"
        )
    synthetic.remove(connection, prefix="SY")


def _ids(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return sorted(feature["id"] for feature in response.json()["features"])


def bench(out, n: int = PROJECTS, repeat: int = 5) -> dict:
    from django.db import connection, transaction
    from django.test import Client

    with transaction.atomic():
        _remove(connection)
        synthetic.seed(connection, n, prefix="SY")
        with connection.cursor() as cursor:
            cursor.execute(REPORTS)
            reports = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE projects_progressreport")
        cursor.execute("VACUUM ANALYZE projects_project")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host (ALLOWED_HOSTS)
    bbox = ",".join(str(v) for v in DISTRICT_BBOX)
    cases = {
        "district_bbox": f"/api/v1/projects/?bbox={bbox}&limit=10000",
        "status_page": "/api/v1/projects/?status=site_clearance&limit=1000",
    }
    result = {"projects": n, "reports": reports, "day": DAY, "target": TARGET, "cases": {}}
    try:
        # The same projects either way in the box (a day changes statuses, not the selection).
        box = cases["district_bbox"]
        assert _ids(client, box) == _ids(client, f"{box}&as_of={DAY}")
        for name, url in cases.items():
            features = len(_ids(client, f"{url}&as_of={DAY}"))
            current = timed(lambda url=url: client.get(url), repeat)
            as_of = timed(lambda url=url: client.get(f"{url}&as_of={DAY}"), repeat)
            ratio = statistics.median(as_of) / statistics.median(current)
            result["cases"][name] = {
                "features_as_of": features,
                "current": summary(current),
                "as_of": summary(as_of),
                "ratio": round(ratio, 2),
            }
    finally:
        with transaction.atomic():
            _remove(connection)
    result["met"] = all(case["ratio"] <= TARGET for case in result["cases"].values())
    return result


def report(result: dict) -> None:
    print(f"as_of={result['day']} at {result['projects']:,} projects, "
          f"{result['reports']:,} reports (target <= {result['target']}x):")  # fmt: skip
    for name, case in result["cases"].items():
        print(
            f"  {name}: {case['features_as_of']:,} features, current "
            f"{case['current']['median_s'] * 1000:.0f} ms, as of the day "
            f"{case['as_of']['median_s'] * 1000:.0f} ms -> {case['ratio']}x"
        )
