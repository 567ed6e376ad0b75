"""The plan's task pages: public, grouped by section, filtered by agency with successions,
honest about inferred assignments, escaping what people typed, and never showing a hidden
project; the admin edits a task and its agencies through the write path."""

import html
import re

import pytest
from django.test import Client

from projects import actions
from projects.models import Agency, PlanTask, PlanTaskEvent
from tests.forms import form_values
from tests.roles import person
from tests.world import HOSTILE_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    """The world's II.1.1 (assigned to SGTVT) and a section III task led by SCT."""
    solutions = actions.create_plan_task(
        PlanTask(code="III.3.2", section="III", heading_vi="3. Huy động nguồn vốn",
                 heading_en="3. Mobilising capital", title_vi="Kế hoạch đầu tư công",
                 title_en="Public investment plans", text_vi="Xây dựng kế hoạch đầu tư công.",
                 lead_agency=world.agencies["SCT"], sort_order=2),
        agencies=[(world.agencies["SYT"], "coordinator")],
        door="shell",
    )  # fmt: skip
    return {**world.tasks, solutions.code: solutions}


def text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_list_groups_tasks_by_section_and_marks_inferred_assignments(client, tasks):
    page = text(client.get("/plan/", HTTP_ACCEPT_LANGUAGE="en"))
    section_ii = page.index("II. Main tasks")
    assert section_ii < page.index("1. On transport infrastructure") < page.index("II.1.1")
    assert (
        page.index("II.1.1") < page.index("III. Main groups of solutions") < page.index("III.3.2")
    )
    assert page.count('class="badge inferred-badge" aria-describedby="inferred-note"') == 2
    assert 'id="inferred-note"' in page and "appendix 02" in page
    assert '<a href="/plan/tasks/II.1.1/">' in page


def test_it_speaks_vietnamese_by_default(client, tasks):
    page = text(client.get("/plan/"))
    assert "Nhiệm vụ của Kế hoạch" in page
    assert "Phân công suy luận" in page
    assert "Các dự án giao thông trọng điểm" in page


def test_a_successor_lists_the_tasks_of_the_bodies_it_took_over(client, tasks):
    page = text(client.get("/plan/?agency=GL-SXD", HTTP_ACCEPT_LANGUAGE="en"))
    assert "II.1.1" in page and "III.3.2" not in page
    assert "assigned to Sở Giao thông vận tải" in page
    assert "(now Sở Xây dựng tỉnh Gia Lai)" in page
    assert "1 task for Sở Xây dựng tỉnh Gia Lai" in page
    # Every successor in the chain is offered, and the filter keeps its choice.
    assert '<option value="SXD">' in page and '<option value="GL-SXD" selected>' in page
    # A body that ceased with no successor (a district committee) says until when it existed.
    Agency.objects.filter(code="SYT").update(valid_to="2025-06-30")
    coordinator = text(client.get("/plan/?agency=SYT", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'Sở Y tế <span class="now">(until 30/06/2025)</span>' in coordinator
    assert "III.3.2" in coordinator and "II.1.1" not in coordinator


def test_an_unknown_agency_is_a_400_naming_the_parameter(client, tasks):
    response = client.get("/plan/?agency=NOBODY", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert "No agency has the code “NOBODY”" in body and "agency" in body
    assert client.get("/plan/?agenzy=SXD").status_code == 400


def test_the_public_never_sees_an_unpublished_work_through_a_task(planner_client, tasks):
    for url in ("/plan/", "/plan/tasks/II.1.1/"):
        public = text(Client().get(url))
        assert "/projects/GT-01/" in public and "GT-02" not in public, url
        assert "/projects/GT-02/" in text(planner_client.get(url)), url


def test_the_task_page_shows_the_text_agencies_and_a_map_of_the_works(client, tasks):
    page = text(client.get("/plan/tasks/II.1.1/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Phối hợp hoàn thành Đường bộ cao tốc Quy Nhơn – Pleiku." in page
    assert "Complete the Quy Nhơn–Pleiku expressway." in page
    assert "assigned to Sở Giao thông vận tải" in page and "inferred-badge" in page
    assert 'id="plantask-config"' in page and "layers/plantask.js" in page
    assert "not given by the plan" in page
    assert "Change history" not in page  # the history pages are the staff's
    without_works = text(client.get("/plan/tasks/III.3.2/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "This task names no particular work." in without_works
    assert "plantask-config" not in without_works


def test_an_unknown_or_malformed_code_is_a_404(client, tasks):
    for code in ("II.9.9", "IV.1.1", "%3Cb%3E", "II.1.1x"):
        response = client.get(f"/plan/tasks/{code}/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, code
        assert "<b>" not in response.content.decode()


def test_markup_in_names_is_shown_as_text(client, tasks):
    Agency.objects.filter(code="SCT").update(name=HOSTILE_NAME)
    PlanTask.objects.filter(code="III.3.2").update(title_vi=HOSTILE_NAME, text_vi=HOSTILE_NAME)
    for url in ("/plan/", "/plan/?agency=SCT", "/plan/tasks/III.3.2/"):
        page = text(client.get(url))
        assert HOSTILE_NAME not in page, url
        assert "&lt;img src=x onerror=" in page, url


def test_staff_who_may_edit_get_the_edit_and_history_links(client, tasks):
    client.force_login(person("administrator"))
    page = text(client.get("/plan/tasks/II.1.1/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f"/admin/projects/plantask/{tasks['II.1.1'].pk}/change/" in page
    history = re.search(r'<a href="([^"]+)">Change history</a>', page)[1]
    # The task's history: its own events and those of its coordinating agencies.
    page = text(client.get("/plan/tasks/III.3.2/", HTTP_ACCEPT_LANGUAGE="en"))
    history = re.search(r'<a href="([^"]+)">Change history</a>', page)[1]
    listed = text(client.get(html.unescape(history), HTTP_ACCEPT_LANGUAGE="en"))
    assert f"PlanTask {tasks['III.3.2'].pk}<" in listed
    assert "PlanTaskAgency " in listed


def test_the_admin_saves_a_task_and_its_agencies_through_the_write_path(client, tasks):
    task = tasks["II.1.1"]
    admin = person("administrator")
    client.force_login(admin)
    url = f"/admin/projects/plantask/{task.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    values = form_values(response.content.decode(), "plantask_form")
    data = {name: vals if len(vals) > 1 else vals[0] for name, vals in values.items()}
    data.pop("assignment_inferred", None)  # unticked: the official assignment was found
    data.update({
        "participations-0-agency": str(tasks["III.3.2"].lead_agency_id),
        "participations-0-role": "coordinator",
        "_save": "Save",
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.assignment_inferred is False and task.version == 2
    assert list(task.participations.values_list("agency__code", flat=True)) == ["SCT"]
    assert set(task.projects.values_list("code", flat=True)) == {"GT-01", "GT-02"}
    event = PlanTaskEvent.objects.get(pgh_obj_id=task.pk, pgh_label="update")
    assert event.pgh_context["door"] == "admin"
    # The same form again, now stale: nothing is written, both versions are shown.
    response = client.post(url, {**data, "title_vi": "Khác"})
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.title_vi != "Khác"


def test_a_gis_editor_reads_the_tasks_but_cannot_edit_them(client, tasks):
    client.force_login(person("gis_editor"))
    url = f"/admin/projects/plantask/{tasks['II.1.1'].pk}/change/"
    assert client.get(url).status_code == 200  # read only
    response = client.post(url, {"title_vi": "Khác", "_save": "Save"})
    assert response.status_code == 403
