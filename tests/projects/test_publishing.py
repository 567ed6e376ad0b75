"""Publishing: draft → in review → published and back, by the roles the issue names; refusals
with a message and nothing written; each step in the history with its door; the review list
with its diff against the published version; and no other door publishes."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.test import Client

from geo.errors import Forbidden
from projects import actions, history
from projects.models import Door, Project, Publication
from tests.roles import person

pytestmark = pytest.mark.django_db

MOVED = "MULTIPOINT((109.17 13.845))"


@pytest.fixture
def editor(db):
    return person("gis_editor", username="pub-editor")


@pytest.fixture
def publisher(db):
    return person("publisher", username="pub-publisher")


def fresh(project) -> Project:
    return Project.objects.get(pk=project.pk)


def submit(project, user, **kw):
    return actions.submit_for_review(
        project, expected_version=fresh(project).version, user=user, door=Door.EDITOR, **kw
    )


def publish(project, user, **kw):
    return actions.publish(
        project, expected_version=fresh(project).version, user=user, door=Door.REVIEW, **kw
    )


# ---- the transitions ----------------------------------------------------------------------------


def test_an_editor_submits_and_a_publisher_publishes(write_world, editor, publisher):
    market = write_world.market
    assert market.publication == Publication.DRAFT and not market.is_published
    submit(market, editor, comment="Ready")
    assert fresh(market).publication == Publication.IN_REVIEW
    assert not Project.objects.published().filter(pk=market.pk).exists()
    publish(market, publisher)
    market = fresh(market)
    assert (market.publication, market.is_published) == (Publication.PUBLISHED, True)
    assert market.published_version == market.version == 3
    assert Project.objects.published().filter(pk=market.pk).exists()


def test_each_step_is_a_version_in_the_history_with_its_door(
    write_world, editor, publisher, english
):
    market = write_world.market
    submit(market, editor, comment="Ready")
    actions.return_to_draft(market, expected_version=3 - 1, user=publisher, door=Door.REVIEW,
                            comment="Thiếu tọa độ")  # fmt: skip
    submit(market, editor)
    publish(market, publisher)
    actions.unpublish(market, expected_version=5, user=publisher, door=Door.REVIEW)
    steps = [
        (v.number, v.kind, v.context.get("username"), v.context.get("door"),
         v.context.get("comment"))
        for v in history.versions(market.pk)
    ]  # fmt: skip
    assert steps == [
        (1, "insert", None, "shell", ""),
        (2, "submit", "pub-editor", "editor", "Ready"),
        (3, "return", "pub-publisher", "review", "Thiếu tọa độ"),
        (4, "submit", "pub-editor", "editor", ""),
        (5, "publish", "pub-publisher", "review", ""),
        (6, "unpublish", "pub-publisher", "review", ""),
    ]
    # The state is shown as a change of the version (the flag and the number are bookkeeping).
    labels = [c.label for c in history.versions(market.pk)[1].changes]
    assert labels == ["publication"]


@pytest.mark.parametrize("role", ["gis_editor", "planner", "agency_reporter", "administrator"])
def test_only_a_publisher_publishes(write_world, role, english):
    market = write_world.market
    agency = write_world.lead if role == "agency_reporter" else None
    with pytest.raises(Forbidden, match="Only publishers publish"):
        publish(market, person(role, agency=agency))
    assert fresh(market).publication == Publication.DRAFT and fresh(market).version == 1


def test_a_publisher_does_not_submit_and_nobody_else_returns(write_world, editor, publisher):
    market = write_world.market
    with pytest.raises(Forbidden):
        submit(market, publisher)
    submit(market, editor)
    with pytest.raises(Forbidden):
        actions.return_to_draft(market, expected_version=2, user=editor, door=Door.REVIEW,
                                comment="no")  # fmt: skip
    with pytest.raises(Forbidden):
        actions.unpublish(write_world.road, expected_version=1, user=editor, door=Door.REVIEW)
    assert fresh(market).publication == Publication.IN_REVIEW


def test_illegal_steps_are_refused_with_a_message(write_world, editor, publisher, english):
    market, road = write_world.market, write_world.road
    with pytest.raises(actions.IllegalTransition, match="is draft: it cannot become draft"):
        actions.return_to_draft(market, expected_version=1, user=publisher, door=Door.REVIEW,
                                comment="why")  # fmt: skip
    with pytest.raises(actions.IllegalTransition, match="is published"):
        submit(road, editor)
    with pytest.raises(actions.IllegalTransition, match="already published, with no change"):
        publish(road, publisher)
    with pytest.raises(actions.IllegalTransition):
        actions.unpublish(market, expected_version=1, user=publisher, door=Door.REVIEW)
    submit(market, editor)
    with pytest.raises(ValidationError, match="Say why"):
        actions.return_to_draft(market, expected_version=2, user=publisher, door=Door.REVIEW,
                                comment="  ")  # fmt: skip
    assert (fresh(market).version, fresh(road).version) == (2, 1)  # nothing written


def test_a_stale_step_is_refused(write_world, editor, publisher):
    market = write_world.market
    submit(market, editor)
    with pytest.raises(actions.StaleVersion):
        actions.publish(market, expected_version=1, user=publisher, door=Door.REVIEW)
    with pytest.raises(actions.VersionRequired):
        actions.publish(market, expected_version=None, user=publisher, door=Door.REVIEW)
    assert fresh(market).publication == Publication.IN_REVIEW


def test_no_edit_door_sets_the_publication(write_world, editor):
    road = write_world.road
    for name in ("is_published", "publication", "published_version"):
        with pytest.raises(ValueError, match="no editable field"):
            actions.update_project(road, {name: None}, expected_version=1, user=editor,
                                   door=Door.API)  # fmt: skip


def test_creating_a_published_project_needs_the_publisher(write_world, editor, publisher):
    def new(code):
        road = write_world.road
        return Project(code=code, name="Mới", sector=road.sector, lead_agency=road.lead_agency,
                       geom=road.geom, is_published=True)  # fmt: skip

    with pytest.raises(Forbidden):
        actions.create_project(new("GT-91"), user=editor, door=Door.API)
    made = actions.create_project(new("GT-92"), user=publisher, door=Door.API)
    assert (made.publication, made.published_version) == (Publication.PUBLISHED, 1)


def test_a_restore_neither_publishes_nor_unpublishes(write_world, editor, publisher):
    road = write_world.road  # published at version 1
    actions.update_project(road, {"name": "Đường đổi tên"}, expected_version=1, user=editor,
                           door=Door.EDITOR)  # fmt: skip
    actions.unpublish(road, expected_version=2, user=publisher, door=Door.REVIEW)
    first = history.versions(road.pk)[0].event
    actions.restore_version(road, first, expected_version=3, user=editor)
    road = fresh(road)
    assert road.name == "Đường thử" and road.publication == Publication.DRAFT
    assert not road.is_published


# ---- the review list ----------------------------------------------------------------------------


def test_the_review_lists_what_waits_with_its_diff(write_world, editor, publisher, english):
    market, road = write_world.market, write_world.road
    assert history.reviews() == []  # a draft waits for nobody; the road is as published
    submit(market, editor)
    actions.update_project(road, {"name": "Đường sửa", "geom": GEOSGeometry(MOVED, srid=4326)},
                           expected_version=1, user=editor, door=Door.EDITOR)  # fmt: skip
    found = {r.project.code: r for r in history.reviews()}
    assert list(found) == [market.code, road.code]  # in review first
    assert found[market.code].published is None
    assert "name (Vietnamese)" in [c.label for c in found[market.code].changes]
    changed = found[road.code]
    assert changed.published.version == 1
    assert [(c.label, c.before, c.after) for c in changed.changes][:1] == [
        ("name (Vietnamese)", "Đường thử", "Đường sửa")
    ]
    assert changed.moved[0]["type"] == "MultiLineString" and changed.moved[1]["type"] == (
        "MultiPoint"
    )
    publish(road, publisher)  # accepting the changes takes it off the list
    assert [r.project.code for r in history.reviews()] == [market.code]
    assert history.versions(road.pk)[-1].kind == "accept"


def test_the_review_page_shows_the_diff_and_a_publisher_publishes(
    client, write_world, editor, publisher
):
    market = write_world.market
    submit(market, editor)
    client.force_login(publisher)
    page = client.get("/review/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert market.code in html and "Chợ thử" in html and "never published" in html
    assert 'action="/review/TW-02/publish/"' in html and "csrfmiddlewaretoken" in html
    done = client.post("/review/TW-02/publish/", {"expected_version": 2})
    assert done.status_code == 303 and done["Location"] == "/review/"
    assert fresh(market).is_published
    again = client.post("/review/TW-02/publish/", {"expected_version": 2},
                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert again.status_code == 409
    assert "changed after you read it" in again.content.decode() or "Someone else saved" in (
        again.content.decode()
    )


def test_returning_needs_a_comment_on_the_page(client, write_world, editor, publisher):
    submit(write_world.market, editor)
    client.force_login(publisher)
    refused = client.post("/review/TW-02/return/", {"expected_version": 2, "comment": ""},
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    done = client.post("/review/TW-02/return/", {"expected_version": 2, "comment": "Sai vị trí"})
    assert done.status_code == 303 and fresh(write_world.market).publication == "draft"


def test_a_planner_reads_the_review_but_may_not_publish(client, write_world, editor):
    submit(write_world.market, editor)
    client.force_login(person("planner", username="pub-planner"))
    page = client.get("/review/")
    assert page.status_code == 200 and "TW-02" in page.content.decode()
    assert "/review/TW-02/publish/" not in page.content.decode()  # no buttons
    assert client.post("/review/TW-02/publish/", {"expected_version": 2}).status_code == 403
    assert fresh(write_world.market).publication == Publication.IN_REVIEW


def test_the_editor_submits_a_draft(client, write_world, editor):
    client.force_login(editor)
    page = client.get("/edit/TW-02/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Submit for review" in page
    done = client.post("/edit/TW-02/submit/", {"expected_version": 1})
    assert done.status_code == 303 and fresh(write_world.market).publication == "in_review"
    stale = client.post("/edit/TW-02/submit/", {"expected_version": 1}, HTTP_ACCEPT_LANGUAGE="en")
    assert stale.status_code == 409 and "Submit for review" not in stale.content.decode()


# ---- the REST API -------------------------------------------------------------------------------


def test_the_api_shows_the_state_to_planners_only(planner_client, world):
    props = planner_client.get("/api/v1/projects/GT-02/").json()["properties"]
    assert props["publication"] == "draft" and props["is_published"] is False
    public = Client().get("/api/v1/projects/GT-01/").json()["properties"]
    assert "publication" not in public


def test_patching_is_published_goes_through_the_publishing_step(write_world, publisher):
    api = Client()
    api.force_login(publisher)
    response = api.patch("/api/v1/projects/TW-02/", '{"type": "Feature", "properties": '
                         '{"is_published": true}}', content_type="application/geo+json",
                         HTTP_IF_MATCH='"v1"')  # fmt: skip
    assert response.status_code == 200
    market = fresh(write_world.market)
    assert market.publication == Publication.PUBLISHED and market.published_version == 2
    assert history.versions(market.pk)[-1].context["door"] == "api"
