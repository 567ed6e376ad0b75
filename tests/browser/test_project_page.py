"""The project page in a real browser, offline: its chart and locator, the print and share
actions, how it prints (A4, with its address and date, without the site's chrome), how it fits
a phone, and the 404 page a mistyped code gets."""

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import SCREENSHOTS

PAGE = "/projects/GT-02/"  # a published project with reports, partners and a planned period


def open_page(page, url, path=PAGE):
    page.goto(f"{url}{path}")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    expect(page.locator(".page-actions")).to_be_visible()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_chart_compares_planned_and_reported_progress(page, live_url, offline, committed):
    with committed(), translation.override("vi"):
        airport = Project.objects.get(code="GT-02")
        reports = airport.progress_reports.exclude(progress_pct=None).count()
    assert airport.planned_start and airport.planned_end and reports
    open_page(page, live_url)
    chart = page.locator("svg.progress-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("polyline.planned")).to_have_count(1)
    expect(chart.locator("g.report")).to_have_count(reports)
    expect(page.locator(".chart-legend")).to_contain_text("giả định tăng đều")
    expect(page.locator(".chart-legend")).to_contain_text(f"{airport.planned_end:%d/%m/%Y}")
    # Every label is drawn inside the chart, at a legible size.
    sizes = page.evaluate("""() => {
        const svg = document.querySelector('svg.progress-chart').getBoundingClientRect();
        return [...document.querySelectorAll('svg.progress-chart text')].map(t => {
            const r = t.getBoundingClientRect();
            return {inside: r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5
                            && r.top >= svg.top - 0.5 && r.bottom <= svg.bottom + 0.5,
                    height: r.height, text: t.textContent};
        });
    }""")
    assert all(s["inside"] for s in sizes), sizes
    assert min(s["height"] for s in sizes) >= 11, sizes
    expect(page.locator("svg.locator")).to_be_visible()
    page.locator(".progress-section").scroll_into_view_if_needed()
    offline.screenshot("project-page-chart")
    assert offline.external == []


def test_print_and_share_are_named_buttons_reached_by_keyboard(page, live_url, offline):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    open_page(page, live_url)
    share = page.get_by_role("button", name="Chia sẻ liên kết")
    printing = page.get_by_role("button", name="In trang")
    for button in (share, printing):
        size = button.bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44, size
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "In trang" in reached and "Chia sẻ liên kết" in reached
    share.focus()
    page.keyboard.press("Enter")
    status = page.locator(".share-status")
    expect(status).to_contain_text("Đã sao chép liên kết")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_url}{PAGE}"


def test_it_prints_on_a4_with_its_address_and_date_and_without_the_sites_chrome(
    page, live_url, offline
):
    open_page(page, live_url)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    for hidden in (".site-header", ".page-actions", ".crumbs", ".leaflet-control-zoom"):
        expect(page.locator(hidden).first).to_be_hidden()
    for shown in (".small-map", ".facts", "svg.progress-chart", "svg.locator", ".print-source"):
        expect(page.locator(shown).first).to_be_visible()
    today = datetime.date.today()
    source = page.locator(".print-source")
    expect(source).to_contain_text(f"{live_url}{PAGE}")
    expect(source).to_contain_text(f"{today:%d/%m/%Y}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "project-page-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    # Chromium writes each page's MediaBox uncompressed: A4 is 595 × 842 points.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes
    )
    assert len(boxes) <= 3, f"{len(boxes)} pages"
    (SCREENSHOTS / "project-page.pdf").write_bytes(pdf)


def test_it_fits_a_phone(page, live_url, offline):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, live_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    small = page.evaluate("""() => [...document.querySelectorAll(
            'main a, main button, .site-header a, .site-header button')]
        .filter(e => e.offsetParent !== null && !e.closest('.leaflet-container'))
        .map(e => ({name: e.textContent.trim(), box: e.getBoundingClientRect()}))
        .filter(e => e.box.height < 44 || e.box.width < 44)
        .map(e => `${e.name} ${e.box.width}×${e.box.height}`)""")
    assert small == []
    # The reports' table stacks, one block per report, each value labelled.
    cell = page.locator(".history tbody td").first
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.history td')).display") == "grid"
    )
    expect(cell).to_be_visible()
    sizes = page.evaluate("""[...document.querySelectorAll('svg.progress-chart text')]
        .map(t => t.getBoundingClientRect().height)""")
    assert min(sizes) >= 11, sizes
    offline.screenshot("project-page-phone")
    page.locator(".progress-section").scroll_into_view_if_needed()
    offline.screenshot("project-page-phone-chart")


@pytest.mark.parametrize(
    "locale, title, search",
    [("vi-VN", "Không tìm thấy", "Tìm dự án"), ("en-GB", "Not found", "Search")],
)
def test_a_mistyped_code_gets_a_404_page_in_the_readers_language(
    browser, live_url, locale, title, search
):
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    response = page.goto(f"{live_url}/projects/GT-99/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_role("searchbox")).to_be_visible()
    expect(page.locator("label")).to_contain_text(search)
    page.get_by_role("searchbox").fill("cat tien")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?q=cat\+tien"))
    context.close()
