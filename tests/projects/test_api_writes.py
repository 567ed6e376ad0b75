"""Writes on /api/v1/projects/: a GeoJSON Feature in (the shape a GET gives), through the write
path (door "api"), with the project's ETag required in If-Match."""

import orjson
import pytest
from django.test import Client

from projects.models import Project, ProjectEvent
from tests.roles import person, token_for

pytestmark = pytest.mark.django_db

GEOJSON = "application/geo+json"
NEW = {
    "type": "Feature",
    "geometry": {"type": "MultiPoint", "coordinates": [[109.2, 13.8]]},
    "properties": {
        "code": "GT-50", "name": "Cầu Thị Nại 2", "name_en": "Thi Nai Bridge 2",
        "sector": "GT", "lead_agency": "SGTVT", "status": "preparing", "priority": "2030",
    },
}  # fmt: skip


def api(role=None, *, session=False, agency=None) -> Client:
    """A client acting as a new user with `role`, by token (or by session)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role is None:
        return client
    user = person(role, agency=agency)
    if session:
        client.force_login(user)
    else:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_for(user)}"
    return client


def send(client, method, url, feature=None, **headers):
    body = orjson.dumps(feature) if feature is not None else b""
    return getattr(client, method)(url, body, content_type=GEOJSON, **headers)


def tag(client, code):
    response = client.get(f"/api/v1/projects/{code}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def test_a_gis_editor_creates_a_project_with_a_token(world):
    client = api("gis_editor")
    response = send(client, "post", "/api/v1/projects/", NEW)
    assert response.status_code == 201, response.content
    assert response["Location"] == "http://testserver/api/v1/projects/GT-50/"
    assert response["ETag"] == '"v1"'
    feature = response.json()
    assert feature["id"] == "GT-50" and feature["properties"]["lead_agency"] == "SGTVT"
    project = Project.objects.get(code="GT-50")
    assert project.admin_units.filter(code="540").exists()  # computed, as in the admin
    event = ProjectEvent.objects.get(pgh_obj_id=project.pk, pgh_label="insert")
    assert event.pgh_context["door"] == "api"
    assert event.pgh_context["username"] == "gis_editor"


def test_a_gis_editor_creates_a_project_with_a_session(world):
    response = send(api("gis_editor", session=True), "post", "/api/v1/projects/", NEW)
    assert response.status_code == 201, response.content
    assert Project.objects.filter(code="GT-50").exists()


def test_a_get_of_one_project_sends_its_version_as_a_strong_etag(world):
    assert tag(api("planner"), "GT-02").startswith('"v1.')


def test_a_replace_sets_every_property_and_resets_those_left_out(world):
    client = api("gis_editor")
    current = client.get("/api/v1/projects/GT-01/").json()
    current["properties"]["name"] = "Cao tốc mới"
    del current["properties"]["name_en"]
    response = send(client, "put", "/api/v1/projects/GT-01/", current, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"v2"'
    project = Project.objects.get(code="GT-01")
    assert (project.name, project.name_en, project.version) == ("Cao tốc mới", "", 2)
    assert project.is_published  # sent back as it was read


def test_a_patch_changes_only_what_it_names_and_is_recorded_with_its_comment(world):
    client = api("gis_editor")
    feature = {"type": "Feature", "properties": {"progress_pct": 40}}
    response = send(client, "patch", "/api/v1/projects/GT-01/", feature, HTTP_IF_MATCH='"v1"',
                    HTTP_X_COMMENT="Q3 survey")  # fmt: skip
    assert response.status_code == 200, response.content
    project = Project.objects.get(code="GT-01")
    assert (float(project.progress_pct), project.name) == (40.0, "Đường cao tốc Quy Nhơn – Pleiku")
    event = ProjectEvent.objects.filter(pgh_obj_id=project.pk, pgh_label="update").get()
    assert (event.pgh_context["door"], event.pgh_context["comment"]) == ("api", "Q3 survey")


def test_a_delete_removes_the_project_and_keeps_its_history(world):
    client = api("gis_editor")
    pk = world.projects["GT-02"].pk
    response = client.delete("/api/v1/projects/GT-02/", HTTP_IF_MATCH='"v1"')
    assert response.status_code == 204
    assert not Project.objects.filter(pk=pk).exists()
    event = ProjectEvent.objects.get(pgh_obj_id=pk, pgh_label="delete")
    assert event.pgh_context["door"] == "api"


def test_an_anonymous_write_is_refused_with_401(world):
    response = send(api(), "post", "/api/v1/projects/", NEW)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    response = send(api(), "patch", "/api/v1/projects/GT-01/", {"type": "Feature"},
                    HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 401
    assert Project.objects.get(code="GT-01").version == 1


def test_a_revoked_or_unknown_token_is_refused_with_401(world):
    client = Client(HTTP_AUTHORIZATION="Token not-a-key")
    assert send(client, "post", "/api/v1/projects/", NEW).status_code == 401


@pytest.mark.parametrize("role", ["planner", "publisher", "administrator"])
def test_a_role_that_does_not_edit_is_refused_with_403(world, role):
    client = api(role)
    assert send(client, "post", "/api/v1/projects/", NEW).status_code == 403
    feature = {"type": "Feature", "properties": {"name": "Khác"}}
    response = send(client, "patch", "/api/v1/projects/GT-01/", feature, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 403
    assert "role" in response.json()["detail"]
    assert client.delete("/api/v1/projects/GT-01/", HTTP_IF_MATCH='"v1"').status_code == 403
    assert Project.objects.filter(code="GT-50").count() == 0
    assert Project.objects.get(code="GT-01").version == 1


def test_only_a_publisher_publishes(world):
    feature = {"type": "Feature", "properties": {"is_published": True}}
    response = send(api("gis_editor"), "patch", "/api/v1/projects/GT-02/", feature,
                    HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 403
    response = send(api("publisher"), "patch", "/api/v1/projects/GT-02/", feature,
                    HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 200, response.content
    assert Project.objects.get(code="GT-02").is_published


def test_a_write_without_if_match_gets_428_and_writes_nothing(world):
    feature = {"type": "Feature", "properties": {"name": "Khác"}}
    response = send(api("gis_editor"), "patch", "/api/v1/projects/GT-01/", feature)
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Project.objects.get(code="GT-01").version == 1


def test_a_stale_write_gets_412_with_the_current_version(world):
    feature = {"type": "Feature", "properties": {"name": "Khác"}}
    client = api("gis_editor")
    assert send(client, "patch", "/api/v1/projects/GT-01/", feature,
                HTTP_IF_MATCH='"v1"').status_code == 200  # fmt: skip
    response = send(client, "patch", "/api/v1/projects/GT-01/", feature, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 412
    body = response.json()
    assert body["current_version"] == 2 and response["ETag"] == '"v2"'
    assert "version 2" in body["detail"]


def test_of_two_clients_reading_the_same_etag_one_wins_and_nothing_is_lost(world):
    alice, bob = api("gis_editor"), api("gis_editor", session=True)
    etag = tag(alice, "GT-01")
    assert tag(bob, "GT-01") == etag
    first = {"type": "Feature", "properties": {"name_en": "Alice's name"}}
    second = {"type": "Feature", "properties": {"progress_pct": 90}}
    assert send(alice, "patch", "/api/v1/projects/GT-01/", first,
                HTTP_IF_MATCH=etag).status_code == 200  # fmt: skip
    refused = send(bob, "patch", "/api/v1/projects/GT-01/", second, HTTP_IF_MATCH=etag)
    assert refused.status_code == 412
    # Bob reads again and redoes his change on Alice's: both are kept.
    retry = send(bob, "patch", "/api/v1/projects/GT-01/", second, HTTP_IF_MATCH=refused["ETag"])
    assert retry.status_code == 200
    project = Project.objects.get(code="GT-01")
    assert (project.name_en, float(project.progress_pct), project.version) == (
        "Alice's name",
        90.0,
        3,
    )


def test_invalid_values_get_400_naming_the_property_and_nothing_is_written(world):
    client = api("gis_editor")
    outside = {**NEW, "geometry": {"type": "MultiPoint", "coordinates": [[105.8, 21.0]]}}
    response = send(client, "post", "/api/v1/projects/", outside)
    assert response.status_code == 400 and response.json()["parameter"] == "geometry"
    wrong = {**NEW, "properties": {**NEW["properties"], "sector": "XX", "colour": "red"}}
    body = send(client, "post", "/api/v1/projects/", wrong).json()
    assert set(body["errors"]) == {"sector", "colour"}
    completed = {"type": "Feature", "properties": {"status": "completed", "progress_pct": 50}}
    response = send(client, "patch", "/api/v1/projects/GT-01/", completed, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 400 and response.json()["parameter"] == "progress_pct"
    response = send(client, "patch", "/api/v1/projects/GT-01/", None, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 400
    assert not Project.objects.filter(code="GT-50").exists()
    assert Project.objects.get(code="GT-01").version == 1


def test_a_project_the_caller_cannot_see_is_not_found(world):
    feature = {"type": "Feature", "properties": {"name": "Khác"}}
    response = send(api(None), "patch", "/api/v1/projects/GT-02/", feature)
    assert response.status_code == 401
    reporter = api("agency_reporter", agency=world.agencies["BQLDA-GT"])
    response = send(reporter, "patch", "/api/v1/projects/GT-02/", feature, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 404


REPORT = {"report_date": "2025-06-30", "status": "under_construction", "progress_pct": "60.0",
          "note": "Quý II"}  # fmt: skip


def test_a_reporter_reports_progress_on_a_project_their_merged_agency_inherited(world):
    # SGTVT leads GT-01; it merged into SXD, which merged into GL-SXD in 2025.
    client = api("agency_reporter", agency=world.agencies["GL-SXD"])
    response = client.post("/api/v1/projects/GT-01/progress/", REPORT,
                           content_type="application/json", HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 201, response.content
    assert response["ETag"] == '"v2"'
    project = Project.objects.get(code="GT-01")
    report = project.progress_reports.get()
    assert (report.reporting_agency.code, report.reporter.username) == ("GL-SXD", "agency_reporter")
    assert (project.status, float(project.progress_pct)) == ("under_construction", 60.0)
    from projects.models import ProgressReportEvent

    event = ProgressReportEvent.objects.get(pgh_obj_id=report.pk)
    assert event.pgh_context["door"] == "api"


def test_a_reporter_reports_on_their_unpublished_project_but_not_on_others(world):
    client = api("agency_reporter", agency=world.agencies["SYT"])
    own = client.post("/api/v1/projects/YT-02/progress/", REPORT,
                      content_type="application/json", HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert own.status_code == 201, own.content
    other = client.post("/api/v1/projects/TM-01/progress/", REPORT,
                        content_type="application/json", HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert other.status_code == 403
    hidden = client.post("/api/v1/projects/GT-02/progress/", REPORT,
                         content_type="application/json", HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert hidden.status_code == 404


def test_a_progress_report_is_validated_and_needs_if_match(world):
    client = api("gis_editor")
    url = "/api/v1/projects/GT-01/progress/"
    missing = client.post(url, REPORT, content_type="application/json")
    assert missing.status_code == 428
    future = {**REPORT, "report_date": "2999-01-01"}
    response = client.post(url, future, content_type="application/json", HTTP_IF_MATCH='"v1"')
    assert response.status_code == 400 and response.json()["parameter"] == "report_date"
    bad = client.post(url, {**REPORT, "status": "dreaming"}, content_type="application/json",
                      HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert bad.status_code == 400 and bad.json()["parameter"] == "status"
    assert Project.objects.get(code="GT-01").version == 1
    assert api().post(url, REPORT, content_type="application/json").status_code == 401


def test_if_match_takes_the_etag_as_read_even_when_gzip_weakened_it(world):
    client = api("gis_editor")
    etag = client.get("/api/v1/projects/GT-01/", HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert etag.startswith('W/"v1.')  # Django's GZipMiddleware weakens a compressed answer's
    feature = {"type": "Feature", "properties": {"name_en": "Renamed"}}
    response = send(client, "patch", "/api/v1/projects/GT-01/", feature, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    response = send(client, "patch", "/api/v1/projects/GT-01/", feature, HTTP_IF_MATCH="*")
    assert response.status_code == 428


@pytest.mark.parametrize("code", [None, ["GT-51"], 51, "gt 51"])
def test_a_missing_or_malformed_code_is_a_400_naming_it(world, code):
    feature = {**NEW, "properties": {**NEW["properties"], "code": code}}
    response = send(api("gis_editor"), "post", "/api/v1/projects/", feature)
    assert response.status_code == 400 and response.json()["parameter"] == "code"
