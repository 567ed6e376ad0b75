"""A project name is data, never markup: with TM-99 on the map (its name an <img onerror>, its
English name a <script>, its description an <svg onload>), the public map, the planner map, the
downloaded HTML export and the project page show those names as literal text in the list, the
tooltips and the popups, and none of their scripts runs (`window.__xss` stays undefined)."""

import re

from playwright.sync_api import expect

from projects.models import Project
from tests.world import HOSTILE_NAME

ENGLISH_NAME = "<script>window.__xss=2</script>"
CODE = "TM-99"


def settle(page):
    page.wait_for_load_state("networkidle")  # an <img src=x> would have failed to load by now
    page.wait_for_function("!document.body.classList.contains('loading')")


def assert_no_script_ran(page):
    assert page.evaluate("typeof window.__xss") == "undefined"
    # Nothing the names hold became an element anywhere in the document.
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    assert not page.evaluate(
        "[...document.scripts].some(s => s.textContent.trim() === 'window.__xss=2')"
    )


def open_list(page):
    page.wait_for_function(f"document.querySelector('#results li[data-code=\"{CODE}\"]') !== null")
    return page.locator(f'#results li[data-code="{CODE}"]')


def check_the_hostile_project(page, offline, shot: str, name: str = HOSTILE_NAME):
    """The list, the popup and the tooltip of TM-99 show `name` as text; no script runs."""
    row = open_list(page)
    expect(row.locator("a")).to_have_text(f"{CODE} {name}")
    row.hover()
    row.get_by_role("button").click()  # zooms to the project and opens its popup
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("h3")).to_have_text(name)
    expect(popup.locator(".popup-code")).to_have_text(CODE)
    settle(page)
    assert_no_script_ran(page)
    offline.screenshot(f"{shot}-popup")
    page.locator(".leaflet-popup-close-button").click()
    # Markers and tooltips are named "code name — status", as text.
    prefix = f"{CODE} {name} — "
    markers = page.locator(".project-marker")
    found = markers.evaluate_all("(ms, p) => ms.filter(m => m.title.startsWith(p)).length", prefix)
    assert found == 1
    index = markers.evaluate_all("(ms, p) => ms.findIndex(m => m.title.startsWith(p))", prefix)
    markers.nth(index).hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(re.compile("^" + re.escape(prefix)))
    assert tooltip.locator("img, script, b").count() == 0
    settle(page)
    assert_no_script_ran(page)
    offline.screenshot(f"{shot}-tooltip")
    assert offline.external == []


def log_in(page, url, account, next_path):
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(account[0])
    page.get_by_label("Mật khẩu").fill(account[1])
    page.get_by_role("button", name="Đăng nhập").click()


def test_the_hostile_project_is_committed_and_public(live_url, committed):
    with committed():
        hostile = Project.objects.get(code=CODE)
        assert (hostile.name, hostile.name_en) == (HOSTILE_NAME, ENGLISH_NAME)
        assert hostile.is_published and hostile.sector.layer.is_public


def test_the_public_map_shows_a_hostile_name_as_text(page, live_url, offline, committed):
    page.goto(f"{live_url}/")
    check_the_hostile_project(page, offline, "hostile-public-map")


def test_the_english_map_shows_a_hostile_english_name_as_text(page, live_url, offline, committed):
    page.goto(f"{live_url}/")
    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_function("window.projectMap && document.documentElement.lang === 'en'")
    check_the_hostile_project(page, offline, "hostile-public-map-en", ENGLISH_NAME)


def test_the_planner_map_shows_a_hostile_name_as_text(
    page, live_url, offline, committed, planner_account
):
    log_in(page, live_url, planner_account, "/map/")
    expect(page).to_have_url(re.compile(rf"{live_url}/map/"))
    check_the_hostile_project(page, offline, "hostile-planner-map")


def test_the_exported_map_shows_a_hostile_name_as_text(
    page, live_url, offline, committed, tmp_path
):
    page.goto(f"{live_url}/?layer=commerce")
    open_list(page)
    with page.expect_download() as download:
        page.locator('[data-export="html"]').click()
    path = tmp_path / "map.html"
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>window.__xss" not in html
    page.goto(path.as_uri())  # file://, no server
    check_the_hostile_project(page, offline, "hostile-exported-map")


def test_the_project_page_shows_hostile_texts_as_text(page, live_url, offline, committed):
    page.goto(f"{live_url}/projects/{CODE}/")
    expect(page.locator("h1")).to_have_text(HOSTILE_NAME)
    expect(page.locator(".subtitle")).to_contain_text(ENGLISH_NAME)
    expect(page.locator(".description")).to_have_text("<svg onload=window.__xss=3>")
    settle(page)
    assert_no_script_ran(page)
    offline.screenshot("hostile-project-page")
    assert offline.external == []
