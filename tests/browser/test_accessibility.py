"""Every page a person reads, checked by axe-core on a desktop and on a phone: no critical and
no serious violation (tests/browser/axe.py).

The maps are checked with a popup open (its progress bar, its links).
"""

import pytest
from django.contrib.auth.models import User

from projects.models import Project
from tests.browser.axe import assert_no_violations

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def settle(page, ready: str | None = None) -> None:
    """Wait until the page has drawn what a person would read (scripts, fetched data)."""
    page.wait_for_load_state("networkidle")
    if ready:
        page.locator(ready).first.wait_for(state="attached")


def open_a_popup(page) -> None:
    """The map's first listed project, opened in its popup (where the progress bar is)."""
    page.wait_for_function("document.querySelectorAll('#results li[data-code]').length > 0")
    # dispatched, not clicked: on a phone the list is folded away until asked for.
    page.locator("#results li[data-code] button").first.dispatch_event("click")
    page.locator(".leaflet-popup-content").wait_for()


# (name, path, element that shows the page is drawn, extra step, marks)
PUBLIC_PAGES = [
    ("public-map", "/", "#results li[data-code]", open_a_popup, []),
    ("project-page", "/projects/GT-01/", None, None, []),
    ("plan-tasks", "/plan/", None, None, []),
    ("plan-task", "/plan/tasks/II.1.1/", ".leaflet-overlay-pane path", None, []),
    ("not-found", "/no-such-page/", None, None, []),
    ("ogc-landing", "/ogc/?f=html", None, None, []),
    ("ogc-collections", "/ogc/collections?f=html", None, None, []),
    ("ogc-collection", "/ogc/collections/projects?f=html", None, None, []),
    ("ogc-items", "/ogc/collections/projects/items?f=html&limit=10", None, None, []),
    ("ogc-conformance", "/ogc/conformance?f=html", None, None, []),
    ("api-docs", "/api/docs/", ".swagger-ui .opblock", None, []),
    ("api-redoc", "/api/redoc/", "[role=menuitem], li[data-item-id]", None, []),
    ("login", "/accounts/login/", None, None, []),
]


# Redoc is the vendor's page, the same markup at every width, and the slowest to check (20 s a
# viewport): the desktop run covers it.
ONE_VIEWPORT = {"api-redoc"}


def cases(pages):
    return [
        pytest.param(path, ready, step, size, id=f"{name}-{viewport}", marks=marks)
        for name, path, ready, step, marks in pages
        for viewport, size in VIEWPORTS.items()
        if name not in ONE_VIEWPORT or viewport == "desktop"
    ]


@pytest.mark.parametrize(("path", "ready", "step", "viewport"), cases(PUBLIC_PAGES))
def test_a_public_page_has_no_serious_accessibility_violation(
    page, live_url, path, ready, step, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_url}{path}")
    settle(page, ready)
    if step:
        step(page)
    assert_no_violations(page)


def log_in(page, live_url, username, password, next_path, *, admin=False):
    page.goto(f"{live_url}/{'admin' if admin else 'accounts'}/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


@pytest.mark.parametrize("viewport", [pytest.param(s, id=n) for n, s in VIEWPORTS.items()])
def test_the_planner_map_has_no_serious_accessibility_violation(
    page, live_url, planner_account, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_url, *planner_account, "/map/")
    settle(page, "#results li[data-code]")
    open_a_popup(page)
    assert_no_violations(page)


@pytest.fixture
def superuser(committed):
    with committed():
        User.objects.create_superuser("axe-admin", password="Axe-admin-pass-2026")
    yield ("axe-admin", "Axe-admin-pass-2026")
    with committed():
        User.objects.filter(username="axe-admin").delete()


@pytest.mark.parametrize("form", ["add", "change"])
@pytest.mark.parametrize("viewport", [pytest.param(s, id=n) for n, s in VIEWPORTS.items()])
def test_the_admin_project_form_has_no_serious_accessibility_violation(
    page, live_url, superuser, committed, form, viewport
):
    with committed():
        airport = Project.objects.get(code="GT-02")
    path = (
        "/admin/projects/project/add/"
        if form == "add"
        else f"/admin/projects/project/{airport.pk}/change/"
    )
    page.set_viewport_size(viewport)
    log_in(page, live_url, *superuser, path, admin=True)
    settle(page, "#id_geom_map canvas")
    assert_no_violations(page)
