"""Shared fixtures: a real PostGIS test database (migrations only), a small world built per test
(tests/world.py), and the personas (the public, a planner, GIS staff).

Tests that need the app served over HTTP (`live_url`: the browser, GDAL, the OGC test suite)
see committed data instead: the demo data plus a project with a hostile name, loaded once when
the first of them starts. They run after every other test (see pytest_collection_modifyitems),
so the per-test worlds never meet committed rows.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import override_settings
from django.utils import translation

from bench.processes import free_port

ROOT = Path(__file__).resolve().parent.parent

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# such a thread unless told it is safe (it is: one thread, no async views).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests on the live server (committed data) are marked `live` (scripts/run-tests.sh runs
    them in a session of their own) and, in a session that holds both, run last."""
    for item in items:
        if "live_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.live)
    items.sort(key=lambda item: "live_url" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database, always (pytest-django would skip it for a session of browser tests
    alone, which use a live server of their own): migrations only, no data. Under xdist each
    worker gets its own (pytest-django's suffix, through django_db_modify_db_settings)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_")
    yield
    with django_db_blocker.unblock():
        # Sessions left by the live server or by Playwright's greenlets (Django keeps one
        # connection per context) would block DROP DATABASE.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def live_data(django_db_setup, django_db_blocker):
    """Committed data for the live server: the demo data and a project with a hostile name."""
    from projects.demo import load_demo_data
    from tests.world import add_hostile_project

    with django_db_blocker.unblock():
        load_demo_data()
        add_hostile_project()


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, committed once for a module of tests that read it (each test still rolls
    its own writes back) and removed afterwards: loading it takes seconds, so the tests that
    only look at what it loaded share one load. Yields the loader's report and the last project
    history event before the load."""
    from django.db.models import Max

    from projects.demo import load_demo_data
    from projects.models import ProjectEvent
    from tests.projects.test_demo_data import DOMAIN_TABLES

    with django_db_blocker.unblock():
        seen = ProjectEvent.objects.aggregate(last=Max("pgh_id"))["last"] or 0
        report = load_demo_data()
    yield report, seen
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DOMAIN_TABLES}")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The session's own STATIC_ROOT: concurrent sessions never share one, and a clean clone
    needs nothing collected beforehand."""
    return tmp_path_factory.mktemp("static")


@pytest.fixture(scope="session", autouse=True)
def plain_static_names(static_root):
    """In-process tests (the test client) render `{% static %}` with Django's plain storage and
    WhiteNoise finds files in the apps, so they need no collectstatic (the manifest storage
    refuses a name it has not collected). Hashed names, their cache headers and compression
    are tested on the live server, which runs the real storage over `collected_static`."""
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": plain},
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=True,
    ):
        yield


@pytest.fixture(scope="session")
def collected_static(static_root) -> Path:
    """collectstatic with the real storage (hashed names, gzip copies), once per session, in a
    process of its own so the in-process override above does not reach it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env={**os.environ, "STATIC_ROOT": str(static_root)}, check=True,
    )  # fmt: skip
    return static_root


@pytest.fixture(scope="session")
def live_url(live_data, collected_static, django_db_blocker):
    """The app under gunicorn, on the test database holding the committed live data."""
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "PGDATABASE": settings_dict["NAME"],
        "PGHOST": settings_dict["HOST"] or os.environ.get("PGHOST", ""),
        "PGPORT": str(settings_dict["PORT"] or os.environ.get("PGPORT", "")),
        "PGUSER": settings_dict["USER"] or os.environ.get("PGUSER", ""),
        "DATABASE_URL": "",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "browser-tests",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MAP_TILES_URL": "",  # the default: no base map, nothing fetched from elsewhere
        "DB_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(collected_static),
    }
    (ROOT / "build").mkdir(exist_ok=True)
    log = open(ROOT / "build" / "live-server.log", "w")  # noqa: SIM115 (open for the session)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "geo.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60", "--no-control-socket",
         "--limit-request-line", "8190"],  # as deploy/gunicorn.conf.py
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the live server did not start: see {log.name}")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture
def committed(live_data, django_db_blocker):
    """ORM access to the committed live data, for live-server tests to compute what they
    expect: `with committed(): Project.objects.filter(...)`."""
    return django_db_blocker.unblock


@pytest.fixture
def world(db):
    """The small world of tests/world.py, rolled back after the test."""
    from tests.world import build_world

    return build_world()


@pytest.fixture
def planner(db):
    """Sees everything (unpublished projects too), edits nothing."""
    user = User.objects.create_user("planner", password="planner-pass-123")
    user.user_permissions.add(Permission.objects.get(codename="view_project"))
    return user


@pytest.fixture
def gis_staff(db):
    """Edits projects, agencies and units in the admin."""
    user = User.objects.create_user("gis", password="gis-pass-123", is_staff=True)
    codenames = [
        f"{action}_{model}"
        for action in ("view", "change", "add")
        for model in ("project", "projectagency", "progressreport", "agency", "adminunit")
    ]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def english():
    """Messages in English, for assertions on their wording (the default language is vi)."""
    with translation.override("en"):
        yield


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


@pytest.fixture
def gis_client(client, gis_staff):
    client.force_login(gis_staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
