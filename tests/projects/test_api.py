"""The REST API on a small world: what the caller may see, the filters, paging, caching and
the error shape. Expectations come from tests/world.py's table."""

import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from projects.models import Project
from projects.serializers import ProjectSerializer
from tests.world import another_commit, report

pytestmark = pytest.mark.django_db

PUBLIC = {"GT-01", "TM-01", "YT-01", "VH-01"}  # published, in public layers
EVERYTHING = PUBLIC | {"GT-02", "YT-02", "DN-01"}


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content[:600]
    return response


def codes(client, query=""):
    body = get(client, f"/api/v1/projects/?{query}").json()
    return {f["id"] for f in body["features"]}


# ---- what the caller sees -------------------------------------------------------------------


def test_the_public_sees_published_projects_of_public_layers(client, world):
    assert codes(client) == PUBLIC == world.published()


def test_a_planner_sees_everything_with_the_publication_flag(planner_client, world):
    body = get(planner_client, "/api/v1/projects/").json()
    found = {f["id"]: f["properties"] for f in body["features"]}
    assert set(found) == EVERYTHING
    assert found["GT-02"]["is_published"] is False and found["GT-01"]["is_published"] is True


@pytest.mark.parametrize("code", ["GT-02", "YT-02", "DN-01"])
def test_a_hidden_project_is_a_404_everywhere_for_the_public(client, world, code):
    for url in (f"/api/v1/projects/{code}/", f"/api/v1/projects/{code}/progress/",
                f"/projects/{code}/", f"/ogc/collections/projects/items/{code}"):  # fmt: skip
        get(client, url, status=404, HTTP_ACCEPT="application/json")


def test_a_feature_carries_the_documented_properties(client, world):
    feature = get(client, "/api/v1/projects/GT-01/").json()
    assert feature["type"] == "Feature" and feature["id"] == "GT-01"
    assert feature["geometry"]["type"] == "MultiLineString"
    props = feature["properties"]
    assert props["name"] == "Đường cao tốc Quy Nhơn – Pleiku"
    assert (props["lead_agency"], props["lead_agency_name"]) == ("SGTVT", "Sở Giao thông vận tải")
    assert (props["status"], props["oc4ids_status"]) == ("under_construction", "implementation")
    assert props["progress_pct"] == 35.0
    assert (props["planned_start"], props["planned_end"]) == ("2025-01-01", "2029-12-31")
    assert props["is_illustrative"] is True and "is_published" not in props
    undated = get(client, "/api/v1/projects/TM-01/").json()["properties"]
    assert undated["planned_start"] is None and undated["progress_pct"] is None


def test_coordinates_are_kept_to_about_a_centimetre(client, world):
    Project.objects.filter(code="TM-01").update(
        geom="SRID=4326;MULTIPOINT((109.123456789 13.987654321))"
    )
    lon, lat = get(client, "/api/v1/projects/TM-01/").json()["geometry"]["coordinates"][0]
    assert (lon, lat) == (109.1234568, 13.9876543)


def test_polygons_wind_counter_clockwise_as_rfc_7946_asks(client, world):
    import shapely

    for code in ("YT-01", "VH-01"):
        polygon = shapely.geometry.shape(
            get(client, f"/api/v1/projects/{code}/").json()["geometry"]
        ).geoms[0]
        assert polygon.exterior.is_ccw, code
        assert all(not ring.is_ccw for ring in polygon.interiors), code


def test_the_fast_list_equals_the_declared_serializer(client, world):
    fast = {f["id"]: f for f in get(client, "/api/v1/projects/").json()["features"]}
    request = APIRequestFactory().get("/")
    request.user = AnonymousUser()
    declared = ProjectSerializer(
        Project.objects.filter(code__in=fast).select_related("sector", "lead_agency"),
        many=True, context={"request": request},
    ).data["features"]  # fmt: skip
    assert len(declared) == len(fast)
    for feature in declared:
        assert fast[feature["id"]]["properties"] == dict(feature["properties"]), feature["id"]
        assert fast[feature["id"]]["geometry"]["type"] == feature["geometry"]["type"]


def test_english_names_follow_the_language(client, world):
    en = get(client, "/api/v1/projects/GT-01/", HTTP_ACCEPT_LANGUAGE="en").json()
    vi = get(client, "/api/v1/projects/GT-01/", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert en["properties"]["sector_name"] == "Transport"
    assert vi["properties"]["sector_name"] == "Giao thông"


# ---- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("bbox=108.40,13.93,108.45,13.99", {"GT-01"}),  # between two vertices of the line
        ("bbox=109.195,13.765,109.225,13.785", {"GT-01", "YT-01"}),
        ("bbox=108.96,13.91,108.99,13.94", {"VH-01"}),  # the hole's box still touches the site
        ("bbox=109.10,13.885,109.10,13.885", {"TM-01"}),  # a zero-area box on a point
        ("bbox=109.1,13.7,-179.0,13.9", {"GT-01", "TM-01", "YT-01"}),  # crossing the antimeridian
        ("bbox=109.1,13.7,0,109.3,13.9,100", {"GT-01", "TM-01", "YT-01"}),  # six numbers
        ("layer=health", {"YT-01"}),
        ("layer=transport,health", {"GT-01", "YT-01"}),
        ("sector=YT&sector=TM", {"YT-01", "TM-01"}),
        ("status=completed,suspended", {"YT-01", "VH-01"}),
        ("status=completed&status=suspended", {"YT-01", "VH-01"}),
        ("q=quy nhon pleiku", {"GT-01"}),  # every word, in any order
        ("q=BENH VIEN", {"YT-01"}),
        ("q=cho an nhon", {"TM-01"}),
        ("priority=2045", {"VH-01"}),
        ("min_progress=30&max_progress=99", {"GT-01"}),
        ("code=GT-01,YT-01", {"GT-01", "YT-01"}),
        ("project_type=construction&location_precision=approximate", PUBLIC),
        ("admin_unit=540", {"GT-01", "TM-01", "YT-01"}),
        ("year_from=2028", {"GT-01", "TM-01", "VH-01"}),  # TM-01 has no dates: kept
        ("year_to=2021", {"YT-01", "TM-01"}),
        ("year_from=2024&year_to=2024", {"TM-01"}),
        ("published=false", set()),
    ],
)
def test_each_filter_narrows_the_list(client, world, query, expected):
    assert codes(client, query) == expected


def test_an_agency_finds_the_projects_of_the_bodies_it_succeeded(client, world):
    assert codes(client, "agency=SGTVT") == {"GT-01"}
    # Transport → Construction (which also coordinates YT-01) → Gia Lai Construction
    assert codes(client, "agency=GL-SXD") == {"GT-01", "YT-01"}
    assert codes(client, "lead_agency=GL-SXD") == {"GT-01"}


def test_a_planner_filters_by_publication(planner_client, world):
    assert codes(planner_client, "published=false") == {"GT-02", "YT-02"}


def test_ignored_tracking_parameters_change_nothing(client, world):
    assert codes(client, "_=123&utm_source=zalo&fbclid=abc") == PUBLIC


# ---- errors ---------------------------------------------------------------------------------

BAD = [
    ("bbox=1,2,3", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=nan,13,109,14", "bbox"),
    ("bbox=inf,13,1e309,14", "bbox"),
    ("bbox=109.1,13.9,109.3,13.7", "bbox"),  # south above north
    ("bbox=13.7,109.1,13.9,109.3", "bbox"),  # lat/lon swapped: latitude 109
    ("status=finished", "status"),
    ("year_from=next", "year_from"),
    ("year_from=0", "year_from"),
    ("year_to=-5e16", "year_to"),
    ("min_progress=half", "min_progress"),
    ("max_progress=1e400", "max_progress"),
    ("limit=0", "limit"),
    ("limit=10001", "limit"),
    ("offset=-1", "offset"),
    (f"offset={2**70}", "offset"),
    ("simplify=big", "simplify"),
    ("agency=NOBODY", "agency"),
    ("agency=%25", "agency"),
    ("admin_unit=999", "admin_unit"),
    ("admin_unit=%25", "admin_unit"),
    ("layer=roads", "layer"),
    ("layer=%25", "layer"),
    ("layer=power", "layer"),  # not public: unknown to the public
    ("sector=XX", "sector"),
    ("sector=%25", "sector"),
    ("priority=2099", "priority"),
    ("code=<b>", "code"),
    ("published=maybe", "published"),
    ("properties=secret", "properties"),
    ("statu=completed", "statu"),  # a typo is not silently ignored
]


@pytest.mark.parametrize("query, parameter", BAD)
def test_a_bad_parameter_is_a_400_naming_it(client, world, query, parameter, english):
    body = get(client, f"/api/v1/projects/?{query}", status=400).json()
    assert body["parameter"] == parameter, body
    assert parameter in body["detail"] or body["detail"], body
    assert set(body) <= {"detail", "code", "parameter", "errors"}


def test_every_bad_parameter_is_reported_at_once(client, world, english):
    body = get(client, "/api/v1/projects/?status=x&limit=0&colour=red", status=400,
               HTTP_ACCEPT_LANGUAGE="en").json()  # fmt: skip
    assert set(body["errors"]) == {"status", "limit", "colour"}
    assert "Unknown parameter “colour”" in body["errors"]["colour"]
    assert "bbox" in body["errors"]["colour"]  # it lists what is accepted


def test_errors_are_in_the_callers_language(client, world):
    body = get(client, "/api/v1/projects/?agency=NOBODY", status=400,
               HTTP_ACCEPT_LANGUAGE="vi").json()  # fmt: skip
    assert body["detail"].startswith("Không có cơ quan nào mang mã “NOBODY”")


@pytest.mark.parametrize(
    "url",
    ["/api/v1/projects/a%00b/", "/api/v1/projects/?q=a%00b", "/projects/%00/",
     "/ogc/collections/projects/items?q=%00", "/tiles/projects/1/1/1.pbf?q=%00"],
)  # fmt: skip
def test_a_nul_byte_is_a_400_not_a_crash(client, world, url):
    assert client.get(url).status_code == 400


def test_an_unknown_code_is_a_json_404(client, world, english):
    body = get(client, "/api/v1/projects/ZZ-99/", status=404).json()
    assert body["code"] == "NotFound" and "ZZ-99" in body["detail"]
    assert get(client, "/api/v1/nothing/", status=404)["Content-Type"] == "application/json"


def test_a_method_a_route_does_not_offer_is_refused_with_405(client, world):
    # Writes are offered (tests/projects/test_api_writes.py); POST on one project is not.
    response = client.post("/api/v1/projects/GT-01/", {})
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert client.post("/api/v1/projects/", {}).status_code == 401


# ---- paging and caching ---------------------------------------------------------------------


def test_paging_is_stable_and_linked(planner_client, world):
    first = get(planner_client, "/api/v1/projects/?limit=3").json()
    assert (first["numberReturned"], first["numberMatched"]) == (3, len(EVERYTHING))
    following = get(planner_client, "/api/v1/projects/?limit=3&offset=3").json()
    ids = [f["id"] for f in first["features"] + following["features"]]
    assert ids == sorted(ids) and len(set(ids)) == 6
    assert [link["rel"] for link in following["links"]] == ["next", "prev"]
    assert "offset=6" in following["links"][0]["href"]
    beyond = get(planner_client, "/api/v1/projects/?offset=50").json()
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == len(EVERYTHING)


def test_lists_and_details_answer_304_when_unchanged(client, world):
    for url in ("/api/v1/projects/?status=completed", "/api/v1/projects/GT-01/"):
        first = get(client, url)
        # A list's ETag is weak; one project's is strong and starts with its version.
        assert first["ETag"].startswith(('W/"', '"v1.')) and "Last-Modified" in first
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        assert "public" in first["Cache-Control"]


def test_a_change_invalidates_the_etag(client, world):
    url = "/api/v1/projects/GT-01/"
    before = get(client, url)["ETag"]
    Project.objects.filter(code="GT-01").update(name_en="Renamed")
    another_commit()
    after = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert after.json()["properties"]["name_en"] == "Renamed"


def test_planners_get_private_responses(planner_client, world):
    assert "private" in get(planner_client, "/api/v1/projects/")["Cache-Control"]


# ---- the other endpoints --------------------------------------------------------------------


def test_progress_reports_of_a_project(client, world):
    report(world.projects["GT-01"], datetime.date(2025, 12, 5), "under_construction", 35,
           is_illustrative=True)  # fmt: skip
    reports = get(client, "/api/v1/projects/GT-01/progress/").json()
    assert [r["report_date"] for r in reports] == ["2025-12-05"]
    assert reports[0]["progress_pct"] == 35.0 and reports[0]["reporting_agency"] is None


def test_agencies_show_their_successors(client, world):
    agency = get(client, "/api/v1/agencies/SGTVT/").json()
    assert agency["succeeded_by"] == "SXD" and agency["current"] == "GL-SXD"
    assert agency["valid_to"] == "2025-02-28"
    get(client, "/api/v1/agencies/NOBODY/", status=404)


def test_admin_units_are_geojson_wound_counter_clockwise(client, world):
    import shapely

    body = get(client, "/api/v1/admin-units/").json()
    units = {f["id"]: f for f in body["features"]}
    assert set(units) == {"52", "540", "542"}
    assert units["540"]["properties"]["name"] == "Thành phố Quy Nhơn"
    for unit in units.values():
        for polygon in shapely.geometry.shape(unit["geometry"]).geoms:
            assert polygon.exterior.is_ccw
    get(client, "/api/v1/admin-units/999/", status=404)


def test_layers_count_what_the_caller_may_see(planner_client, world):
    from django.test import Client

    public = {layer["slug"]: layer for layer in get(Client(), "/api/v1/layers/").json()}
    assert "power" not in public  # not a public layer
    assert public["transport"]["projects"] == 1 and public["districts"]["kind"] == "reference"
    internal = {layer["slug"]: layer for layer in get(planner_client, "/api/v1/layers/").json()}
    assert internal["transport"]["projects"] == 2 and internal["power"]["projects"] == 1


def test_health_reports_app_and_database_without_internals(client):
    body = get(client, "/healthz").json()
    assert body["status"] == body["database"] == "ok" and body["postgis"].startswith("3.")
    assert "/" not in json.dumps({k: v for k, v in body.items() if k != "postgis"})


def test_the_api_docs_are_served_locally(client):
    html = get(client, "/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html
