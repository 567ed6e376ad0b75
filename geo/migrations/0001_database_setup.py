"""Database-level setup every app relies on: extensions, an indexable unaccent, EPSG:9217."""

from django.contrib.postgres.operations import (
    BtreeGistExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations

from geo.checks import REQUIRED_SRIDS
from geo.crs import spatial_ref_sys_row

F_UNACCENT = """
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


def add_missing_srids(apps, schema_editor):
    """Debian's PostGIS 3.3 lacks the VN-2000 TM-3 zones (EPSG:9205-9218)."""
    for srid in REQUIRED_SRIDS:
        schema_editor.execute(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (srid) DO NOTHING",
            spatial_ref_sys_row(srid),
        )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        BtreeGistExtension(),
        migrations.RunSQL(F_UNACCENT, reverse_sql="DROP FUNCTION IF EXISTS f_unaccent(text);"),
        migrations.RunPython(add_missing_srids, migrations.RunPython.noop),
    ]
