"""The write path: named functions that validate, lock optimistically and write atomically."""

import datetime

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from geo.errors import Conflict
from projects import actions
from projects.models import AgencyRole, Door, Project, ProjectEvent, Status

pytestmark = pytest.mark.django_db

SHELL = {"door": Door.SHELL}


def participations(project):
    return sorted(project.participations.values_list("agency__code", "role"))


def test_an_update_writes_the_named_fields_and_bumps_the_version_once(write_world):
    road = write_world.road
    actions.update_project(road, {"name_en": "Test road"}, expected_version=1, **SHELL)
    road.refresh_from_db()
    assert (road.name_en, road.version) == ("Test road", 2)


def test_a_stale_update_is_refused_with_a_reason_and_writes_nothing(write_world, english):
    Project.objects.filter(pk=write_world.road.pk).update(version=7)  # six saves by someone else
    with pytest.raises(actions.StaleVersion) as info:
        actions.update_project(write_world.road, {"name": "Đường mới"}, expected_version=6, **SHELL)
    assert isinstance(info.value, Conflict) and info.value.status == 409
    assert info.value.message == (
        "Someone else saved TW-01 while you were editing it (now version 7, yours 6). "
        "Reload it to see their changes, then redo yours."
    )
    assert Project.objects.get(pk=write_world.road.pk).name == "Đường thử"


def test_an_update_without_a_version_is_refused(write_world):
    with pytest.raises(actions.VersionRequired):
        actions.update_project(write_world.road, {"name": "x"}, expected_version=None, **SHELL)
    with pytest.raises(TypeError):
        actions.update_project(write_world.road, {"name": "x"}, **SHELL)  # noqa (the point)


def test_nothing_to_change_writes_nothing_but_still_checks_the_version(write_world):
    actions.update_project(write_world.road, {}, expected_version=1, **SHELL)
    assert Project.objects.get(pk=write_world.road.pk).version == 1
    with pytest.raises(actions.StaleVersion):
        actions.update_project(write_world.road, {}, expected_version=0, **SHELL)


def test_an_unknown_field_is_a_programming_error(write_world):
    with pytest.raises(ValueError, match="version"):
        actions.update_project(write_world.road, {"version": 9}, expected_version=1, **SHELL)


def test_a_bad_geometry_leaves_nothing_half_written(write_world, english):
    road = write_world.road
    with pytest.raises(ValidationError, match="outside Bình Định"):
        actions.update_project(
            road,
            {"geom": GEOSGeometry("POINT(105.85 21.03)", srid=4326)},
            participations=[(write_world.other, AgencyRole.FUNDER)],
            expected_version=1,
            **SHELL,
        )
    road = Project.objects.get(pk=road.pk)
    assert road.version == 1 and road.geom.geom_type == "MultiLineString"
    assert participations(road) == [("TW-PARTNER", "coordinator")]


def test_a_new_geometry_recomputes_the_units_it_touches(write_world, world):
    market = write_world.market
    assert write_world.district in market.admin_units.all()
    moved = GEOSGeometry("POINT(109.22 13.77)", srid=4326)  # central Quy Nhơn, outside it
    actions.update_project(market, {"geom": moved}, expected_version=1, **SHELL)
    assert market.geom.geom_type == "MultiPoint"  # the gate promoted it
    assert write_world.district not in market.admin_units.all()
    assert list(market.admin_units.values_list("code", flat=True)) == ["540"]  # Quy Nhơn


def test_participations_are_replaced_with_one_version_bump(write_world, english):
    road = write_world.road
    actions.set_participations(
        road,
        [(write_world.other, AgencyRole.FUNDER), (write_world.partner, AgencyRole.SITE_CLEARANCE)],
        expected_version=1,
        **SHELL,
    )
    assert participations(road) == [("TW-OTHER", "funder"), ("TW-PARTNER", "site_clearance")]
    assert Project.objects.get(pk=road.pk).version == 2
    with pytest.raises(ValidationError, match="Unknown role"):
        actions.set_participations(road, [(write_world.other, "boss")], expected_version=2, **SHELL)


def test_publishing_goes_through_the_lock(write_world):
    market = write_world.market
    actions.publish(market, expected_version=1, **SHELL)
    assert Project.objects.published().filter(pk=market.pk).exists()
    with pytest.raises(actions.StaleVersion):
        actions.unpublish(market, expected_version=1, **SHELL)
    actions.unpublish(market, expected_version=2, **SHELL)
    assert not Project.objects.published().filter(pk=market.pk).exists()


def test_the_latest_report_sets_the_status_and_progress_explicitly(write_world):
    road = write_world.road
    actions.record_progress(
        road,
        report_date=datetime.date(2025, 6, 1),
        status=Status.UNDER_CONSTRUCTION,
        progress_pct=40,
        expected_version=1,
        **SHELL,
    )
    actions.record_progress(
        road,
        report_date=datetime.date(2026, 1, 5),
        status=Status.SUSPENDED,
        progress_pct=45,
        expected_version=2,
        **SHELL,
    )
    stored = Project.objects.get(pk=road.pk)
    assert (stored.status, stored.progress_pct, stored.version) == (Status.SUSPENDED, 45, 3)
    # An older report filed later does not win, but it is part of the project: the version moves.
    actions.record_progress(
        road,
        report_date=datetime.date(2024, 12, 1),
        status=Status.PREPARING,
        expected_version=3,
        **SHELL,
    )
    stored.refresh_from_db()
    assert (stored.status, stored.version) == (Status.SUSPENDED, 4)
    latest = road.progress_reports.get(report_date=datetime.date(2026, 1, 5))
    actions.delete_progress_report(latest, expected_version=4, **SHELL)
    stored.refresh_from_db()
    assert (stored.status, stored.progress_pct, stored.version) == (
        Status.UNDER_CONSTRUCTION,
        40,
        5,
    )


def test_a_report_on_a_stale_project_is_refused_and_not_filed(write_world):
    with pytest.raises(actions.StaleVersion):
        actions.record_progress(
            write_world.road,
            report_date=datetime.date(2025, 6, 1),
            status=Status.UNDER_CONSTRUCTION,
            expected_version=5,
            **SHELL,
        )
    assert not write_world.road.progress_reports.exists()


def test_deleting_a_project_takes_its_parts_and_keeps_its_history(write_world):
    road = write_world.road
    with pytest.raises(actions.StaleVersion):
        actions.delete_project(road, expected_version=3, **SHELL)
    pk = road.pk
    actions.delete_project(road, expected_version=1, **SHELL)
    assert not Project.objects.filter(pk=pk).exists()
    assert list(
        ProjectEvent.objects.filter(pgh_obj_id=pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    ) == [
        "insert",
        "update",
        "delete",
    ]  # the version bump that took the row, then the delete


def test_agencies_have_the_same_lock(write_world, english):
    lead = write_world.lead
    actions.update_agency(lead, {"short_name": "Sở A"}, expected_version=1, **SHELL)
    assert lead.version == 2
    with pytest.raises(actions.StaleVersion, match="TW-LEAD while you were editing"):
        actions.update_agency(lead, {"short_name": "Sở B"}, expected_version=1, **SHELL)
    lead.refresh_from_db()
    assert (lead.short_name, lead.version) == ("Sở A", 2)
    with pytest.raises(ValidationError, match="must not be before"):
        actions.update_agency(
            lead,
            {"valid_from": datetime.date(2021, 1, 1), "valid_to": datetime.date(2020, 1, 1)},
            expected_version=2,
            **SHELL,
        )


def test_an_unknown_door_is_refused(write_world):
    with pytest.raises(ValueError):
        actions.update_project(write_world.road, {"name": "x"}, expected_version=1, door="window")
