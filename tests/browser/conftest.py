"""Browser tests: Debian's Chromium (never a downloaded browser), driven by Playwright, against
the app served by gunicorn on the test database, with every non-loopback request blocked."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission, User

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args():
    # Playwright's polling (wait_for_function with an expression) evaluates strings in the page,
    # which the Content-Security-Policy refuses, as it should. Tests drive pages with it, so
    # their browser ignores the policy; `strict_page` keeps it, for the tests of the policy.
    return {"viewport": {"width": 1280, "height": 860}, "locale": "vi-VN", "bypass_csp": True}


@pytest.fixture
def strict_page(browser):
    """A page whose browser applies the Content-Security-Policy (tests/browser/test_csp.py)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def planner_account(django_db_setup, django_db_blocker):
    """A committed planner account the live server can see (deleted afterwards)."""
    with django_db_blocker.unblock():
        user = User.objects.create_user("browser-planner", password="Planner-pass-2026")
        user.user_permissions.add(Permission.objects.get(codename="view_project"))
    yield ("browser-planner", "Planner-pass-2026")
    with django_db_blocker.unblock():
        user.delete()


class Offline:
    """Blocks and records every request that leaves the machine; collects console errors."""

    def __init__(self, page):
        self.page = page
        self.external = []
        self.errors = []
        page.route("**/*", self._route)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "file:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def offline(page):
    guard = Offline(page)
    yield guard
    assert not guard.errors, guard.errors
