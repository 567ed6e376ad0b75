"""GET /api/v1/projects/ and friends: GeoJSON of what the caller may see."""

import pytest

from projects.models import Project

pytestmark = pytest.mark.django_db

UNPUBLISHED = {"GT-12", "YT-02"}


def features(client, url="/api/v1/projects/"):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {f["id"]: f for f in body["features"]}


def test_it_lists_published_projects_as_geojson(client):
    found = features(client)
    assert len(found) >= 30
    assert len({f["properties"]["sector"] for f in found.values()}) == 10
    airport = found["GT-02"]
    assert airport["geometry"]["type"] == "MultiPolygon"
    lon, lat = airport["geometry"]["coordinates"][0][0][0]
    assert 109.0 < lon < 109.1 and 13.9 < lat < 14.0
    props = airport["properties"]
    assert props["name"] == "Nâng cấp, mở rộng Cảng hàng không Phù Cát"
    assert props["lead_agency"] == "BGTVT"
    assert props["lead_agency_name"] == "Bộ Giao thông vận tải"
    assert props["status"] == "under_construction"
    assert props["oc4ids_status"] == "implementation"
    assert props["progress_pct"] == 35.0
    assert props["location_precision"] == "approximate"
    assert props["is_illustrative"] is True
    assert all(f["properties"]["lead_agency"] for f in found.values())


def test_the_public_never_sees_unpublished_projects(client):
    assert Project.objects.filter(code__in=UNPUBLISHED, is_published=False).count() == 2
    found = features(client)
    assert not UNPUBLISHED & found.keys()
    assert "is_published" not in found["GT-02"]["properties"]
    for code in UNPUBLISHED:
        assert client.get(f"/api/v1/projects/{code}/").status_code == 404
        assert client.get(f"/projects/{code}/").status_code == 404


def test_a_planner_sees_unpublished_projects_marked(planner_client):
    found = features(planner_client)
    assert found.keys() >= UNPUBLISHED
    assert found["GT-12"]["properties"]["is_published"] is False


def test_english_names_follow_the_language(client):
    response = client.get("/api/v1/projects/GT-02/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["properties"]["sector_name"] == "Transport"
    response = client.get("/api/v1/projects/GT-02/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json()["properties"]["sector_name"] == "Giao thông"


def test_it_lists_the_plan_districts_with_outlines(client):
    units = features(client, "/api/v1/admin-units/")
    assert len(units) == 12
    assert units["549"]["properties"]["name"] == "An Nhơn"
    assert units["549"]["geometry"]["type"] == "MultiPolygon"


def test_health_reports_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == body["database"] == "ok"
    assert body["postgis"].startswith("3.")
