"""The project list's filters, paging, caching and errors; the other v1 endpoints."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIRequestFactory

from projects.api import ProjectSerializer
from projects.models import Project

pytestmark = pytest.mark.django_db


def codes(client, query="", **headers):
    response = client.get(f"/api/v1/projects/?{query}", **headers)
    assert response.status_code == 200, response.content
    return [f["id"] for f in response.json()["features"]]


def test_a_road_crossing_the_box_counts_though_no_vertex_lies_in_it(client):
    # A box on the Quy Nhơn–Pleiku expressway's line between two of its vertices.
    found = codes(client, "bbox=108.40,13.97,108.45,14.00")
    assert "GT-01" in found


def test_bbox_keeps_far_away_projects_out(client):
    found = codes(client, "bbox=109.20,13.70,109.25,13.75")  # Quy Hòa
    assert "GD-01" in found and "TL-01" not in found  # An Lão is 90 km north


@pytest.mark.parametrize(
    "query, expected",
    [
        ("layer=health", {"YT-01", "YT-03"}),
        ("sector=YT", {"YT-01", "YT-03"}),
        ("status=completed", {"DN-04", "TL-05", "VH-03"}),
        ("status=completed,in_operation", {"DN-04", "TL-05", "VH-03", "TL-06", "CN-04", "TT-03"}),
        ("q=dap%20da", {"TM-06"}),
        ("q=%C4%90%E1%BA%ACP%20%C4%90%C3%81", {"TM-06"}),  # ĐẬP ĐÁ
        ("q=khoa%20hoc%20quy%20hoa", {"GD-01"}),
        ("admin_unit=542", {"TL-01", "DN-02", "GD-05", "YT-01"}),  # An Lão
        ("priority=2045&layer=transport", {"GT-10"}),  # GT-12 is unpublished
        ("min_progress=90&max_progress=99", {"GT-04"}),
        ("year_to=2019", {"TL-06", "CN-04", "DT-03"}),  # planned to start by 2019
    ],
)
def test_each_filter_narrows_the_list(client, query, expected):
    assert set(codes(client, query)) == expected


def test_an_agency_finds_the_projects_of_the_bodies_it_succeeded(client):
    old = set(codes(client, "agency=SGTVT"))
    assert old and old <= set(codes(client, "agency=GL-SXD"))  # Transport → Construction → Gia Lai


def test_year_range_uses_the_planned_period(client):
    found = set(codes(client, "year_from=2029&year_to=2029"))
    assert "GT-01" in found  # planned 2025–2029
    assert "DN-04" not in found  # completed 2024


def test_paging_is_stable_and_linked(client):
    first = client.get("/api/v1/projects/?limit=20").json()
    assert first["numberReturned"] == 20 and first["numberMatched"] == 55
    following = client.get("/api/v1/projects/?limit=20&offset=20").json()
    ids = [f["id"] for f in first["features"]] + [f["id"] for f in following["features"]]
    assert ids == sorted(ids) and len(set(ids)) == 40
    assert [link["rel"] for link in following["links"]] == ["next", "prev"]
    assert "offset=40" in following["links"][0]["href"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=109.3,13.7,109.1,13.9", "bbox"),  # min > max
        ("bbox=13.7,109.1,13.9,109.3", "bbox"),  # lat/lon swapped: latitude 109
        ("status=finished", "status"),
        ("year_from=next", "year_from"),
        ("min_progress=half", "min_progress"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("offset=-1", "offset"),
        ("simplify=big", "simplify"),
        ("agency=NOBODY", "agency"),
        ("admin_unit=999", "admin_unit"),
        ("layer=roads", "layer"),
        ("sector=XX", "sector"),
        ("priority=2099", "priority"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, query, parameter):
    response = client.get(f"/api/v1/projects/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_errors_are_in_the_callers_language(client):
    body = client.get("/api/v1/projects/?agency=NOBODY", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["agency"] == ["Không có cơ quan nào mang mã “NOBODY”."]


def test_the_fast_list_equals_the_serializer_feature_for_feature(planner):
    anonymous, planner_client = Client(), Client()
    planner_client.force_login(planner)
    for caller, user in ((anonymous, AnonymousUser()), (planner_client, planner)):
        fast = {f["id"]: f for f in caller.get("/api/v1/projects/").json()["features"]}
        request = APIRequestFactory().get("/")
        request.user = user
        visible = Project.objects.all() if user.is_authenticated else Project.objects.published()
        naive = ProjectSerializer(
            visible.select_related("sector", "lead_agency").order_by("code"),
            many=True, context={"request": request},
        ).data["features"]  # fmt: skip
        assert len(naive) == len(fast)
        for feature in naive:
            other = fast[feature["id"]]
            assert other["properties"] == dict(feature["properties"]), feature["id"]
            assert other["geometry"] == json.loads(json.dumps(feature["geometry"])), feature["id"]


def test_lists_and_details_answer_304_when_unchanged(client):
    for url in ("/api/v1/projects/?status=completed", "/api/v1/projects/GT-02/"):
        first = client.get(url)
        assert first["ETag"].startswith('W/"') and "Last-Modified" in first
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
        assert "public" in first["Cache-Control"]


def test_a_change_invalidates_the_etag(client):
    url = "/api/v1/projects/GT-02/"
    before = client.get(url)["ETag"]
    project = Project.objects.get(code="GT-02")
    project.name_en = "Phu Cat airport (renamed)"
    project.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert client.get("/api/v1/projects/?q=phu", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_planners_get_private_responses(planner_client):
    assert "private" in planner_client.get("/api/v1/projects/")["Cache-Control"]


def test_progress_reports_of_a_project(client):
    reports = client.get("/api/v1/projects/GT-02/progress/").json()
    assert [r["report_date"] for r in reports] == ["2024-12-05", "2025-12-05"]
    assert reports[-1]["progress_pct"] == 35.0 and reports[-1]["is_illustrative"]
    assert client.get("/api/v1/projects/YT-02/progress/").status_code == 404  # unpublished


def test_agencies_show_their_successors(client):
    agency = client.get("/api/v1/agencies/SKHDT/").json()
    assert agency["succeeded_by"] == "STC" and agency["current"] == "GL-STC"
    assert agency["valid_to"] == "2025-02-28"


def test_layers_list_the_ten_sectors_and_the_boundaries(client):
    layers = {layer["slug"]: layer for layer in client.get("/api/v1/layers/").json()}
    assert len([s for s, layer in layers.items() if layer["kind"] == "thematic"]) == 10
    assert layers["districts"]["kind"] == "reference"
    assert layers["transport"]["projects"] == 12  # 13 transport works, GT-12 unpublished
    assert layers["transport"]["oc4ids_sectors"] == ["transport"]


def test_the_openapi_document_describes_every_endpoint_and_filter(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    expected = [
        "/api/v1/projects/", "/api/v1/projects/{code}/", "/api/v1/projects/{code}/progress/",
        "/api/v1/layers/", "/api/v1/agencies/", "/api/v1/admin-units/", "/api/v1/oc4ids/",
        "/api/v1/projects/export.{fmt}",
    ]  # fmt: skip
    for path in expected:
        assert path in paths, path
    parameters = {p["name"]: p for p in paths["/api/v1/projects/"]["get"]["parameters"]}
    for name in ("bbox", "layer", "sector", "status", "agency", "admin_unit", "q", "year_from",
                 "year_to", "priority", "min_progress", "max_progress", "limit", "offset",
                 "simplify"):  # fmt: skip
        assert name in parameters and parameters[name].get("description"), name
    assert parameters["bbox"]["examples"]


def test_the_api_docs_are_served_locally(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html
