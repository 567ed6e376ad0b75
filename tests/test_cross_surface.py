"""One question, one answer, on every read surface.

For each selection, written once in the REST list's spelling, and for the public and a planner,
the same project codes come back from: the REST list, OGC API items (`datetime` for the planned
years), the vector tiles over the world at zoom 8 (decoded), every export format (read back),
OC4IDS and the standalone HTML export (its embedded map configuration). Expectations for the
list itself are in tests/projects/test_api.py; here every other surface must agree with it.
"""

import json
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import shapely
from django.test import Client

from tests.surfaces import (
    EXPORT_FORMATS,
    download,
    export_codes,
    get,
    html_export_codes,
    map_config,
    oc4ids_codes,
    ogc_codes,
    read_export,
    rest_codes,
    tile_codes,
)

pytestmark = pytest.mark.django_db

PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}
# The map pages take the filters of their panel only (layers.views.MAP_FILTERS).
MAP_FILTERS = {"q", "layer", "status", "agency", "admin_unit", "priority", "published", "as_of"}

SELECTIONS = [
    "",
    "status=completed,suspended",
    "status=completed&status=suspended",
    "layer=transport",
    "layer=transport,health",
    "bbox=109.1,13.7,109.3,13.9",
    "bbox=108.40,13.93,108.45,13.99",  # between two vertices of GT-01
    "q=quy nhon",
    "q=benh vien&admin_unit=540",
    "agency=GL-SXD",  # follows the 2025 mergers to GT-01 and YT-01
    "lead_agency=SXD",
    "year_from=2028",
    "year_to=2021",
    "year_from=2024&year_to=2026",
    "admin_unit=540",
    "admin_unit=542",
    "priority=2045",
    "sector=YT,DN",
    "as_of=2025-06-30",  # the world has no reports: every project, none with a status
    "as_of=2025-06-30&admin_unit=540",
]
PLANNER_ONLY = ["published=false", "layer=power", "status=in_operation,proposed"]


@pytest.fixture(params=["public", "planner"])
def persona(request, world):
    client = Client()
    if request.param == "planner":
        client.force_login(request.getfixturevalue("planner"))
    return request.param, client


def every_surface(client, query) -> dict[str, set[str]]:
    found = {
        "REST list": rest_codes(client, query),
        "OGC API items": ogc_codes(client, query),
        "vector tiles": tile_codes(client, query),
        "OC4IDS": oc4ids_codes(client, query),
    }
    for fmt in EXPORT_FORMATS:
        found[f"export.{fmt}"] = export_codes(client, fmt, query)
    if {name for name, _value in parse_qsl(query)} <= MAP_FILTERS:
        found["HTML export"] = html_export_codes(client, query)
    return found


def disagreements(found: dict[str, set[str]]) -> dict[str, tuple]:
    listed = found["REST list"]
    return {
        surface: (sorted(codes - listed), sorted(listed - codes))  # (extra, missing)
        for surface, codes in found.items()
        if codes != listed
    }


@pytest.mark.parametrize("query", SELECTIONS)
def test_every_surface_gives_the_same_codes(persona, query):
    who, client = persona
    found = every_surface(client, query)
    assert not disagreements(found), (who, query, disagreements(found))
    assert found["REST list"] <= (EVERYTHING if who == "planner" else PUBLIC)


@pytest.mark.parametrize("query", PLANNER_ONLY)
def test_every_surface_gives_a_planner_the_same_codes(planner, world, query):
    client = Client()
    client.force_login(planner)
    found = every_surface(client, query)
    assert found["REST list"], query  # these select hidden projects: not vacuous
    assert not disagreements(found), (query, disagreements(found))


def test_the_selections_are_not_vacuous(client, world):
    """Most selections pick some projects and leave out others."""
    sizes = {query: len(rest_codes(client, query)) for query in SELECTIONS}
    assert sizes[""] == len(PUBLIC)
    narrowing = [query for query, size in sizes.items() if 0 < size < len(PUBLIC)]
    assert len(narrowing) >= len(SELECTIONS) - 4, sizes


@pytest.mark.parametrize(
    "query", ["bbox=109.1,13.7,109.3,13.9", "year_from=2028", "lead_agency=SXD", "sector=YT"]
)
def test_the_html_export_takes_the_same_filters_as_the_list(client, world, query):
    assert html_export_codes(client, query) == rest_codes(client, query)


# ---- the same feature everywhere ------------------------------------------------------------


def test_a_feature_has_the_same_properties_on_every_geojson_surface(planner_client, world):
    listed = {f["id"]: f for f in get(planner_client, "/api/v1/projects/").json()["features"]}
    ogc_url = "/ogc/collections/projects/items?limit=100"
    ogc = get(planner_client, ogc_url, HTTP_ACCEPT="application/geo+json").json()["features"]
    exported = json.loads(download(planner_client, "geojson"))["features"]
    html = map_config(get(planner_client, "/export/map.html").content.decode())["features"]
    for surface, features in (("OGC", ogc), ("export", exported), ("HTML export", html)):
        assert {f["id"] for f in features} == set(listed), surface
        for feature in features:
            same = listed[feature["id"]]
            assert feature["properties"] == same["properties"], (surface, feature["id"])
            assert feature["geometry"] == same["geometry"], (surface, feature["id"])


def test_the_files_carry_the_lists_values(planner_client, world):
    features = get(planner_client, "/api/v1/projects/").json()["features"]
    listed = {f["id"]: f["properties"] for f in features}
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "gpkg"):
            for row in read_export(fmt, download(planner_client, fmt), Path(folder)):
                expected = listed[row["code"]]
                for name in ("name", "name_en", "status", "lead_agency_name", "priority"):
                    assert row[name] == expected[name], (fmt, row["code"], name)


EXPRESSWAY = [(109.20, 13.78), (108.90, 13.90), (108.30, 13.98)]  # GT-01, Quy Nhơn → Pleiku


def test_a_line_runs_the_same_way_on_every_surface(client, world):
    lines = {}
    lines["REST"] = get(client, "/api/v1/projects/GT-01/").json()["geometry"]
    ogc = get(client, "/ogc/collections/transport/items/GT-01", HTTP_ACCEPT="application/json")
    lines["OGC"] = ogc.json()["geometry"]
    (project,) = get(client, "/api/v1/oc4ids/?code=GT-01").json()["projects"]
    lines["OC4IDS"] = project["locations"][0]["geometry"]
    (feature,) = json.loads(download(client, "geojson", "code=GT-01"))["features"]
    lines["export.geojson"] = feature["geometry"]
    (row,) = read_export("csv", download(client, "csv", "code=GT-01"), Path("."))
    lines["export.csv"] = shapely.geometry.mapping(shapely.from_wkt(row["wkt"]))
    directions = {
        surface: [tuple(v) for v in shapely.geometry.shape(g).geoms[0].coords]
        for surface, g in lines.items()
    }
    wrong = {surface: coords for surface, coords in directions.items() if coords != EXPRESSWAY}
    assert not wrong, wrong
