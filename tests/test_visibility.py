"""One visibility rule: walk every public route as an anonymous caller while unpublished
projects exist, and prove they never appear — in lists, details, exports, OC4IDS and pages."""

import io
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from projects.models import Project

pytestmark = pytest.mark.django_db

UNPUBLISHED = ["GT-12", "YT-02"]

# Every route a caller without an account can reach, with the requests that exercise it.
ROUTES = {
    "home": ["/", "/?status=proposed&published=false"],
    "planner-map": ["/map/"],
    "map-export": ["/export/map.html", "/export/map.html?published=false&status=proposed"],
    "project-page": ["/projects/GT-12/", "/projects/YT-02/"],
    "project-list": [
        "/api/v1/projects/", "/api/v1/projects/?published=false", "/api/v1/projects/?q=GT-1",
        "/api/v1/projects/?status=proposed&limit=10000", "/api/v1/projects/?sector=YT",
        "/api/v1/projects/?bbox=109.17,14.22,109.20,14.25",
    ],
    "project-detail": ["/api/v1/projects/GT-12/", "/api/v1/projects/YT-02/"],
    "project-progress": ["/api/v1/projects/GT-12/progress/"],
    "project-export": [f"/api/v1/projects/export.{fmt}?published=false"
                       for fmt in ("geojson", "gpkg", "shp", "csv", "kml")],
    "oc4ids": ["/api/v1/oc4ids/", "/api/v1/oc4ids/?published=false&q=GT-1"],
    "layer-list": ["/api/v1/layers/"],
    "layer-detail": ["/api/v1/layers/health/"],
    "agency-list": ["/api/v1/agencies/"],
    "agency-detail": ["/api/v1/agencies/SYT/"],
    "adminunit-list": ["/api/v1/admin-units/"],
    "adminunit-detail": ["/api/v1/admin-units/540/"],
    "api-root": ["/api/v1/"],
    "tile": [f"/tiles/{layer}/{z}/{x}/{y}.pbf" for layer in ("projects", "transport", "health")
             for z, x, y in ((6, 51, 29), (8, 205, 117), (8, 205, 118), (10, 822, 470),
                             (12, 3290, 1878))],
    "tilejson": ["/tiles/projects.json", "/tiles/health.json"],
    "ogc-landing": ["/ogc/"],
    "ogc-openapi": ["/ogc/api"],
    "ogc-conformance": ["/ogc/conformance"],
    "ogc-collections": ["/ogc/collections", "/ogc/collections?f=html"],
    "ogc-collection": ["/ogc/collections/health", "/ogc/collections/projects"],
    "ogc-items": ["/ogc/collections/projects/items?limit=10000",
                  "/ogc/collections/health/items?f=html",
                  "/ogc/collections/transport/items?priority=2045"],
    "ogc-item": ["/ogc/collections/projects/items/GT-12", "/ogc/collections/health/items/YT-02",
                 "/ogc/collections/projects/items/YT-02?f=html"],
}  # fmt: skip
NOT_PROJECT_DATA = {"healthz", "schema", "api-docs", "api-redoc", "set_language", "login",
                    "logout", "password_change", "password_change_done", "password_reset",
                    "password_reset_done", "password_reset_confirm", "password_reset_complete",
                    "jsi18n"}  # fmt: skip


def route_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or entry.namespace == "admin":
                continue
            yield from route_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name


def test_every_public_route_is_walked():
    names = set(route_names()) - NOT_PROJECT_DATA
    assert names <= set(ROUTES), f"walk these too: {sorted(names - set(ROUTES))}"


def leaks(body: bytes) -> list[str]:
    found = []
    texts = [body]
    if body[:2] == b"PK":  # a zip of shapefiles: look inside the files
        archive = zipfile.ZipFile(io.BytesIO(body))
        texts = [archive.read(name) for name in archive.namelist()]
    for project in Project.objects.filter(code__in=UNPUBLISHED):
        for text in texts:
            for needle in (project.code, project.name, project.name_en):
                if needle.encode() in text:
                    found.append(f"{project.code}: {needle}")
    return found


def test_no_route_shows_an_unpublished_project_to_the_public(client):
    assert Project.objects.filter(code__in=UNPUBLISHED, is_published=False).count() == 2
    for name, urls in ROUTES.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302, 404), (url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], url
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert not leaks(body), (name, url, leaks(body))


def test_the_public_counts_exclude_unpublished_projects(client):
    health = client.get("/api/v1/layers/health/").json()
    assert health["projects"] == 2  # YT-01 and YT-03; YT-02 is unpublished
