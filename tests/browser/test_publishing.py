"""Publishing in a browser: a GIS editor draws a small polygon in the editor, saves it and
submits it for review; the public does not find it; a publisher opens the review list, sees
the diff and the geometry, and publishes; the public finds it from that moment. Screenshots of
the review list go to build/screenshots/."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import GEOSGeometry
from playwright.sync_api import expect

from projects import actions
from projects.models import PLAN_DATE, AdminUnit, Agency, Door, Project, Sector
from tests.browser.axe import assert_no_violations
from tests.browser.test_accessibility import log_in as log_in_as
from tests.browser.test_accessibility import settle
from tests.browser.test_csp import check, watched  # noqa: F401
from tests.browser.test_editor import draw_ring, log_in, map_call, screen_point

CODE = "YT-7701"  # unique to this test: the live server's data are shared
ACCOUNTS = {"gis_editor": ("browser-pub-editor", "Editor-pass-2026"),
            "publisher": ("browser-publisher", "Publisher-pass-2026")}  # fmt: skip


@pytest.fixture
def accounts(committed):
    with committed():
        for role, (name, password) in ACCOUNTS.items():
            user = User.objects.create_user(name, password=password)
            user.groups.add(Group.objects.get(name=role))
    yield ACCOUNTS
    with committed():
        for project in Project.objects.filter(code=CODE):
            actions.delete_project(project, expected_version=project.version, door=Door.SHELL)
        User.objects.filter(username__in=[name for name, _ in ACCOUNTS.values()]).delete()


def public_view(browser, live_url) -> tuple[int, int]:
    """What an anonymous visitor gets from the API (a fresh context): the project's status,
    and how many projects a search for its code finds."""
    context = browser.new_context()
    try:
        one = context.request.get(f"{live_url}/api/v1/projects/{CODE}/").status
        found = context.request.get(f"{live_url}/api/v1/projects/?q={CODE}").json()
        return one, found["numberMatched"]
    finally:
        context.close()


def test_a_drawn_project_is_public_only_after_a_publisher_publishes_it(
    page, browser, live_url, offline, committed, accounts
):
    with committed():
        district = AdminUnit.objects.valid_on(PLAN_DATE).filter(level="district").first()
        centre = district.geom.point_on_surface
        sector = Sector.objects.select_related("layer").get(code="YT")
        assert sector.layer.is_public, "the test needs a public layer"
        agency = Agency.objects.filter(code="SYT").first() or Agency.objects.first()

    # The GIS editor draws a small polygon and saves it: a draft.
    log_in(page, live_url, accounts["gis_editor"], "/edit/new/")
    expect(page.locator(".leaflet-pm-draw")).to_be_visible()
    map_call(page, "map.setView(args, 15, {animate: false});", centre.y, centre.x)
    page.wait_for_load_state("networkidle")
    x, y = screen_point(page, centre.y, centre.x)
    page.get_by_role("button", name="Vẽ vùng").click()
    draw_ring(page, [(x - 60, y - 50), (x + 60, y - 50), (x + 60, y + 50), (x - 60, y + 50)])
    page.keyboard.press("Escape")
    page.locator("#id_code").fill(CODE)
    page.locator("#id_name").fill("Trạm y tế chờ duyệt")
    page.locator("#id_sector").select_option(str(sector.pk))
    page.locator("#id_lead_agency").select_option(str(agency.pk))
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(rf"/edit/{CODE}/\?saved=1$"))
    expect(page.locator(".publication .badge")).to_have_text("Bản nháp")

    # … and submits it for review.
    page.get_by_role("button", name="Gửi duyệt").click()
    page.wait_for_url(re.compile(rf"/edit/{CODE}/$"))
    expect(page.locator(".publication .notice")).to_contain_text(f"Đã gửi duyệt {CODE}")
    expect(page.locator(".publication .badge")).to_have_text("Chờ duyệt")
    with committed():
        assert Project.objects.get(code=CODE).publication == "in_review"

    # The public does not find it, by its address or by a search.
    assert public_view(browser, live_url) == (404, 0)
    page.context.clear_cookies()

    # The publisher opens the review list: the project, its diff and its geometry.
    log_in(page, live_url, accounts["publisher"], "/review/")
    item = page.locator(f"#review-{CODE}")
    expect(item).to_be_visible()
    expect(item.locator("table.diff")).to_contain_text("Trạm y tế chờ duyệt")
    expect(item).to_contain_text("chưa từng công bố")
    expect(page.locator(".history-map path.move-new")).to_have_count(1, timeout=15_000)
    item.get_by_role("button", name="Hiện hình học trên bản đồ").click()
    page.wait_for_timeout(300)
    offline.screenshot("review-list")
    item.scroll_into_view_if_needed()
    offline.screenshot("review-item")

    item.get_by_role("button", name="Công bố", exact=True).click()
    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.locator(".notice")).to_contain_text(f"Đã công bố {CODE}")
    expect(page.locator(f"#review-{CODE}")).to_have_count(0)
    offline.screenshot("review-after-publishing")

    # From this moment the public sees it.
    assert public_view(browser, live_url) == (200, 1)
    page.context.clear_cookies()
    page.goto(f"{live_url}/?q={CODE}")
    expect(page.locator(f'#results li[data-code="{CODE}"]')).to_be_visible(timeout=15_000)
    with committed():
        project = Project.objects.get(code=CODE)
    assert project.is_published and project.published_version == project.version == 3
    assert offline.external == []


def test_the_review_list_works_under_the_policy_and_reads_well(
    watched,  # noqa: F811
    live_url,
    committed,
    planner_account,
):
    """A project in review (its own, removed afterwards): the map draws its geometry under the
    Content-Security-Policy, and axe finds nothing serious on the page."""
    with committed():
        road = Project.objects.filter(is_published=True).first()
        project = actions.create_project(
            Project(code="YT-7702", name="Trạm y tế chờ duyệt (CSP)", sector=road.sector,
                    lead_agency=road.lead_agency,
                    geom=GEOSGeometry("MULTIPOINT((109.2 13.8))", srid=4326)),
            door=Door.SHELL,
        )  # fmt: skip
        actions.submit_for_review(project, expected_version=1, door=Door.SHELL)
    page, errors = watched
    try:
        log_in_as(page, live_url, *planner_account, "/review/")
        response = page.reload()
        settle(page, ".history-map path.move-new")
        assert page.locator("#review-YT-7702 table.diff").count() == 1
        check(page, errors, response)
        assert_no_violations(page)
    finally:
        with committed():
            project = Project.objects.get(code="YT-7702")
            actions.delete_project(project, expected_version=project.version, door=Door.SHELL)
