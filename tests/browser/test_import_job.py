"""A background import's page in a browser, offline: the progress bar moves as the job's row
does (the page polls its JSON every second), and once the job is done the page shows the link
to its import. Screenshot: import-job."""

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from projects.models import ImportBatch, ImportJob
from tests.browser.axe import assert_no_violations
from tests.browser.test_editor import log_in


@pytest.fixture
def job_owner(committed):
    with committed():
        user = User.objects.create_user("browser-job-owner", password="Job-owner-pass-2026")
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_project", "change_project", "add_project"]
            )
        )
    yield user, ("browser-job-owner", "Job-owner-pass-2026")
    with committed():
        ImportJob.objects.filter(user=user).delete()
        ImportBatch.objects.filter(user=user).delete()
        user.delete()


def test_the_progress_bar_follows_the_job_and_ends_on_its_import(
    offline, live_url, job_owner, committed
):
    user, account = job_owner
    with committed():
        job = ImportJob.objects.create(user=user, upload="gone", file_name="du_an_lon.zip",
                                       features=12000, language="vi")  # fmt: skip
    page = offline.page
    log_in(page, live_url, account, f"/import/jobs/{job.pk}/")
    bar = page.locator("#job-progress-bar")
    expect(page.locator("#job-state")).to_have_attribute("data-state", "queued")
    assert bar.get_attribute("value") is None  # indeterminate until the total is known

    with committed():
        ImportJob.objects.filter(pk=job.pk).update(state="running", step="write", done=3000,
                                                   total=12000)  # fmt: skip
    expect(page.locator("#job-count")).to_have_text("3000 / 12000", timeout=5000)
    expect(page.locator("#job-state")).to_have_attribute("data-state", "running")
    expect(page.locator("#job-step")).to_have_text("Đang ghi các dự án")
    assert bar.evaluate("bar => [bar.value, bar.max]") == [3000, 12000]
    offline.screenshot("import-job")
    assert_no_violations(page)

    with committed():
        batch = ImportBatch.objects.create(user=user, file_name="du_an_lon.zip", sha256="0" * 64,
                                           created=12000)  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(state="done", batch=batch, done=12000)
    expect(page.locator("#job-batch")).to_have_attribute("href", f"/import/{batch.pk}/",
                                                         timeout=5000)  # fmt: skip
    expect(page.locator("#job-progress-bar")).to_have_count(0)
