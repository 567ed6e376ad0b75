"""The yearly reporting pages (docs/reporting.md): the cycles, a cycle's submissions with who
has not submitted first as the deadline nears, and an agency's submission form, with the
reviewer's return and accept, reminders and attachments.

Who reads and acts is projects.access's to say; every write is a step of projects.actions,
which asks again. A refusal shows the page again with the reason (400, 403, 409 or 428) and
writes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geo.errors import BadRequest, Forbidden, NotFound
from geo.http import read_only
from layers import annual_report as annual
from projects import access, actions, reporting
from projects.annual_report import gather
from projects.models import (
    Door,
    ReportingCycle,
    Status,
    SubmissionStatus,
    TaskProgress,
)
from projects.queries import Parameters

MAX_TEXT = 20_000  # characters in one text of a submission


def _refused(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_see_reports(request.user):
        raise PermissionDenied
    return None


def _cycle(year: int) -> ReportingCycle:
    cycle = None
    if 2000 <= year <= 2100:  # the column is a small integer
        cycle = ReportingCycle.objects.select_related("consolidating_agency").filter(year=year)
        cycle = cycle.first()
    if cycle is None:
        raise NotFound(_("There is no reporting cycle for %(year)s.") % {"year": str(year)[:8]})
    return cycle


def _submission(request, cycle, code: str):
    submission = access.visible_submissions(request.user, cycle).filter(agency__code=code[:32])
    submission = submission.first()
    if submission is None:
        raise NotFound(
            _("No submission of %(code)s in the %(year)s cycle that you may read.")
            % {"code": code[:32], "year": cycle.year}
        )
    return submission


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


# ---- the cycles and one cycle ---------------------------------------------------------------


@read_only
def cycles(request):
    Parameters(request.GET, ()).check()
    if refused := _refused(request):
        return refused
    rows = []
    for cycle in ReportingCycle.objects.select_related("consolidating_agency"):
        submissions = list(access.visible_submissions(request.user, cycle))
        rows.append({"cycle": cycle, "counts": reporting.counts(submissions),
                     "total": len(submissions),
                     "late": sum(s.is_late() for s in submissions)})  # fmt: skip
    return render(request, "layers/report_cycles.html",
                  {"rows": rows, "statuses": SubmissionStatus.choices})  # fmt: skip


def _cycle_page(request, cycle, *, status=200, error=None):
    submissions = reporting.ordered_for_review(access.visible_submissions(request.user, cycle))
    rows = [{"submission": s, "late": s.is_late()} for s in submissions]
    context = {
        "cycle": cycle,
        "rows": rows,
        "counts": reporting.counts(submissions),
        "days_left": cycle.days_left(),
        "days_overdue": -cycle.days_left(),
        "may_review": access.may_review(request.user, cycle),
        "may_download": access.may_download_annual_report(request.user, cycle),
        "waiting": sum(1 for s in submissions if s.status in (
            SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)),
        "error": error,
    }  # fmt: skip
    return render(request, "layers/report_cycle.html", context, status=status)


@read_only
def cycle(request, year):
    Parameters(request.GET, ()).check()
    if refused := _refused(request):
        return refused
    return _cycle_page(request, _cycle(year))


@require_POST
def remind(request, year):
    """A reviewer e-mails the reporters of the agencies that have not submitted."""
    if refused := _refused(request):
        return refused
    cycle = _cycle(year)
    if not access.may_review(request.user, cycle):
        raise PermissionDenied
    if not cycle.is_open:
        return _cycle_page(request, cycle, status=409,
                           error=_("The cycle is closed: nobody is reminded."))  # fmt: skip
    report = reporting.send_reminders(cycle)
    messages.success(
        request,
        _("Reminders sent to %(sent)s agencies.") % {"sent": len(report.sent)}
        + (
            " "
            + _("No reporter with an e-mail address for: %(codes)s.")
            % {"codes": ", ".join(report.without_address)}
            if report.without_address
            else ""
        ),
    )
    return _see_other(cycle.get_absolute_url())


# ---- one agency's submission ------------------------------------------------------------------


def _text(data, name: str, errors: dict) -> str:
    value = data.get(name, "").replace("\x00", "").strip()
    if len(value) > MAX_TEXT:
        errors[name] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
        return value[:MAX_TEXT]
    return value


def _percent(value: str, errors: dict, name: str):
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value) if value.isascii() and len(value) < 20 else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 100:
        errors[name] = _("Give the progress as a number from 0 to 100.")
        return None
    return number.quantize(Decimal("0.1"))


def _lines(submission, data):
    """The form's project and task rows, filled from the saved lines or from `data` (the
    posted form, shown again with its errors)."""
    saved_projects = {line.project_id: line for line in submission.project_lines.all()}
    saved_tasks = {line.task_id: line for line in submission.task_lines.all()}
    projects, tasks = [], []
    for project in access.submission_projects(submission).select_related("lead_agency"):
        line, key = saved_projects.get(project.pk), f"project-{project.pk}"
        if data is not None:
            values = {"status": data.get(f"{key}-status", ""),
                      "progress": data.get(f"{key}-progress", ""),
                      "note": data.get(f"{key}-note", "")}  # fmt: skip
        else:
            values = {"status": line.status if line else "",
                      "progress": "" if not line or line.progress_pct is None
                      else str(line.progress_pct),
                      "note": line.note if line else ""}  # fmt: skip
        projects.append({"project": project, "key": key, **values})
    for task in access.submission_tasks(submission):
        line, key = saved_tasks.get(task.pk), f"task-{task.pk}"
        if data is not None:
            values = {"progress": data.get(f"{key}-progress", ""),
                      "text": data.get(f"{key}-text", "")}  # fmt: skip
        else:
            values = {"progress": line.progress if line else "", "text": line.text if line else ""}
        tasks.append({"task": task, "key": key, **values})
    return projects, tasks


def _form_page(request, submission, *, status=200, error=None, errors=None, data=None,
               comment=""):  # fmt: skip
    projects, tasks = _lines(submission, data)
    cycle = submission.cycle
    context = {
        "cycle": cycle,
        "submission": submission,
        "projects": projects,
        "tasks": tasks,
        "difficulties": data.get("difficulties", "") if data else submission.difficulties,
        "proposals": data.get("proposals", "") if data else submission.proposals,
        "attachments": submission.attachments.all(),
        "may_edit": access.may_edit_submission(request.user, submission),
        "may_review": access.may_review(request.user, cycle)
        and submission.status == SubmissionStatus.SUBMITTED
        and cycle.is_open,
        "late": submission.is_late(),
        "statuses": Status.choices,
        "task_progress": TaskProgress.choices,
        "error": error,
        "errors": errors or {},
        "comment": comment,
        "max_mb": settings.REPORT_ATTACHMENT_MAX_BYTES // 2**20,
    }
    return render(request, "layers/report_submission.html", context, status=status)


def _parse(submission, data) -> tuple[dict, dict]:
    errors = {}
    fields = {"difficulties": _text(data, "difficulties", errors),
              "proposals": _text(data, "proposals", errors)}  # fmt: skip
    projects = {}
    for project in access.submission_projects(submission):
        key = f"project-{project.pk}"
        state = data.get(f"{key}-status", "").strip()
        if state and state not in Status.values:
            errors[key] = _("Choose a status from the list.")
            continue
        progress = _percent(data.get(f"{key}-progress", ""), errors, key)
        note = _text(data, f"{key}-note", errors)
        if not state and (progress is not None or note):
            errors[key] = _("Choose the project's status to report its progress.")
        projects[project.pk] = {"status": state, "progress_pct": progress, "note": note}
    tasks = {}
    for task in access.submission_tasks(submission):
        key = f"task-{task.pk}"
        progress = data.get(f"{key}-progress", "").strip()
        if progress and progress not in TaskProgress.values:
            errors[key] = _("Choose where the task stands from the list.")
            continue
        text = _text(data, f"{key}-text", errors)
        if not progress and text:
            errors[key] = _("Say where the task stands to describe it.")
        tasks[task.pk] = {"progress": progress, "text": text}
    return {**fields, "projects": projects, "tasks": tasks}, errors


def _version(data) -> int | None:
    value = data.get("expected_version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _step_failed(request, submission, error, data=None, comment=""):
    """The page again with the reason of a refused step; nothing was written."""
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message) from error
    if isinstance(error, (actions.StaleVersion, actions.IllegalTransition)):
        status, message = 409, error.message
    elif isinstance(error, actions.VersionRequired):
        status, message = 428, error.message
    else:
        status, message = 400, " ".join(
            m for messages_ in getattr(error, "message_dict", {"": error.messages}).values()
            for m in messages_
        )  # fmt: skip
    submission.refresh_from_db()
    return _form_page(request, submission, status=status, error=message, data=data,
                      comment=comment)  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def submission(request, year, agency):
    """GET: the agency's submission (the form for its reporter). POST: save the draft, or
    save and submit it (`step`: save | submit)."""
    if refused := _refused(request):
        return refused
    if request.method != "POST":
        Parameters(request.GET, ()).check()
    found = _submission(request, _cycle(year), agency)
    if request.method != "POST":
        return _form_page(request, found)
    if not access.may_edit_submission(request.user, found):
        raise PermissionDenied
    step = request.POST.get("step", "save")
    if step not in ("save", "submit"):
        raise BadRequest(_("Unknown step: save or submit."), parameter="step")
    values, errors = _parse(found, request.POST)
    uploads = request.FILES.getlist("attachments")
    if len(uploads) > 10:
        errors["attachments"] = _("Attach at most 10 files at a time.")
    if errors:
        return _form_page(request, found, status=400, errors=errors, data=request.POST,
                          error=_("Some values need correcting; nothing was saved."))  # fmt: skip
    try:
        with transaction.atomic():
            actions.save_submission(found, expected_version=_version(request.POST),
                                    attachments=uploads, user=request.user,
                                    door=Door.REPORTS, **values)  # fmt: skip
    except (ValidationError, actions.StaleVersion, actions.IllegalTransition,
            actions.VersionRequired, Forbidden) as error:  # fmt: skip
        return _step_failed(request, found, error, data=request.POST)
    if step == "submit":
        try:
            with transaction.atomic():
                actions.submit_submission(found, expected_version=found.version,
                                          user=request.user, door=Door.REPORTS)  # fmt: skip
        except (ValidationError, actions.IllegalTransition, Forbidden) as error:
            return _step_failed(request, found, error)
        messages.success(request, _("Your report was submitted for review. Thank you."))
    else:
        messages.success(request, _("Your draft was saved. Submit it when it is complete."))
    return _see_other(found.get_absolute_url())


@require_POST
def review(request, year, agency):
    """The reviewer returns a submitted report (with a comment) or accepts it."""
    if refused := _refused(request):
        return refused
    cycle_ = _cycle(year)
    if not access.may_review(request.user, cycle_):
        raise PermissionDenied
    found = _submission(request, cycle_, agency)
    step = request.POST.get("step", "")
    comment = request.POST.get("comment", "").replace("\x00", "")[:2000].strip()
    if step not in ("return", "accept"):
        raise BadRequest(_("Unknown step: return or accept."), parameter="step")
    action = actions.return_submission if step == "return" else actions.accept_submission
    try:
        action(found, expected_version=_version(request.POST), comment=comment,
               user=request.user, door=Door.REPORTS)  # fmt: skip
    except (ValidationError, actions.StaleVersion, actions.IllegalTransition,
            actions.VersionRequired, Forbidden) as error:  # fmt: skip
        return _step_failed(request, found, error, comment=comment)
    done = (_("The report went back to %(agency)s with your comment.") if step == "return"
            else _("The report of %(agency)s is accepted; its progress joined the projects' "
                   "time series."))  # fmt: skip
    messages.success(request, done % {"agency": found.agency.display_name})
    return _see_other(found.get_absolute_url())


@read_only
def attachment(request, year, agency, attachment):
    """An attachment, to those who may read its submission; always as a download."""
    Parameters(request.GET, ()).check()
    if refused := _refused(request):
        return refused
    found = _submission(request, _cycle(year), agency)
    item = found.attachments.filter(pk=attachment).first() if attachment < 2**31 else None
    if item is None:
        raise NotFound(_("This submission has no such attachment."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise NotFound(_("The file of this attachment is missing.")) from error
    response = FileResponse(handle, as_attachment=True, filename=item.name,
                            content_type=item.content_type)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- the consolidated report (docs/reporting.md, "The consolidated report") ----------------


@read_only
def annual_report(request, year, suffix):
    """The cycle's consolidated report as a Word document (with its map) or its Excel annex,
    to those who may read every submission of the cycle."""
    Parameters(request.GET, ()).check()
    if refused := _refused(request):
        return refused
    if suffix not in annual.FORMATS:
        raise NotFound(_("The report comes as report.docx or report.xlsx."))
    cycle = _cycle(year)
    if not access.may_download_annual_report(request.user, cycle):
        raise PermissionDenied
    report = gather(cycle)
    response = HttpResponse(annual.render(report, suffix), content_type=annual.FORMATS[suffix])
    response["Content-Disposition"] = f'attachment; filename="{annual.filename(report, suffix)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
