"""GIS staff edit projects and agencies in the admin, offline, with understandable errors; every
save goes through the actions, so a lost race is a form error and writes nothing."""

import datetime
import json
import re

import pytest
from django.contrib.gis.geos import GEOSGeometry

from projects import actions
from projects.models import (
    Agency,
    AgencyEvent,
    Door,
    ProgressReportEvent,
    Project,
    ProjectAgencyEvent,
    ProjectEvent,
)
from tests.forms import form_values

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/projects/project/{pk}/change/"
AGENCY_URL = "/admin/projects/agency/{pk}/change/"
STALE = "while you were editing it"


def open_change_form(client, project, url=CHANGE_URL, form_id="project_form"):
    response = client.get(url.format(pk=project.pk))
    assert response.status_code == 200
    html = response.content.decode()
    return html, form_values(html, form_id)


def submit(client, obj, values, url=CHANGE_URL, **changes):
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}
    data.update(changes)
    data["_save"] = "Save"
    return client.post(url.format(pk=obj.pk), data)


def widget_geojson(wkt):
    """What the map widget sends: GeoJSON in the map's Web Mercator coordinates."""
    return GEOSGeometry(wkt, srid=4326).transform(3857, clone=True).json


def test_the_change_page_loads_its_map_from_our_own_server(gis_client, write_world):
    html, _ = open_change_form(gis_client, write_world.road)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert "/static/vendor/ol/ol.js" in scripts and "/static/geo/map_widget.js" in scripts
    assert not [url for url in scripts + styles if url.startswith(("http:", "https:", "//"))]
    # The widget's options, read by geo/map_widget.js (no inline script under the CSP).
    config = re.search(r'<script id="id_geom_map_config" type="application/json">([^<]+)', html)
    options = json.loads(config[1])
    assert options["reference_url"].startswith("/api/v1/admin-units/")  # outlines underneath
    assert set(options["tool_labels"]) == {"toolbar", "none", "Point", "LineString", "Polygon"}


def test_staff_move_a_project_on_the_map(gis_client, gis_staff, write_world):
    market = write_world.market
    _, values = open_change_form(gis_client, market)
    moved = "MULTIPOINT((109.15 13.83), (109.16 13.85))"
    response = submit(gis_client, market, values, geom=widget_geojson(moved))
    assert response.status_code == 302, response.content.decode()[:3000]
    market.refresh_from_db()
    assert market.geom.geom_type == "MultiPoint" and len(market.geom) == 2
    assert market.geom[0].coords == pytest.approx((109.15, 13.83), abs=1e-7)
    assert market.version == 2
    event = ProjectEvent.objects.filter(pgh_obj=market).latest("pgh_id")
    assert event.pgh_label == "update" and event.geom.equals_exact(market.geom, 1e-9)
    assert event.pgh_context["user"] == gis_staff.pk
    assert event.pgh_context["door"] == "admin"
    assert event.pgh_context["url"] == CHANGE_URL.format(pk=market.pk)
    assert write_world.district in market.admin_units.all()


def test_a_single_polygon_becomes_a_multipolygon(gis_client, write_world):
    _, values = open_change_form(gis_client, write_world.market)
    polygon = "POLYGON((109.15 13.83, 109.16 13.83, 109.16 13.84, 109.15 13.83))"
    response = submit(gis_client, write_world.market, values, geom=widget_geojson(polygon))
    assert response.status_code == 302
    write_world.market.refresh_from_db()
    assert write_world.market.geom.geom_type == "MultiPolygon"


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
def test_a_bad_geometry_is_refused_with_a_reason_and_nothing_is_saved(
    gis_client, write_world, wkt, message
):
    market = write_world.market
    _, values = open_change_form(gis_client, market)
    before = (market.geom.wkt, market.version)
    response = submit(gis_client, market, values, geom=widget_geojson(wkt))
    assert response.status_code == 200
    assert message in response.content.decode()
    market.refresh_from_db()
    assert (market.geom.wkt, market.version) == before


def test_the_form_speaks_vietnamese_by_default(gis_client, write_world):
    _, values = open_change_form(gis_client, write_world.market)
    gis_client.defaults.pop("HTTP_ACCEPT_LANGUAGE")
    response = submit(
        gis_client, write_world.market, values, geom=widget_geojson("POINT(105.85 21.03)")
    )
    html = response.content.decode()
    assert "nằm ngoài tỉnh Bình Định" in html
    # The admin's own banner too: Django's Vietnamese catalogue lacks its plural form.
    assert "Vui lòng sửa các lỗi dưới đây." in html and "Please correct" not in html


def test_a_stale_form_does_not_overwrite_a_newer_save(gis_client, write_world):
    road = write_world.road
    _, values = open_change_form(gis_client, road)
    assert values["expected_version"] == ["1"]
    actions.update_project(road, {"name_en": "Someone's edit"}, expected_version=1, door="shell")
    response = submit(gis_client, road, values, name="Đường thử (sửa)")
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Someone else saved {road.code} {STALE} (now version 2, yours 1)" in html
    road.refresh_from_db()
    assert (road.name, road.name_en, road.version) == ("Đường thử", "Someone's edit", 2)


def test_a_conflict_writes_none_of_the_inlines_either(gis_client, write_world):
    road = write_world.road
    _, values = open_change_form(gis_client, road)
    actions.update_project(road, {"name_en": "Someone's edit"}, expected_version=1, door="shell")
    response = submit(
        gis_client,
        road,
        values,
        **{
            "participations-1-agency": str(write_world.other.pk),
            "participations-1-role": "funder",
            "progress_reports-TOTAL_FORMS": "1",
            "progress_reports-0-report_date": "2025-03-01",
            "progress_reports-0-status": "under_construction",
            "progress_reports-0-progress_pct": "20",
        },
    )
    assert response.status_code == 409 and STALE in response.content.decode()
    assert list(road.participations.values_list("agency__code", flat=True)) == ["TW-PARTNER"]
    assert not road.progress_reports.exists()


def test_a_change_form_must_say_which_version_it_edits(gis_client, write_world):
    _, values = open_change_form(gis_client, write_world.road)
    del values["expected_version"]
    response = submit(gis_client, write_world.road, values, name="Đường thử (sửa)")
    assert response.status_code == 200
    assert "does not say which version it edits" in response.content.decode()
    assert Project.objects.get(pk=write_world.road.pk).name == "Đường thử"


def test_inlines_are_saved_through_the_actions_with_the_project(gis_client, gis_staff, write_world):
    road = write_world.road
    _, values = open_change_form(gis_client, road)
    response = submit(
        gis_client,
        road,
        values,
        name_en="Test road",
        **{
            "participations-1-agency": str(write_world.other.pk),
            "participations-1-role": "funder",
            "progress_reports-TOTAL_FORMS": "1",
            "progress_reports-0-report_date": "2025-03-01",
            "progress_reports-0-status": "under_construction",
            "progress_reports-0-progress_pct": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    road.refresh_from_db()
    assert (road.name_en, road.status, road.progress_pct) == ("Test road", "under_construction", 20)
    assert road.version == 3  # the project with its agencies, then the report
    assert sorted(road.participations.values_list("agency__code", "role")) == [
        ("TW-OTHER", "funder"),
        ("TW-PARTNER", "coordinator"),
    ]
    report = road.progress_reports.get()
    assert report.reporter == gis_staff
    for event in (
        ProjectAgencyEvent.objects.filter(project=road, agency=write_world.other).get(),
        ProgressReportEvent.objects.filter(project=road).get(),
    ):
        assert event.pgh_label == "insert"
        assert (event.pgh_context["door"], event.pgh_context["user"]) == ("admin", gis_staff.pk)


def test_staff_add_a_project_through_the_actions(gis_client, write_world):
    response = gis_client.get("/admin/projects/project/add/")
    values = form_values(response.content.decode(), "project_form")
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}
    data.update(
        code="TW-03",
        name="Cầu thử",
        sector=str(write_world.road.sector_id),
        lead_agency=str(write_world.lead.pk),
        geom=widget_geojson("POINT(109.16 13.84)"),
        **{"participations-0-agency": str(write_world.partner.pk), "_save": "Save"},
    )
    response = gis_client.post("/admin/projects/project/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    bridge = Project.objects.get(code="TW-03")
    assert bridge.version == 1 and bridge.geom.geom_type == "MultiPoint"
    assert list(bridge.participations.values_list("agency__code", flat=True)) == ["TW-PARTNER"]
    assert write_world.district in bridge.admin_units.all()
    assert ProjectEvent.objects.get(pgh_obj=bridge).pgh_context["door"] == Door.ADMIN


def test_agencies_are_saved_with_the_same_lock(gis_client, write_world):
    lead = write_world.lead
    _, values = open_change_form(gis_client, lead, AGENCY_URL, "agency_form")
    assert values["expected_version"] == ["1"]
    response = submit(gis_client, lead, values, AGENCY_URL, short_name="Sở A")
    assert response.status_code == 302, response.content.decode()[:3000]
    lead.refresh_from_db()
    assert (lead.short_name, lead.version) == ("Sở A", 2)
    assert AgencyEvent.objects.filter(pgh_obj=lead).latest("pgh_id").pgh_context["door"] == "admin"
    response = submit(gis_client, lead, values, AGENCY_URL, short_name="Sở B")  # the old form
    assert response.status_code == 409 and STALE in response.content.decode()
    assert Agency.objects.get(pk=lead.pk).short_name == "Sở A"


def test_staff_read_a_projects_history(gis_client, write_world):
    road = write_world.road
    actions.set_participations(
        road,
        [(write_world.other, "funder")],
        expected_version=1,
        door="shell",
        comment="new funder",
    )
    html, _ = open_change_form(gis_client, road)
    link = re.search(r'<a href="(/admin/projects/changeevents/\?[^"]+)">', html)
    assert link, "the change page links to the project's history"
    response = gis_client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "new funder" in page and "projects.ProjectAgency" in page


def test_the_public_cannot_reach_the_admin(client):
    response = client.get("/admin/projects/project/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_deleting_in_the_admin_goes_through_the_action(admin_client, write_world):
    road = write_world.road
    response = admin_client.post(f"/admin/projects/project/{road.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=road.pk).exists()
    deleted = ProjectEvent.objects.filter(pgh_obj_id=road.pk).latest("pgh_id")
    assert (deleted.pgh_label, deleted.pgh_context["door"]) == ("delete", "admin")


def test_reports_are_filed_on_their_projects_page_only(gis_client, write_world):
    assert gis_client.get("/admin/projects/progressreport/add/").status_code == 403


# ---- a lost race shows both versions ------------------------------------------------------------


@pytest.fixture
def superuser_client(db):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.create_superuser("boss", password="boss-pass-123"))
    return client


def conflict_rows(html) -> dict[str, tuple[str, str, str]]:
    """The conflict table: label → (saved now, yours, changed by)."""
    section = html[html.index('id="write-conflict"') : html.index("</section>")]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    rows = re.findall(
        r'<tr class="[^"]*"><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td>'
        r"<td>([^<]*)</td></tr>",
        body,
    )
    return {label: (theirs, yours, by) for label, theirs, yours, by in rows}


def test_two_admin_sessions_the_second_sees_both_versions_and_loses_nothing(
    gis_client, superuser_client, write_world
):
    road = write_world.road
    _, editor_form = open_change_form(gis_client, road)
    _, boss_form = open_change_form(superuser_client, road)
    moved = "MULTILINESTRING((109.15 13.83, 109.16 13.86, 109.18 13.85))"
    first = submit(gis_client, road, editor_form, name="Đường mới", geom=widget_geojson(moved))
    assert first.status_code == 302
    before = ProjectEvent.objects.filter(pgh_obj_id=road.pk).count()

    second = submit(superuser_client, road, boss_form, name_en="Test road", status="preparing")
    assert second.status_code == 409
    html = second.content.decode()
    assert STALE in html and "Saved now (version 2)" in html
    rows = conflict_rows(html)
    assert rows["Name (Vietnamese)"] == ("Đường mới", "Đường thử", "them")
    assert rows["Name (English)"] == ("—", "Test road", "you")
    assert rows["Status"][2] == "you"
    theirs, yours, by = rows["Location"]  # the geometry
    assert theirs.startswith("MultiLineString, 3 vertices, from 109.15000 to 109.18000 E")
    assert yours.startswith("MultiLineString, 2 vertices") and by == "them"
    section = html[html.index('id="write-conflict"') : html.index("</section>")]
    assert section.count("<path d=") == 2  # both geometries drawn
    assert f'href="{CHANGE_URL.format(pk=road.pk)}"' in html  # reload the saved version
    assert 'name="_reapply" value="2"' in html
    # Nothing of the first save is lost, nothing of the second written.
    road.refresh_from_db()
    assert (road.name, road.name_en, road.version, road.geom.num_coords) == (
        "Đường mới", "", 2, 3)  # fmt: skip
    assert ProjectEvent.objects.filter(pgh_obj_id=road.pk).count() == before


def test_re_applying_writes_only_your_changes_on_top_of_theirs(
    gis_client, superuser_client, write_world
):
    road = write_world.road
    _, editor_form = open_change_form(gis_client, road)
    _, boss_form = open_change_form(superuser_client, road)
    moved = "MULTILINESTRING((109.15 13.83, 109.16 13.86, 109.18 13.85))"
    submit(gis_client, road, editor_form, name="Đường mới", geom=widget_geojson(moved))
    conflict = submit(superuser_client, road, boss_form, name_en="Test road")
    assert conflict.status_code == 409
    # The conflict page's form still holds the boss's values, and the version first opened.
    values = form_values(conflict.content.decode(), "project_form")
    assert values["name_en"] == ["Test road"] and values["opened_version"] == ["1"]
    response = submit(superuser_client, road, values, _reapply="2")
    assert response.status_code == 302
    road.refresh_from_db()
    assert (road.name, road.name_en, road.version, road.geom.num_coords) == (
        "Đường mới", "Test road", 3, 3)  # fmt: skip
    event = ProjectEvent.objects.filter(pgh_obj_id=road.pk).latest("pgh_id")
    assert event.pgh_context["door"] == Door.ADMIN and event.pgh_context["username"] == "boss"


def test_re_applying_over_a_version_that_is_stale_again_is_refused(
    gis_client, superuser_client, write_world
):
    road = write_world.road
    _, boss_form = open_change_form(superuser_client, road)
    actions.update_project(road, {"name": "Lần 1"}, expected_version=1, door="shell")
    conflict = submit(superuser_client, road, boss_form, name_en="Mine")
    values = form_values(conflict.content.decode(), "project_form")
    actions.update_project(road, {"name": "Lần 2"}, expected_version=2, door="shell")
    response = submit(superuser_client, road, values, _reapply="2")
    assert response.status_code == 409
    assert 'name="_reapply" value="3"' in response.content.decode()
    road.refresh_from_db()
    assert (road.name, road.name_en, road.version) == ("Lần 2", "", 3)


def test_an_agency_conflict_shows_both_versions_too(gis_client, write_world):
    agency = write_world.other
    _, values = open_change_form(gis_client, agency, url=AGENCY_URL, form_id="agency_form")
    actions.update_agency(agency, {"name": "Sở của họ"}, expected_version=agency.version,
                          door="shell")  # fmt: skip
    response = submit(gis_client, agency, values, url=AGENCY_URL, short_name="Mine")
    assert response.status_code == 409
    rows = conflict_rows(response.content.decode())
    assert rows["Name (Vietnamese)"][:2] == ("Sở của họ", "Sở OTHER")


def test_a_unit_added_in_the_admin_takes_the_projects_it_touches(superuser_client, world):
    response = superuser_client.get("/admin/projects/adminunit/add/")
    values = form_values(response.content.decode(), "adminunit_form")
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}
    data.update(
        code="21601", name="Phường Quy Nhơn Đông", level="commune", kind="ward",
        valid_from="2025-07-01", location_precision="digitised", _save="Save",
        geom=widget_geojson("MULTIPOLYGON(((109.2 13.6, 109.35 13.6, 109.35 13.95, "
                            "109.2 13.95, 109.2 13.6)))"),
    )  # fmt: skip
    response = superuser_client.post("/admin/projects/adminunit/add/", data)
    assert response.status_code == 302, re.findall(r"errorlist.*", response.content.decode())
    hospital = Project.objects.get(code="YT-01")
    assert [u.code for u in hospital.units_on(datetime.date(2025, 7, 1))] == ["21601"]
