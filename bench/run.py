"""`make bench`: measurements against a baseline in the same run, printed as ratios and saved
as JSON under build/bench/. Run on a throwaway database (scripts/with-test-db.sh).

GeoJSON: the project list's PostGIS path (projects.geojson) against the naive DRF-GIS
GeoFeatureModelSerializer + JSONRenderer, on the same 10,000 synthetic projects, after checking
that both produce the same features and properties.
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
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from bench import synthetic
    from projects.api import ProjectSerializer
    from projects.geojson import feature_collection
    from projects.models import Project

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
        return feature_collection(queryset, internal=False)

    # Same features and properties (the naive output has no extra members).
    slow_body, fast_body = json.loads(naive()), json.loads(fast())
    assert len(slow_body["features"]) == len(fast_body["features"]) == n
    for a, b in zip(slow_body["features"], fast_body["features"], strict=True):
        assert a["id"] == b["id"] and a["properties"] == b["properties"], a["id"]
        assert a["geometry"] == b["geometry"], a["id"]

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


def main() -> int:
    setup_django()
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
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
    geojson = result["geojson_10k"]
    print(
        f"GeoJSON, {geojson['features']:,} features: naive DRF-GIS "
        f"{geojson['naive_drf_gis']['median_s'] * 1000:.0f} ms, PostGIS pass-through "
        f"{geojson['postgis_passthrough']['median_s'] * 1000:.0f} ms -> "
        f"{geojson['ratio']}x faster (target >= {geojson['target']}x), identical features"
    )
    path = OUT / "results.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Saved {path.relative_to(ROOT)}")
    return 0 if geojson["ratio"] >= geojson["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
