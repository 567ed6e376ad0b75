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
def django_db_setup(django_db_setup, django_db_blocker):
    from projects.demo import load_demo_data

    with django_db_blocker.unblock():
        load_demo_data()


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
