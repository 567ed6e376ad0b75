"""Exports read back with GDAL (geopandas/pyogrio, and Debian's ogrinfo): counts, attributes
with their diacritics, and coordinates, in WGS 84 and in the VN-2000 systems."""

import io
import subprocess
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo.crs import transformer

pytestmark = pytest.mark.django_db

# TM-01, the An Nhơn produce market: one point, drawn at 109.1 E, 13.885 N.
MARKET = (109.1, 13.885)
MARKET_NAME = "Chợ tiêu thụ sản phẩm nông nghiệp tại thị xã An Nhơn"


def download(client, fmt, query=""):
    response = client.get(f"/api/v1/projects/export.{fmt}?{query}")
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response.content


def listed(client, query=""):
    return client.get(f"/api/v1/projects/?{query}").json()["numberMatched"]


def test_geojson(client):
    data = gpd.read_file(io.BytesIO(download(client, "geojson", "sector=TM")))
    assert len(data) == listed(client, "sector=TM") == 6
    market = data[data.code == "TM-01"].iloc[0]
    assert market["name"] == MARKET_NAME
    assert (market.geometry.geoms[0].x, market.geometry.geoms[0].y) == pytest.approx(MARKET)


@pytest.mark.parametrize("srid", [4326, 9217, 3405, 3406])
def test_geopackage_in_each_coordinate_system(client, tmp_path, srid):
    path = tmp_path / "projects.gpkg"
    path.write_bytes(download(client, "gpkg", f"crs=EPSG:{srid}"))
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"projects_points", "projects_lines", "projects_polygons"}
    parts = [gpd.read_file(path, layer=layer) for layer in layers]
    assert sum(len(part) for part in parts) == listed(client) == 55
    points = parts[list(layers).index("projects_points")]
    assert points.crs.to_epsg() == srid
    market = points[points.code == "TM-01"].iloc[0]
    assert market["name"] == MARKET_NAME and market["status_label"] == "Chuẩn bị đầu tư"
    expected = transformer(4326, srid).transform(*MARKET)
    tolerance = 1e-7 if srid == 4326 else 0.01  # degrees / metres
    got = market.geometry.geoms[0]
    assert (got.x, got.y) == pytest.approx(expected, abs=tolerance)


def test_debian_ogrinfo_reads_the_geopackage(client, tmp_path):
    path = tmp_path / "projects.gpkg"
    path.write_bytes(download(client, "gpkg", "crs=EPSG:9217"))
    info = subprocess.run(["ogrinfo", "-ro", "-so", str(path), "projects_points"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "VN-2000 / TM-3 108-15" in info or "108.25" in info


def test_zipped_shapefiles_split_by_kind_with_prj_and_cpg(client, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "shp", "crs=EPSG:9217")))
    names = set(archive.namelist())
    for kind in ("points", "lines", "polygons"):
        for extension in ("shp", "shx", "dbf", "prj", "cpg"):
            assert f"projects_{kind}.{extension}" in names
        assert archive.read(f"projects_{kind}.cpg").decode().strip().upper() == "UTF-8"
    assert "sector_nm" in archive.read("README.txt").decode()
    archive.extractall(tmp_path)
    points = gpd.read_file(tmp_path / "projects_points.shp")
    assert all(len(column) <= 10 for column in points.columns)
    assert points.crs.to_epsg() == 9217
    market = points[points.code == "TM-01"].iloc[0]
    assert market["name"] == MARKET_NAME and market["lead_ag_nm"] == "Sở Công Thương"
    x, y = transformer(4326, 9217).transform(*MARKET)
    assert (market.geometry.geoms[0].x, market.geometry.geoms[0].y) == pytest.approx(
        (x, y), abs=0.01
    )
    total = sum(len(gpd.read_file(tmp_path / f"projects_{k}.shp")) for k in
                ("points", "lines", "polygons"))  # fmt: skip
    assert total == listed(client)


def test_csv_opens_in_a_spreadsheet_with_vietnamese_intact(client):
    body = download(client, "csv", "layer=commerce")
    assert body.startswith("\ufeff".encode())  # UTF-8 byte-order mark
    table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert len(table) == listed(client, "layer=commerce")
    market = table[table.code == "TM-01"].iloc[0]
    assert market["name"] == MARKET_NAME
    assert (market["lon"], market["lat"]) == pytest.approx(MARKET)
    assert shapely.from_wkt(market["wkt"]).equals(shapely.MultiPoint([MARKET]))


def test_kml(client, tmp_path):
    path = tmp_path / "projects.kml"
    path.write_bytes(download(client, "kml", "layer=commerce"))
    data = gpd.read_file(path)
    assert len(data) == listed(client, "layer=commerce")
    assert MARKET_NAME in set(data["Name"] if "Name" in data else data["name"])


def test_an_export_follows_the_filters_and_refuses_bad_values(client):
    assert client.get("/api/v1/projects/export.gpkg?crs=EPSG:2000").status_code == 400
    assert list(client.get("/api/v1/projects/export.csv?bbox=oops").json()) == ["bbox"]
    assert client.get("/api/v1/projects/export.xlsx").status_code == 404
