"""The Content-Security-Policy holds on every page the app serves, and the pages still work
under it: no violation is reported, no script error, and each page draws what it is for (the
maps their projects and popups, the admin its map widget, the API references their operations).
"""

import re

import pytest

from projects.models import Project
from tests.browser.test_accessibility import PUBLIC_PAGES, log_in, settle, superuser  # noqa: F401

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(strict_page):
    page = strict_page
    errors = []
    page.add_init_script(WATCH)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return page, errors


def open_popup(page) -> None:
    """The first listed project's popup, waited for with locators only: Playwright's polling
    of an expression is itself evaluated as a string, which the policy refuses."""
    page.locator("#results li[data-code] button").first.wait_for(state="attached")
    page.locator("#results li[data-code] button").first.dispatch_event("click")
    page.locator(".leaflet-popup-content").wait_for()


def check(page, errors, response):
    policy = response.headers["content-security-policy"]
    # A nonce only where the page has an inline script: the others allow none at all.
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy), policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    # Redoc's "powered by" logo points at Redocly's CDN: the policy blocks it, as it should.
    blocked = [v for v in page.evaluate("window.__violations") if "cdn.redoc.ly" not in v]
    assert blocked == []
    errors = [e for e in errors if "cdn.redoc.ly" not in e and "404" not in e]  # 404: its status
    assert errors == []


@pytest.mark.parametrize(
    ("path", "ready", "step"),
    [
        pytest.param(path, ready, open_popup if step else None, id=name)
        for name, path, ready, step, _ in PUBLIC_PAGES
    ],
)
def test_public_pages_work_under_the_policy(watched, live_url, path, ready, step):
    page, errors = watched
    response = page.goto(f"{live_url}{path}")
    settle(page, ready)
    if step:
        step(page)  # the map: its first project's popup opens
    check(page, errors, response)


def test_the_planner_map_works_under_the_policy(watched, live_url, planner_account):
    page, errors = watched
    log_in(page, live_url, *planner_account, "/map/")
    response = page.reload()
    settle(page, "#results li[data-code]")
    open_popup(page)
    check(page, errors, response)


def test_the_admin_map_widget_works_under_the_policy(watched, live_url, superuser, committed):  # noqa: F811
    page, errors = watched
    with committed():
        airport = Project.objects.get(code="GT-02")
    path = f"/admin/projects/project/{airport.pk}/change/"
    log_in(page, live_url, *superuser, path, admin=True)
    response = page.reload()
    settle(page, "#id_geom_map canvas")
    # The widget read its options from the JSON block and drew the project's geometry.
    assert page.locator("#id_geom_map .ol-viewport").count() == 1
    assert page.locator("#id_geom").input_value().startswith("{")
    check(page, errors, response)
