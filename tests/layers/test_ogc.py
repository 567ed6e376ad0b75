"""OGC API – Features, Parts 1 and 2, through Django's test client, on the small world."""

import pytest
from django.test import Client

from geo.crs import CRS84, transformer

pytestmark = pytest.mark.django_db

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
MARKET = (109.10, 13.885)  # TM-01's first point
JSON = {"HTTP_ACCEPT": "application/json"}


def get(client, url, status=200, **headers):
    response = client.get(url, **(headers or JSON))
    assert response.status_code == status, response.content[:600]
    return response


def ids(client, query="", collection="projects"):
    body = get(client, f"/ogc/collections/{collection}/items?limit=100&{query}").json()
    return {f["id"] for f in body["features"]}


def test_the_landing_page_links_the_api_conformance_and_collections(client, world):
    links = {link["rel"]: link for link in get(client, "/ogc/").json()["links"]}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["alternate"]["type"] == "text/html"
    api = get(client, links["service-desc"]["href"].replace("http://testserver", ""))
    assert api.json()["openapi"].startswith("3.0")


def test_conformance_declares_core_geojson_html_oas30_and_crs(client, world):
    classes = get(client, "/ogc/conformance").json()["conformsTo"]
    for part in ("conf/core", "conf/geojson", "conf/html", "conf/oas30", "features-2/1.0/conf/crs"):
        assert any(c.endswith(part) for c in classes), part


def test_collections_are_projects_each_public_layer_and_admin_units(client, world):
    body = get(client, "/ogc/collections").json()
    assert {link["rel"] for link in body["links"]} == {"self", "alternate"}
    collections = {c["id"]: c for c in body["collections"]}
    assert {"projects", "admin-units", "transport", "health"} <= set(collections)
    assert "power" not in collections  # not a public layer
    transport = collections["transport"]
    assert transport["storageCrs"] == CRS84 and EPSG.format(9217) in transport["crs"]
    assert {link["rel"] for link in transport["links"]} == {"self", "alternate", "items"}
    west, south, east, north = transport["extent"]["spatial"]["bbox"][0]
    assert west <= 108.30 and east >= 109.2  # GT-01 reaches Pleiku
    temporal = transport["extent"]["temporal"]
    assert temporal["trs"] == "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
    assert temporal["interval"] == [["2025-01-01T00:00:00Z", "2029-12-31T00:00:00Z"]]
    get(client, "/ogc/collections/power", status=404)
    assert "power" in {c["id"] for c in get(_planner(world), "/ogc/collections").json()[
        "collections"]}  # fmt: skip


def _planner(world):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("ogc-planner")
    user.user_permissions.add(Permission.objects.get(codename="view_project"))
    client = Client()
    client.force_login(user)
    return client


def test_items_page_with_links_and_counts(client, world):
    body = get(client, "/ogc/collections/projects/items?limit=2").json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (4, 2)
    links = {link["rel"]: link for link in body["links"]}
    assert {"self", "alternate", "collection", "next"} <= set(links)
    assert "offset=2" in links["next"]["href"] and links["next"]["href"].count("limit=") == 1
    assert [f["id"] for f in body["features"]] == ["GT-01", "TM-01"]


def test_one_feature_with_its_links_and_a_json_404(client, world):
    feature = get(client, "/ogc/collections/commerce/items/TM-01").json()
    assert feature["properties"]["name"] == "Chợ An Nhơn"
    assert {link["rel"] for link in feature["links"]} == {"self", "alternate", "collection"}
    missing = get(client, "/ogc/collections/commerce/items/GT-01", status=404)  # wrong collection
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["code"] == "NotFound" and missing.json()["description"]
    get(client, "/ogc/collections/health/items/YT-02", status=404)  # unpublished
    get(client, "/ogc/collections/projects/items/DN-01", status=404)  # layer not public
    get(client, "/ogc/collections/nothing/items", status=404)
    get(client, "/ogc/nothing", status=404)


@pytest.mark.parametrize("srid", [9217, 3405, 3406])
def test_crs_gives_vn2000_coordinates_with_the_official_datum_shift(client, world, srid):
    response = get(client, f"/ogc/collections/commerce/items/TM-01?crs={EPSG.format(srid)}")
    assert response["Content-Crs"] == f"<{EPSG.format(srid)}>"
    x, y = response.json()["geometry"]["coordinates"][0]
    assert (x, y) == pytest.approx(transformer(4326, srid).transform(*MARKET), abs=0.01)


def test_a_degrees_crs_keeps_centimetres(client, world):
    response = get(client, f"/ogc/collections/commerce/items/TM-01?crs={EPSG.format(4756)}")
    lat, lon = response.json()["geometry"]["coordinates"][0]  # EPSG:4756 is latitude first
    expected_lon, expected_lat = transformer(4326, 4756).transform(*MARKET)
    assert (lon, lat) == pytest.approx((expected_lon, expected_lat), abs=2e-7)
    assert len(str(lon).split(".")[1]) >= 6


def test_epsg_4326_is_latitude_first_and_crs84_longitude_first(client, world):
    lat_lon = get(client, f"/ogc/collections/commerce/items/TM-01?crs={EPSG.format(4326)}")
    assert lat_lon.json()["geometry"]["coordinates"][0] == [MARKET[1], MARKET[0]]
    lon_lat = get(client, "/ogc/collections/commerce/items/TM-01")
    assert lon_lat["Content-Crs"] == f"<{CRS84}>"
    assert lon_lat.json()["geometry"]["coordinates"][0] == list(MARKET)


def test_bbox_in_vn2000_with_bbox_crs(client, world):
    x, y = transformer(4326, 9217).transform(*MARKET)
    box = f"{x - 50},{y - 50},{x + 50},{y + 50}"
    assert ids(client, f"bbox={box}&bbox-crs={EPSG.format(9217)}", "commerce") == {"TM-01"}


def test_bbox_in_epsg_4326_is_latitude_first(client, world):
    box = f"{MARKET[1] - 0.001},{MARKET[0] - 0.001},{MARKET[1] + 0.001},{MARKET[0] + 0.001}"
    assert ids(client, f"bbox={box}&bbox-crs={EPSG.format(4326)}") == {"TM-01"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2029-06-01", {"GT-01", "TM-01", "VH-01"}),  # undated TM-01 is not dropped
        ("2022-01-01/2024-12-31", {"YT-01", "TM-01"}),
        ("../2021-01-01", {"YT-01", "TM-01"}),
        ("2030-06-01/..", {"TM-01", "VH-01"}),
        # 31 Dec 2019 17:00 UTC is already 1 January 2020 in Vietnam: YT-01 has started.
        ("2019-12-31T17:00:00Z", {"YT-01", "TM-01"}),
        ("2019-12-31T23:30:00+07:00", {"TM-01"}),
    ],
)
def test_datetime_meets_the_planned_period(client, world, value, expected):
    assert ids(client, f"datetime={value}") == expected


def test_the_same_filters_as_the_rest_list(client, world):
    assert ids(client, "status=completed,suspended") == {"YT-01", "VH-01"}
    assert ids(client, "agency=GL-SXD") == {"GT-01", "YT-01"}  # follows the mergers
    assert ids(client, "lead_agency=GL-SXD") == {"GT-01"}
    assert ids(client, "admin_unit=540&q=benh vien") == {"YT-01"}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=109.3,13.9,109.1,13.7", "bbox"),
        ("bbox=nan,1,2,3&bbox-crs=" + EPSG.format(9217), "bbox"),
        ("bbox=1,1,1e309,2", "bbox"),
        ("crs=EPSG:2000", "crs"),
        ("crs=EPSG:²", "crs"),
        ("bbox=1,2,3,4&bbox-crs=urn:nothing", "bbox-crs"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("status=finished", "status"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2025-02-30", "datetime"),
        ("datetime=2025-01-01T25:00:00Z", "datetime"),
        ("datetime=2025-01-01garbage", "datetime"),
        ("datetime=2026-01-01/2025-01-01", "datetime"),
        ("datetime=../..", "datetime"),
        ("f=xml", "f"),
        ("colour=red", "colour"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, world, query, parameter):
    body = get(client, f"/ogc/collections/projects/items?{query}", status=400).json()
    assert body["parameter"] == parameter and body["description"] and body["code"]


def test_html_views_show_coordinates_crs_and_period(client, world):
    for url in ("/ogc/?f=html", "/ogc/conformance?f=html", "/ogc/collections?f=html",
                "/ogc/collections/projects?f=html", "/ogc/collections/projects/items?f=html",
                "/ogc/collections/projects/items/GT-01?f=html"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = client.get("/ogc/collections/projects/items?f=html&limit=2").content.decode()
    assert "109.2" in page and "13.78" in page  # the coordinates
    assert "f=html&amp;f=html" not in page and "offset=2" in page
    collection = client.get("/ogc/collections/transport?f=html").content.decode()
    assert EPSG.format(9217) in collection and "2029-12-31" in collection


def test_a_browser_gets_html_and_a_client_json_with_their_own_etags(client, world):
    url = "/ogc/collections/transport/items"
    html = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html["Content-Type"].startswith("text/html")
    geojson = client.get(url, HTTP_ACCEPT="application/geo+json")
    assert geojson["Content-Type"] == "application/geo+json"
    assert html["ETag"] != geojson["ETag"] and "Accept" in geojson["Vary"]
    prefers_json = client.get(url, HTTP_ACCEPT="text/html;q=0.5, application/json")
    assert prefers_json["Content-Type"] == "application/json"
    again = client.get(url, HTTP_IF_NONE_MATCH=geojson["ETag"], HTTP_ACCEPT="application/geo+json")
    assert again.status_code == 304


def test_head_is_answered_and_a_write_is_never_a_csrf_page(client, world):
    assert client.head("/ogc/collections/projects/items").status_code == 200
    response = client.post("/ogc/collections/projects/items")  # Part 4: writes need a token
    assert response.status_code == 401 and response.json()["code"] == "NotAuthenticated"
    response = client.put("/ogc/collections/projects/items")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.json()["code"] == "MethodNotAllowed"


def test_admin_units_are_a_collection_with_their_own_filters(client, world):
    assert ids(client, "level=district", "admin-units") == {"540", "542"}
    assert ids(client, "datetime=2026-01-01", "admin-units") == set()  # ended in 2025
    body = get(client, "/ogc/collections/admin-units/items?status=completed", status=400).json()
    assert body["parameter"] == "status"


def test_planners_see_unpublished_projects_in_ogc_too(world):
    assert {"GT-02", "YT-02", "DN-01"} <= ids(_planner(world))


def test_the_api_definition_is_valid_openapi_30(client, world):
    from openapi_spec_validator import validate

    document = get(client, "/ogc/api").json()
    validate(document)
    paths = document["paths"]
    unit_parameters = {
        p["name"] for p in paths["/collections/admin-units/items"]["get"]["parameters"]
    }
    assert {"level", "kind", "code"} <= unit_parameters and "status" not in unit_parameters
    project_parameters = {
        p["name"] for p in paths["/collections/projects/items"]["get"]["parameters"]
    }
    assert {"q", "agency", "admin_unit", "status", "datetime", "bbox-crs"} <= project_parameters
    feature = paths["/collections/projects/items/{featureId}"]["get"]["parameters"]
    assert all(p.get("style") != "form" for p in feature if p["in"] == "path")
