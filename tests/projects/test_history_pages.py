"""The history pages: a project's versions with who, door, comment and a readable diff; restoring
a version or a deleted project (GIS editors only, optimistic versions respected); the changes
across projects in a period; and who may see what."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import GEOSGeometry
from django.test import Client
from django.utils import timezone

from projects import access, actions, history
from projects.models import AgencyRole, Door, Project, ProjectEvent, Status

pytestmark = pytest.mark.django_db

MOVED = "MULTIPOINT((109.17 13.845))"


@pytest.fixture
def editor(db):
    """Edits and publishes (the publishing actions ask for the publisher role)."""
    user = User.objects.create_user("editor", password="editor-pass-2026")
    user.groups.add(*Group.objects.filter(name__in=["gis_editor", "publisher"]))
    return user


@pytest.fixture
def english_planner(planner_client):
    planner_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return planner_client


def history_url(code):
    return f"/projects/{code}/history/"


def a_few_writes(world, editor):
    """Create (the world), update, publish and a progress report, each through its door."""
    market = world.market
    actions.update_project(
        market,
        {"name": "Chợ mới", "planned_start": datetime.date(2026, 2, 1),
         "geom": GEOSGeometry(MOVED, srid=4326)},
        expected_version=1, user=editor, door=Door.EDITOR, comment="Renamed and moved",
    )  # fmt: skip
    actions.publish(market, expected_version=2, user=editor, door=Door.ADMIN, comment="Ready")
    actions.record_progress(
        market, report_date=datetime.date(2026, 3, 31), status=Status.PREPARING,
        progress_pct=5, expected_version=3, user=editor, door=Door.API, comment="Q1 report",
    )  # fmt: skip
    return market


def test_the_history_lists_each_version_with_who_door_and_comment(write_world, editor, english):
    market = a_few_writes(write_world, editor)
    versions = history.versions(market.pk)
    summary = [
        (v.number, v.kind, v.context.get("username"), v.context.get("door"),
         v.context.get("comment"))
        for v in versions
    ]  # fmt: skip
    assert summary == [
        (1, "insert", None, "shell", ""),
        (2, "update", "editor", "editor", "Renamed and moved"),
        (3, "publish", "editor", "admin", "Ready"),
        (4, "update", "editor", "api", "Q1 report"),
    ]
    # The report belongs to the version its write made (which took its status and progress).
    assert [c.label for c in versions[3].changes] == [
        "status",
        "physical progress (%)",
        "Progress report of 31/03/2026",
    ]


def test_the_page_shows_versions_and_a_readable_diff(write_world, editor, english_planner):
    a_few_writes(write_world, editor)
    response = english_planner.get(history_url("TW-02"))
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "Version 4",
        "Version 3 · Published",
        "Version 2 · Updated",
        "Version 1 · Created",
        "Renamed and moved",
        "Q1 report",
        "Map editor",
        "Administration",
        "REST API",
    ]
    for text in expected:
        assert text in page, text
    # The diff names fields by their labels and formats values: old → new.
    assert "name (Vietnamese)" in page and "Chợ thử" in page and "Chợ mới" in page
    assert "planned start" in page and "01/02/2026" in page
    assert "Investment preparation, 5 %" in page  # the report: status label and percentage
    assert "MultiPoint, 1 vertices" in page
    # Version 2 moved the market: the map gets the old and the new point.
    assert response.context["moves"][0]["old"]["coordinates"] == [[109.16, 13.84]]
    assert response.context["moves"][0]["new"]["coordinates"] == [[109.17, 13.845]]
    assert 'id="history-config"' in page


def test_a_gis_editor_restores_a_version_as_a_new_version(write_world, gis_client, gis_staff):
    road = write_world.road
    original = road.geom.clone()
    actions.update_project(
        road, {"name": "Đường đổi tên", "geom": GEOSGeometry(
            "MULTILINESTRING((109.15 13.83, 109.16 13.86))", srid=4326)},
        participations=[(write_world.other, AgencyRole.FUNDER)],
        expected_version=1, door=Door.ADMIN,
    )  # fmt: skip
    first = ProjectEvent.objects.filter(pgh_obj=road, version=1).get()
    url = f"/projects/TW-01/history/{first.pgh_id}/restore/"
    confirm = gis_client.get(url)
    assert confirm.status_code == 200
    assert "Đường đổi tên" in confirm.content.decode() and 'name="expected_version"' in (
        confirm.content.decode()
    )
    response = gis_client.post(url, {"expected_version": 2, "comment": "Wrong road"})
    assert response.status_code == 302
    road.refresh_from_db()
    assert (road.version, road.name) == (3, "Đường thử")
    assert road.geom.equals_exact(original, 0)
    assert set(road.participations.values_list("agency__code", "role")) == {
        ("TW-PARTNER", "coordinator")
    }
    latest = history.versions(road.pk)[-1]
    assert latest.kind == "restore" and latest.number == 3
    assert latest.context["comment"] == "Restored version 1: Wrong road"
    assert latest.context["door"] == "editor" and latest.context["username"] == "gis"
    page = gis_client.get(history_url("TW-01")).content.decode()
    assert "Restored version 1: Wrong road" in page and "Version 3 · Restored" in page


def test_a_stale_restore_is_refused_and_writes_nothing(write_world, gis_client):
    road = write_world.road
    actions.update_project(road, {"name": "Tên 2"}, expected_version=1, door=Door.ADMIN)
    first = ProjectEvent.objects.get(pgh_obj=road, version=1)
    events = ProjectEvent.objects.count()
    # The editor read version 1; someone saved version 2 meanwhile.
    response = gis_client.post(
        f"/projects/TW-01/history/{first.pgh_id}/restore/", {"expected_version": 1}
    )
    assert response.status_code == 409
    assert "Someone else saved TW-01" in response.content.decode()
    road.refresh_from_db()
    assert (road.version, road.name) == (2, "Tên 2")
    assert ProjectEvent.objects.count() == events


def test_restoring_the_current_state_is_refused(write_world, gis_client):
    road = write_world.road
    first = ProjectEvent.objects.get(pgh_obj=road, version=1)
    actions.update_project(road, {"name": "Tên 2"}, expected_version=1, door=Door.ADMIN)
    actions.update_project(road, {"name": "Đường thử"}, expected_version=2, door=Door.ADMIN)
    response = gis_client.post(
        f"/projects/TW-01/history/{first.pgh_id}/restore/", {"expected_version": 3}
    )
    assert response.status_code == 400
    assert "nothing to restore" in response.content.decode()


def test_a_deleted_project_is_listed_and_restored(write_world, gis_client, editor):
    market = write_world.market
    actions.set_participations(
        market, [(write_world.partner, AgencyRole.INVESTOR)], expected_version=1, door=Door.ADMIN
    )
    market_id = market.pk
    actions.delete_project(market, expected_version=2, user=editor, door=Door.ADMIN,
                           comment="Duplicate")  # fmt: skip
    listing = gis_client.get("/history/deleted/")
    assert listing.status_code == 200
    deletion = ProjectEvent.objects.get(pgh_obj_id=market_id, pgh_label="delete")
    page = listing.content.decode()
    assert "TW-02" in page and "Duplicate" in page
    assert f"/history/deleted/{deletion.pgh_id}/restore/" in page
    url = f"/history/deleted/{deletion.pgh_id}/restore/"
    assert gis_client.get(url).status_code == 200
    response = gis_client.post(url, {"comment": "Not a duplicate"})
    assert response.status_code == 302 and response["Location"] == history_url("TW-02")
    restored = Project.objects.get(code="TW-02")
    assert restored.pk == market_id and restored.version == deletion.version + 1
    assert list(restored.participations.values_list("agency__code", "role")) == [
        ("TW-PARTNER", "investor")
    ]
    assert "TW-02" not in gis_client.get("/history/deleted/").content.decode()
    last = history.versions(market_id)[-1]
    assert last.context["comment"] == "Restored version 2: Not a duplicate"
    # A second restore of the same deletion is refused, nothing written.
    again = gis_client.post(url, {})
    assert again.status_code == 409 and "already been restored" in again.content.decode()


def test_the_changes_list_filters_by_period_door_and_user(write_world, editor, english_planner):
    a_few_writes(write_world, editor)
    today = timezone.localdate().isoformat()
    everything = english_planner.get("/history/", {"from": today, "to": today})
    assert everything.status_code == 200
    # Other tests commit data (the live server's); their events may share today.
    codes = {row["code"] for row in everything.context["rows"]}
    assert {"TW-01", "TW-02"} <= codes
    by_editor = english_planner.get("/history/", {"from": today, "to": today, "user": "editor"})
    rows = by_editor.context["rows"]
    assert {row["who"] for row in rows} == {"editor"} and len(rows) == 4  # 3 project, 1 report
    assert all(row["url"] == history_url("TW-02") for row in rows)
    api = english_planner.get("/history/", {"from": today, "to": today, "door": "api"})
    ours = [r for r in api.context["rows"] if r["code"] in {"TW-01", "TW-02"}]
    assert sorted((r["what"], r["comment"]) for r in ours) == [
        ("Created: progress report", "Q1 report"),
        ("Updated: project", "Q1 report"),
    ]
    past = english_planner.get("/history/", {"from": "2020-01-01", "to": "2020-12-31"})
    assert past.context["rows"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "must be a date written YYYY-MM-DD"),
        ({"to": "30/11/2026"}, "must be a date written YYYY-MM-DD"),
        ({"from": "2026-11-30", "to": "2026-01-01"}, "starts (30/11/2026) after it ends"),
        ({"door": "fax"}, "“door” must be one of"),
    ],
)
def test_a_bad_period_is_a_400_with_a_message(english_planner, params, message):
    response = english_planner.get("/history/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_public_sees_no_history_and_restores_nothing(write_world, planner):
    client, planner_client = Client(), Client()
    planner_client.force_login(planner)
    road, market = write_world.road, write_world.market
    first = ProjectEvent.objects.get(pgh_obj=road, version=1)
    actions.update_project(road, {"name": "Tên 2"}, expected_version=1, door=Door.ADMIN)
    # Unpublished: 404, as for a code that never existed. Published: log in first.
    assert client.get(history_url(market.code)).status_code == 404
    response = client.get(history_url(road.code))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/history/").status_code == 404
    assert client.get("/history/deleted/").status_code == 404
    restore = f"/projects/TW-01/history/{first.pgh_id}/restore/"
    assert client.post(restore, {"expected_version": 2}).status_code in (302, 404)
    # A planner reads history but restores nothing.
    assert planner_client.get(history_url(market.code)).status_code == 200
    assert planner_client.post(restore, {"expected_version": 2}).status_code == 404
    road.refresh_from_db()
    assert (road.version, road.name) == (2, "Tên 2")


def test_the_history_rights_are_projects_access_abilities(planner, gis_staff):
    from django.contrib.auth.models import AnonymousUser

    def rights(user):
        granted = access.abilities(user)
        return (access.VIEW_HISTORY in granted, access.RESTORE in granted)

    assert rights(AnonymousUser()) == (False, False)
    assert rights(planner) == (True, False)
    assert rights(gis_staff) == (True, True)


def test_the_project_page_links_to_its_history_for_planners_only(write_world, planner):
    public, planner_client = Client(), Client()
    planner_client.force_login(planner)
    link = 'href="/projects/TW-01/history/"'
    assert link in planner_client.get("/projects/TW-01/").content.decode()
    assert link not in public.get("/projects/TW-01/").content.decode()


def test_the_history_page_reads_in_vietnamese(write_world, editor, planner_client):
    a_few_writes(write_world, editor)
    page = planner_client.get(history_url("TW-02")).content.decode()
    expected = [
        "Lịch sử của TW-02",
        "Phiên bản 3 · Công bố",
        "Phiên bản 2 · Cập nhật",
        "Báo cáo tiến độ ngày 31/03/2026",
        "01/02/2026",
    ]
    for text in expected:
        assert text in page, text
