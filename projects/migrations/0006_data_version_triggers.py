"""Triggers that bump DataVersion on every statement writing the data the API and tiles serve."""

from django.db import migrations

TABLES = [
    "projects_project", "projects_agency", "projects_sector", "projects_projectagency",
    "projects_progressreport", "projects_adminunit", "projects_project_admin_units",
]  # fmt: skip

FUNCTION = """
CREATE OR REPLACE FUNCTION projects_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects_dataversion SET version = version + 1, changed = now() WHERE id = 1;
    RETURN NULL;
END $$;
"""


def forwards_sql():
    statements = [
        "INSERT INTO projects_dataversion (id, version, changed) VALUES (1, 1, now()) "
        "ON CONFLICT (id) DO NOTHING",
        FUNCTION,
    ]
    for table in TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION projects_bump_data_version()"
        )
    return statements


def backwards_sql():
    return [f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}" for table in TABLES] + [
        "DROP FUNCTION IF EXISTS projects_bump_data_version()"
    ]


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_data_version")]
    operations = [migrations.RunSQL(forwards_sql(), backwards_sql())]
