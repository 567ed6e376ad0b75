"""The history page in a real browser, offline: a project moved by a GIS editor shows its old
outline (dashed) against the new one on the map, with a legend naming both versions, and the
page, its restore confirmation and the changes list pass axe-core."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from playwright.sync_api import expect

from projects import actions
from projects.models import Agency, Door, Project, Sector
from tests.browser.axe import assert_no_violations
from tests.browser.test_accessibility import log_in, settle

CODE = "HIS-01"
BEFORE = "MULTIPOLYGON(((109.20 13.76, 109.21 13.76, 109.21 13.77, 109.20 13.77, 109.20 13.76)))"
AFTER = "MULTIPOLYGON(((109.205 13.765, 109.218 13.765, 109.218 13.778, 109.205 13.778, "
AFTER += "109.205 13.765)))"


@pytest.fixture
def moved_project(committed):
    """A project created, then moved and renamed by an editor (committed; deleted after)."""
    with committed():
        project = actions.create_project(
            Project(
                code=CODE, name="Nhà văn hóa thử lịch sử", sector=Sector.objects.get(code="VH"),
                lead_agency=Agency.objects.order_by("pk").first(),
                geom=GEOSGeometry(BEFORE, srid=4326),
            ),
            door=Door.IMPORT, comment="Imported from the district's file",
        )  # fmt: skip
        actions.update_project(
            project, {"geom": GEOSGeometry(AFTER, srid=4326), "name": "Nhà văn hóa đã dời"},
            expected_version=1, door=Door.EDITOR, comment="Moved to the surveyed site",
        )  # fmt: skip
    yield project
    with committed():
        project.refresh_from_db()
        actions.delete_project(project, expected_version=project.version, door=Door.SHELL)


@pytest.fixture
def gis_account(committed):
    from django.contrib.auth.models import Permission, User

    with committed():
        user = User.objects.create_user("browser-gis", password="Gis-pass-2026")
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_project", "change_project"])
        )
    yield ("browser-gis", "Gis-pass-2026")
    with committed():
        User.objects.filter(username="browser-gis").delete()


def test_the_history_map_draws_the_old_outline_against_the_new(
    page, live_url, offline, moved_project, gis_account
):
    path = f"/projects/{CODE}/history/"
    log_in(page, live_url, *gis_account, path)
    page.wait_for_function(
        "document.querySelectorAll('.leaflet-overlay-pane path.move-old').length === 1 && "
        "document.querySelectorAll('.leaflet-overlay-pane path.move-new').length === 1"
    )
    old = page.locator("path.move-old")
    new = page.locator("path.move-new")
    expect(old).to_have_attribute("stroke-dasharray", "6 6")
    expect(old).to_have_attribute("stroke", "#b3261e")
    expect(new).to_have_attribute("stroke", "#0b5cad")
    # Both outlines are drawn with a size on screen, the new one to the north-east of the old.
    old_box, new_box = old.bounding_box(), new.bounding_box()
    assert old_box["width"] > 20 and new_box["width"] > 20
    assert new_box["x"] > old_box["x"] and new_box["y"] < old_box["y"]
    expect(page.locator("[data-legend=old]")).to_have_text("Trước (phiên bản 1)")
    expect(page.locator("[data-legend=new]")).to_have_text("Sau (phiên bản 2)")
    versions = page.locator("section.version")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Moved to the surveyed site")
    expect(versions.first).to_contain_text("Nhà văn hóa đã dời")
    expect(versions.first).to_contain_text("Trình biên tập bản đồ")  # the door
    expect(versions.last).to_contain_text("Nhập tệp")
    offline.screenshot("history-page-move")
    assert offline.external == []
    assert_no_violations(page)
    # The restore confirmation, and the changes list, pass too.
    page.get_by_role("link", name="Khôi phục phiên bản 1…").click()
    settle(page, "form.restore-form")
    expect(page.locator("table.diff")).to_contain_text("Nhà văn hóa thử lịch sử")
    assert_no_violations(page)
    page.goto(f"{live_url}/history/")
    settle(page, "table.changes")
    expect(page.locator("table.changes")).to_contain_text(CODE)
    assert_no_violations(page)
