"""OGC API – Features, Parts 1 and 2, through Django's test client."""

import pytest

from geo.crs import CRS84, transformer

pytestmark = pytest.mark.django_db

EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
MARKET = (109.1, 13.885)  # TM-01, one point


def get(client, url, status=200):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content[:400]
    return response


def test_the_landing_page_links_the_api_conformance_and_collections(client):
    links = {link["rel"]: link["href"] for link in get(client, "/ogc/").json()["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert (
        get(client, links["service-desc"].replace("http://testserver", ""))
        .json()["openapi"]
        .startswith("3.0")
    )


def test_conformance_declares_core_geojson_html_oas30_and_crs(client):
    classes = get(client, "/ogc/conformance").json()["conformsTo"]
    for part in ("conf/core", "conf/geojson", "conf/html", "conf/oas30", "features-2/1.0/conf/crs"):
        assert any(c.endswith(part) for c in classes), part


def test_collections_are_projects_each_layer_and_admin_units(client):
    collections = {c["id"]: c for c in get(client, "/ogc/collections").json()["collections"]}
    assert {"projects", "admin-units", "transport", "health"} <= set(collections)
    assert len(collections) == 12
    transport = collections["transport"]
    assert transport["storageCrs"] == CRS84 and EPSG.format(9217) in transport["crs"]
    west, south, east, north = transport["extent"]["spatial"]["bbox"][0]
    assert 108.0 <= west < east <= 109.4 and 13.4 <= south < north <= 14.7
    assert "temporal" in transport["extent"]


def test_items_page_with_next_links_and_counts(client):
    body = get(client, "/ogc/collections/projects/items?limit=20").json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (55, 20)
    following = [link["href"] for link in body["links"] if link["rel"] == "next"]
    assert following and "offset=20" in following[0]
    assert body["features"][0]["id"] == "CN-01"


def test_one_feature_and_a_404(client):
    feature = get(client, "/ogc/collections/commerce/items/TM-01").json()
    assert feature["properties"]["name"].startswith("Chợ tiêu thụ")
    get(client, "/ogc/collections/commerce/items/GT-01", status=404)  # wrong collection
    get(client, "/ogc/collections/health/items/YT-02", status=404)  # unpublished
    get(client, "/ogc/collections/nothing/items", status=404)


@pytest.mark.parametrize("srid", [9217, 3405, 3406])
def test_crs_gives_vn2000_coordinates_with_the_official_datum_shift(client, srid):
    response = get(client, f"/ogc/collections/commerce/items/TM-01?crs={EPSG.format(srid)}")
    assert response["Content-Crs"] == f"<{EPSG.format(srid)}>"
    x, y = response.json()["geometry"]["coordinates"][0]
    assert (x, y) == pytest.approx(transformer(4326, srid).transform(*MARKET), abs=0.01)


def test_epsg_4326_is_latitude_first_and_crs84_longitude_first(client):
    lat_lon = get(client, f"/ogc/collections/commerce/items/TM-01?crs={EPSG.format(4326)}")
    assert lat_lon.json()["geometry"]["coordinates"][0] == [MARKET[1], MARKET[0]]
    lon_lat = get(client, "/ogc/collections/commerce/items/TM-01")
    assert lon_lat["Content-Crs"] == f"<{CRS84}>"
    assert lon_lat.json()["geometry"]["coordinates"][0] == list(MARKET)


def test_bbox_in_vn2000_with_bbox_crs(client):
    x, y = transformer(4326, 9217).transform(*MARKET)
    box = f"{x - 50},{y - 50},{x + 50},{y + 50}"
    body = get(client, f"/ogc/collections/commerce/items?bbox={box}&bbox-crs={EPSG.format(9217)}")
    assert [f["id"] for f in body.json()["features"]] == ["TM-01"]


def test_datetime_meets_the_planned_period(client):
    url = "/ogc/collections/projects/items?limit=100&datetime=2029-06-01"
    ids = {f["id"] for f in get(client, url).json()["features"]}
    assert "GT-01" in ids and "DN-04" not in ids  # 2025–2029 in, finished in 2024 out
    open_end = get(client, "/ogc/collections/projects/items?limit=100&datetime=2030-06-01/..")
    assert "CN-01" in {f["id"] for f in open_end.json()["features"]}


def test_property_filters(client):
    body = get(client, "/ogc/collections/projects/items?status=completed&limit=100").json()
    assert sorted(f["id"] for f in body["features"]) == ["DN-04", "TL-05", "VH-03"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=109.3,13.7,109.1,13.9", "bbox"),
        ("crs=EPSG:2000", "crs"),
        ("bbox=1,2,3,4&bbox-crs=urn:nothing", "bbox-crs"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2026-01-01/2025-01-01", "datetime"),
        ("colour=red", "colour"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, query, parameter):
    body = get(client, f"/ogc/collections/projects/items?{query}", status=400).json()
    assert body["parameter"] == parameter and body["description"]


def test_html_views(client):
    for url in ("/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/projects/items?f=html",
                "/ogc/collections/projects/items/GT-02?f=html"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert (
        "GT-02" in client.get("/ogc/collections/projects/items?f=html&limit=100").content.decode()
    )


def test_items_answer_304_when_unchanged(client):
    first = get(client, "/ogc/collections/transport/items")
    again = client.get("/ogc/collections/transport/items", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_planners_see_unpublished_projects_in_ogc_too(planner_client):
    ids = {f["id"] for f in get(planner_client, "/ogc/collections/projects/items?limit=100")
           .json()["features"]}  # fmt: skip
    assert {"GT-12", "YT-02"} <= ids
