"""Vector tiles on the small world, decoded with mapbox_vector_tile: what a tile holds and for
whom, the REST list's filters, TileJSON, errors in the REST shape, the spatial index in the
plan, generalisation and the cap, caching. Expectations come from tests/world.py's table."""

import math

import pytest
from django.db import connection

from bench import synthetic
from geo.tiles import tile_for
from layers import sql
from projects.models import Project
from tests.surfaces import decode, get, rest_codes, tile_codes, tile_features, tiles_over
from tests.world import another_commit

pytestmark = pytest.mark.django_db

PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}
DRAWING = {"code", "name", "sector", "status", "progress_pct"}  # what a tile carries
MVT = "application/vnd.mapbox-vector-tile"
MARKET = (109.10, 13.885)  # TM-01's first point
SUBSTATION = (109.05, 14.17)  # DN-01, in the power layer (not public in the world)
QUY_NHON_Z8 = (8, *tile_for(109.22, 13.77, 8))


def url(z, x, y, layer="projects", query=""):
    return f"/tiles/{layer}/{z}/{x}/{y}.pbf" + (f"?{query}" if query else "")


def all_features(client, query="", layer="projects", z=8) -> dict[str, dict]:
    """Every feature of the world's tiles at zoom z, by code (a feature on two tiles once)."""
    return {
        f["properties"]["code"]: f
        for z, x, y in tiles_over(z=z)
        for f in tile_features(client, z, x, y, query, layer)
    }


# ---- what a tile holds ----------------------------------------------------------------------


def test_the_public_tiles_hold_the_visible_projects_with_ids_and_drawing_properties(client, world):
    features = all_features(client)
    assert set(features) == PUBLIC == world.published()
    for code, feature in features.items():
        assert feature["id"] == world.projects[code].pk and isinstance(feature["id"], int)
        assert set(feature["properties"]) <= DRAWING, feature["properties"]
    expressway = features["GT-01"]["properties"]
    assert expressway == {
        "code": "GT-01", "name": "Đường cao tốc Quy Nhơn – Pleiku", "sector": "GT",
        "status": "under_construction", "progress_pct": 35.0,
    }  # fmt: skip
    assert "progress_pct" not in features["TM-01"]["properties"]  # unknown: no value, not 0


def test_a_planners_tiles_hold_everything_marked_with_publication(planner_client, world):
    features = all_features(planner_client)
    assert set(features) == EVERYTHING
    published = {code: f["properties"]["is_published"] for code, f in features.items()}
    assert published == {code: p.is_published for code, p in world.projects.items()}
    assert set(features["GT-02"]["properties"]) == DRAWING | {"is_published"}


def pixel(lon, lat, z, x, y, extent=4096) -> tuple[float, float]:
    """Where a lon/lat point falls on tile z/x/y, in tile units (y down)."""
    n = 2**z
    column = (lon + 180) / 360 * n
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (column - x) * extent, (row - y) * extent


def test_each_project_is_drawn_with_its_own_kind_of_geometry(client, world):
    features = all_features(client, z=10)
    assert features["TM-01"]["geometry"]["type"] in ("Point", "MultiPoint")
    assert features["GT-01"]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert features["YT-01"]["geometry"]["type"] == "Polygon"


def test_a_polygon_keeps_its_hole(client, world):
    import shapely

    z, x, y = 13, *tile_for(108.975, 13.922, 13)  # the south half of VH-01's hole
    (site,) = [f for f in tile_features(client, z, x, y) if f["properties"]["code"] == "VH-01"]
    drawn = shapely.geometry.shape(site["geometry"])
    assert drawn.contains(shapely.Point(pixel(108.955, 13.905, z, x, y)))  # the site
    assert not drawn.contains(shapely.Point(pixel(108.975, 13.922, z, x, y)))  # its hole


def test_a_point_lands_on_its_pixel(client, world):
    z = 14
    x, y = tile_for(*MARKET, z)
    expected = pixel(*MARKET, z, x, y)
    market = next(f for f in tile_features(client, z, x, y) if f["properties"]["code"] == "TM-01")
    geometry = market["geometry"]
    points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
    assert any(abs(px - expected[0]) <= 1 and abs(py - expected[1]) <= 1 for px, py in points), (
        points,
        expected,
    )


def test_a_layer_tile_holds_its_sector_only_under_its_own_name(client, world):
    features = all_features(client, layer="transport")
    assert set(features) == {"GT-01"}  # GT-02 is unpublished
    z, x, y = QUY_NHON_Z8
    assert set(decode(get(client, url(z, x, y, "health")).content)) == {"health"}


# ---- the REST list's filters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "status=completed,suspended",
        "layer=transport,health",
        "sector=TM",
        "q=benh vien",
        "agency=GL-SXD",  # follows the 2025 mergers
        "admin_unit=540",
        "year_from=2028",
        "bbox=108.40,13.93,108.45,13.99",  # between two vertices of GT-01
        "priority=2045",
        "min_progress=30&max_progress=99",
        "code=GT-01,YT-01",
    ],
)
def test_tiles_take_the_same_filters_as_the_rest_list(client, world, query):
    assert tile_codes(client, query) == rest_codes(client, query)


def test_a_list_is_the_same_tile_comma_separated_or_repeated(client, world):
    z, x, y = QUY_NHON_Z8
    commas = get(client, url(z, x, y, query="status=completed,suspended")).content
    repeated = get(client, url(z, x, y, query="status=completed&status=suspended")).content
    assert commas == repeated
    assert {f["properties"]["code"] for f in decode(commas)["projects"]} == {"YT-01", "VH-01"}


def test_a_planner_filters_tiles_by_publication(planner_client, world):
    assert tile_codes(planner_client, "published=false") == {"GT-02", "YT-02"}


# ---- a layer that is not public -------------------------------------------------------------


def test_a_layer_that_is_not_public_is_a_404_and_its_projects_are_not_drawn(client, world):
    z, x, y = 8, *tile_for(*SUBSTATION, 8)
    for missing in (url(z, x, y, "power"), "/tiles/power.json"):
        response = get(client, missing, status=404)
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "NotFound"
    for zoom in (8, 12, 16):
        tx, ty = tile_for(*SUBSTATION, zoom)
        assert "DN-01" not in {f["properties"]["code"] for f in tile_features(client, zoom, tx, ty)}
    assert "DN-01" not in tile_codes(client)
    body = get(client, url(z, x, y, query="layer=power"), status=400).json()
    assert body["parameter"] == "layer"  # unknown to the public, as in the REST list


def test_a_planner_gets_the_power_layer(planner_client, world):
    z, x, y = 8, *tile_for(*SUBSTATION, 8)
    features = tile_features(planner_client, z, x, y, layer="power")
    assert {f["properties"]["code"] for f in features} == {"DN-01"}
    assert get(planner_client, "/tiles/power.json").json()["name"] == "power"


# ---- TileJSON -------------------------------------------------------------------------------


def test_tilejson_has_the_3_0_shape(client, world):
    body = get(client, "/tiles/projects.json").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"] == ["http://testserver/tiles/projects/{z}/{x}/{y}.pbf"]
    assert 0 <= body["minzoom"] <= body["maxzoom"] <= 22
    west, south, east, north = body["bounds"]
    lon, lat, zoom = body["center"]
    assert west <= lon <= east and south <= lat <= north
    assert body["minzoom"] <= zoom <= body["maxzoom"]
    (layer,) = body["vector_layers"]
    assert layer["id"] == "projects"
    assert layer["fields"] == {"code": "String", "name": "String", "sector": "String",
                               "status": "String", "progress_pct": "Number"}  # fmt: skip
    planner_fields = _planner_tilejson(world)["vector_layers"][0]["fields"]
    assert planner_fields["is_published"] == "Boolean"


def _planner_tilejson(world):
    from django.contrib.auth.models import Permission, User
    from django.test import Client

    user = User.objects.create_user("tile-planner")
    user.user_permissions.add(Permission.objects.get(codename="view_project"))
    client = Client()
    client.force_login(user)
    return get(client, "/tiles/projects.json").json()


@pytest.mark.parametrize("layer", ["projects", "transport", "health", "culture"])
def test_tilejson_bounds_hold_every_visible_project(client, world, layer):
    west, south, east, north = get(client, f"/tiles/{layer}.json").json()["bounds"]
    query = "" if layer == "projects" else f"layer={layer}"
    for code in rest_codes(client, query):
        xmin, ymin, xmax, ymax = world.projects[code].geom.extent
        assert west <= xmin and south <= ymin and east >= xmax and north >= ymax, code
    assert west <= 108.30 or layer not in ("projects", "transport")  # GT-01 reaches Pleiku


def test_tilejson_bounds_follow_the_filters(client, world):
    west, _south, _east, _north = get(client, "/tiles/projects.json?q=pleiku").json()["bounds"]
    assert west <= 108.30
    inside = get(client, "/tiles/projects.json?layer=health").json()["bounds"]
    assert inside[0] > 108.30  # the hospital is in Quy Nhơn; the box holds the province


@pytest.mark.parametrize(
    "query",
    ["status=completed", "status=completed&status=suspended", "layer=transport&q=quy+nhon"],
)
def test_the_tiles_url_keeps_the_filters(client, world, query):
    (template,) = get(client, f"/tiles/projects.json?{query}").json()["tiles"]
    assert template == f"http://testserver/tiles/projects/{{z}}/{{x}}/{{y}}.pbf?{query}"


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("status=finished", "status"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=109.1,13.9,109.3,13.7", "bbox"),
        ("year_from=next", "year_from"),
        ("min_progress=1e400", "min_progress"),
        ("agency=NOBODY", "agency"),
        ("layer=roads", "layer"),
        ("colour=red", "colour"),
        ("limit=10", "limit"),  # a list's paging means nothing to a tile
    ],
)
@pytest.mark.parametrize("path", ["/tiles/projects/8/205/118.pbf", "/tiles/projects.json"])
def test_a_bad_parameter_is_a_json_400_naming_it(client, world, path, query, parameter):
    response = get(client, f"{path}?{query}", status=400)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter and body["detail"], body


@pytest.mark.parametrize(
    "path",
    ["/tiles/projects/8/256/0.pbf", "/tiles/projects/8/0/256.pbf", "/tiles/projects/0/1/0.pbf",
     "/tiles/projects/19/0/0.pbf", "/tiles/projects/23/0/0.pbf",
     "/tiles/projects/99999999999999999999/0/0.pbf", "/tiles/roads/8/205/118.pbf",
     "/tiles/roads.json"],
)  # fmt: skip
def test_a_tile_that_cannot_exist_is_a_json_404(client, world, path):
    response = get(client, path, status=404)
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "NotFound"


def test_an_empty_tile_is_an_empty_body(client, world):
    response = get(client, "/tiles/projects/14/0/0.pbf")  # the Arctic
    assert response.content == b"" and response["Content-Type"] == MVT


def test_tiles_are_read_only(client, world):
    response = client.post(url(*QUY_NHON_Z8))
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "MethodNotAllowed"


# ---- caching --------------------------------------------------------------------------------


def test_public_tiles_are_cacheable_and_planner_tiles_private(client, planner, world):
    from django.test import Client

    first = get(client, url(*QUY_NHON_Z8))
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get(url(*QUY_NHON_Z8), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    Project.objects.filter(code="GT-01").update(name="Đổi tên")
    another_commit()
    changed = client.get(url(*QUY_NHON_Z8), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200  # a change invalidates the ETag
    signed_in = Client()
    signed_in.force_login(planner)
    assert "private" in get(signed_in, url(*QUY_NHON_Z8))["Cache-Control"]


# ---- the query ------------------------------------------------------------------------------


def test_the_tile_query_uses_the_spatial_index_and_no_parallel_plan(world):
    with connection.cursor():
        synthetic.seed(connection, 20_000, prefix="SY")  # rolled back with the test
    z, x, y = 14, *tile_for(109.22, 13.77, 14)
    plan = sql.explain_tile(Project.objects.published(), "projects", z, x, y, internal=False)
    assert "Index Scan on projects_project_geom" in plan, plan
    assert "Gather" not in plan, plan


def test_low_zooms_are_generalised_and_tiles_are_capped(world, monkeypatch):
    low = sql._tile_sql(Project.objects.all(), "p", 8, 205, 118, internal=False)[0]
    high = sql._tile_sql(Project.objects.all(), "p", 14, 13145, 7525, internal=False)[0]
    assert "ST_Simplify(" in low and "ST_Simplify(" not in high
    z, x, y = QUY_NHON_Z8
    everything = sql.mvt_tile(Project.objects.all(), "projects", z, x, y, internal=True)
    assert len(decode(everything)["projects"]) > 2
    monkeypatch.setattr(sql, "MAX_FEATURES", 2)
    capped = sql.mvt_tile(Project.objects.all(), "projects", z, x, y, internal=True)
    assert len(decode(capped)["projects"]) == 2


def test_a_crowded_tile_keeps_the_largest_project_of_each_cell(world, monkeypatch):
    # One tile holds the whole province: under the threshold nothing is thinned.
    z, x, y = 6, *tile_for(109.1, 14.0, 6)
    projects = Project.objects.all()
    whole = decode(sql.mvt_tile(projects, "projects", z, x, y, internal=True))["projects"]
    assert len(whole) == projects.count()
    monkeypatch.setattr(sql, "THIN_ABOVE", 1)
    monkeypatch.setattr(sql, "THIN_PIXELS", 256)  # one cell per tile: the province is in one
    thinned = decode(sql.mvt_tile(projects, "projects", z, x, y, internal=True))["projects"]
    largest = max(
        projects, key=lambda p: (p.geom.extent[2] - p.geom.extent[0] + p.geom.extent[3]
                                 - p.geom.extent[1], -p.pk),
    )  # fmt: skip
    assert [f["properties"]["code"] for f in thinned] == [largest.code]


def test_thinning_keeps_a_crowded_view_readable_and_light(world):
    with connection.cursor():
        synthetic.seed(connection, 5_000, prefix="SY")  # rolled back with the test
    z, x, y = 11, *tile_for(109.22, 13.77, 11)
    projects = Project.objects.published()
    kept = decode(sql.mvt_tile(projects, "projects", z, x, y, internal=False))["projects"]
    candidates = sql._tile_rows(projects, z, x, y, internal=False).count()
    cells = 256 // sql.THIN_PIXELS + 2  # the tile's cells and its buffer's
    assert candidates > sql.THIN_ABOVE
    assert candidates > len(kept) and len(kept) <= cells**2, (candidates, len(kept))
    assert len({f["id"] for f in kept}) == len(kept)
