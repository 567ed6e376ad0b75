"""The import pages in a browser, offline: a GIS editor uploads a zipped VN-2000 shapefile,
sees the report and the incoming features on the preview map, confirms, finds the projects,
and undoes the import. Screenshot: import-preview."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from projects import actions
from projects.models import Door, ImportBatch, Project
from tests.browser.axe import assert_no_violations
from tests.browser.test_editor import log_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
CODES = ["GD-91", "GT-91", "GT-92", "NN-91"]


@pytest.fixture
def importer_account(committed):
    with committed():
        user = User.objects.create_user("browser-importer", password="Importer-pass-2026")
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_project", "change_project", "add_project"]
            )
        )
    yield ("browser-importer", "Importer-pass-2026")
    with committed():
        for project in Project.objects.filter(code__in=CODES):
            actions.delete_project(project, expected_version=project.version, door=Door.SHELL)
        ImportBatch.objects.filter(file_name="tm3.zip").delete()
        User.objects.filter(username="browser-importer").delete()


def test_an_editor_previews_confirms_and_undoes_an_import(offline, live_url, importer_account,
                                                          committed):  # fmt: skip
    page = offline.page
    page.set_viewport_size({"width": 1280, "height": 1000})
    log_in(page, live_url, importer_account, "/import/")
    page.locator("#id_file").set_input_files(str(FIXTURES / "tm3.zip"))
    page.locator("#id_mapping").fill(
        "code=MA_DA,name=TEN_DA,lead_agency=CQ_CHUTRI,status=TRANGTHAI,progress_pct=TIENDO,"
        "sector=LINHVUC"
    )
    page.locator("#id_skip_invalid").check()
    page.locator(".import-form [type=submit]").click()

    # The demo data has no sector NN: that feature is rejected, with its reason, and drawn
    # dashed; the three others would be created, drawn over the existing (demo) projects.
    expect(page.locator("[data-count=created] strong")).to_have_text("3")
    expect(page.locator("#import-created")).to_contain_text("Cầu Thị Nại 2")
    expect(page.locator("#import-created")).to_contain_text("Trường THPT Tam Quan")
    expect(page.locator("#import-rejected")).to_contain_text("NN-91")
    expect(page.locator("#import-rejected")).to_contain_text("“NN”")
    expect(page.locator(".import-map path.import-created")).to_have_count(3)
    expect(page.locator(".import-map path.import-rejected")).to_have_count(1)
    assert page.locator(".import-map path.import-rejected").get_attribute("stroke-dasharray")
    assert page.locator(".import-map path.import-existing").count() > 0
    page.locator("#import-map-title").scroll_into_view_if_needed()
    offline.screenshot("import-preview")
    assert_no_violations(page)
    with committed():
        assert not Project.objects.filter(code__in=CODES).exists()

    page.locator("#confirm-import").click()
    page.wait_for_url("**/import/*/")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "imported")
    with committed():
        assert Project.objects.filter(code__in=CODES).count() == 3
    page.locator(".import-projects a", has_text="GT-91").click()
    page.wait_for_url("**/projects/GT-91/")
    expect(page.locator("h1")).to_contain_text("Cầu Thị Nại 2")

    page.go_back()
    page.locator("#undo-import").click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "undone")
    with committed():
        assert not Project.objects.filter(code__in=CODES).exists()
