"""The import pages for GIS editors: /import/ (upload, preview, confirm) and /import/<id>/.

The upload is kept in a private directory (geo.uploads) and analysed with the pipeline in
dry-run mode (projects.imports.import_file); the preview shows the report, the decoded names
and a map of the incoming features coloured by outcome over the existing projects. Confirm
runs the same pipeline for real (door "import", one transaction) and leads to the batch page,
from which the whole import can be undone (projects.actions.undo_import). A refused file is
shown on the form with its reason (400), and nothing is written.

A file of IMPORT_BACKGROUND_FROM features or more is not imported during the request: Confirm
queues a job (projects.tasks) and leads to the job's page, whose progress bar polls a small
JSON answer until the job is done (a link to its batch) or failed (the reason; nothing was
written).
"""

import orjson
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geo import uploads
from geo.errors import Forbidden, NotFound
from geo.http import read_only
from layers.forms import ImportForm
from layers.maps import base_map
from projects import access, actions
from projects.imports import CREATED, REJECTED, UNCHANGED, UPDATED, ImportRefused, import_file
from projects.models import Door, ImportBatch, ImportJob
from projects.tasks import queue_import

# How each outcome is drawn; the legend repeats them, and rejected is also dashed and
# unchanged thin, so they differ without colour.
STYLES = {
    CREATED: {"color": "#1a7f37", "weight": 4, "fillOpacity": 0.35, "dashArray": None},
    UPDATED: {"color": "#0b5cad", "weight": 4, "fillOpacity": 0.35, "dashArray": "2 6"},
    UNCHANGED: {"color": "#5c6670", "weight": 2, "fillOpacity": 0.15, "dashArray": None},
    REJECTED: {"color": "#b3261e", "weight": 3, "fillOpacity": 0.1, "dashArray": "10 6"},
    "existing": {"color": "#9aa0a6", "weight": 1, "fillOpacity": 0.1, "dashArray": "1 4"},
}


def _refused(request):
    """The login page for the public, a 403 for whoever may not import; None when allowed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_import(request.user):
        raise PermissionDenied
    return None


def _form_page(request, form, *, error="", status=200):
    return render(request, "layers/import.html", {"form": form, "error": error}, status=status)


def _labels():
    return {CREATED: _("Created"), UPDATED: _("Updated"), UNCHANGED: _("Unchanged"),
            REJECTED: _("Rejected"), "existing": _("Existing projects")}  # fmt: skip


@require_http_methods(["GET", "POST"])
def upload(request):
    """The form; on POST keep the file, analyse it (dry run) and show the preview."""
    if refused := _refused(request):
        return refused
    if request.method == "GET":
        return _form_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    options = form.options()
    token = uploads.keep(upload.chunks(), upload.name, {**options, "user": request.user.pk})
    try:
        report = import_file(uploads.path(token), dry_run=True, **options)
    except ImportRefused as error:
        uploads.discard(token)
        return _form_page(request, form, error=error.message, status=400)
    uploads.remember(token, features=len(report.items))  # Confirm decides on a job by it
    return _preview(request, token, report)


def _preview(request, token, report):
    labels = _labels()
    incoming = []
    for item in report.items:
        geom = item.stored or item.incoming
        if geom is None:
            continue
        incoming.append({
            "type": "Feature", "geometry": orjson.loads(geom.geojson),
            "properties": {"code": item.code, "name": item.name, "action": item.action,
                           "label": str(labels[item.action]), "reason": item.reason},
        })  # fmt: skip
    codes = {item.code for item in report.items}
    rows = (
        access.visible_projects(request.user)
        .exclude(geom=None)
        .exclude(code__in=codes)
        .annotate(geojson=AsGeoJSON("geom", precision=6))
        .values_list("code", "geojson")
    )
    existing = [
        {"type": "Feature", "geometry": orjson.loads(geojson),
         "properties": {"code": code, "action": "existing", "label": str(labels["existing"])}}
        for code, geojson in rows
    ]  # fmt: skip
    parts = base_map().parts
    sections = [
        {"action": action, "label": labels[action], "items": report.of(action),
         "style": STYLES[action]}
        for action in (CREATED, UPDATED, UNCHANGED, REJECTED)
    ]  # fmt: skip
    context = {
        "report": report,
        "sections": sections,
        "token": token,
        "map": parts,
        "legend": [{"action": a, "label": labels[a], "style": s} for a, s in STYLES.items()],
        "writable": report.counts[CREATED] or report.counts[UPDATED],
        "background": len(report.items) >= settings.IMPORT_BACKGROUND_FROM,
        "config": {
            "mapName": parts["name"],
            "incoming": {"type": "FeatureCollection", "features": incoming},
            "existing": {"type": "FeatureCollection", "features": existing},
            "styles": STYLES,
        },
    }
    return render(request, "layers/import_preview.html", context)


def _kept(request, token: str) -> dict:
    try:
        options = uploads.options(token)
    except uploads.UploadGone:
        raise NotFound(_("This upload is no longer kept (confirmed, cancelled or older than a "
                         "day): upload the file again.")) from None  # fmt: skip
    if options.pop("user", None) != request.user.pk:
        raise PermissionDenied
    return options


@require_POST
def confirm(request):
    """Run the previewed import for real, then show its batch page; a large file runs as a
    background job instead, and this shows the job's page."""
    if refused := _refused(request):
        return refused
    token = request.POST.get("token", "")
    options = _kept(request, token)
    file_name, features = options.pop("file_name", ""), options.pop("features", 0)
    if features >= settings.IMPORT_BACKGROUND_FROM:
        job = queue_import(token, options, user=request.user, file_name=file_name,
                           features=features)  # fmt: skip
        return _see_other(job.get_absolute_url())
    try:
        report = import_file(uploads.path(token), user=request.user, **options)
    except ImportRefused as error:
        return _form_page(request, ImportForm(), error=error.message, status=400)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    finally:
        uploads.discard(token)
    if report.batch is None:
        messages.info(request, _("Nothing to write: the database already holds these projects."))
        return _see_other(reverse("import-upload"))
    return _see_other(reverse("import-batch", kwargs={"batch_id": report.batch.pk}))


@require_POST
def cancel(request):
    """Forget a previewed upload."""
    if refused := _refused(request):
        return refused
    token = request.POST.get("token", "")
    _kept(request, token)
    uploads.discard(token)
    return _see_other(reverse("import-upload"))


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303  # the step is done: GET the next page
    return response


def _batch(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("user").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No import has the number %(id)s.") % {"id": batch_id})
    return batch


def _batch_page(request, batch, *, error="", status=200):
    context = {"batch": batch, "rows": batch.projects.order_by("code"), "error": error,
               "undone": batch.state == ImportBatch.State.UNDONE}  # fmt: skip
    return render(request, "layers/import_batch.html", context, status=status)


@read_only
def batch(request, batch_id):
    """One import's record, with its projects and the undo button."""
    if refused := _refused(request):
        return refused
    return _batch_page(request, _batch(batch_id))


@require_POST
def undo(request, batch_id):
    """Undo an import as a whole; refused (409) when a project changed after it."""
    if refused := _refused(request):
        return refused
    batch = _batch(batch_id)
    try:
        actions.undo_import(batch, user=request.user, door=Door.IMPORT,
                            comment=request.POST.get("comment", "")[:500].strip())  # fmt: skip
    except ValidationError as error:
        return _batch_page(request, batch, error=" ".join(error.messages), status=409)
    messages.success(request, _("Import #%(id)s was undone.") % {"id": batch.pk})
    return _see_other(reverse("import-batch", kwargs={"batch_id": batch.pk}))


def _job(request, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("batch").filter(pk=job_id).first()
    if job is None or not access.may_see_import_job(request.user, job):
        raise NotFound(_("No import job has the number %(id)s.") % {"id": job_id})
    return job


@read_only
def job(request, job_id):
    """A background import's page: a progress bar while it runs, then its batch or its error."""
    if refused := _refused(request):
        return refused
    return render(request, "layers/import_job.html", {"job": _job(request, job_id)})


@read_only
def job_progress(request, job_id):
    """The job's state and progress as JSON, which the job page polls."""
    if refused := _refused(request):
        return refused
    response = JsonResponse(_job(request, job_id).as_dict())
    response["Cache-Control"] = "no-store"
    return response
