"""Two writers at once, each on a database connection of its own (a thread each): of two saves
of the same version exactly one goes through, through the action and through the admin alike.

These tests commit (several connections must see the same rows), so they use the committed
write_world, which is removed afterwards, instead of the test transaction."""

import threading

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from projects import actions
from projects.models import Door, Project, ProjectEvent
from tests.forms import form_values
from tests.projects.threads import run_together

CONFLICT = "Someone else saved TC-01 while you were editing it (now version 2, yours 1)."


@pytest.fixture
def at_the_same_moment(monkeypatch):
    """Hold each compare-and-set until both writers have reached theirs: both have read and
    validated version 1 before either writes, which is the race the lock must settle."""
    barrier = threading.Barrier(2, timeout=20)
    compare_and_set = actions._compare_and_set

    def held(*args, **kwargs):
        barrier.wait()
        return compare_and_set(*args, **kwargs)

    monkeypatch.setattr(actions, "_compare_and_set", held)


def test_of_two_saves_of_one_version_exactly_one_goes_through(committed_world, at_the_same_moment):
    road = committed_world.road

    def save(name):
        def call():
            with translation.override("en"):
                project = Project.objects.get(pk=road.pk)  # read on this writer's connection
                actions.update_project(project, {"name": name}, expected_version=1, door=Door.API)
                return name

        return call

    results = run_together(save("Tên A"), save("Tên B"))
    saved = [result for result in results if isinstance(result, str)]
    refused = [result for result in results if isinstance(result, actions.StaleVersion)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].message.startswith(CONFLICT)
    stored = Project.objects.get(pk=road.pk)
    assert (stored.name, stored.version) == (saved[0], 2)
    assert ProjectEvent.objects.filter(pgh_obj_id=road.pk, pgh_label="update").count() == 1


def test_of_two_admin_saves_of_one_version_exactly_one_goes_through(
    committed_world, at_the_same_moment
):
    road = committed_world.road
    staff = User.objects.create_superuser("tc-admin", password="Admin-pass-2026")
    url = f"/admin/projects/project/{road.pk}/change/"
    opener = Client(HTTP_ACCEPT_LANGUAGE="en")
    opener.force_login(staff)
    values = form_values(opener.get(url).content.decode(), "project_form")
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}

    def save(name, agency):
        def call():
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(staff)
            return client.post(
                url,
                {
                    **data,
                    "name": name,
                    "participations-1-agency": str(agency.pk),
                    "participations-1-role": "funder",
                    "_save": "Save",
                },
            )

        return call

    write_world = committed_world
    responses = run_together(save("Tên A", write_world.lead), save("Tên B", write_world.other))
    assert sorted(response.status_code for response in responses) == [302, 409], responses
    refused = next(response for response in responses if response.status_code == 409)
    html = refused.content.decode()
    assert CONFLICT in html and 'id="write-conflict"' in html  # both versions shown
    stored = Project.objects.get(pk=road.pk)
    winner = "Tên A" if stored.name == "Tên A" else "Tên B"
    funder = write_world.lead if winner == "Tên A" else write_world.other
    assert stored.version == 2
    # The loser's inline wrote nothing either.
    assert sorted(stored.participations.values_list("agency__code", "role")) == sorted(
        [("TC-PARTNER", "coordinator"), (funder.code, "funder")]
    )


def test_of_two_api_writes_with_the_same_etag_one_wins_and_the_other_gets_412(
    committed_world, at_the_same_moment
):
    """Both pass the If-Match check on version 1; the write path's compare-and-set lets one
    through and the other's StaleVersion becomes the API's 412. Nothing of the loser is kept."""
    from projects.models import ApiToken, Membership

    road = committed_world.road
    editor = User.objects.create_user("tc-editor", password="Editor-pass-2026")
    Membership.objects.create(user=editor, role="gis_editor")
    key = ApiToken.issue(editor, "two writers")[1]

    def patch(properties):
        def call():
            client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Token {key}")
            body = {"type": "Feature", "properties": properties}
            url = f"/api/v1/projects/{road.code}/"
            kind = "application/geo+json"
            return client.patch(url, body, content_type=kind, HTTP_IF_MATCH='"v1"')

        return call

    responses = run_together(patch({"name": "Tên A"}), patch({"name_en": "Name B"}))
    assert sorted(r.status_code for r in responses) == [200, 412], responses
    refused = next(r for r in responses if r.status_code == 412)
    assert refused.json()["current_version"] == 2 and refused["ETag"] == '"v2"'
    stored = Project.objects.get(pk=road.pk)
    assert stored.version == 2
    assert (stored.name == "Tên A") != (stored.name_en == "Name B")  # exactly one change
    events = ProjectEvent.objects.filter(pgh_obj_id=road.pk, pgh_label="update")
    assert [e.pgh_context["door"] for e in events] == ["api"]
