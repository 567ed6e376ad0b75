"""Keep the history written by django-simple-history, then drop its tables.

Every historical row becomes an event (+ insert, ~ update, - delete) with its time, user and
change reason as context. Then each current row whose state is not the latest event's (agencies
and participations had no history at all; raw SQL may have bypassed simple-history) gets a
"snapshot" event, so the next change to any row shows its before and after values.

Going back recreates simple-history's tables empty, and going back past 0009 drops the event
tables: back the database up before unapplying these.
"""

from django.conf import settings
from django.db import migrations

# (simple-history table or None, tracked table, event table)
TABLES = [
    ("projects_historicalproject", "projects_project", "projects_projectevent"),
    (
        "projects_historicalprogressreport",
        "projects_progressreport",
        "projects_progressreportevent",
    ),
    (None, "projects_agency", "projects_agencyevent"),
    (None, "projects_projectagency", "projects_projectagencyevent"),
]
SNAPSHOT_CONTEXT = (
    '{"comment": "State when history moved to django-pghistory", "source": "migration"}'
)


def _columns(connection, cursor, table) -> list[str]:
    return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def copy_history(apps, schema_editor):
    connection = schema_editor.connection
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    with connection.cursor() as cursor:
        username = "u.username" if "username" in _columns(connection, cursor, users) else "NULL"
        for historical, tracked, events in TABLES:
            event_columns = set(_columns(connection, cursor, events))
            columns = [c for c in _columns(connection, cursor, tracked) if c in event_columns]
            if historical:
                old = set(_columns(connection, cursor, historical))
                missing = [c for c in columns if c not in old]
                assert not missing, f"{historical} lacks {missing}"
                cursor.execute(
                    f"""
                    INSERT INTO {events} (pgh_created_at, pgh_label, pgh_obj_id, pgh_context,
                                          {", ".join(columns)})
                    SELECT h.history_date,
                           CASE h.history_type WHEN '+' THEN 'insert' WHEN '-' THEN 'delete'
                                ELSE 'update' END,
                           h.id,
                           jsonb_build_object(
                               'user', h.history_user_id, 'username', {username},
                               'comment', coalesce(h.history_change_reason, ''),
                               'source', 'django-simple-history'),
                           {", ".join(f"h.{c}" for c in columns)}
                    FROM {historical} h LEFT JOIN {users} u ON u.id = h.history_user_id
                    ORDER BY h.history_date, h.history_id
                    """
                )
            cursor.execute(
                f"""
                INSERT INTO {events} (pgh_created_at, pgh_label, pgh_obj_id, pgh_context,
                                      {", ".join(columns)})
                SELECT now(), 'snapshot', t.id, %s::jsonb, {", ".join(f"t.{c}" for c in columns)}
                FROM {tracked} t
                WHERE NOT EXISTS (
                    SELECT 1 FROM (
                        SELECT * FROM {events} e WHERE e.pgh_obj_id = t.id
                        ORDER BY e.pgh_id DESC LIMIT 1
                    ) latest
                    WHERE ({", ".join(f"latest.{c}" for c in columns)})
                          IS NOT DISTINCT FROM ({", ".join(f"t.{c}" for c in columns)})
                )
                ORDER BY t.id
                """,
                [SNAPSHOT_CONTEXT],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_history_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_history, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="historicalprogressreport",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalprogressreport",
            name="project",
        ),
        migrations.RemoveField(
            model_name="historicalprogressreport",
            name="reporter",
        ),
        migrations.RemoveField(
            model_name="historicalprogressreport",
            name="reporting_agency",
        ),
        migrations.RemoveField(
            model_name="historicalproject",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalproject",
            name="lead_agency",
        ),
        migrations.RemoveField(
            model_name="historicalproject",
            name="sector",
        ),
        migrations.DeleteModel(
            name="HistoricalProgressReport",
        ),
        migrations.DeleteModel(
            name="HistoricalProject",
        ),
    ]
