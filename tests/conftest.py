"""Shared world for the tests: the demo data loaded once into a real PostGIS test database,
and three personas (the public, a planner, GIS staff)."""

import os

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# such a thread unless told it is safe (it is: one thread, no async views).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, always (pytest-django would skip it for a session of browser tests
    alone, which use a live server of their own), with the demo data committed in it."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from projects.demo import load_demo_data

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_")
        load_demo_data()
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
