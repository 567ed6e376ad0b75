"""The yearly reporting cycle through the write path (projects.actions): open, draft, submit,
late, returned, accepted, closed; the time series gains the accepted progress; stale, foreign
and illegal steps write nothing; attachments are judged by their content; reminders go to the
right people."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from geo.errors import Forbidden
from projects import access, actions, reporting
from projects.models import (
    Agency,
    ProgressReport,
    ReportingCycle,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from tests.roles import person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def finance(world):
    """The consolidating agency (since the 2025 reform, the Department of Finance)."""
    return Agency.objects.create(code="STC", name="Sở Tài chính", kind="department")


def open_now(finance, deadline=None, year=None):
    day = deadline or TODAY() + datetime.timedelta(days=5)
    return actions.open_cycle(year or day.year, finance, deadline=day)


def fresh(submission):
    return Submission.objects.select_related("cycle", "agency").get(pk=submission.pk)


def pdf(name="bao-cao.pdf", body=b"%PDF-1.4\n%minimal\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_opening_a_cycle_makes_a_submission_for_each_agency_with_tasks_or_projects(world, finance):
    cycle = actions.open_cycle(2025, finance)
    assert cycle.deadline == datetime.date(2025, 12, 10)
    codes = set(cycle.submissions.values_list("agency__code", flat=True))
    # GL-SXD inherits SGTVT's task and GT-01 through the 2025 mergers; SXD and SGTVT had
    # ceased by the deadline; the Department of Finance has neither tasks nor projects.
    assert codes == {"GL-SXD", "BQLDA-GT", "SCT", "SYT", "SVHTT"}
    assert set(cycle.submissions.values_list("status", flat=True)) == {"not_started"}
    with pytest.raises(ValidationError):
        actions.open_cycle(2025, finance)


def test_a_full_cycle_adds_the_accepted_progress_to_the_time_series(world, finance):
    reporter = person("agency_reporter", agency=world.agencies["SYT"])
    reviewer = person("agency_reporter", agency=finance)
    cycle = open_now(finance)
    submission = cycle.submissions.get(agency__code="SYT")
    yt02 = world.projects["YT-02"]
    before = ProgressReport.objects.filter(project=yt02).count()

    actions.save_submission(
        submission, expected_version=1, user=reporter, difficulties="Thiếu vốn",
        proposals="Bổ sung vốn trung hạn",
        projects={yt02.pk: {"status": "preparing", "progress_pct": Decimal("5.0"),
                            "note": "Đang lập dự án"}},
        attachments=[pdf()],
    )  # fmt: skip
    submission = fresh(submission)
    assert (submission.status, submission.version) == ("draft", 2)
    assert not submission.is_late()

    # Past the deadline without submitting: late (derived, nothing stored says so).
    assert submission.is_late(today=cycle.deadline + datetime.timedelta(days=1))

    actions.submit_submission(submission, expected_version=2, user=reporter)
    submission = fresh(submission)
    assert submission.status == "submitted" and submission.submitted_by == reporter
    assert not submission.is_late(today=cycle.deadline + datetime.timedelta(days=1))

    with pytest.raises(ValidationError):  # a return needs a comment
        actions.return_submission(submission, expected_version=3, comment=" ", user=reviewer)
    actions.return_submission(submission, expected_version=3, comment="Thiếu tỷ lệ giải ngân",
                              user=reviewer)  # fmt: skip
    submission = fresh(submission)
    assert submission.status == "returned"
    assert submission.review_comment == "Thiếu tỷ lệ giải ngân"
    assert access.may_edit_submission(reporter, submission)

    actions.save_submission(
        submission, expected_version=4, user=reporter,
        projects={yt02.pk: {"status": "preparing", "progress_pct": Decimal("8.0"), "note": ""}},
    )  # fmt: skip
    assert fresh(submission).status == "returned"  # until it is submitted again
    actions.submit_submission(submission, expected_version=5, user=reporter)
    assert ProgressReport.objects.filter(project=yt02).count() == before

    actions.accept_submission(submission, expected_version=6, user=reviewer)
    submission = fresh(submission)
    assert submission.status == "accepted" and submission.reviewed_by == reviewer
    report = ProgressReport.objects.get(project=yt02, report_date=TODAY())
    assert (report.status, report.progress_pct, report.reporting_agency.code) == (
        "preparing", Decimal("8.0"), "SYT")  # fmt: skip
    yt02.refresh_from_db()
    assert (yt02.status, yt02.progress_pct) == ("preparing", Decimal("8.0"))
    assert not access.may_edit_submission(reporter, submission)

    actions.close_cycle(cycle, expected_version=1, user=reviewer)
    cycle.refresh_from_db()
    assert cycle.closed_at is not None
    other = fresh(cycle.submissions.get(agency__code="SCT"))
    with pytest.raises(actions.IllegalTransition):
        actions.save_submission(other, expected_version=1, difficulties="x")

    # Every step is in the history, with who and through which door.
    steps = SubmissionEvent.objects.filter(pgh_obj_id=submission.pk).order_by("pgh_id")
    assert [e.status for e in steps] == ["not_started", "draft", "submitted", "returned",
                                         "returned", "submitted", "accepted"]  # fmt: skip
    assert steps.last().pgh_context["user"] == reviewer.pk
    assert steps.last().pgh_context["door"] == "reports"

    # Consolidated: the closed cycle's report (and its Word document) carries what was accepted.
    from docx import Document

    from layers.annual_report import docx_bytes
    from projects.annual_report import gather

    report = gather(cycle)
    assert not report.is_open and report.issued_on == timezone.localdate(cycle.closed_at)
    assert (report.totals.accepted, report.totals.handed_in) == (1, 1)
    row = next(p for p in report.projects if p.code == "YT-02")
    assert (row.reported.status, row.reported.progress) == ("preparing", Decimal("8.0"))
    (syt,) = [s for s in report.submissions if s.agency.code == "SYT"]
    assert (syt.difficulties, syt.proposals) == ("Thiếu vốn", "Bổ sung vốn trung hạn")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes(report))).paragraphs)
    assert "Thiếu vốn" in text and "Bổ sung vốn trung hạn" in text


def test_a_stale_save_writes_nothing(world, finance):
    reporter = person("agency_reporter", agency=world.agencies["SYT"])
    submission = open_now(finance).submissions.get(agency__code="SYT")
    actions.save_submission(submission, expected_version=1, difficulties="A", user=reporter)
    with pytest.raises(actions.StaleVersion):
        actions.save_submission(fresh(submission), expected_version=1, difficulties="B",
                                user=reporter, attachments=[pdf()])  # fmt: skip
    assert fresh(submission).difficulties == "A"
    assert not SubmissionAttachment.objects.exists()


def test_only_the_agencys_reporter_writes_and_only_the_consolidating_agency_reviews(world, finance):
    cycle = open_now(finance)
    submission = cycle.submissions.get(agency__code="SYT")
    other_reporter = person("agency_reporter", agency=world.agencies["SCT"])
    planner = person("planner")
    for user in (other_reporter, planner):
        with pytest.raises(Forbidden):
            actions.save_submission(submission, expected_version=1, difficulties="x", user=user)
    reporter = person("agency_reporter", agency=world.agencies["SYT"])
    actions.save_submission(submission, expected_version=1, difficulties="x", user=reporter)
    actions.submit_submission(submission, expected_version=2, user=reporter)
    for user in (reporter, planner, other_reporter):
        with pytest.raises(Forbidden):
            actions.accept_submission(fresh(submission), expected_version=3, user=user)
    administrator = person("administrator")
    actions.accept_submission(fresh(submission), expected_version=3, user=administrator)
    assert fresh(submission).status == "accepted"


def test_a_reporter_reports_only_on_their_agencys_projects_and_tasks(world, finance):
    submission = open_now(finance).submissions.get(agency__code="SYT")
    with pytest.raises(ValidationError):
        actions.save_submission(
            submission, expected_version=1,
            projects={world.projects["GT-01"].pk: {"status": "completed"}},
        )  # fmt: skip
    with pytest.raises(ValidationError):
        actions.save_submission(
            submission, expected_version=1,
            tasks={world.tasks["II.1.1"].pk: {"progress": "done"}},
        )  # fmt: skip
    assert fresh(submission).status == "not_started"


def test_a_successor_reports_on_the_task_of_the_body_it_took_over(world, finance):
    submission = open_now(finance).submissions.get(agency__code="GL-SXD")
    task = world.tasks["II.1.1"]
    line = {"progress": "behind", "text": "Chậm GPMB"}
    actions.save_submission(submission, expected_version=1, tasks={task.pk: line})
    assert fresh(submission).task_lines.get().progress == "behind"


def test_bad_values_are_refused_and_nothing_is_half_written(world, finance):
    submission = open_now(finance).submissions.get(agency__code="SYT")
    yt01, yt02 = world.projects["YT-01"], world.projects["YT-02"]
    for line in (
        {"status": "completed", "progress_pct": Decimal("50")},
        {"status": "nonsense"},
        {"status": "preparing", "progress_pct": Decimal("101")},
    ):
        with pytest.raises(ValidationError):
            actions.save_submission(
                submission, expected_version=1, difficulties="x",
                projects={yt02.pk: {"status": "preparing"}, yt01.pk: line},
            )  # fmt: skip
        submission = fresh(submission)
        assert (submission.status, submission.difficulties) == ("not_started", "")
        assert not submission.project_lines.exists()
    with pytest.raises(actions.IllegalTransition):
        actions.submit_submission(submission, expected_version=1)  # nothing saved yet


def zipped(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 an executable"),  # not a PDF at all
        ("bang.xlsx", zipped("word/document.xml")),  # a Word file named .xlsx
        ("anh.png", b"%PDF-1.4"),  # a PDF named .png
        ("script.html", b"<script>alert(1)</script>"),  # a kind not allowed
        ("bang.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_an_attachment_that_is_not_what_it_claims_is_refused(world, finance, name, body):
    submission = open_now(finance).submissions.get(agency__code="SYT")
    with pytest.raises(ValidationError) as refused:
        actions.save_submission(submission, expected_version=1, difficulties="x",
                                attachments=[pdf(name, body)])  # fmt: skip
    assert name in " ".join(refused.value.messages)
    assert fresh(submission).status == "not_started"
    assert not SubmissionAttachment.objects.exists()


def test_a_real_office_file_and_a_too_large_one(world, finance, settings, private_files):
    submission = open_now(finance).submissions.get(agency__code="SYT")
    actions.save_submission(submission, expected_version=1,
                            attachments=[pdf("bang.xlsx", zipped("xl/workbook.xml"))])  # fmt: skip
    stored = SubmissionAttachment.objects.get()
    assert stored.content_type.endswith("spreadsheetml.sheet")
    path = private_files / stored.file.name
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == "0o600"
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="MB"):
        actions.save_submission(fresh(submission), expected_version=2,
                                attachments=[pdf(body=b"%PDF-" + b"0" * 2048)])  # fmt: skip
    assert SubmissionAttachment.objects.count() == 1


def test_reminders_go_to_the_reporters_of_agencies_that_have_not_submitted(world, finance):
    syt = person("agency_reporter", agency=world.agencies["SYT"], username="syt")
    syt.email = "syt@example.gov.vn"
    syt.save()
    sct = person("agency_reporter", agency=world.agencies["SCT"], username="sct")
    sct.email = "sct@example.gov.vn"
    sct.save()
    gone = person("agency_reporter", agency=world.agencies["SCT"], username="gone")
    gone.email, gone.is_active = "gone@example.gov.vn", False
    gone.save()
    cycle = open_now(finance)
    submission = cycle.submissions.get(agency__code="SCT")
    actions.save_submission(submission, expected_version=1, difficulties="x")
    actions.submit_submission(submission, expected_version=2)

    call_command("send_report_reminders", "--year", str(cycle.year), stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["syt@example.gov.vn"]]
    assert "Sở Y tế" in mail.outbox[0].subject
    assert f"/reports/{cycle.year}/SYT/" in mail.outbox[0].body

    mail.outbox.clear()
    call_command("send_report_reminders", "--year", str(cycle.year), "--days", "2",
                 stdout=io.StringIO())  # fmt: skip
    assert mail.outbox == []  # five days left: not yet


def test_reminders_name_the_agencies_nobody_can_be_written_to(world, finance):
    cycle = open_now(finance)
    report = reporting.send_reminders(cycle)
    assert report.sent == []
    assert set(report.without_address) == {"GL-SXD", "BQLDA-GT", "SCT", "SYT", "SVHTT"}


def test_the_cycle_model_refuses_a_year_outside_the_plan(world, finance):
    with pytest.raises(ValidationError):
        actions.open_cycle(1999, finance)
    assert not ReportingCycle.objects.exists()


def test_the_commands_open_and_close_a_cycle(world, finance):
    out = io.StringIO()
    call_command("open_reporting_cycle", "2026", "--consolidating", "STC",
                 "--deadline", "2026-12-01", stdout=out)  # fmt: skip
    assert "with 5 submissions" in out.getvalue()
    cycle = ReportingCycle.objects.get(year=2026)
    assert cycle.deadline == datetime.date(2026, 12, 1)
    with pytest.raises(CommandError):
        call_command("open_reporting_cycle", "2026", "--consolidating", "NOPE")
    call_command("close_reporting_cycle", "2026", stdout=out)
    cycle.refresh_from_db()
    assert cycle.closed_at is not None
    with pytest.raises(CommandError):
        call_command("close_reporting_cycle", "2026")
    with pytest.raises(CommandError):  # nobody is reminded in a closed cycle
        call_command("send_report_reminders", "--year", "2026")
