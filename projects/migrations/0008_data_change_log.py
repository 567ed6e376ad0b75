"""The data version without a shared row: one log row per writing transaction.

Until now every write statement to the served tables UPDATEd the one row of
projects_dataversion, so a long transaction (an import) held that row and every other writer
waited for it. Now each writing transaction inserts its own row, keyed by its transaction id
(later statements of the same transaction only refresh their own row's time), and readers take
the sum of the rows (how many writing transactions have committed) and the latest time. A
transaction that started earlier but commits later adds its row then, so the version still
changes.

Now and then (one writing transaction in a thousand) the rows of finished transactions are
folded into one that carries their count, which keeps the table, and so the reader's query,
small. The fold never waits: it takes a try-lock and leaves the work to a later transaction
when another fold holds it, and runs only in READ COMMITTED transactions (a REPEATABLE READ one
could fail on a row another fold deleted).

The trigger function keeps its name, so the triggers of migration 0006 and of
layers/0003_data_version_trigger call the new body unchanged. The old counter's value seeds
the log, so the version keeps growing across the migration and no old ETag comes back.
"""

from django.db import migrations, models

FOLD_EVERY = 1000
FOLD_LOCK = 5_207_331_101  # pg_try_advisory_xact_lock key: any constant unique to this purpose

FORWARDS = [
    """
    INSERT INTO projects_datachange (txid, changed, transactions)
    SELECT 0, changed, version FROM projects_dataversion WHERE id = 1
    """,
    f"""
    CREATE OR REPLACE FUNCTION projects_fold_data_changes() RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
        horizon bigint := txid_snapshot_xmin(txid_current_snapshot());
    BEGIN
        IF current_setting('transaction_isolation') <> 'read committed'
           OR NOT pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
            RETURN;
        END IF;
        -- Rows below the horizon belong to finished transactions: they can no longer change.
        WITH folded AS (
            DELETE FROM projects_datachange WHERE txid < horizon
            RETURNING txid, changed, transactions
        )
        INSERT INTO projects_datachange (txid, changed, transactions)
        SELECT max(txid), max(changed), sum(transactions) FROM folded HAVING count(*) > 0;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION projects_bump_data_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO projects_datachange (txid, changed, transactions)
        VALUES (txid_current(), clock_timestamp(), 1)
        ON CONFLICT (txid) DO UPDATE SET changed = EXCLUDED.changed
            WHERE projects_datachange.changed < EXCLUDED.changed - interval '1 second';
        IF txid_current() % {FOLD_EVERY} = 0 THEN
            PERFORM projects_fold_data_changes();
        END IF;
        RETURN NULL;
    END $$
    """,
]

BACKWARDS = [
    """
    CREATE OR REPLACE FUNCTION projects_bump_data_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE projects_dataversion SET version = version + 1, changed = now() WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    "DROP FUNCTION IF EXISTS projects_fold_data_changes()",
    """
    INSERT INTO projects_dataversion (id, version, changed)
    SELECT 1, coalesce(sum(transactions), 0) + 1, coalesce(max(changed), now())
    FROM projects_datachange
    """,
]


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_agency_version")]

    operations = [
        migrations.CreateModel(
            name="DataChange",
            fields=[
                (
                    "txid",
                    models.BigIntegerField(
                        primary_key=True, serialize=False, verbose_name="transaction"
                    ),
                ),
                ("changed", models.DateTimeField(verbose_name="changed")),
                ("transactions", models.BigIntegerField(default=1, verbose_name="transactions")),
            ],
            options={"verbose_name": "data change", "verbose_name_plural": "data changes"},
        ),
        migrations.RunSQL(FORWARDS, BACKWARDS),
        migrations.DeleteModel(name="DataVersion"),
    ]
