"""The admin after a lost race, in a browser: an administrator opens a project, someone else
saves it meanwhile, the administrator's save shows both versions (the fields and both
geometries drawn) instead of overwriting, and "re-apply mine" writes their change on top.
A screenshot of the conflict page is kept in build/screenshots."""

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from playwright.sync_api import expect

from projects import actions
from projects.models import Agency, Door, Project, Sector

CODE = "GT-9431"  # this test's own project: the live data are shared with other tests
ACCOUNT = ("browser-conflict-admin", "Conflict-pass-2026")


@pytest.fixture
def conflict_project(committed):
    with committed():
        User.objects.create_superuser(ACCOUNT[0], password=ACCOUNT[1])
        project = actions.create_project(
            Project(
                code=CODE,
                name="Đường thử xung đột",
                sector=Sector.objects.get(code="GT"),
                lead_agency=Agency.objects.order_by("pk").first(),
                geom=GEOSGeometry("MULTILINESTRING((109.20 13.77, 109.23 13.79))", srid=4326),
            ),
            door=Door.SHELL,
        )
    yield project
    with committed():
        for stale in Project.objects.filter(code=CODE):
            actions.delete_project(stale, expected_version=stale.version, door=Door.SHELL)
        User.objects.filter(username=ACCOUNT[0]).delete()


def test_the_admin_shows_both_versions_and_re_applies_mine(
    page, live_url, offline, committed, conflict_project
):
    change_url = f"/admin/projects/project/{conflict_project.pk}/change/"
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{live_url}/admin/login/?next={change_url}")
    page.locator("#id_username").fill(ACCOUNT[0])
    page.locator("#id_password").fill(ACCOUNT[1])
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_url}{change_url}")
    page.locator("#id_name_en").fill("Conflict test road")

    # Meanwhile a GIS editor renames it and moves it.
    with committed():
        theirs = Project.objects.get(pk=conflict_project.pk)
        actions.update_project(
            theirs,
            {"name": "Tên của biên tập viên",
             "geom": GEOSGeometry("MULTILINESTRING((109.20 13.77, 109.215 13.795, 109.23 13.79))",
                                  srid=4326)},
            expected_version=1, door=Door.EDITOR,
        )  # fmt: skip

    page.locator("input[name=_save]").click()
    box = page.locator("#write-conflict")
    expect(box).to_be_visible()
    rows = box.locator("tbody tr")
    expect(rows.filter(has_text="Tên của biên tập viên")).to_have_count(1)
    expect(rows.filter(has_text="Conflict test road")).to_have_count(1)
    expect(box.locator("svg path")).to_have_count(2)  # theirs dashed, yours filled
    box.scroll_into_view_if_needed()
    offline.screenshot("admin-conflict")
    # The 409 answer is the point here, not a broken resource: the console reports it.
    assert offline.errors == [
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]
    offline.errors.clear()
    with committed():
        assert Project.objects.get(pk=conflict_project.pk).name_en == ""  # nothing written

    page.locator("button[name=_reapply]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    with committed():
        saved = Project.objects.get(pk=conflict_project.pk)
        assert (saved.name, saved.name_en, saved.version) == (
            "Tên của biên tập viên", "Conflict test road", 3)  # fmt: skip
        assert saved.geom.num_coords == 3  # their geometry kept
    assert offline.external == []
