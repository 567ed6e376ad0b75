"""`make bench`: measurements against a baseline in the same run, printed as ratios and saved
as JSON under build/bench/. Run on a throwaway database (scripts/with-test-db.sh).

GeoJSON: the project list's PostGIS path (projects.geojson) against the naive DRF-GIS
GeoFeatureModelSerializer + JSONRenderer, on the same 10,000 synthetic projects, after checking
that both produce the same features and properties.

Serving (bench/serving.py): slow clients, slow readers and concurrent exports against nginx in
front of gunicorn, with the old gunicorn-alone set-up as the baseline; then a database restart.
`python -m bench.run --serving` runs only that part (`make bench BENCH_ARGS=--serving`).

Import (bench/imports.py): 100,000 features of a VN-2000 shapefile through the import pipeline,
every check and the history included, against `ogr2ogr -f PostgreSQL` loading the same file
(`make bench BENCH_ARGS=--import` alone).

Browser (bench/browser.py): the public map's settle time after zooms and pans in Chromium, at
100,000 projects against the same page at 1,000 (`make bench BENCH_ARGS=--browser` alone).

As of a day (bench/as_of.py): the project list with `as_of` against the same list without it,
at 100,000 projects with three reports each (`make bench BENCH_ARGS=--as-of` alone).
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0)


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return runs


def summary(runs: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(runs), 4),
        "min_s": round(min(runs), 4),
        "max_s": round(max(runs), 4),
        "runs": len(runs),
    }


def bench_geojson(n: int = 10_000, repeat: int = 5) -> dict:
    import shapely
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from bench import synthetic
    from projects.geojson import collection, features
    from projects.models import Project
    from projects.serializers import ProjectSerializer

    with transaction.atomic():
        synthetic.remove(connection, prefix="SY")
        synthetic.seed(connection, n, prefix="SY")
    queryset = (
        Project.objects.filter(code__startswith="SY-")
        .select_related("sector", "lead_agency")
        .order_by("code")
    )
    request = APIRequestFactory().get("/")
    request.user = AnonymousUser()

    def naive() -> bytes:
        data = ProjectSerializer(queryset, many=True, context={"request": request}).data
        return JSONRenderer().render(data)

    def fast() -> bytes:
        return collection(features(queryset, internal=False))

    # Same features and properties (the naive output has no extra members).
    slow_body, fast_body = json.loads(naive()), json.loads(fast())
    assert len(slow_body["features"]) == len(fast_body["features"]) == n
    for a, b in zip(slow_body["features"], fast_body["features"], strict=True):
        assert a["id"] == b["id"] and a["properties"] == b["properties"], a["id"]
        # The same shapes; ours wind polygons counter-clockwise (RFC 7946), DRF-GIS as stored.
        same = (
            shapely.geometry.shape(a["geometry"])
            .normalize()
            .equals_exact(shapely.geometry.shape(b["geometry"]).normalize(), 1e-6)
        )
        assert same, a["id"]

    slow_runs, fast_runs = timed(naive, repeat), timed(fast, repeat)
    ratio = statistics.median(slow_runs) / statistics.median(fast_runs)
    with transaction.atomic():
        synthetic.remove(connection, prefix="SY")
    return {
        "features": n,
        "naive_drf_gis": summary(slow_runs) | {"bytes": len(naive())},
        "postgis_passthrough": summary(fast_runs) | {"bytes": len(fast())},
        "ratio": round(ratio, 1),
        "target": 20,
        "identical_features": True,
    }


def bench_peers(n: int, tiles: int = 200) -> dict:
    """Our tiles and bbox GeoJSON against tipg's, over HTTP, on n synthetic projects."""
    from django.db import connection, transaction

    from bench import peers, synthetic
    from bench.processes import free_port

    with transaction.atomic():
        synthetic.remove(connection, prefix="SY")
        synthetic.seed(connection, n, prefix="SY")
        with connection.cursor() as cursor:
            # Both servers must serve the same rows: tipg knows nothing of publication.
            cursor.execute(
                "UPDATE projects_project SET is_published = true, publication = 'published', "
                "published_version = version"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE projects_project")
    connection.close()

    ours_port, tipg_port = free_port(), free_port()
    ours = peers.start_ours(ours_port, OUT / "ours.log")
    tipg = peers.start_tipg(tipg_port, OUT / "tipg.log")
    try:
        tile_list = peers.tile_list(tiles)
        ours_tiles = [f"/tiles/projects/{z}/{x}/{y}.pbf" for z, x, y in tile_list]
        tipg_tiles = [
            f"/collections/{peers.TABLE}/tiles/WebMercatorQuad/{z}/{x}/{y}"
            f"?properties={peers.PROPERTIES}"
            for z, x, y in tile_list
        ]
        bbox = ",".join(str(v) for v in peers.DISTRICT_BBOX)
        ours_items = [f"/api/v1/projects/?bbox={bbox}&limit=10000&properties={peers.PROPERTIES}"]
        tipg_items = [f"/collections/{peers.TABLE}/items?bbox={bbox}&limit=10000"
                      f"&properties={peers.PROPERTIES}"]  # fmt: skip
        ours_count = peers.feature_count(ours_port, ours_items[0])
        tipg_count = peers.feature_count(tipg_port, tipg_items[0])
        result = {"projects": n + 57, "tiles": len(tile_list), "bbox_features": ours_count,
                  "same_bbox_features": ours_count == tipg_count}  # fmt: skip
        # ABBA ordering, so that neither server always runs on a warmer database.
        t1 = peers.latencies(ours_port, ours_tiles)
        t2 = peers.latencies(tipg_port, tipg_tiles)
        t3 = peers.latencies(tipg_port, tipg_tiles)
        t4 = peers.latencies(ours_port, ours_tiles)
        best = lambda a, b: a if a["p50_ms"] <= b["p50_ms"] else b  # noqa: E731
        result["tiles_ours"], result["tiles_tipg"] = best(t1, t4), best(t2, t3)
        i1 = peers.latencies(ours_port, ours_items, repeat=30)
        i2 = peers.latencies(tipg_port, tipg_items, repeat=30)
        i3 = peers.latencies(tipg_port, tipg_items, repeat=30)
        i4 = peers.latencies(ours_port, ours_items, repeat=30)
        result["items_ours"], result["items_tipg"] = best(i1, i4), best(i2, i3)
        result["throughput_tiles_ours"] = peers.throughput(ours_port, ours_tiles)
        result["throughput_tiles_tipg"] = peers.throughput(tipg_port, tipg_tiles)
        ratio = lambda key, metric: round(  # noqa: E731
            result[f"{key}_ours"][metric] / result[f"{key}_tipg"][metric], 2
        )
        result["ratios"] = {
            "tiles_p50": ratio("tiles", "p50_ms"),
            "tiles_p95": ratio("tiles", "p95_ms"),
            "items_p50": ratio("items", "p50_ms"),
            "tiles_req_per_s": round(result["throughput_tiles_ours"]["req_per_s"]
                                     / result["throughput_tiles_tipg"]["req_per_s"], 2),
        }  # fmt: skip
        result["targets"] = {"tiles_p50": 1.0, "tiles_p95": 1.2, "items_p50": 0.25}
        result["met"] = all(result["ratios"][k] <= v for k, v in result["targets"].items())
        return result
    finally:
        for process in (ours, tipg):
            process.terminate()
            process.wait(timeout=20)


def report_peers(name: str, result: dict) -> None:
    r = result["ratios"]
    print(
        f"{name} ({result['projects']:,} projects, {result['tiles']} tiles z8-16, "
        f"bbox {result['bbox_features']:,} features, same as tipg: "
        f"{result['same_bbox_features']}):\n"
        f"  tiles  p50 {result['tiles_ours']['p50_ms']} ms vs tipg "
        f"{result['tiles_tipg']['p50_ms']} ms -> {r['tiles_p50']}x (target <= 1.0)\n"
        f"  tiles  p95 {result['tiles_ours']['p95_ms']} ms vs tipg "
        f"{result['tiles_tipg']['p95_ms']} ms -> {r['tiles_p95']}x (target <= 1.2)\n"
        f"  bbox GeoJSON p50 {result['items_ours']['p50_ms']} ms vs tipg /items "
        f"{result['items_tipg']['p50_ms']} ms -> {r['items_p50']}x (target <= 0.25)\n"
        f"  tiles req/s at c=8: {result['throughput_tiles_ours']['req_per_s']} vs "
        f"{result['throughput_tiles_tipg']['req_per_s']} -> {r['tiles_req_per_s']}x"
    )


def main() -> int:
    setup_django()
    from django.db import connection

    from bench import as_of, browser, imports, serving

    OUT.mkdir(parents=True, exist_ok=True)
    parts = (("--browser", browser), ("--serving", serving), ("--import", imports),
             ("--as-of", as_of))  # fmt: skip
    for flag, part in parts:
        if flag in sys.argv:  # that part alone
            result = part.bench(OUT)
            part.report(result)
            path = OUT / f"{flag[2:]}.json"
            path.write_text(json.dumps(result, indent=2))
            print(f"Saved {path.relative_to(ROOT)}; all targets met: {result['met']}")
            return 0 if result["met"] else 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), postgis_lib_version()")
        pg_version, postgis = cursor.fetchone()
    result = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": pg_version.split(",")[0],
            "postgis": postgis,
        },  # fmt: skip
        "geojson_10k": bench_geojson(),
    }
    if "--no-peers" not in sys.argv:
        result["peers_10k"] = bench_peers(10_000)
        result["peers_100k"] = bench_peers(100_000)
    geojson = result["geojson_10k"]
    print(
        f"GeoJSON, {geojson['features']:,} features: naive DRF-GIS "
        f"{geojson['naive_drf_gis']['median_s'] * 1000:.0f} ms, PostGIS pass-through "
        f"{geojson['postgis_passthrough']['median_s'] * 1000:.0f} ms -> "
        f"{geojson['ratio']}x faster (target >= {geojson['target']}x), identical features"
    )
    met = geojson["ratio"] >= geojson["target"]
    for name in ("peers_10k", "peers_100k"):
        if name in result:
            report_peers(name.replace("peers_", "vs tipg, "), result[name])
            met = met and result[name]["met"]
    result["as_of"] = as_of.bench(OUT)
    as_of.report(result["as_of"])
    met = met and result["as_of"]["met"]
    result["import"] = imports.bench(OUT)
    imports.report(result["import"])
    met = met and result["import"]["met"]
    result["browser"] = browser.bench(OUT)
    browser.report(result["browser"])
    met = met and result["browser"]["met"]
    # Last: it restarts the database.
    result["serving"] = serving.bench(OUT)
    serving.report(result["serving"])
    met = met and result["serving"]["met"]
    path = OUT / "results.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Saved {path.relative_to(ROOT)}; all targets met: {met}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
