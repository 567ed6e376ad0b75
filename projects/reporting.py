"""The yearly reporting cycle's helpers that are not writes (those are in projects.actions):
checking an attachment before it is stored, the state of a cycle's submissions for its page,
and the reminder e-mails (docs/reporting.md)."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import (
    HANDED_IN_STATUSES,
    Membership,
    ReportingCycle,
    Role,
    Submission,
    SubmissionStatus,
)

# What an agency may attach: the suffix it must have, the type it is served as, and how its
# first bytes must look (a file is judged by its content, never by its name or claimed type).
OOXML = "application/vnd.openxmlformats-officedocument."
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": (OOXML + "wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": (OOXML + "spreadsheetml.sheet", b"PK\x03\x04"),
}
# The part an Office file of each kind must hold (any zip starts like a .docx).
OOXML_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


@dataclass
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def _safe_name(name: str) -> str:
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')
    return name[-120:] or "attachment"


def check_attachment(upload) -> CheckedFile:
    """Refuse a file that is too large, of a kind not allowed, or not what its name says
    (ValidationError with a message a person can act on)."""
    name = _safe_name(getattr(upload, "name", ""))
    suffix = PurePath(name).suffix.lower()
    limit = settings.REPORT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s MB: an attachment may be at most %(limit)s MB.")
            % {"name": name, "size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        )
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s cannot be attached: send a PDF, Word (.docx), Excel (.xlsx), PNG or "
              "JPEG file.") % {"name": name}
        )  # fmt: skip
    content_type, magic = ATTACHMENT_TYPES[suffix]
    upload.seek(0)
    data = upload.read()
    if not data.startswith(magic) or not _holds_part(data, suffix):
        raise ValidationError(
            _("%(name)s is not the %(kind)s file its name says: attach the document itself.")
            % {"name": name, "kind": suffix[1:].upper()}
        )
    return CheckedFile(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def _holds_part(data: bytes, suffix: str) -> bool:
    part = OOXML_PARTS.get(suffix)
    if part is None:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except zipfile.BadZipFile:
        return False


# ---- a cycle's state -----------------------------------------------------------------------


def ordered_for_review(submissions, today=None) -> list[Submission]:
    """Those the agency still has to act on first (late ones before the others), then the ones
    waiting for review, then the accepted ones; by agency name within each."""
    rank = {SubmissionStatus.NOT_STARTED: 0, SubmissionStatus.RETURNED: 1,
            SubmissionStatus.DRAFT: 2, SubmissionStatus.SUBMITTED: 3,
            SubmissionStatus.ACCEPTED: 4}  # fmt: skip
    return sorted(
        submissions,
        key=lambda s: (rank[SubmissionStatus(s.status)], s.agency.display_name),
    )


def counts(submissions) -> dict[str, int]:
    found = {value: 0 for value in SubmissionStatus.values}
    for submission in submissions:
        found[submission.status] += 1
    return found


# ---- reminders --------------------------------------------------------------------------------


def waiting(cycle: ReportingCycle):
    """The submissions the agency has not handed in (not started, draft, returned)."""
    return (
        cycle.submissions.exclude(status__in=HANDED_IN_STATUSES)
        .select_related("agency", "cycle")
        .order_by("agency__code")
    )


def reporters(submission: Submission) -> list[str]:
    """The e-mail addresses of the agency's active reporters."""
    return sorted(
        set(
            Membership.objects.filter(
                role=Role.AGENCY_REPORTER, agency=submission.agency, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


@dataclass
class ReminderReport:
    sent: list[tuple[str, list[str]]]  # (agency code, addresses)
    without_address: list[str]  # agency codes with no reporter to write to


def send_reminders(cycle: ReportingCycle, *, within_days: int | None = None, today=None
                   ) -> ReminderReport:  # fmt: skip
    """One e-mail per agency that has not submitted, to its reporters (in Vietnamese, the
    service's language). With `within_days`, only when the deadline is at most that many days
    away (or passed): a daily scheduled run then starts writing as the deadline nears."""
    today = today or timezone.localdate()
    report = ReminderReport([], [])
    if not cycle.is_open:
        return report
    if within_days is not None and cycle.days_left(today) > within_days:
        return report
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for submission in waiting(cycle):
            addresses = reporters(submission)
            if not addresses:
                report.without_address.append(submission.agency.code)
                continue
            messages.append(_reminder(submission, addresses, today))
            report.sent.append((submission.agency.code, addresses))
    if messages:
        get_connection().send_messages(messages)
    return report


def _reminder(submission: Submission, addresses: list[str], today) -> EmailMessage:
    cycle = submission.cycle
    days = cycle.days_left(today)
    if days < 0:
        when = _("The deadline, %(day)s, passed %(n)s day(s) ago.") % {
            "day": cycle.deadline.strftime("%d/%m/%Y"), "n": -days}  # fmt: skip
    else:
        when = _("The deadline is %(day)s, in %(n)s day(s).") % {
            "day": cycle.deadline.strftime("%d/%m/%Y"), "n": days}  # fmt: skip
    subject = _("Reminder: the %(year)s report of %(agency)s") % {
        "year": cycle.year, "agency": submission.agency.display_name}  # fmt: skip
    lines = [
        _("Dear colleagues,"),
        "",
        _("%(agency)s has not yet submitted its %(year)s report on the infrastructure plan "
          "(status: %(status)s).") % {"agency": submission.agency.display_name,
                                     "year": cycle.year,
                                     "status": submission.get_status_display().lower()},
        when,
        "",
        _("Fill it in and submit it here: %(url)s")
        % {"url": settings.SITE_URL + submission.get_absolute_url()},
    ]  # fmt: skip
    if submission.status == SubmissionStatus.RETURNED and submission.review_comment:
        lines += ["", _("The reviewer asked: %(comment)s") % {"comment": submission.review_comment}]
    return EmailMessage(subject, "\n".join(str(line) for line in lines), to=addresses)
