"""Real clients against a live server: GDAL's OAPIF driver (Debian's ogrinfo/ogr2ogr, and
pyogrio's newer GDAL for Part 2 CRS) and GDAL's MVT driver.

The live server holds the committed demo data plus TM-99, a project with a hostile name;
expectations are computed from it with the ORM (`committed`), never from its counts."""

import json
import re
import subprocess
import urllib.request

import geopandas as gpd
import pyogrio
import pytest
from django.contrib.gis.geos import Polygon

from geo.crs import transformer
from geo.tiles import tile_for, tile_lonlat_bounds
from projects.models import Project
from tests.world import HOSTILE_NAME


def public(**filters) -> set[str]:
    """What the public may see: published projects of public layers."""
    projects = Project.objects.filter(is_published=True, sector__layer__is_public=True, **filters)
    return set(projects.values_list("code", flat=True))


def api(live_url, path):
    with urllib.request.urlopen(f"{live_url}{path}") as response:
        return json.load(response)


def ogr(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def test_ogrinfo_lists_the_collections_with_the_visible_counts(live_url, committed):
    with committed():
        expected = {"projects": public(), "transport": public(sector__layer__slug="transport"),
                    "health": public(sector__layer__slug="health")}  # fmt: skip
    listing = ogr("ogrinfo", "-ro", "-q", f"OAPIF:{live_url}/ogc/")
    for layer in ("projects", "transport", "health", "admin-units"):
        assert f": {layer} (" in listing, listing
    for layer, codes in expected.items():
        summary = ogr("ogrinfo", "-ro", "-so", f"OAPIF:{live_url}/ogc/", layer)
        match = re.search(r"Feature Count: (\d+)", summary)
        assert match and int(match[1]) == len(codes), (layer, summary)
        query = "" if layer == "projects" else f"layer={layer}"
        assert api(live_url, f"/api/v1/projects/?limit=1&{query}")["numberMatched"] == len(codes)


def test_ogr2ogr_copies_a_collection_to_a_geopackage(live_url, committed, tmp_path):
    with committed():
        expected = public()
        hidden = set(Project.objects.values_list("code", flat=True)) - expected
    assert "TM-99" in expected and hidden  # the hostile name, and unpublished projects
    target = tmp_path / "copy.gpkg"
    ogr("ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_url}/ogc/", "projects",
        "-oo", "PAGE_SIZE=20")  # fmt: skip
    copy = gpd.read_file(target)
    assert set(copy["code"]) == expected and len(copy) == len(expected)  # paged, no repeats
    assert copy.set_index("code").loc["TM-99", "name"] == HOSTILE_NAME  # text, as it was


@pytest.mark.parametrize("srid", [9217, 3406])
def test_a_vn2000_request_lands_within_half_a_metre_of_proj(live_url, committed, srid):
    with committed():
        market = Project.objects.get(code="TM-01").geom[0]
    data = pyogrio.read_dataframe(f"OAPIF:{live_url}/ogc/", layer="commerce", CRS=f"EPSG:{srid}")
    assert data.crs.to_epsg() == srid
    got = data[data["code"] == "TM-01"].geometry.iloc[0].geoms[0]
    x, y = transformer(4326, srid).transform(market.x, market.y)
    assert abs(got.x - x) < 0.5 and abs(got.y - y) < 0.5


def test_gdal_reads_a_vector_tile_without_the_unpublished(live_url, committed):
    with committed():
        unpublished = Project.objects.filter(is_published=False).order_by("code").first()
        anchor = unpublished.geom.point_on_surface
        x, y = tile_for(anchor.x, anchor.y, 10)
        # The tile and the buffer it keeps round itself (layers.sql: 64 of 4096 units).
        box = Polygon.from_bbox(tile_lonlat_bounds(10, x, y, margin=64 / 4096))
        box.srid = 4326
        neighbours = public(geom__intersects=box)
    listing = ogr(
        "ogrinfo", "-ro", "-al", "-q", f"/vsicurl/{live_url}/tiles/projects/10/{x}/{y}.pbf"
    )
    drawn = set(re.findall(r"code \(String\) = (\S+)", listing))
    assert unpublished.code not in drawn
    assert drawn == neighbours and drawn, listing[:2000]


def test_gdal_reads_a_hostile_name_from_a_tile_as_text(live_url, committed):
    with committed():
        hostile = Project.objects.get(code="TM-99").geom[0]
    x, y = tile_for(hostile.x, hostile.y, 12)
    listing = ogr(
        "ogrinfo", "-ro", "-al", "-q", f"/vsicurl/{live_url}/tiles/commerce/12/{x}/{y}.pbf"
    )
    assert f"name (String) = {HOSTILE_NAME}" in listing
