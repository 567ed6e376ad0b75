"""The data model holds its rules in the database, not only in forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from projects import actions
from projects.models import AdminUnit, Agency, Door, ProgressReport, Project, Status

# The rules are checked against the small world of tests/world.py (GT-01, units 52 and 540…).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]


def violates(sql, params=()):
    """Run a raw statement that bypasses the ORM and return True if the database refused it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "assignment",
    [
        "progress_pct = 120",
        "disbursement_pct = -1",
        "status = 'finished'",
        "code = 'gt 1'",
        "geom = ST_GeomFromText('POINT(109.2 13.8)', 4326)",
        "geom = ST_GeomFromText('MULTIPOLYGON(((109 14, 109.1 14.1, 109.1 14, 109 14.1, 109 14)))',"
        " 4326)",
        "planned_start = '2026-01-01', planned_end = '2025-01-01'",
        "capital_sources = ARRAY['lottery']",
        "total_investment_vnd = -5",
    ],
)
def test_the_database_refuses_a_bad_project(assignment):
    assert violates(f"UPDATE projects_project SET {assignment} WHERE code = 'GT-01'")


def test_the_database_refuses_an_agency_succeeding_itself_or_without_an_end():
    assert violates("UPDATE projects_agency SET succeeded_by_id = id WHERE code = 'SGTVT'")
    assert violates(
        "UPDATE projects_agency SET valid_to = NULL WHERE code = 'SGTVT'"
    )  # SGTVT has a successor


def test_the_database_refuses_two_units_with_one_code_at_the_same_time():
    unit = AdminUnit.objects.get(code="540")
    duplicate = AdminUnit(
        code="540",
        name="Quy Nhơn (copy)",
        level="district",
        kind="city",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=None,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert unit.valid_to == datetime.date(2025, 6, 30)


def test_a_post_reform_commune_is_just_a_new_row():
    province = AdminUnit.objects.get(code="52")
    commune = AdminUnit.objects.create(
        code="21550",
        name="Phường Quy Nhơn",
        name_en="Quy Nhon Ward",
        level="commune",
        kind="ward",
        valid_from=datetime.date(2025, 7, 1),
        parent=province,
    )
    on_plan_day = AdminUnit.objects.valid_on(datetime.date(2024, 6, 1))
    today = AdminUnit.objects.valid_on(datetime.date(2025, 7, 2))
    assert commune not in on_plan_day and commune in today
    assert not today.filter(code="540").exists()


def test_a_merged_department_leads_to_todays_body():
    assert Agency.objects.get(code="SGTVT").current().code == "GL-SXD"
    assert Agency.objects.get(code="SXD").current().code == "GL-SXD"
    assert Agency.objects.get(code="GL-SXD").current().code == "GL-SXD"


def test_a_report_cannot_be_dated_in_the_future(write_world):
    with pytest.raises(ValidationError):
        actions.record_progress(
            write_world.road,
            report_date=datetime.date.today() + datetime.timedelta(days=3),
            status=Status.UNDER_CONSTRUCTION,
            expected_version=write_world.road.version,
            door=Door.SHELL,
        )


def test_a_completed_report_is_at_full_progress(write_world):
    with pytest.raises(ValidationError, match="100"):
        actions.record_progress(
            write_world.road,
            report_date=datetime.date(2025, 1, 1),
            status=Status.COMPLETED,
            progress_pct=90,
            expected_version=write_world.road.version,
            door=Door.SHELL,
        )


def test_saving_a_model_neither_bumps_its_version_nor_touches_another(write_world):
    """No hidden writes in save(): the actions do that, explicitly."""
    road = write_world.road
    road.name_en = "Test road"
    road.save()
    road.refresh_from_db()
    assert road.version == 1
    ProgressReport.objects.create(
        project=road, report_date=datetime.date(2025, 1, 1), status=Status.COMPLETED
    )
    road.refresh_from_db()
    assert (road.status, road.version) == (Status.PROPOSED, 1)


def test_oc4ids_codes_follow_the_status_and_sector():
    project = Project.objects.get(code="GT-02")
    assert project.oc4ids_status == "implementation"  # site clearance
    assert project.effective_oc4ids_sectors == project.sector.oc4ids_sectors != []
    own = Project.objects.get(code="GT-02")
    own.oc4ids_sectors = ["transport.air"]  # a project may narrow its sector's codes
    assert own.effective_oc4ids_sectors == ["transport.air"]
    assert Project.objects.get(code="YT-01").oc4ids_status == "completion"
