"""Startup checks catch a database without PostGIS or without EPSG:9217."""

import pytest
from django.db import connection, connections

from geo.checks import check_postgis

pytestmark = pytest.mark.django_db


def test_a_complete_database_passes():
    assert check_postgis(databases=["default"]) == []


def test_it_reports_a_missing_epsg_9217():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM spatial_ref_sys WHERE srid = 9217")
    errors = check_postgis(databases=["default"])
    assert [e.id for e in errors] == ["geo.E002"]
    assert "EPSG:9217" in errors[0].msg and "migrate geo" in errors[0].hint


@pytest.fixture
def database_without_postgis(django_db_blocker):
    """A real second database on the same server, created without the extension."""
    name = f"{connection.settings_dict['NAME']}_nopostgis"
    with django_db_blocker.unblock():
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        connections.settings["nopostgis"] = {**connection.settings_dict, "NAME": name}
        try:
            yield "nopostgis"
        finally:
            connections["nopostgis"].close()
            del connections.settings["nopostgis"]
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_it_reports_a_database_without_postgis(database_without_postgis):
    errors = check_postgis(databases=[database_without_postgis])
    assert [e.id for e in errors] == ["geo.E001"]
    assert "CREATE EXTENSION postgis" in errors[0].hint  # the server has the package
