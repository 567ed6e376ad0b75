"""Importing an agency's shapefile at 100,000 features, against `ogr2ogr -f PostgreSQL`.

The file: N small polygons (one project each, 5 vertices) scattered over the province,
written in VN-2000 TM-3 108°15′ (EPSG:9217) with its .prj and a UTF-8 .cpg, the columns an
agency sends (MA_DA, TEN_DA, CQ_CHUTRI, TRANGTHAI, TIENDO) and the sector set as a constant.

The baseline: `ogr2ogr -f PostgreSQL` loading the same file into a scratch table, reprojected
to the storage CRS (EPSG:4326), with GDAL's defaults (COPY, a spatial index). Ours:
`projects.imports.import_file`, every check and the history included, then the same file again
(every feature unchanged). The goal is at most 3× the baseline for the first run.
"""

import random
import subprocess
import time
from pathlib import Path

TARGET = 3.0
AGENCIES = [  # written the way departments write them; the matcher expands and folds them
    "Ban QLDA Giao thông tỉnh Bình Định",
    "Sở Giao thông vận tải",
    "UBND thị xã Hoài Nhơn",
    "Sở Nông nghiệp và PTNT",
]
STATUSES = ["Đang thi công", "Chuẩn bị đầu tư", "Hoàn thành", "site_clearance"]


def _progress(status: str, index: int) -> float:
    return {"Hoàn thành": 100.0, "Đang thi công": float(index % 100)}.get(status, 0.0)


def write_shapefile(path: Path, n: int, outline, seed: int = 11) -> None:
    """N five-vertex polygons about 200 m across, inside `outline` (a shapely polygon, WGS
    84), written in EPSG:9217."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import Polygon

    rng = random.Random(seed)
    prepared = shapely.prepared.prep(outline)
    minx, miny, maxx, maxy = outline.bounds
    shapes, rows = [], []
    while len(shapes) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        d = 0.001
        ring = [(x, y), (x + d, y), (x + d, y + d), (x + d / 2, y + 1.6 * d), (x, y + d)]
        shape = Polygon(ring)
        if not prepared.contains(shape):
            continue
        index = len(shapes) + 1
        shapes.append(shape)
        rows.append(
            {
                "MA_DA": f"IM-{index:06d}",
                "TEN_DA": f"Đường giao thông nông thôn số {index}",
                "CQ_CHUTRI": AGENCIES[index % len(AGENCIES)],
                "TRANGTHAI": STATUSES[index % len(STATUSES)],
                "TIENDO": _progress(STATUSES[index % len(STATUSES)], index),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry=shapes, crs="EPSG:4326").to_crs("EPSG:9217")
    frame.to_file(path, driver="ESRI Shapefile", encoding="utf-8", engine="pyogrio")


def ogr2ogr(path: Path) -> float:
    """Seconds for GDAL to load the file into a scratch table (connection from PG* env)."""
    start = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", "PG:", str(path), "-nln", "bench_import_scratch",
         "-overwrite", "-t_srs", "EPSG:4326", "-lco", "GEOMETRY_NAME=geom",
         "-nlt", "PROMOTE_TO_MULTI"],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_import_scratch")
        (count,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_import_scratch")
    if count == 0:
        raise RuntimeError("ogr2ogr loaded nothing")
    return seconds


def ours(path: Path) -> tuple[float, dict]:
    from projects.imports import import_file

    start = time.perf_counter()
    report = import_file(
        path,
        mapping={"code": "MA_DA", "name": "TEN_DA", "lead_agency": "CQ_CHUTRI",
                 "status": "TRANGTHAI", "progress_pct": "TIENDO"},
        constants={"sector": "GT"},
    )  # fmt: skip
    return time.perf_counter() - start, report.counts, report.seconds


def undo_last() -> float:
    """Seconds to undo the import as a whole (the projects it created deleted)."""
    from projects.actions import undo_import
    from projects.models import ImportBatch, Project

    start = time.perf_counter()
    undo_import(ImportBatch.objects.latest("pk"))
    seconds = time.perf_counter() - start
    if Project.objects.filter(code__startswith="IM-").exists():
        raise RuntimeError("the undo left projects behind")
    return seconds


def bench(out: Path, n: int = 100_000) -> dict:
    from projects.models import Project, province_outline

    outline = province_outline()
    import shapely

    area = shapely.from_wkb(bytes(outline.wkb))
    path = out / "import" / "agency.shp"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.with_suffix(".count").read_text() != str(n):
        write_shapefile(path, n, area)
        path.with_suffix(".count").write_text(str(n))
    Project.objects.filter(code__startswith="IM-").delete()
    baseline = min(ogr2ogr(path) for _ in range(3))
    first, counts, steps = ours(path)
    again, counts_again, _ = ours(path)
    undo = undo_last()
    ratio = round(first / baseline, 2)
    return {
        "features": n,
        "ogr2ogr_s": round(baseline, 2),
        "import_s": round(first, 2),
        "import_counts": counts,
        "import_steps_s": {step: round(seconds, 2) for step, seconds in steps.items()},
        "rerun_s": round(again, 2),
        "rerun_counts": counts_again,
        "undo_s": round(undo, 2),
        "ratio": ratio,
        "target": TARGET,
        "met": ratio <= TARGET and counts["created"] == n and counts_again["unchanged"] == n,
    }


def report(result: dict) -> None:
    print(
        f"Import, {result['features']:,} features from a VN-2000 shapefile: ogr2ogr "
        f"{result['ogr2ogr_s']} s, ours {result['import_s']} s ({result['import_counts']}) -> "
        f"{result['ratio']}x (target <= {result['target']}x; steps {result['import_steps_s']}); "
        f"the same file again "
        f"{result['rerun_s']} s ({result['rerun_counts']}); undone in {result['undo_s']} s"
    )
