"""projects.bulk: the import's staging by COPY, the database's check constraints asked for
every row at once, and the history triggers' guard function that replaces django-pgtrigger's."""

import io

import geopandas as gpd
import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection
from shapely.geometry import Point

from projects.imports import import_file
from projects.models import ImportBatch, Project, ProjectEvent

pytestmark = pytest.mark.usefixtures("english")

HOSTILE = 'Cầu "A"\tB\\C\nD\r{E},F <b>G</b>'


def test_text_with_tabs_line_breaks_backslashes_and_quotes_arrives_unchanged(world, tmp_path):
    path = tmp_path / "hostile.geojson"
    gpd.GeoDataFrame(
        {"code": ["GT-61"], "name": [HOSTILE], "description": ["\\N"], "lead_agency": ["SXD"],
         "status": ["preparing"], "geometry": [Point(109.1, 13.9)]},
        crs=4326,
    ).to_file(path, driver="GeoJSON")  # fmt: skip
    report = import_file(path, constants={"sector": "GT", "capital_sources": None})
    assert report.counts["created"] == 1, report.text()
    project = Project.objects.get(code="GT-61")
    assert project.name == HOSTILE
    assert project.description == "\\N"  # COPY's NULL marker, as text, is text
    assert project.version == 1 and project.publication == "draft" and not project.is_published
    assert project.geom.geom_type == "MultiPoint"
    assert project.admin_units.exists()  # linked to the units it lies in, like the editor does


def test_the_database_check_constraints_reject_a_row_with_its_message(world, tmp_path):
    path = tmp_path / "dates.geojson"
    gpd.GeoDataFrame(
        {"code": ["GT-62", "GT-63"], "name": ["Đường A", "Đường B"], "lead_agency": ["SXD"] * 2,
         "status": ["preparing"] * 2, "planned_start": ["2027-01-01", "2026-01-01"],
         "planned_end": ["2026-01-01", "2027-01-01"],
         "geometry": [Point(109.1, 13.9), Point(109.11, 13.91)]},
        crs=4326,
    ).to_file(path, driver="GeoJSON")  # fmt: skip
    report = import_file(path, constants={"sector": "GT"}, dry_run=True)
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    (rejected,) = report.of("rejected")
    assert rejected.code == "GT-62"
    assert rejected.reason == "The planned end is before the planned start."
    assert not Project.objects.filter(code__in=["GT-62", "GT-63"]).exists()


GUARD = 'SELECT "public"._pgtrigger_should_ignore(%s)'


def ask(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(GUARD, [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_trigger_guard_opens_no_subtransaction_and_answers_as_pgtrigger_does():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = '_pgtrigger_should_ignore'")
        (source,) = cursor.fetchone()
        assert "EXCEPTION" not in source.upper()
        assert ask("insert_insert") is False  # never set in this session
        cursor.execute("SET LOCAL pgtrigger.ignore = '{insert_insert,other}'")
        assert ask("insert_insert") is True
        assert ask("update_update") is False
        cursor.execute("SET LOCAL pgtrigger.ignore = ''")  # what a finished ignore() leaves
        assert ask("insert_insert") is False


@pytest.mark.django_db
def test_pgtrigger_ignore_still_silences_the_history_trigger(world):
    project = world.projects["GT-01"]
    before = ProjectEvent.objects.filter(pgh_obj_id=project.pk).count()
    with pgtrigger.ignore("projects.Project:update_update"):
        Project.objects.filter(pk=project.pk).update(name="Ignored")
    assert ProjectEvent.objects.filter(pgh_obj_id=project.pk).count() == before
    Project.objects.filter(pk=project.pk).update(name="Recorded")
    assert ProjectEvent.objects.filter(pgh_obj_id=project.pk).count() == before + 1


def test_undo_from_the_command_line_holds_its_own_transaction(
    committed_world, django_db_blocker, tmp_path
):
    """Outside any test transaction, as `make manage ARGS="undo_import N"` runs it: the undo
    takes its rows (select_for_update needs a transaction of its own) and deletes the created
    projects many at a time, each recorded in the history with the import door."""
    path = tmp_path / "two.geojson"
    gpd.GeoDataFrame(
        {"code": ["TC-71", "TC-72"], "name": ["Đường một", "Đường hai"],
         "lead_agency": ["TC-LEAD"] * 2, "status": ["preparing"] * 2,
         "geometry": [Point(109.1, 13.9), Point(109.11, 13.91)]},
        crs=4326,
    ).to_file(path, driver="GeoJSON")  # fmt: skip
    with django_db_blocker.unblock():
        call_command("import_projects", str(path), "--set", "sector=GT", stdout=io.StringIO())
        batch = ImportBatch.objects.latest("pk")
        try:
            ids = list(batch.projects.values_list("project_id", flat=True))
            assert Project.objects.filter(code__in=["TC-71", "TC-72"]).count() == 2
            call_command("undo_import", str(batch.pk), stdout=io.StringIO())
            assert not Project.objects.filter(pk__in=ids).exists()
            deleted = ProjectEvent.objects.filter(pgh_obj_id__in=ids, pgh_label="delete")
            assert deleted.count() == 2
            assert {e.pgh_context["door"] for e in deleted} == {"import"}
            batch.refresh_from_db()
            assert batch.state == ImportBatch.State.UNDONE
        finally:
            ImportBatch.objects.filter(pk=batch.pk).delete()
