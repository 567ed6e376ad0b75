"""History is written by database triggers, so it covers every writer (the actions, bulk
.update(), raw SQL); the actions and pghistory.context add who, through which door and why."""

import datetime

import pghistory
import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from projects import actions
from projects.models import (
    AgencyEvent,
    AgencyRole,
    ChangeEvents,
    Door,
    ProgressReportEvent,
    Project,
    ProjectAgencyEvent,
    ProjectEvent,
    Status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password="editor-pass-2026")


def latest(model, **filters):
    return model.objects.filter(**filters).latest("pgh_id")


def test_a_participation_change_is_recorded_with_who_why_and_the_door(write_world, editor):
    road = write_world.road
    actions.set_participations(
        road,
        [(write_world.other, AgencyRole.FUNDER)],
        expected_version=1,
        user=editor,
        door=Door.EDITOR,
        comment="The partner withdrew",
    )
    events = ProjectAgencyEvent.objects.filter(project=road).order_by("pgh_id")
    assert [(e.pgh_label, e.agency.code, e.role) for e in events] == [
        ("insert", "TW-PARTNER", "coordinator"),  # when the write_world was built
        ("delete", "TW-PARTNER", "coordinator"),
        ("insert", "TW-OTHER", "funder"),
    ]
    for event in events[1:]:
        assert event.pgh_context == {
            "user": editor.pk,
            "username": "editor",
            "door": "editor",
            "comment": "The partner withdrew",
        }
    # The project's version moved with it, recorded in the project's own history.
    assert latest(ProjectEvent, pgh_obj=road).version == 2


def test_a_progress_report_is_recorded(write_world, editor):
    report = actions.record_progress(
        write_world.road,
        report_date=datetime.date(2025, 9, 30),
        status=Status.UNDER_CONSTRUCTION,
        progress_pct=12,
        expected_version=1,
        user=editor,
        door=Door.API,
        comment="Q3 report",
    )
    event = latest(ProgressReportEvent, pgh_obj=report)
    assert (event.pgh_label, event.status, event.progress_pct) == (
        "insert",
        "under_construction",
        12,
    )
    assert event.pgh_context["door"] == "api" and event.pgh_context["comment"] == "Q3 report"
    project_event = latest(ProjectEvent, pgh_obj=write_world.road)
    assert (project_event.status, project_event.pgh_context["user"]) == (
        "under_construction",
        editor.pk,
    )


def test_a_bulk_update_is_recorded(write_world, editor):
    with pghistory.context(user=editor.pk, door=Door.SHELL, comment="Fix English names"):
        Project.objects.filter(code__startswith="TW-").update(name_en="Renamed")
    events = ProjectEvent.objects.filter(pgh_label="update", name_en="Renamed")
    assert sorted(events.values_list("code", flat=True)) == ["TW-01", "TW-02"]
    assert {e.pgh_context["comment"] for e in events} == {"Fix English names"}


def test_a_raw_sql_update_is_recorded_with_before_and_after(write_world):
    road = write_world.road
    with (
        pghistory.context(door=Door.SHELL, comment="Moved by hand in psql"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE projects_project SET geom = ST_GeomFromText(%s, 4326), name = 'Đường dời' "
            "WHERE code = 'TW-01'",
            ["MULTILINESTRING((109.15 13.83, 109.17 13.86))"],
        )
    before, after = ProjectEvent.objects.filter(pgh_obj=road).order_by("-pgh_id")[:2][::-1]
    assert after.pgh_label == "update" and after.name == "Đường dời"
    assert after.pgh_context["comment"] == "Moved by hand in psql"
    assert before.geom.equals_exact(GEOSGeometry(road.geom.wkt, srid=4326), 1e-9)
    assert after.geom.coords[0][-1] == pytest.approx((109.17, 13.86))
    # The aggregated view shows the change as before/after pairs, geometry included.
    change = ChangeEvents.objects.tracks(road).order_by("-pgh_id").first()
    assert change.pgh_diff["name"] == ["Đường thử", "Đường dời"]
    assert change.pgh_diff["geom"][0]["coordinates"] != change.pgh_diff["geom"][1]["coordinates"]
    assert (change.door, change.comment) == ("shell", "Moved by hand in psql")


def test_an_agency_change_is_recorded(write_world, editor):
    actions.update_agency(
        write_world.lead,
        {"name_en": "Department of Tests"},
        expected_version=1,
        user=editor,
        door=Door.ADMIN,
        comment="English name",
    )
    event = latest(AgencyEvent, pgh_obj=write_world.lead)
    assert (event.name_en, event.version, event.pgh_context["door"]) == (
        "Department of Tests",
        2,
        "admin",
    )


def test_a_project_history_gathers_its_participations_and_reports(write_world):
    road = write_world.road
    actions.record_progress(
        road,
        report_date=datetime.date(2025, 9, 30),
        status=Status.PREPARING,
        expected_version=1,
        door=Door.IMPORT,
    )
    models = set(ChangeEvents.objects.references(road).values_list("pgh_obj_model", flat=True))
    assert models == {"projects.Project", "projects.ProjectAgency", "projects.ProgressReport"}
