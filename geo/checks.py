"""Startup checks for what the database must provide (run by `manage.py check --database default`,
which `make run` calls after migrating)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections
from django.db.utils import DatabaseError

from geo.crs import VN2000_TM3_BINH_DINH

REQUIRED_SRIDS = (VN2000_TM3_BINH_DINH,)


def _query(connection, sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _setup_migration_applied(connection) -> bool:
    if "django_migrations" not in connection.introspection.table_names():
        return False
    return bool(
        _query(
            connection,
            "SELECT 1 FROM django_migrations WHERE app = 'geo' AND name = '0001_database_setup'",
        )
    )


@register(Tags.database)
def check_postgis(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        try:
            installed = _query(
                connection, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
            )
            if not installed:
                available = _query(
                    connection, "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
                )
                errors.append(
                    Error(
                        f"PostGIS is not installed in database '{alias}'.",
                        hint=(
                            "Run `CREATE EXTENSION postgis;` as a superuser in that database."
                            if available
                            else "The server has no PostGIS package: install "
                            "postgresql-15-postgis-3 (Debian) or use the postgis/postgis image."
                        ),
                        id="geo.E001",
                    )
                )
                continue
            srids = {
                row[0]
                for row in _query(
                    connection,
                    "SELECT srid FROM spatial_ref_sys WHERE srid = ANY(%s)",
                    (list(REQUIRED_SRIDS),),
                )
            }
            missing = sorted(set(REQUIRED_SRIDS) - srids)
            if missing and not _setup_migration_applied(connection):
                continue  # `migrate` is about to add them
            for srid in missing:
                errors.append(
                    Error(
                        f"EPSG:{srid} is missing from spatial_ref_sys in database '{alias}'; "
                        "VN-2000 output and measurements in Bình Định's zone will fail.",
                        hint="Run `manage.py migrate geo`: its first migration adds the row.",
                        id="geo.E002",
                    )
                )
        except DatabaseError as exc:
            errors.append(
                Error(
                    f"Cannot query database '{alias}': {exc}".strip(),
                    hint="Check DATABASE_URL (or PGHOST/PGPORT) and that the server is running.",
                    id="geo.E003",
                )
            )
    return errors


OC4IDS_PREFIX = re.compile(r"oc4ids-[a-z0-9]{6}-", re.ASCII)


@register()
def check_oc4ids_prefix(app_configs, **kwargs):
    """OC4IDS project ids are a registered prefix plus a local id (the conformance check)."""
    prefix = getattr(settings, "OC4IDS_PREFIX", "")
    if OC4IDS_PREFIX.fullmatch(prefix):
        return []
    return [
        Error(
            f"OC4IDS_PREFIX is {prefix!r}; OC4IDS needs `oc4ids-`, six lower-case letters or "
            "digits, and a dash (e.g. oc4ids-bu3kcz-).",
            hint="Register a prefix with the Open Contracting Partnership and set OC4IDS_PREFIX.",
            id="geo.E004",
        )
    ]


@register()
def check_static_files_collected(app_configs, **kwargs):
    """Without DEBUG, every page names hashed static files from collectstatic's manifest; with
    no manifest each of them fails with a 500."""
    if settings.DEBUG:
        return []
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        return []
    return [
        Warning(
            f"No static files manifest at {manifest}: pages cannot name their scripts and styles.",
            hint="Run `python manage.py collectstatic --no-input` (make run does it), or set "
            "DJANGO_DEBUG=true for development.",
            id="geo.W001",
        )
    ]
