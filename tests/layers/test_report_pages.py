"""The reporting pages (/reports/): an agency's reporter fills in and submits through the form,
the consolidating agency returns and accepts it; bad and hostile input is refused with a
reason and writes nothing; attachments go only to those who read the submission."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from projects import actions
from projects.models import Agency, ProgressReport, Submission, SubmissionAttachment
from tests.roles import person

pytestmark = pytest.mark.django_db

MARKUP = '<script>window.__xss=1</script><img src=x onerror="alert(1)">'


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def cycle(world):
    finance = Agency.objects.create(code="STC", name="Sở Tài chính", kind="department")
    day = timezone.localdate() + datetime.timedelta(days=3)
    return actions.open_cycle(day.year, finance, deadline=day)


def as_user(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def reporter(world):
    user = person("agency_reporter", agency=world.agencies["SYT"], username="syt")
    user.email = "syt@example.gov.vn"
    user.save()
    return user


@pytest.fixture
def reviewer(cycle):
    return person("agency_reporter", agency=cycle.consolidating_agency, username="stc")


def url(cycle, code="SYT", tail=""):
    return f"/reports/{cycle.year}/{code}/{tail}"


def submission(cycle, code="SYT") -> Submission:
    return Submission.objects.select_related("cycle", "agency").get(cycle=cycle, agency__code=code)


def test_a_reporter_submits_and_the_reviewer_returns_then_accepts(world, cycle, reporter,
                                                                  reviewer):  # fmt: skip
    yt01 = world.projects["YT-01"]
    client = as_user(reporter)
    page = client.get(url(cycle))
    assert page.status_code == 200
    assert "YT-01" in page.content.decode() and "GT-01" not in page.content.decode()
    form = {"expected_version": "1", "difficulties": "Thiếu vốn", "proposals": "Bổ sung vốn",
            f"project-{yt01.pk}-status": "completed", f"project-{yt01.pk}-progress": "100",
            f"project-{yt01.pk}-note": "Đã bàn giao", "step": "submit"}  # fmt: skip
    response = client.post(url(cycle), form)
    assert response.status_code == 303
    assert submission(cycle).status == "submitted"

    checker = as_user(reviewer)
    refused = checker.post(url(cycle, tail="review/"),
                           {"expected_version": "3", "step": "return", "comment": ""})  # fmt: skip
    assert refused.status_code == 400 and "comment" in refused.content.decode()
    assert checker.post(url(cycle, tail="review/"), {"expected_version": "3", "step": "return",
                        "comment": "Bổ sung ảnh"}).status_code == 303  # fmt: skip
    assert "Bổ sung ảnh" in client.get(url(cycle)).content.decode()
    stale = client.post(url(cycle), {**form, "expected_version": "3"})
    assert stale.status_code == 409
    assert client.post(url(cycle), {**form, "expected_version": "4"}).status_code == 303
    assert checker.post(url(cycle, tail="review/"),
                        {"expected_version": "6", "step": "accept"}).status_code == 303  # fmt: skip
    assert submission(cycle).status == "accepted"
    report = ProgressReport.objects.get(project=yt01, report_date=timezone.localdate())
    assert (report.status, report.progress_pct, report.note) == (
        "completed", Decimal("100.0"), "Đã bàn giao")  # fmt: skip
    # Accepted: the form is read-only now.
    assert client.post(url(cycle), {**form, "expected_version": "7"}).status_code == 403


def test_the_cycle_page_lists_who_has_not_submitted_first_and_marks_late_ones(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    finance = Agency.objects.create(code="STC", name="Sở Tài chính", kind="department")
    cycle = actions.open_cycle(yesterday.year, finance, deadline=yesterday)
    late = submission(cycle, "SCT")
    actions.save_submission(late, expected_version=1, difficulties="x")
    done = submission(cycle, "SYT")
    actions.save_submission(done, expected_version=1, difficulties="x")
    actions.submit_submission(done, expected_version=2)
    page = as_user(person("planner")).get(f"/reports/{cycle.year}/").content.decode()
    order = [page.index(name) for name in ("Sở Công Thương", "Sở Y tế")]
    assert order == sorted(order)  # the draft (late) before the submitted one
    assert page.count(">Late<") == 4  # every agency but SYT
    assert "passed 1 day ago" in page


def test_a_reporter_sees_only_their_own_agency(world, cycle, reporter):
    client = as_user(reporter)
    page = client.get(f"/reports/{cycle.year}/").content.decode()
    assert "Sở Y tế" in page and "Sở Công Thương" not in page
    assert client.get(url(cycle, "SCT")).status_code == 404
    assert client.post(f"/reports/{cycle.year}/remind/").status_code == 403


def test_hostile_input_is_refused_or_shown_as_text(world, cycle, reporter):
    yt01 = world.projects["YT-01"]
    client = as_user(reporter)
    key = f"project-{yt01.pk}"
    for progress in ("1e309", str(2**70), "NaN", "-5", "٣"):
        response = client.post(url(cycle), {"expected_version": "1", f"{key}-status": "preparing",
                                            f"{key}-progress": progress})  # fmt: skip
        assert response.status_code == 400, progress
        assert "0 to 100" in response.content.decode()
    for version in ("", "1e3", str(2**70)):
        response = client.post(url(cycle), {"expected_version": version, "difficulties": "x"})
        assert response.status_code == 428, version
    assert submission(cycle).status == "not_started"
    response = client.post(url(cycle), {"expected_version": "1", "difficulties": MARKUP + "\x00",
                                        "proposals": "x" * 20_001})  # fmt: skip
    assert response.status_code == 400
    assert client.post(url(cycle), {"expected_version": "1", "difficulties": MARKUP}).status_code \
        == 303  # fmt: skip
    page = client.get(url(cycle)).content.decode()
    assert MARKUP not in page and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    assert client.post(url(cycle), {"expected_version": "2", "step": "publish"}).status_code == 400


def test_attachments_are_checked_and_served_only_to_readers(world, cycle, reporter):
    client = as_user(reporter)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(url(cycle), {"expected_version": "1", "attachments": fake})
    assert response.status_code == 400 and "bao-cao.pdf" in response.content.decode()
    assert not SubmissionAttachment.objects.exists()
    real = SimpleUploadedFile("<b>bao-cao</b>.pdf", b"%PDF-1.4\n", content_type="text/html")
    assert client.post(url(cycle), {"expected_version": "1", "attachments": real}).status_code \
        == 303  # fmt: skip
    item = SubmissionAttachment.objects.get()
    assert item.content_type == "application/pdf" and "<" not in item.name
    download = client.get(item.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert as_user(person("planner")).get(item.get_absolute_url()).status_code == 200
    other = person("agency_reporter", agency=world.agencies["SCT"])
    assert as_user(other).get(item.get_absolute_url()).status_code == 404
    assert Client().get(item.get_absolute_url()).status_code == 302


def test_the_reminder_button_writes_to_the_reporters_that_have_not_submitted(
    world, cycle, reporter, reviewer
):
    response = as_user(reviewer).post(f"/reports/{cycle.year}/remind/")
    assert response.status_code == 303
    assert [m.to for m in mail.outbox] == [["syt@example.gov.vn"]]
    assert as_user(person("planner")).post(f"/reports/{cycle.year}/remind/").status_code == 403


def test_unknown_cycles_and_agencies_are_404s(world, cycle, reporter):
    planner = as_user(person("planner"))
    assert planner.get("/reports/2031/").status_code == 404
    assert planner.get(f"/reports/{'9' * 30}/").status_code == 404
    assert planner.get(url(cycle, "NOPE")).status_code == 404
    assert Client().get("/reports/").status_code == 302
    assert as_user(person(None)).get("/reports/").status_code == 403
