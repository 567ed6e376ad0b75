"""History pages: a project's versions with a readable diff and a map of the moves, restoring a
version or a deleted project (GIS editors), and the changes across projects in a period.

Who may do what is projects.access's answer (VIEW_HISTORY, RESTORE). The public reads no history:
old versions hold unpublished states and internal notes. For a project the public cannot see
the answer is 404, as for a code that never existed; an anonymous visitor asking for a
published project's history is sent to log in.
"""

import datetime
import functools

import orjson
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from geo.errors import BadRequest, NotFound
from geo.http import read_only
from layers.maps import base_map
from layers.templatetags.mapformat import percent, vnd
from projects import access, actions, history, queries
from projects.access import visible_projects
from projects.history import ReportValue
from projects.models import AgencyRole, Door, Project, ProjectEvent
from projects.queries import Parameters

PAGE_SIZE = 50
DEFAULT_PERIOD = datetime.timedelta(days=30)

# The old and the new geometry on the map (the legend reads the same values).
MOVE_STYLES = {
    "old": {"color": "#b3261e", "weight": 4, "dashArray": "6 6", "fillOpacity": 0.08},
    "new": {"color": "#0b5cad", "weight": 4, "fillOpacity": 0.2},
}


# ---- access ---------------------------------------------------------------------------------


def _rights_or_refuse(request, code: str | None = None, *, restore: bool = False) -> dict:
    """What the user may do here (`see`, `restore`, for the templates), or the refusal: login
    for an anonymous visitor of a published project, 404 otherwise (an unpublished project's
    existence is not told)."""
    granted = access.abilities(request.user)
    rights = {"see": access.VIEW_HISTORY in granted, "restore": access.RESTORE in granted}
    if rights["restore"] if restore else rights["see"]:
        return rights
    public = code is not None and visible_projects(request.user).filter(code=code).exists()
    if public and not request.user.is_authenticated:
        raise _Login
    raise NotFound(_("Nothing exists at this address."))


class _Login(Exception):
    pass


def _guarded(view):
    # functools.wraps keeps read_only's csrf_exempt mark: without it a POST to a read-only
    # page got a CSRF page instead of its 405.
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Login:
            return redirect_to_login(request.get_full_path())

    return wrapper


def _project_id(code: str) -> int:
    project_id = history.project_id_for(code) if queries.PROJECT_CODE.fullmatch(code) else None
    if project_id is None:
        raise NotFound(_("No project has the code “%(code)s”.") % {"code": code[:40]})
    return project_id


# ---- values as people read them -------------------------------------------------------------


def display(value, field: models.Field | None = None) -> str:
    """A raw value of projects.history as text: labels for codes, dd/mm/yyyy, %, VND."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, ReportValue):
        text = f"{value.status}, {percent(value.progress_pct)}"
        return f"{text} — {value.note}" if value.note else text
    if field is None:
        return str(value)
    if field.name == "geom":
        return _("%(type)s, %(n)s vertices") % {"type": value.geom_type, "n": value.num_coords}
    if isinstance(field, models.ForeignKey):
        return str(value)  # already a name
    base = getattr(field, "base_field", None)
    if base is not None:
        labels = dict(base.flatchoices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(field, models.DecimalField):
        return vnd(value) if field.name.endswith("_vnd") else percent(value)
    return str(value)


def _rows(changes) -> list[dict]:
    return [
        {"label": c.label, "before": display(c.before, c.field), "after": display(c.after, c.field),
         "geometry": c.field is not None and c.field.name == "geom"}
        for c in changes
    ]  # fmt: skip


def _who(context: dict) -> str:
    if context.get("username"):
        return context["username"]
    if context.get("user"):
        return history.usernames([context["user"]]).get(context["user"], f"#{context['user']}")
    return "—"


# ---- a project's history --------------------------------------------------------------------


@_guarded
@read_only
def project_history(request, code):
    """Every version of a project, newest first, and a map of the selected move."""
    Parameters(request.GET, ()).check()
    rights = _rights_or_refuse(request, code)
    project_id = _project_id(code)
    versions = history.versions(project_id)
    if not versions:
        raise NotFound(_("No history is recorded for “%(code)s”.") % {"code": code[:40]})
    project = Project.objects.filter(pk=project_id).first()
    latest = versions[-1].event
    rows = [
        {
            "version": v,
            "who": _who(v.context),
            "changes": _rows(v.changes),
            "restore_url": _restore_url(v, project, code),
        }
        for v in reversed(versions)
    ]
    moves = [
        {"id": v.event.pgh_id, "number": v.number, "from": v.moved_from, "old": v.moved[0],
         "new": v.moved[1],
         "when": timezone.localtime(v.event.pgh_created_at).strftime("%d/%m/%Y %H:%M")}
        for v in versions if v.moved
    ]  # fmt: skip
    context = {
        "code": code,
        "project": project,
        "name": latest.name,
        "rows": rows,
        "rights": rights,
        "moves": moves,
        "current_version": project.version if project else None,
    }
    if moves:
        context.update(_move_map(moves))
    return render(request, "layers/history.html", context)


def _restore_url(version, project, code) -> str | None:
    if project is None:
        if version.event.pgh_label == "delete":
            return reverse("deleted-restore", kwargs={"event": version.event.pgh_id})
        return None
    if not version.restorable or version.number == project.version:
        return None
    return reverse("project-restore", kwargs={"code": code, "event": version.event.pgh_id})


def _move_map(moves: list[dict]) -> dict:
    last = moves[-1]
    parts = base_map().parts
    config = {
        "mapName": parts["name"],
        "moves": moves,
        "selected": last["id"],
        "styles": MOVE_STYLES,
        "messages": {
            "old": _("Before (version %(n)s)"),
            "new": _("After (version %(n)s)"),
        },
    }
    # Round-trip through orjson: plain JSON for json_script.
    return {"map": parts, "config": orjson.loads(orjson.dumps(config)), "styles": MOVE_STYLES}


# ---- restoring ------------------------------------------------------------------------------


def _event(event_id: int, **filters) -> ProjectEvent:
    event = ProjectEvent.objects.filter(pgh_id=event_id, **filters).first()
    if event is None:
        raise NotFound(_("This version does not exist."))
    return event


@_guarded
def restore_version(request, code, event):
    """Confirm (GET), then write the version back (POST) as a new version."""
    _rights_or_refuse(request, code, restore=True)
    project = Project.objects.filter(code=code).first() if queries.PROJECT_CODE.fullmatch(
        code) else None  # fmt: skip
    if project is None:
        raise NotFound(_("No project has the code “%(code)s”.") % {"code": code[:40]})
    target = _event(event, pgh_obj_id=project.pk)
    if target.pgh_label == "delete":
        raise NotFound(_("This version does not exist."))
    current = ProjectEvent.objects.filter(pgh_obj_id=project.pk).latest("pgh_id")
    names = history.Names([current, target])
    context = {
        "project": project,
        "target": target,
        "changes": _rows(history.field_changes(current, target, names)),
        "participations": _participation_rows(target, names),
        "expected_version": project.version,
        "comment": "",
        "history_url": reverse("project-history", kwargs={"code": code}),
    }
    if request.method == "POST":
        context["comment"] = request.POST.get("comment", "")[:500].strip()
        try:
            actions.restore_version(
                project,
                target,
                expected_version=request.POST.get("expected_version") or None,
                user=request.user,
                door=Door.EDITOR,
                comment=context["comment"],
            )
        except actions.StaleVersion as error:
            context["error"] = error.message
            return render(request, "layers/history_restore.html", context, status=409)
        except (ValidationError, actions.VersionRequired) as error:
            context["error"] = " ".join(getattr(error, "messages", [str(error)]))
            status = 428 if isinstance(error, actions.VersionRequired) else 400
            return render(request, "layers/history_restore.html", context, status=status)
        messages.success(
            request, _("Version %(n)s was restored as version %(new)s.")
            % {"n": target.version, "new": project.version}
        )  # fmt: skip
        return HttpResponseRedirect(context["history_url"])
    return render(request, "layers/history_restore.html", context)


def _participation_rows(event, names) -> list[str]:
    roles = dict(AgencyRole.choices)
    return sorted(
        f"{names.of_agency(agency_id)} — {roles.get(role, role)}"
        for agency_id, role in history.participations_at(event)
    )


@_guarded
@read_only
def deleted_projects(request):
    """Projects that were deleted and not brought back, newest deletion first."""
    Parameters(request.GET, ()).check()
    rights = _rights_or_refuse(request)
    events = sorted(history.deleted_projects(), key=lambda e: e.pgh_id, reverse=True)
    rows = [
        {"event": e, "who": _who(e.pgh_context or {}),
         "door": _door((e.pgh_context or {}).get("door")),
         "comment": (e.pgh_context or {}).get("comment") or ""}
        for e in events
    ]  # fmt: skip
    return render(request, "layers/history_deleted.html", {"rows": rows, "rights": rights})


def _door(value) -> str:
    return str(Door(value).label) if value in Door.values else (value or "—")


@_guarded
def restore_deleted(request, event):
    """Confirm (GET), then bring a deleted project back (POST)."""
    _rights_or_refuse(request, restore=True)
    deletion = _event(event, pgh_label="delete")
    names = history.Names([deletion])
    context = {
        "deletion": deletion,
        "number": deletion.version - 1,
        "changes": _rows(history.field_changes(None, deletion, names)),
        "participations": _participation_rows(deletion, names),
        "comment": "",
    }
    if request.method == "POST":
        context["comment"] = request.POST.get("comment", "")[:500].strip()
        try:
            project = actions.restore_deleted_project(
                deletion, user=request.user, door=Door.EDITOR, comment=context["comment"]
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "layers/history_restore_deleted.html", context, status=409)
        messages.success(request, _("%(code)s was restored.") % {"code": project.code})
        return HttpResponseRedirect(reverse("project-history", kwargs={"code": project.code}))
    return render(request, "layers/history_restore_deleted.html", context)


# ---- changes across projects ----------------------------------------------------------------


def _day(params: Parameters, name: str) -> datetime.date | None:
    raw = params.raw(name)
    if raw is None:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        message = _(
            "“%(name)s” must be a date written YYYY-MM-DD, such as 2026-01-31; “%(value)s” is "
            "not one."
        )
        params.fail(name, message % {"name": name, "value": raw[:20]})
    return day


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@_guarded
@read_only
def changes(request):
    """Every change to projects, their agencies and reports in a period (`from`, `to`, both
    days included), optionally by door and by user, newest first, a page at a time."""
    params = Parameters(request.GET, {"from", "to", "door", "user", "page"}, strict=False)
    rights = _rights_or_refuse(request)
    today = timezone.localdate()
    start = _day(params, "from")
    end = _day(params, "to")
    door = params.raw("door")
    if door is not None and door not in Door.values:
        allowed = ", ".join(Door.values)
        params.fail("door", _("“door” must be one of: %(list)s.") % {"list": allowed})
    username = params.text("user", 150)
    page_number = params.number("page", 1, 10**6, integer=True) or 1
    params.check()
    end = end or today
    start = start or end - DEFAULT_PERIOD
    if start > end:
        raise BadRequest(
            _("The period starts (%(from)s) after it ends (%(to)s).")
            % {"from": f"{start:%d/%m/%Y}", "to": f"{end:%d/%m/%Y}"},
            parameter="from",
        )
    events = history.changes(
        start=_start_of(start),
        end=_start_of(end + datetime.timedelta(days=1)),
        door=door,
        username=username,
    )
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    codes = history.project_codes(page.object_list)
    rows = []
    for event in page.object_list:
        context = event.pgh_context or {}
        code = codes.get(history.event_project_id(event))
        rows.append({
            "when": event.pgh_created_at, "code": code, "what": _what(event),
            "who": _who(context), "door": _door(context.get("door")),
            "comment": context.get("comment") or "",
            "fields": _changed_fields(event),
            "url": reverse("project-history", kwargs={"code": code}) if code else None,
        })  # fmt: skip
    query = {"from": start.isoformat(), "to": end.isoformat(), "door": door or "",
             "user": username}  # fmt: skip
    return render(request, "layers/history_changes.html", {
        "rows": rows, "page": page, "query": query, "doors": Door.choices, "rights": rights,
        "start": start, "end": end,
    })  # fmt: skip


def _what(event) -> str:
    model = event.pgh_obj_model
    if model == "projects.ProjectAgency":
        what = _("coordinating agency")
    elif model == "projects.ProgressReport":
        what = _("progress report")
    else:
        what = _("project")
    label = str(history.PROJECT_KINDS.get(event.pgh_label, event.pgh_label))
    return f"{label}: {what}"


def _changed_fields(event) -> str:
    if event.pgh_label != "update" or not event.pgh_diff:
        return ""
    model = ProjectEvent if event.pgh_obj_model == "projects.Project" else None
    names = []
    for name in event.pgh_diff:
        if name in history.BOOKKEEPING or name == "updated_at":
            continue
        try:
            names.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except FieldDoesNotExist:  # a field removed since: show its name
            names.append(name)
    return ", ".join(names)
