"""The plan's tasks in a real browser, offline: the list with its inferred-assignment marks,
the agency filter (a successor lists its predecessors' tasks), and a task's map of its works."""

from playwright.sync_api import expect

from projects.models import Agency, PlanTask


def test_the_list_filters_by_agency_and_marks_inferred_assignments(
    page, live_url, offline, committed
):
    with committed():
        total = PlanTask.objects.count()
        transport = PlanTask.objects.filter(lead_agency__code="SGTVT").count()
        successor = Agency.objects.get(code="GL-SXD")
    assert total == 33 and transport
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/plan/")
    expect(page.locator("li.task")).to_have_count(total)
    expect(page.locator("#inferred-note")).to_be_visible()
    expect(page.locator("li.task .inferred-badge")).to_have_count(total)
    offline.screenshot("plan-tasks")
    # The Gia Lai Department of Construction took over Transport (via Construction in 2025).
    page.select_option("#plan-agency", successor.code)
    page.get_by_role("button", name="Hiển thị").click()
    page.wait_for_url("**/plan/?agency=GL-SXD")
    expressway = page.locator("#task-II\\.1\\.1")
    expect(expressway).to_contain_text("giao cho Sở Giao thông vận tải")
    expect(expressway).to_contain_text("(nay là Sở Xây dựng tỉnh Gia Lai)")
    expect(page.locator("li.task")).not_to_have_count(total)
    offline.screenshot("plan-tasks-successor")
    assert offline.external == []


def test_a_task_page_draws_the_works_it_names(page, live_url, offline, committed):
    with committed():
        works = PlanTask.objects.get(code="II.1.1").projects.filter(is_published=True).count()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_url}/plan/tasks/II.1.1/")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    expect(page.locator(".task-projects li")).to_have_count(works)
    expect(page.locator("blockquote.task-text")).to_contain_text("Cảng Hàng không Phù Cát")
    page.locator(".small-map").scroll_into_view_if_needed()
    offline.screenshot("plan-task")
    assert offline.external == []
