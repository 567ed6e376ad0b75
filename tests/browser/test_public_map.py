"""The public map in a real browser, offline: it draws, toggles, filters, searches, pops up,
speaks English on request, and never asks another host for anything."""

import re

import pytest
from playwright.sync_api import expect

PUBLISHED_IN_DEMO = 55  # 57 projects, 2 unpublished


def open_map(page, url, query=""):
    page.goto(f"{url}/{query}")
    page.wait_for_function(
        "window.projectMap && document.querySelectorAll('#results li[data-code]').length > 0"
    )


def drawn(
    page, selector=".leaflet-projects-pane path.project-shape, .leaflet-marker-pane .project-marker"
):
    return page.locator(selector).count()


def listed(page):
    return page.locator("#results li[data-code]").evaluate_all(
        "items => items.map(i => i.dataset.code)"
    )


def test_the_map_draws_the_published_projects(page, live_url, offline):
    open_map(page, live_url)
    codes = listed(page)
    assert len(codes) == PUBLISHED_IN_DEMO
    assert "GT-12" not in codes and "YT-02" not in codes  # unpublished
    assert drawn(page) >= PUBLISHED_IN_DEMO
    assert page.locator(".leaflet-overlay-pane path").count() == 12  # province + 11 districts
    assert page.locator(".leaflet-projects-pane path.project-shape").count() >= 30
    expect(page.locator(".unit-label", has_text="Tây Sơn")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    offline.screenshot("public-map")
    assert offline.external == []


def test_a_layer_toggle_hides_its_projects(page, live_url, offline):
    open_map(page, live_url)
    transport = page.locator(".leaflet-projects-pane path.project-shape").count()
    page.get_by_label("Giao thông").uncheck()
    assert page.locator(".leaflet-projects-pane path.project-shape").count() < transport
    assert not [c for c in listed(page) if c.startswith("GT-")]
    assert "layer=" in page.url  # the permalink remembers it
    page.get_by_label("Giao thông").check()
    assert [c for c in listed(page) if c.startswith("GT-")]


def test_a_status_filter_narrows_the_map(page, live_url, offline):
    open_map(page, live_url)
    page.get_by_text("Bộ lọc khác").click()
    with page.expect_response(re.compile(r"/api/v1/projects/\?.*status=completed")):
        page.get_by_label("Hoàn thành", exact=True).check()
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length < 10")
    assert sorted(listed(page)) == ["DN-04", "TL-05", "VH-03"]
    assert "status=completed" in page.url


def test_search_ignores_diacritics(page, live_url, offline):
    open_map(page, live_url)
    with page.expect_response(re.compile(r"q=dap")):
        page.get_by_label("Tìm kiếm").fill("dap da")
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length === 1")
    assert listed(page) == ["TM-06"]  # Nâng cấp chợ Đập Đá
    page.get_by_label("Tìm kiếm").fill("")
    with page.expect_response(re.compile(r"q=quy")):
        page.get_by_label("Tìm kiếm").fill("quy nhon")
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length < 20")
    assert "GT-01" in listed(page)  # Cao tốc Quy Nhơn – Pleiku


def test_a_popup_shows_the_facts(page, live_url, offline):
    open_map(page, live_url)
    page.locator('#results li[data-code="GT-02"] button').click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".leaflet-popup")).to_have_count(1)  # still open after the reload
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Nâng cấp, mở rộng Cảng hàng không Phù Cát")
    expect(popup).to_contain_text("Đang thi công")
    expect(popup).to_contain_text("35 %")
    expect(popup).to_contain_text("Bộ Giao thông vận tải")
    expect(popup).to_contain_text("01/06/2024 – 31/12/2027")
    expect(popup).to_contain_text("Số liệu minh họa")
    expect(popup.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "35")
    expect(popup.get_by_role("link")).to_have_attribute("href", "/projects/GT-02/")
    offline.screenshot("public-map-popup")


def test_a_click_on_the_map_opens_a_popup(page, live_url, offline):
    open_map(page, live_url, "?lat=13.95700&lon=109.04400&z=14")
    page.locator(".leaflet-projects-pane path.status-under_construction").first.click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Phù Cát")


def test_the_permalink_restores_view_and_filters(page, live_url, offline):
    open_map(page, live_url, "?status=completed&lat=14.20000&lon=109.00000&z=10")
    expect(page.get_by_label("Hoàn thành", exact=True)).to_be_checked()
    centre = page.evaluate("[projectMap.map.getCenter().lat, projectMap.map.getZoom()]")
    assert centre[0] == pytest.approx(14.2, abs=0.01) and centre[1] == 10


def test_the_english_switch_works(page, live_url, offline):
    open_map(page, live_url)
    page.get_by_role("button", name="EN").click()
    page.wait_for_function("window.projectMap && document.documentElement.lang === 'en'")
    expect(page.get_by_label("Transport")).to_be_visible()
    expect(page.locator("#legend-title")).to_have_text("Legend: status")
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length > 0")
    expect(page.locator('#results li[data-code="GT-02"] a')).to_contain_text("Phu Cat airport")
    offline.screenshot("public-map-en")


def test_it_fits_a_phone_screen(page, live_url, offline):
    page.set_viewport_size({"width": 390, "height": 844})
    open_map(page, live_url)
    toggle = page.get_by_role("button", name="Bộ lọc, chú giải và danh sách")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".map-wrap").bounding_box()
    assert box["width"] >= 380 and box["height"] >= 300
    toggle.click()
    expect(page.get_by_label("Tìm kiếm")).to_be_visible()
    offline.screenshot("public-map-phone")


def test_the_controls_are_reachable_by_keyboard(page, live_url, offline):
    open_map(page, live_url)
    page.keyboard.press("Tab")  # skip link
    focused = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "document.activeElement.name || document.activeElement.textContent.trim()"
            )
        )
    assert "q" in focused and "layer" in focused


def test_the_project_page_shows_map_facts_and_progress(page, live_url, offline):
    page.goto(f"{live_url}/projects/GT-02/")
    expect(page.locator("h1")).to_have_text("Nâng cấp, mở rộng Cảng hàng không Phù Cát")
    expect(page.locator(".facts")).to_contain_text("Đang thi công")
    expect(page.locator(".precision")).to_contain_text("Gần đúng")
    expect(page.locator("table").first).to_contain_text("Tổng công ty Cảng hàng không Việt Nam")
    expect(page.locator("svg.progress-chart circle")).to_have_count(2)
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    offline.screenshot("project-page")
    assert offline.external == []
