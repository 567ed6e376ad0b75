"""Roles are groups made by a migration; projects.access.abilities answers what each may do."""

import pytest
from django.contrib.auth.models import Group

from projects import access
from projects.models import Membership, Role
from tests.roles import person

pytestmark = pytest.mark.django_db

EVERYTHING = frozenset(access.ABILITIES)


def test_every_role_has_its_group_after_migrate():
    groups = {g.name: set(g.permissions.values_list("codename", flat=True))
              for g in Group.objects.all()}  # fmt: skip
    assert set(Role.values) <= set(groups)
    assert "publish_project" in groups["publisher"]
    assert {"add_project", "change_project", "delete_project"} <= groups["gis_editor"]
    assert "change_project" not in groups["planner"] | groups["agency_reporter"]
    assert {"change_user", "change_agency"} <= groups["administrator"]


def test_a_membership_puts_the_user_in_the_group_and_its_removal_takes_them_out():
    user = person("publisher")
    assert user.groups.filter(name="publisher").exists()
    Membership.objects.get(user=user).delete()
    assert not user.groups.filter(name="publisher").exists()


def test_the_public_may_only_view_what_is_published(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert access.abilities(anonymous, world.projects["GT-01"]) == {"view"}
    assert access.abilities(anonymous, world.projects["GT-02"]) == frozenset()
    assert access.abilities(anonymous) == {"view"}


def test_a_planner_sees_everything_and_changes_nothing(world):
    planner = person("planner")
    assert access.abilities(planner, world.projects["GT-02"]) == {
        "view",
        "view_unpublished",
        "view_history",
    }


def test_a_gis_editor_creates_changes_deletes_and_restores(world):
    editor = person("gis_editor")
    assert access.abilities(editor, world.projects["GT-02"]) == {
        "view", "view_unpublished", "view_history", "create", "change", "delete", "restore",
        "report_progress",
    }  # fmt: skip


def test_a_publisher_publishes_but_does_not_edit(world):
    publisher = person("publisher")
    assert access.abilities(publisher, world.projects["YT-02"]) == {
        "view",
        "view_unpublished",
        "view_history",
        "publish",
    }


def test_an_administrator_manages_users_but_edits_no_project(world):
    admin = person("administrator")
    assert access.abilities(admin, world.projects["GT-01"]) == {
        "view",
        "view_unpublished",
        "view_history",
        "manage",
    }


def test_a_superuser_may_everything(world):
    assert access.abilities(person("superuser"), world.projects["GT-02"]) == EVERYTHING


def test_a_reporter_reports_on_projects_led_by_their_agency(world):
    reporter = person("agency_reporter", agency=world.agencies["SYT"])
    assert access.abilities(reporter, world.projects["YT-01"]) == {"view", "report_progress"}
    # Unpublished, yet theirs to report on (the read surfaces still hide it).
    assert access.abilities(reporter, world.projects["YT-02"]) == {"report_progress"}
    assert access.abilities(reporter, world.projects["TM-01"]) == {"view"}


def test_a_reporter_reports_on_projects_their_agency_coordinates(world):
    # SXD coordinates YT-01 (and leads nothing).
    reporter = person("agency_reporter", agency=world.agencies["SXD"])
    assert "report_progress" in access.abilities(reporter, world.projects["YT-01"])
    assert "report_progress" not in access.abilities(reporter, world.projects["TM-01"])


def test_a_reporter_inherits_the_projects_of_the_agencies_merged_into_theirs(world):
    # SGTVT (leads GT-01) merged into SXD, which merged into GL-SXD in 2025.
    reporter = person("agency_reporter", agency=world.agencies["GL-SXD"])
    assert "report_progress" in access.abilities(reporter, world.projects["GT-01"])
    assert "report_progress" in access.abilities(reporter, world.projects["YT-01"])
    # A predecessor does not inherit its successor's projects.
    old = person("agency_reporter", agency=world.agencies["SGTVT"], username="old")
    assert "report_progress" not in access.abilities(old, world.projects["YT-01"])


def test_a_signed_in_user_without_a_role_is_the_public(world):
    user = person(None)
    assert access.abilities(user, world.projects["GT-02"]) == frozenset()
    assert access.abilities(user, world.projects["GT-01"]) == {"view"}


def test_grant_role_makes_the_user_and_gives_a_reporter_their_agency(world, english):
    from django.contrib.auth.models import User
    from django.core.management import CommandError, call_command

    call_command("grant_role", "binh", "agency_reporter", "--agency", "SYT", "--create")
    binh = User.objects.get(username="binh")
    assert "report_progress" in access.abilities(binh, world.projects["YT-01"])
    with pytest.raises(CommandError, match="needs an agency"):
        call_command("grant_role", "binh2", "agency_reporter", "--create")
    assert not User.objects.filter(username="binh2").exists()
    call_command("grant_role", "binh", "agency_reporter", "--agency", "SYT", "--revoke")
    assert access.abilities(binh, world.projects["YT-01"]) == {"view"}
