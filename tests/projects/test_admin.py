"""GIS staff edit geometries in the admin, offline, with understandable errors."""

import re

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.utils.html import escapejs

from projects.models import Project
from tests.forms import form_values

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/projects/project/{pk}/change/"


def open_change_form(client, code):
    project = Project.objects.get(code=code)
    response = client.get(CHANGE_URL.format(pk=project.pk))
    assert response.status_code == 200
    return (
        project,
        response.content.decode(),
        form_values(response.content.decode(), "project_form"),
    )


def submit(client, project, values, **changes):
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}
    data.update(changes)
    data["_save"] = "Save"
    return client.post(CHANGE_URL.format(pk=project.pk), data)


def widget_geojson(wkt):
    """What the map widget sends: GeoJSON in the map's Web Mercator coordinates."""
    return GEOSGeometry(wkt, srid=4326).transform(3857, clone=True).json


def test_the_change_page_loads_its_map_from_our_own_server(gis_client):
    _, html, _ = open_change_form(gis_client, "GT-02")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert "/static/vendor/ol/ol.js" in scripts and "/static/geo/map_widget.js" in scripts
    assert not [url for url in scripts + styles if url.startswith(("http:", "https:", "//"))]
    assert "new OfflineMapWidget" in html
    assert escapejs("/api/v1/admin-units/") in html  # district outlines under the drawing


def test_staff_move_a_project_on_the_map(gis_client):
    project, _, values = open_change_form(gis_client, "TM-01")
    response = submit(
        gis_client,
        project,
        values,
        geom=widget_geojson("MULTIPOINT((109.105 13.89), (109.11 13.9))"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.geom.geom_type == "MultiPoint" and len(project.geom) == 2
    assert project.geom[0].coords == pytest.approx((109.105, 13.89), abs=1e-7)
    assert project.history.first().history_user.username == "gis"
    assert list(project.admin_units.values_list("code", flat=True)) == ["549"]


def test_a_single_polygon_becomes_a_multipolygon(gis_client):
    project, _, values = open_change_form(gis_client, "VH-02")
    polygon = "POLYGON((109.09 13.90, 109.10 13.90, 109.10 13.91, 109.09 13.90))"
    assert submit(gis_client, project, values, geom=widget_geojson(polygon)).status_code == 302
    project.refresh_from_db()
    assert project.geom.geom_type == "MultiPolygon"


@pytest.mark.parametrize(
    "wkt, message",
    [
        (
            "POLYGON((109.0 14.0, 109.1 14.1, 109.1 14.0, 109.0 14.1, 109.0 14.0))",
            "The outline crosses itself near 14.05000° N, 109.05000° E",
        ),
        ("POINT(105.85 21.03)", "The geometry lies outside Bình Định"),
        (
            "GEOMETRYCOLLECTION(POINT(109.1 13.9), LINESTRING(109.1 13.9, 109.2 14))",
            "must be all points, all lines or all polygons",
        ),
    ],
)
def test_a_bad_geometry_is_refused_with_a_reason_and_nothing_is_saved(gis_client, wkt, message):
    project, _, values = open_change_form(gis_client, "TM-01")
    before = (project.geom.wkt, project.version)
    response = submit(gis_client, project, values, geom=widget_geojson(wkt))
    assert response.status_code == 200
    assert message in response.content.decode()
    project.refresh_from_db()
    assert (project.geom.wkt, project.version) == before


def test_the_form_speaks_vietnamese_by_default(gis_client):
    project, _, values = open_change_form(gis_client, "TM-01")
    gis_client.defaults.pop("HTTP_ACCEPT_LANGUAGE")
    response = submit(gis_client, project, values, geom=widget_geojson("POINT(105.85 21.03)"))
    assert "nằm ngoài tỉnh Bình Định" in response.content.decode()


def test_a_stale_form_does_not_overwrite_a_newer_save(gis_client):
    project, _, values = open_change_form(gis_client, "TM-02")
    Project.objects.get(pk=project.pk).save()  # someone else saves meanwhile
    response = submit(gis_client, project, values, name="Chợ nông sản Hoài Nhơn (sửa)")
    assert response.status_code == 200
    assert "expected_version" in values
    project.refresh_from_db()
    assert project.name != "Chợ nông sản Hoài Nhơn (sửa)"


def test_the_public_cannot_reach_the_admin(client):
    response = client.get("/admin/projects/project/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
