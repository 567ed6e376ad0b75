"""OGC API – Features Part 4 on /ogc/collections/{id}/items: OPTIONS answers what the caller
may do (QGIS enables editing from it), and POST, PUT, PATCH and DELETE go through the same
write path, validation and ETag rules as the REST API, recorded with the door "ogc"."""

import orjson
import pyproj
import pytest
from django.test import Client

from projects.models import Project, ProjectEvent
from tests.roles import person, token_for

pytestmark = pytest.mark.django_db

GEOJSON = "application/geo+json"
ITEMS = "/ogc/collections/projects/items"
VN2000 = "<http://www.opengis.net/def/crs/EPSG/0/9217>"
NEW = {
    "type": "Feature",
    "geometry": {"type": "MultiPoint", "coordinates": [[109.2, 13.8]]},
    "properties": {"code": "GT-60", "name": "Cầu Thị Nại 3", "sector": "GT",
                   "lead_agency": "SGTVT", "status": "preparing"},
}  # fmt: skip


def ogc(role=None, *, session=False, agency=None, **defaults) -> Client:
    """A client acting as a new user with `role`, by token (or by session)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **defaults)
    if role is not None:
        user = person(role, agency=agency)
        if session:
            client.force_login(user)
        else:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_for(user)}"
    return client


def send(client, method, url, feature=None, *, raw=None, **headers):
    body = raw if raw is not None else orjson.dumps(feature) if feature is not None else b""
    return getattr(client, method)(url, body, content_type=GEOJSON, **headers)


def allow(response) -> list[str]:
    assert response.status_code == 204, response.content
    return [method.strip() for method in response["Allow"].split(",")]


# ---- OPTIONS ----------------------------------------------------------------------------------


def test_options_offer_post_only_to_a_caller_who_may_create(world):
    assert allow(ogc().options(ITEMS)) == ["GET", "HEAD", "OPTIONS"]
    assert "POST" not in allow(ogc("planner").options(ITEMS))
    reporter = ogc("agency_reporter", agency=world.agencies["SYT"])
    assert "POST" not in allow(reporter.options(ITEMS))
    assert allow(ogc("gis_editor").options(ITEMS)) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert "POST" in allow(ogc("gis_editor").options("/ogc/collections/transport/items"))
    assert "POST" not in allow(ogc("gis_editor").options("/ogc/collections/admin-units/items"))


def test_options_on_an_item_offer_put_patch_delete_to_a_gis_editor(world):
    editor = ogc("gis_editor")
    assert allow(editor.options(f"{ITEMS}/GT-01")) == [
        "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]  # fmt: skip
    # QGIS asks about a made-up id when a collection is empty: the caller's rights, no 404.
    assert "PUT" in allow(editor.options(f"{ITEMS}/unknown_id"))
    assert allow(ogc().options(f"{ITEMS}/GT-01")) == ["GET", "HEAD", "OPTIONS"]
    assert allow(ogc("planner").options(f"{ITEMS}/GT-01")) == ["GET", "HEAD", "OPTIONS"]
    assert allow(ogc("publisher").options(f"{ITEMS}/GT-01")) == [
        "GET", "HEAD", "OPTIONS", "PATCH"]  # fmt: skip


def test_conformance_names_part_4():
    classes = Client().get("/ogc/conformance?f=json").json()["conformsTo"]
    for name in ("create-replace-delete", "update", "features", "optimistic-locking-etags"):
        assert f"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/{name}" in classes


# ---- create, replace, update, delete ----------------------------------------------------------


def test_a_gis_editor_posts_a_feature_and_gets_201_with_location_and_etag(world):
    response = send(ogc("gis_editor"), "post", ITEMS, NEW)
    assert response.status_code == 201, response.content
    assert response["Location"] == "http://testserver/ogc/collections/projects/items/GT-60"
    assert response["ETag"] == '"v1"'
    assert response.json()["id"] == "GT-60"
    project = Project.objects.get(code="GT-60")
    event = ProjectEvent.objects.get(pgh_obj_id=project.pk, pgh_label="insert")
    assert (event.pgh_context["door"], event.pgh_context["username"]) == ("ogc", "gis_editor")


def test_a_feature_posted_into_a_sector_collection_gets_that_sector(world):
    feature = {**NEW, "properties": {k: v for k, v in NEW["properties"].items() if k != "sector"}}
    response = send(ogc("gis_editor"), "post", "/ogc/collections/transport/items", feature)
    assert response.status_code == 201, response.content
    assert response["Location"].endswith("/ogc/collections/transport/items/GT-60")
    assert Project.objects.get(code="GT-60").sector.code == "GT"


def test_a_feature_of_another_sector_is_refused_by_a_sector_collection(world):
    feature = {**NEW, "properties": {**NEW["properties"], "code": "YT-60", "sector": "YT"}}
    response = send(ogc("gis_editor"), "post", "/ogc/collections/transport/items", feature)
    assert response.status_code == 400
    assert response.json()["parameter"] == "sector" and "YT" in response.json()["description"]
    assert not Project.objects.filter(code="YT-60").exists()


def test_a_get_of_one_item_sends_the_strong_etag_a_write_needs(world):
    response = ogc("planner").get(f"{ITEMS}/GT-02")  # a draft: the token signs the read in
    assert response.status_code == 200
    assert response["ETag"].startswith('"v1.')
    assert ogc().get(f"{ITEMS}/GT-02").status_code == 404


def test_a_read_with_an_unknown_token_is_refused_with_401():
    response = Client(HTTP_AUTHORIZATION="Token nonsense", HTTP_ACCEPT_LANGUAGE="en").get(ITEMS)
    assert response.status_code == 401 and "token" in response.json()["description"].lower()


def test_put_replaces_with_if_match_and_428_without(world):
    editor = ogc("gis_editor")
    current = editor.get(f"{ITEMS}/GT-01").json()
    current["properties"]["name"] = "Cao tốc thay thế"
    response = send(editor, "put", f"{ITEMS}/GT-01", current)
    assert response.status_code == 428
    assert Project.objects.get(code="GT-01").version == 1
    tag = editor.get(f"{ITEMS}/GT-01")["ETag"]
    response = send(editor, "put", f"{ITEMS}/GT-01", current, HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"v2"'
    project = Project.objects.get(code="GT-01")
    assert (project.name, project.version) == ("Cao tốc thay thế", 2)
    event = ProjectEvent.objects.get(pgh_obj_id=project.pk, pgh_label="update")
    assert event.pgh_context["door"] == "ogc"


def test_patch_merges_and_a_stale_if_match_gets_412(world):
    editor = ogc("gis_editor")
    patch = {"type": "Feature", "properties": {"progress_pct": 55}}
    response = send(editor, "patch", f"{ITEMS}/GT-01", patch, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 200, response.content
    project = Project.objects.get(code="GT-01")
    assert (float(project.progress_pct), project.name) == (55.0, "Đường cao tốc Quy Nhơn – Pleiku")
    again = send(editor, "patch", f"{ITEMS}/GT-01", {"type": "Feature", "properties": {
        "progress_pct": 60}}, HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert again.status_code == 412 and again["ETag"] == '"v2"'
    assert float(Project.objects.get(code="GT-01").progress_pct) == 55.0


def test_delete_needs_if_match_and_answers_204(world):
    editor = ogc("gis_editor")
    pk = world.projects["GT-02"].pk
    assert editor.delete(f"{ITEMS}/GT-02").status_code == 428
    assert editor.delete(f"{ITEMS}/GT-02", HTTP_IF_MATCH='"v7"').status_code == 412
    assert editor.delete(f"{ITEMS}/GT-02", HTTP_IF_MATCH='"v1"').status_code == 204
    assert not Project.objects.filter(pk=pk).exists()
    assert ProjectEvent.objects.get(pgh_obj_id=pk, pgh_label="delete").pgh_context["door"] == "ogc"


def test_an_item_of_another_sector_is_not_found_through_a_sector_collection(world):
    response = ogc("gis_editor").delete("/ogc/collections/transport/items/YT-01",
                                        HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 404
    assert Project.objects.filter(code="YT-01").exists()


# ---- Content-Crs --------------------------------------------------------------------------------


def test_a_feature_in_vn2000_lands_where_proj_puts_it(world):
    lon, lat = 109.2213, 13.7765  # Quy Nhơn
    to_vn2000 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:9217", always_xy=True)
    x, y = to_vn2000.transform(lon, lat)
    feature = {**NEW, "geometry": {"type": "MultiPoint", "coordinates": [[x, y]]}}
    response = send(ogc("gis_editor"), "post", ITEMS, feature, HTTP_CONTENT_CRS=VN2000)
    assert response.status_code == 201, response.content
    stored = Project.objects.get(code="GT-60").geom[0]
    *_, metres = pyproj.Geod(ellps="WGS84").inv(lon, lat, stored.x, stored.y)
    assert metres < 0.5
    # A plain 7-parameter-less projection would be some 200 m off: the datum shift is applied.
    assert "VN-2000 to WGS 84" in pyproj.Transformer.from_crs(
        "EPSG:9217", "EPSG:4326", always_xy=True).description  # fmt: skip


def test_epsg_4326_by_uri_is_latitude_first(world):
    feature = {**NEW, "geometry": {"type": "MultiPoint", "coordinates": [[13.8, 109.2]]}}
    response = send(ogc("gis_editor"), "post", ITEMS, feature,
                    HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/4326>")  # fmt: skip
    assert response.status_code == 201, response.content
    stored = Project.objects.get(code="GT-60").geom[0]
    assert (round(stored.x, 6), round(stored.y, 6)) == (109.2, 13.8)


def test_an_unsupported_content_crs_is_a_400_listing_the_supported(world):
    response = send(ogc("gis_editor"), "post", ITEMS, NEW,
                    HTTP_CONTENT_CRS="<http://www.opengis.net/def/crs/EPSG/0/3857>")  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "Content-Crs" and "EPSG/0/9217" in body["description"]
    assert not Project.objects.filter(code="GT-60").exists()


# ---- refusals ------------------------------------------------------------------------------------


def test_an_anonymous_write_gets_401_and_a_wrong_role_403(world):
    response = send(ogc(), "post", ITEMS, NEW)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert send(ogc(), "patch", f"{ITEMS}/GT-01", NEW, HTTP_IF_MATCH='"v1"').status_code == 401
    assert send(ogc("planner"), "post", ITEMS, NEW).status_code == 403
    response = send(ogc("planner"), "delete", f"{ITEMS}/GT-01", HTTP_IF_MATCH='"v1"')
    assert response.status_code == 403
    assert not Project.objects.filter(code="GT-60").exists()
    assert Project.objects.get(code="GT-01").version == 1


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"{not json", None),
        (b'{"type": "FeatureCollection", "features": []}', None),
        (orjson.dumps({**NEW, "geometry": {"type": "MultiPoint", "coordinates": "x"}}),
         "geometry"),
        (orjson.dumps({**NEW, "geometry": {"type": "MultiPoint", "coordinates": [[105.8, 21.0]]}}),
         "geometry"),  # Hà Nội: outside the province
        (orjson.dumps({**NEW, "properties": {**NEW["properties"], "status": "dreaming"}}),
         "status"),
    ],
)  # fmt: skip
def test_garbage_bodies_get_400_with_a_message_and_nothing_is_written(world, raw, where):
    before = Project.objects.count()
    response = send(ogc("gis_editor"), "post", ITEMS, raw=raw)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["description"]
    if where:
        assert body["parameter"] == where, body
    assert Project.objects.count() == before


def test_a_body_that_is_not_json_by_type_is_refused_with_415(world):
    response = ogc("gis_editor").post(ITEMS, "code=GT-60", content_type="text/plain")
    assert response.status_code == 415
    assert not Project.objects.filter(code="GT-60").exists()


def test_a_session_write_needs_the_csrf_token(world):
    browser = ogc("gis_editor", session=True, enforce_csrf_checks=True)
    assert send(browser, "post", ITEMS, NEW).status_code == 403
    assert not Project.objects.filter(code="GT-60").exists()


def test_admin_units_are_read_only(world):
    response = send(ogc("gis_editor"), "post", "/ogc/collections/admin-units/items", NEW)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_post_on_one_item_is_a_405_naming_what_it_takes(world):
    browser = ogc("gis_editor", session=True, enforce_csrf_checks=True)
    response = send(browser, "post", f"{ITEMS}/GT-01", NEW)  # a 405 first, not a CSRF page
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS, PUT, PATCH, DELETE"
