"""Search people can use (projects.search): a folded text function and a trigram index on it."""

import django.contrib.postgres.indexes
from django.db import migrations

import geo.db

# Lower case, accent-free (f_unaccent, geo's first migration), letters and digits split apart
# so that "QL19" reads as the words "ql 19". Immutable, so an index can hold it; the schema is
# named because a restore runs with an empty search_path.
F_SEARCH_TEXT = r"""
CREATE OR REPLACE FUNCTION f_search_text(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT regexp_replace(regexp_replace(lower(public.f_unaccent($1)),
    '([[:alpha:]])([[:digit:]])', '\1 \2', 'g'), '([[:digit:]])([[:alpha:]])', '\1 \2', 'g') $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_database_setup"),
        ("projects", "0011_project_location_note_en"),
    ]

    operations = [
        migrations.RunSQL(
            F_SEARCH_TEXT, reverse_sql="DROP FUNCTION IF EXISTS f_search_text(text);"
        ),
        migrations.AddIndex(
            model_name="project",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    geo.db.SearchText("code", "name", "name_en", "description"),
                    name="gin_trgm_ops",
                ),
                name="project_search_trgm",
            ),
        ),
    ]
