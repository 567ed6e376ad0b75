"""The data version (ETags, caches) changes on every commit and never makes writers wait for
one another: each writing transaction adds a row of its own instead of updating a shared one."""

import psycopg2
import pytest
from django.db import connection, transaction

from projects import actions
from projects.models import DataChange, DataVersion, Door, Project


def _connect():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return psycopg2.connect(**params)


def test_an_open_writing_transaction_does_not_hold_up_other_writers(committed_world):
    road, market = committed_world.road, committed_world.market
    before = DataVersion.current()
    slow = _connect()  # an import, say, that started first and is still writing
    try:
        with slow.cursor() as cursor:
            cursor.execute("UPDATE projects_project SET name_en = 'slow' WHERE id = %s", [road.pk])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")  # the old shared row waited here
            actions.update_project(market, {"name_en": "fast"}, expected_version=1, door=Door.API)
        after_fast = DataVersion.current()
        assert after_fast[0] == before[0] + 1 and after_fast[1] is not None
        slow.commit()  # it started before the fast writer, and commits after it
    finally:
        slow.close()
    after_slow = DataVersion.current()
    assert after_slow[0] == after_fast[0] + 1
    assert Project.objects.get(pk=road.pk).name_en == "slow"


@pytest.mark.django_db
def test_the_version_is_read_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        version, changed = DataVersion.current()
    assert version > 0 and changed is not None
    hash((version, changed))  # the read side keys caches on it


@pytest.mark.django_db
def test_raw_sql_changes_the_version():
    before = DataVersion.current()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_sector SET sort_order = sort_order WHERE code = 'GT'")
    assert DataVersion.current()[0] == before[0] + 1


@pytest.mark.django_db
def test_folding_old_rows_keeps_the_version(write_world):
    before = DataVersion.current()
    with connection.cursor() as cursor:
        # The horizon is the cluster's oldest running transaction, which may be another test
        # process's: only the rows below the horizon read now are sure to be folded.
        cursor.execute("SELECT txid_snapshot_xmin(txid_current_snapshot())")
        (horizon,) = cursor.fetchone()
        cursor.execute("SELECT projects_fold_data_changes()")
    assert DataVersion.current() == before
    assert DataChange.objects.filter(txid__lt=horizon).count() <= 1  # folded into one row
