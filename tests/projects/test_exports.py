"""Exports on the small world, every format read back with GDAL (pyogrio, geopandas, Debian's
ogrinfo) or the standard library: the same codes as the list, coordinates in each supported
CRS, real dates and nulls, the CSV's conventions, the shapefile's packaging, refusals naming the
parameter, empty selections, streaming, and markup kept as text. Expectations come from
tests/world.py's table."""

import csv
import io
import json
import re
import subprocess
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo.crs import transformer
from projects.exports import FIELD_NAMES
from projects.models import Project
from tests.surfaces import EXPORT_FORMATS, body, download, get, read_export, rest_codes
from tests.world import HOSTILE_NAME, add_hostile_project

pytestmark = pytest.mark.django_db

PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}
MARKET = (109.10, 13.885)  # TM-01's first point
EXPRESSWAY = [(109.20, 13.78), (108.90, 13.90), (108.30, 13.98)]  # GT-01, Quy Nhơn → Pleiku
CRS_SRIDS = [4326, 9217, 3405, 3406, 4756]
FILE_FORMATS = ["gpkg", "shp"]


def tolerance(srid):
    return 1e-7 if srid in (4326, 4756) else 0.01  # about a centimetre: degrees / metres


def rows_by_code(fmt, content, tmp_path) -> dict[str, dict]:
    return {row["code"]: row for row in read_export(fmt, content, tmp_path)}


def layers_of(fmt, content, tmp_path) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of a GeoPackage or of the shapefiles in a zip, read with geopandas."""
    if fmt == "shp":
        zipfile.ZipFile(io.BytesIO(content)).extractall(tmp_path / "shp")
        return {p.stem: gpd.read_file(p) for p in sorted((tmp_path / "shp").glob("*.shp"))}
    path = tmp_path / "projects.gpkg"
    path.write_bytes(content)
    return {name: gpd.read_file(path, layer=name) for name, _kind in pyogrio.list_layers(path)}


def ogrinfo(*args) -> str:
    return subprocess.run(["ogrinfo", "-ro", *map(str, args)], capture_output=True, text=True,
                          check=True, timeout=60).stdout  # fmt: skip


# ---- the same selection as the list ---------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize(
    "query",
    ["", "status=completed,suspended", "layer=transport,health", "q=quy nhon",
     "agency=GL-SXD", "year_from=2028", "bbox=109.1,13.7,109.3,13.9", "admin_unit=540"],
)  # fmt: skip
def test_every_format_holds_the_lists_codes(client, world, tmp_path, fmt, query):
    exported = {row["code"] for row in read_export(fmt, download(client, fmt, query), tmp_path)}
    assert exported == rest_codes(client, query)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_planner_exports_everything_marked(planner_client, world, tmp_path, fmt):
    rows = rows_by_code(fmt, download(planner_client, fmt), tmp_path)
    assert set(rows) == EVERYTHING
    flag = "published" if fmt == "shp" else "is_published"
    assert str(rows["GT-02"][flag]).lower() in ("false", "0", "f")
    assert str(rows["GT-01"][flag]).lower() in ("true", "1", "t")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_public_gets_no_publication_flag(client, world, tmp_path, fmt):
    rows = read_export(fmt, download(client, fmt), tmp_path)
    assert not {"is_published", "published"} & set(rows[0])


# ---- coordinate systems ---------------------------------------------------------------------


@pytest.mark.parametrize("srid", CRS_SRIDS)
@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_files_in_each_coordinate_system_match_proj(client, world, tmp_path, fmt, srid):
    response = get(client, f"/api/v1/projects/export.{fmt}?crs=EPSG:{srid}")
    suffix = "" if srid == 4326 else f"-epsg{srid}"
    assert f'{suffix}.{"zip" if fmt == "shp" else "gpkg"}"' in response["Content-Disposition"]
    layers = layers_of(fmt, response.content, tmp_path)
    assert set(layers) == {"projects_points", "projects_lines", "projects_polygons"}
    assert all(layer.crs.to_epsg() == srid for layer in layers.values())
    to_srid = transformer(4326, srid)
    points, lines = layers["projects_points"], layers["projects_lines"]
    # A shapefile does not tell a single line from a multi-line: read the first part.
    market = shapely.get_parts(points[points.code == "TM-01"].geometry.iloc[0])[0]
    assert (market.x, market.y) == pytest.approx(to_srid.transform(*MARKET), abs=tolerance(srid))
    expressway = shapely.get_parts(lines[lines.code == "GT-01"].geometry.iloc[0])[0]
    expected = [to_srid.transform(*vertex) for vertex in EXPRESSWAY]
    assert list(expressway.coords) == [pytest.approx(v, abs=tolerance(srid)) for v in expected]


def test_debian_ogrinfo_reads_the_vn2000_geopackage(client, world, tmp_path):
    path = tmp_path / "projects.gpkg"
    path.write_bytes(download(client, "gpkg", "crs=EPSG:9217"))
    info = ogrinfo("-so", path, "projects_points")
    assert "VN-2000 / TM-3 108-15" in info or "108.25" in info


def test_the_readme_example_works(client, world, tmp_path):
    layers = layers_of("gpkg", download(client, "gpkg", "crs=EPSG:9217&layer=transport"), tmp_path)
    assert set(layers) == {"projects_lines"}  # only GT-01 is public in transport
    assert list(layers["projects_lines"].code) == ["GT-01"]
    assert layers["projects_lines"].crs.to_epsg() == 9217


# ---- types and nulls ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, start, end, progress", [
    ("gpkg", "planned_start", "planned_end", "progress_pct"),
    ("shp", "plan_start", "plan_end", "progress"),
])  # fmt: skip
def test_dates_are_date_fields_and_missing_values_nulls(
    client, world, tmp_path, fmt, start, end, progress
):
    content = download(client, fmt)
    assert b"NaT" not in content
    if fmt == "shp":
        zipfile.ZipFile(io.BytesIO(content)).extractall(tmp_path)
        path, layer = tmp_path / "projects_points.shp", "projects_points"
    else:
        path, layer = tmp_path / "projects.gpkg", "projects_points"
        path.write_bytes(content)
    schema = ogrinfo("-so", path, layer)
    assert f"{start}: Date" in schema and f"{end}: Date" in schema, schema
    assert f"{progress}: Real" in schema, schema
    market = ogrinfo("-al", "-q", "-where", "code = 'TM-01'", path)
    assert f"{start} (Date) = (null)" in market and f"{end} (Date) = (null)" in market, market
    assert f"{progress} (Real) = (null)" in market, market
    lines = path.with_name(path.name.replace("points", "lines"))
    expressway = ogrinfo("-al", "-q", "-where", "code = 'GT-01'", lines if fmt == "shp" else path)
    assert f"{start} (Date) = 2025/01/01" in expressway
    assert f"{progress} (Real) = 35" in expressway


def test_geojson_has_iso_dates_and_json_nulls(client, world):
    collection = json.loads(download(client, "geojson"))
    features = {f["id"]: f["properties"] for f in collection["features"]}
    expressway = features["GT-01"]
    assert (expressway["planned_start"], expressway["progress_pct"]) == ("2025-01-01", 35.0)
    market = features["TM-01"]
    assert market["planned_start"] is None and market["planned_end"] is None
    assert market["progress_pct"] is None


def test_kml_leaves_missing_values_out(client, world, tmp_path):
    content = download(client, "kml")
    assert b"NaT" not in content and b"nan" not in content.lower().replace(b"name", b"")
    market = rows_by_code("kml", content, tmp_path)["TM-01"]
    assert pd.isna(market["planned_start"]) and pd.isna(market["progress_pct"])
    assert b'<SimpleData name="planned_start">' in content  # GT-01's, not TM-01's


def test_kml_dates_are_iso_8601(client, world, tmp_path):
    expressway = rows_by_code("kml", download(client, "kml"), tmp_path)["GT-01"]
    assert (expressway["planned_start"], expressway["planned_end"]) == ("2025-01-01", "2029-12-31")


# ---- CSV ------------------------------------------------------------------------------------


def read_csv(content: bytes) -> dict[str, dict]:
    return {row["code"]: row for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}


def test_csv_has_a_bom_iso_dates_and_empty_cells_for_nulls(client, world):
    content = download(client, "csv")
    assert content.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    rows = read_csv(content)
    assert set(rows) == PUBLIC
    assert rows["GT-01"]["name"] == "Đường cao tốc Quy Nhơn – Pleiku"
    assert (rows["GT-01"]["planned_start"], rows["GT-01"]["progress_pct"]) == ("2025-01-01", "35.0")
    market = rows["TM-01"]
    assert market["planned_start"] == market["planned_end"] == market["progress_pct"] == ""
    assert rows["VH-01"]["sector_name"] == "Văn hóa, thể thao, du lịch"  # a comma, quoted
    assert (float(market["lon"]), float(market["lat"])) == pytest.approx(MARKET)
    assert shapely.from_wkt(market["wkt"]).equals(shapely.MultiPoint([MARKET, (109.11, 13.89)]))


def test_csv_in_vn2000_has_wkt_in_metres_and_lon_lat_in_wgs84(client, world):
    wgs84 = read_csv(download(client, "csv"))
    metres = read_csv(download(client, "csv", "crs=EPSG:9217"))
    market = metres["TM-01"]
    first = shapely.from_wkt(market["wkt"]).geoms[0]
    assert (first.x, first.y) == pytest.approx(transformer(4326, 9217).transform(*MARKET), abs=0.01)
    for code, row in metres.items():  # a point on each feature, in WGS 84 whatever crs says
        assert (row["lon"], row["lat"]) == (wgs84[code]["lon"], wgs84[code]["lat"])
    expressway = shapely.from_wkt(metres["GT-01"]["wkt"]).geoms[0]
    assert all(x > 1000 and y > 1_000_000 for x, y in expressway.coords)  # metres, not degrees


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_wgs84_only_formats_refuse_another_crs_naming_it(client, world, fmt, english):
    response = get(client, f"/api/v1/projects/export.{fmt}?crs=EPSG:9217", status=400)
    assert response.json()["parameter"] == "crs" and "WGS 84" in response.json()["detail"]
    get(client, f"/api/v1/projects/export.{fmt}?crs=EPSG:4326")
    get(client, f"/api/v1/projects/export.{fmt}?crs=OGC:CRS84")


@pytest.mark.parametrize("value", ["EPSG:²", "EPSG:٣", "EPSG:2000", "EPSG:", "urn:nothing"])
@pytest.mark.parametrize("fmt", ["gpkg", "csv"])
def test_an_unsupported_crs_is_a_400_naming_crs(client, world, fmt, value):
    body = get(client, f"/api/v1/projects/export.{fmt}?crs={value}", status=400).json()
    assert body["parameter"] == "crs", body


@pytest.mark.parametrize(
    "query, parameter",
    [("bbox=oops", "bbox"), ("status=finished", "status"), ("limit=5", "limit"),
     ("layer=power", "layer"), ("colour=red", "colour")],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(client, world, query, parameter):
    body = get(client, f"/api/v1/projects/export.csv?{query}", status=400).json()
    assert body["parameter"] == parameter


def test_an_unknown_format_is_a_404(client, world):
    get(client, "/api/v1/projects/export.xlsx", status=404)


# ---- empty selections -----------------------------------------------------------------------


def test_an_empty_selection_is_still_a_valid_file(client, world, tmp_path):
    query = "q=nothing matches this"
    geojson = json.loads(download(client, "geojson", query))
    assert geojson == {"type": "FeatureCollection", "features": []}
    assert download(client, "csv", query).decode("utf-8-sig").startswith("code,name,")
    assert read_export("csv", download(client, "csv", query), tmp_path) == []
    for fmt in ("gpkg", "kml"):
        path = tmp_path / f"empty.{fmt}"
        path.write_bytes(download(client, fmt, query))
        (layer,) = [name for name, _kind in pyogrio.list_layers(path)]
        assert len(pyogrio.read_dataframe(path, layer=layer)) == 0


def test_an_empty_selection_is_still_a_shapefile(client, world, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "shp", "q=nothing matches this")))
    shapefiles = [name for name in archive.namelist() if name.endswith(".shp")]
    assert shapefiles
    archive.extractall(tmp_path)
    assert all(len(pyogrio.read_dataframe(tmp_path / name)) == 0 for name in shapefiles)


# ---- the shapefile zip ----------------------------------------------------------------------


def test_the_shapefile_zip_has_prj_cpg_readme_and_short_field_names(client, world, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "shp", "crs=EPSG:9217")))
    names = set(archive.namelist())
    for kind in ("points", "lines", "polygons"):
        for extension in ("shp", "shx", "dbf", "prj", "cpg"):
            assert f"projects_{kind}.{extension}" in names
        assert archive.read(f"projects_{kind}.cpg").decode().strip().upper() == "UTF-8"
        prj = archive.read(f"projects_{kind}.prj").decode()
        assert "Vietnam_2000" in prj and '"Central_Meridian",108.25' in prj
    readme = archive.read("README.txt").decode()
    for prop, field in FIELD_NAMES.items():
        assert len(field) <= 10
        if prop not in ("is_published", "as_of", "reported_on"):  # planners', as_of's only
            assert f"{field:<10}  {prop}" in readme
    assert len(set(FIELD_NAMES.values())) == len(FIELD_NAMES)
    archive.extractall(tmp_path)
    for kind in ("points", "lines", "polygons"):
        fields = pyogrio.read_info(tmp_path / f"projects_{kind}.shp")["fields"]
        assert all(len(field) <= 10 for field in fields), fields
    market = gpd.read_file(tmp_path / "projects_points.shp").set_index("code").loc["TM-01"]
    assert (market["name"], market["lead_ag_nm"]) == ("Chợ An Nhơn", "Sở Công Thương")


# ---- streaming ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_text_formats_are_streamed_and_parse(client, world, fmt):
    response = get(client, f"/api/v1/projects/export.{fmt}")
    assert response.streaming
    content = body(response)
    if fmt == "geojson":
        collection = json.loads(content)
        assert collection["type"] == "FeatureCollection"
        assert {f["id"] for f in collection["features"]} == PUBLIC
    else:
        assert set(read_csv(content)) == PUBLIC


def test_streaming_pages_through_large_selections(client, world, monkeypatch):
    from projects import exports

    monkeypatch.setattr(exports, "BATCH", 2)  # four public projects: three batches
    features = json.loads(download(client, "geojson"))["features"]
    assert [f["id"] for f in features] == sorted(PUBLIC)
    assert list(read_csv(download(client, "csv"))) == sorted(PUBLIC)


def test_geojson_keeps_a_lines_direction(client, world):
    (feature,) = json.loads(download(client, "geojson", "code=GT-01"))["features"]
    assert [tuple(v) for v in feature["geometry"]["coordinates"][0]] == EXPRESSWAY


@pytest.mark.filterwarnings("ignore:Value .* has been truncated:RuntimeWarning")
def test_a_long_vietnamese_name_is_cut_on_a_character_boundary_in_a_shapefile(
    client, world, tmp_path
):
    long = ("Đường Quy Nhơn – Pleiku đoạn tránh ải " * 10)[:250]  # 335 bytes in UTF-8
    Project.objects.filter(code="GT-01").update(name=long)
    rows = rows_by_code("shp", download(client, "shp"), tmp_path)
    cut = rows["GT-01"]["name"]
    assert len(cut.encode()) <= 254 and long.startswith(cut) and len(cut) > 150


def test_csv_cells_cannot_become_spreadsheet_formulas(client, world):
    Project.objects.filter(code="GT-01").update(name_en='=HYPERLINK("http://example.com","x")')
    cell = read_csv(download(client, "csv"))["GT-01"]["name_en"]
    assert not cell.startswith(("=", "+", "-", "@")), cell


# ---- markup is text -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_markup_in_a_name_survives_as_text(client, world, tmp_path, fmt):
    add_hostile_project(world)
    rows = rows_by_code(fmt, download(client, fmt), tmp_path)
    hostile = rows["TM-99"]
    name = hostile["Name"] if fmt == "kml" else hostile["name"]
    assert name == HOSTILE_NAME
    assert hostile["name_en"] == "<script>window.__xss=2</script>"


# ---- large selections: streamed formats hold everything, built ones state their cap ---------


def test_streamed_formats_hold_more_than_the_cap_and_built_ones_refuse_with_advice(
    client, world, tmp_path, monkeypatch
):
    from projects import queries

    monkeypatch.setattr(queries, "MAX_LIMIT", 2)  # the public selection holds 4
    for fmt in ("geojson", "csv"):
        assert {row["code"] for row in read_export(fmt, download(client, fmt), tmp_path)} == PUBLIC
    for fmt in ("gpkg", "shp", "kml"):
        error = json.loads(download(client, fmt, status=400))
        assert "4" in error["detail"] and "GeoJSON" in error["detail"], error
    page = get(client, "/export/map.html", status=400).content.decode()
    assert "GeoJSON" in page and "CSV" in page


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", r"du-an-\d{8}\.gpkg"),
        (
            "layer=transport&status=under_construction",
            r"du-an-transport-under-construction-\d{8}\.gpkg",
        ),
        ("q=Chợ Đập Đá", r"du-an-cho-dap-da-\d{8}\.gpkg"),
        ("crs=EPSG:9217&layer=health", r"du-an-health-\d{8}-epsg9217\.gpkg"),
    ],
)
def test_a_file_is_named_after_its_selection(client, world, query, name):
    response = get(client, f"/api/v1/projects/export.gpkg?{query}")
    filename = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    assert re.fullmatch(name, filename), filename
