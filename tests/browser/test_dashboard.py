"""The planners' dashboard in a real browser, offline, on a desktop and on a 390 px phone: the
charts are drawn (inline SVG, no script), nothing runs wider than the screen but the tables'
own scrolling boxes, and axe finds no serious violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_violations
from tests.browser.test_accessibility import VIEWPORTS, log_in

# The page's width against the window's: only a table's own scrolling box may be wider.
OVERFLOW = """() => [...document.querySelectorAll('main *')]
  .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right >
               document.documentElement.clientWidth + 1)
  .map(e => e.tagName + ' ' + (e.id || ''))"""


@pytest.mark.parametrize("viewport", [pytest.param(s, id=n) for n, s in VIEWPORTS.items()])
def test_the_dashboard_draws_its_charts_and_fits_the_screen(
    page, live_url, offline, planner_account, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_url, *planner_account, "/dashboard/")
    expect(page.locator("svg.dash-chart")).not_to_have_count(0)
    expect(page.locator("#chart-sector title")).to_have_count(1)
    expect(page.locator("#chart-submissions > title")).to_have_count(1)  # the demo's two cycles
    # Each chart is followed by its table.
    charts = page.locator("figure.dash-figure").count()
    assert page.locator("figure.dash-figure + details.dash-table table").count() == charts
    expect(page.locator("#illustrative-note")).to_contain_text("minh họa")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.evaluate(OVERFLOW) == []
    name = "dashboard-desktop" if viewport["width"] > 700 else "dashboard-phone"
    offline.screenshot(name)
    for section in ("by-sector", "behind", "progress", "submissions"):
        page.locator(f"#{section}").screenshot(path=f"build/screenshots/{name}-{section}.png")
    assert_no_violations(page)
    assert offline.external == []
