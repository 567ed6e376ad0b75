"""Real clients against a live server: GDAL's OAPIF driver (Debian's ogrinfo/ogr2ogr, and
pyogrio's newer GDAL for Part 2 CRS) and GDAL's MVT driver."""

import json
import subprocess
import urllib.request

import geopandas as gpd
import pyogrio
import pytest

from geo.crs import transformer

MARKET = (109.1, 13.885)  # TM-01


def api_count(live_url, query=""):
    with urllib.request.urlopen(f"{live_url}/api/v1/projects/?{query}") as response:
        return json.load(response)["numberMatched"]


def ogr(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def test_ogrinfo_lists_the_collections_with_the_rest_apis_counts(live_url):
    listing = ogr("ogrinfo", "-ro", "-q", f"OAPIF:{live_url}/ogc/")
    for layer in ("projects", "transport", "health", "admin-units"):
        assert f": {layer} (" in listing, listing
    for layer, query in (("projects", ""), ("transport", "layer=transport"),
                         ("health", "layer=health")):  # fmt: skip
        summary = ogr("ogrinfo", "-ro", "-so", f"OAPIF:{live_url}/ogc/", layer)
        assert f"Feature Count: {api_count(live_url, query)}" in summary, summary


def test_ogr2ogr_copies_a_collection_to_a_geopackage(live_url, tmp_path):
    target = tmp_path / "copy.gpkg"
    ogr("ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_url}/ogc/", "projects",
        "-oo", "PAGE_SIZE=20")  # fmt: skip
    copy = gpd.read_file(target)
    assert len(copy) == api_count(live_url) == 55
    assert "Nâng cấp, mở rộng Cảng hàng không Phù Cát" in set(copy["name"])


@pytest.mark.parametrize("srid", [9217, 3406])
def test_a_vn2000_request_lands_within_half_a_metre_of_proj(live_url, srid):
    data = pyogrio.read_dataframe(f"OAPIF:{live_url}/ogc/", layer="commerce", CRS=f"EPSG:{srid}")
    assert data.crs.to_epsg() == srid
    market = data[data["code"] == "TM-01"].geometry.iloc[0].geoms[0]
    x, y = transformer(4326, srid).transform(*MARKET)
    assert abs(market.x - x) < 0.5 and abs(market.y - y) < 0.5


def test_gdal_reads_a_vector_tile(live_url):
    listing = ogr(
        "ogrinfo", "-ro", "-al", "-q", f"/vsicurl/{live_url}/tiles/projects/8/205/117.pbf"
    )
    assert "code (String) = GT-02" in listing
    assert "GT-12" not in listing  # unpublished
