"""The yearly reports in a real browser, offline, on a phone's width (390 px): the 2025 cycle
of the demo (who has not submitted first, late ones marked, illustrative) and an agency's
submission form as its reporter sees it, returned with the reviewer's comment."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from projects.models import Membership, Role, Submission
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_planner_and_export import log_in

PASSWORD = "Reporter-pass-2026"


@pytest.fixture
def returned_reporter(committed):
    """A committed reporter of the agency whose 2025 report the demo returned."""
    with committed():
        submission = (
            Submission.objects.select_related("agency")
            .filter(cycle__year=2025, status="returned")
            .order_by("agency__code")
            .first()
        )
        user = User.objects.create_user("browser-reporter", password=PASSWORD)
        Membership.objects.create(user=user, role=Role.AGENCY_REPORTER, agency=submission.agency)
    yield ("browser-reporter", PASSWORD), submission
    with committed():
        Membership.objects.filter(user=user).delete()
        user.delete()


def test_the_cycle_page_on_a_phone(page, live_url, offline, planner_account, committed):
    with committed():
        waiting = Submission.objects.filter(
            cycle__year=2025, status__in=["not_started", "draft", "returned"]
        ).count()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_url, planner_account, "/reports/2025/")
    page.wait_for_url("**/reports/2025/")
    expect(page.locator("h1")).to_have_text("Báo cáo năm 2025")
    expect(page.locator(".illustrative-note")).to_be_visible()
    # The deadline (10/12/2025) has passed: those that have not submitted are late, and first.
    expect(page.locator("tr.is-late")).to_have_count(waiting)
    expect(page.locator("tbody tr").first).to_have_class("is-late")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    offline.screenshot("reports-2025-390")
    assert_no_violations(page)
    assert offline.external == []


def test_a_returned_submission_form_on_a_phone(page, live_url, offline, returned_reporter):
    account, submission = returned_reporter
    page.set_viewport_size({"width": 390, "height": 844})
    path = f"/reports/2025/{submission.agency.code}/"
    log_in(page, live_url, account, path)
    page.wait_for_url(f"**{path}")
    expect(page.locator(".review-comment")).to_contain_text("tỷ lệ giải ngân")
    expect(page.get_by_role("button", name="Gửi duyệt")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways ({width} px)"
    offline.screenshot("report-form-390")
    page.screenshot(path=str(SCREENSHOTS / "report-form-390-full.png"), full_page=True)
    assert_no_violations(page)
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu vốn đối ứng")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".notice")).to_contain_text("Bản nháp đã được lưu")
    assert offline.external == []
