"""The map editor for GIS staff: /edit/new/ and /edit/<code>/.

A Leaflet map (geoman's drawing tools, the other projects and the boundaries to snap to) beside
the attribute form. Saving writes through projects.actions with door "editor" and the version
the page was opened at; the page's script posts with fetch and reads JSON back (errors by
field, the geometry's problem with its spot and repair, or both versions after a conflict),
and the same form works without script (an HTML page back). Typed or pasted coordinates are
read on the server (geo.parsing), VN-2000 included.
"""

import math

import orjson
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geo.crs import SUPPORTED
from geo.errors import NotFound
from geo.parsing import KINDS, TYPED_SRIDS, parse_geometry
from layers.forms import ProjectEditorForm
from layers.maps import base_map
from projects import access, actions, conflicts
from projects.models import Door, Project, diagnose_project_geometry


def _refused(request, ability: str, project: Project | None = None):
    """The login page for the public, a 403 for a user projects.access does not allow;
    None when allowed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can(request.user, ability, project):
        raise PermissionDenied
    return None


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---- what the page shows ------------------------------------------------------------------------


def _problem_json(problem: dict | None) -> dict | None:
    if not problem:
        return None
    repaired = problem["repaired"]
    return {
        "code": problem["code"],
        "message": problem["message"],
        "location": list(problem["location"]) if problem["location"] else None,
        "repaired": orjson.loads(repaired.geojson) if repaired is not None else None,
    }


def _conflict(form: ProjectEditorForm, project: Project, error: actions.StaleVersion) -> dict:
    """Theirs (the record as saved now) against yours (the form), field by field, as the
    admin shows it (projects.conflicts)."""
    labels = {name: str(form.fields[name].label) for name in form.fields
              if name in form.Meta.fields}  # fmt: skip
    labels["geom"] = str(_("Geometry"))
    conflict = conflicts.compare(
        project,
        labels,
        error,
        opened_version=form.cleaned_data.get("expected_version"),
        yours_geom=form.cleaned_data.get("geom"),
    )
    return conflict.as_json()


def _messages() -> dict[str, str]:
    return {
        "saving": _("Saving…"),
        "saved": _("Saved (version %(version)s)."),
        "notSaved": _("Not saved: correct what is marked and save again."),
        "network": _("The server could not be reached; nothing was saved. Try again."),
        "undone": _("Undone."),
        "redone": _("Redone."),
        "nothing": _("Nothing to undo."),
        "emptyGeometry": _("Draw the project on the map first."),
        "read": _("Read %(count)s part(s); check them on the map, then save."),
    }


def _toolbar_titles() -> dict:
    """geoman's toolbar, tooltips and actions in the page's language (names for the buttons
    that screen readers announce and keyboard users tab to)."""
    return {
        "tooltips": {
            "placeMarker": _("Click to place a point"),
            "firstVertex": _("Click to place the first vertex"),
            "continueLine": _("Click to continue drawing"),
            "finishLine": _("Click the last point again to finish"),
            "finishPoly": _("Click the first point to close the polygon"),
            "finishRect": _("Click to finish"),
        },
        "actions": {
            "finish": _("Finish"),
            "cancel": _("Cancel"),
            "removeLastVertex": _("Remove the last vertex"),
        },
        "buttonTitles": {
            "drawMarkerButton": _("Draw points"),
            "drawPolyButton": _("Draw a polygon"),
            "drawLineButton": _("Draw a line"),
            "drawRectButton": _("Draw a rectangle"),
            "editButton": _("Edit vertices (drag to move, right-click to delete)"),
            "dragButton": _("Move parts"),
            "cutButton": _("Cut: a hole in a polygon, or split a line"),
            "deleteButton": _("Delete parts (click a part)"),
            "rotateButton": _("Rotate parts"),
            "snappingButton": _("Snap to other projects and boundaries"),
        },
    }


def refused_step(request, project: Project, message: str, status: int):
    """The editor again, saying why a publishing step (submit for review) was refused."""
    return _page(request, ProjectEditorForm(instance=project), project, status=status,
                 step_error=message)  # fmt: skip


def _page(request, form: ProjectEditorForm, project: Project | None, *, status=200, conflict=None,
          step_error=None):  # fmt: skip
    base = base_map()
    parts = base.parts
    geometry = form["geom"].value()
    try:
        geometry = orjson.loads(geometry) if geometry else None
    except orjson.JSONDecodeError:
        geometry = None
    config = {
        "mapName": parts["name"],
        "apiUrl": reverse("project-list"),
        "geometryUrl": reverse("editor-geometry"),
        "code": project.code if project else None,
        "geometry": geometry,
        "fitBounds": base.province_bounds,
        "problem": _problem_json(form.geometry_problem),
        "conflict": conflict,
        "messages": _messages(),
        "geoman": _toolbar_titles(),
    }
    context = {
        "form": form,
        "project": project,
        "map": parts,
        "config": config,
        "conflict": conflict,
        "srids": [(srid, f"{SUPPORTED[srid].name} (EPSG:{srid})") for srid in TYPED_SRIDS],
        "kinds": list(zip(KINDS, (_("Points"), _("Line"), _("Polygon")), strict=True)),
        "saved": request.GET.get("saved"),
        "step_error": step_error,
    }
    return render(request, "layers/editor.html", context, status=status)


# ---- views --------------------------------------------------------------------------------------


def _project(code: str) -> Project:
    project = Project.objects.filter(code=code).first() if len(code) <= 16 else None
    if project is None:
        raise NotFound(_("No project has the code “%(code)s”.") % {"code": code[:40]})
    return project


@require_http_methods(["GET", "POST"])
def new_project(request):
    """A new project: draw it, fill in the form, save (version 1)."""
    if refused := _refused(request, access.CREATE):
        return refused
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
def edit_project(request, code):
    """An existing project, at the version the page is opened at."""
    if refused := _refused(request, access.CHANGE):  # the public learns nothing of the code
        return refused
    project = _project(code)
    if refused := _refused(request, access.CHANGE, project):
        return refused
    return _edit(request, project)


def _edit(request, project: Project | None):
    if request.method == "GET":
        return _page(request, ProjectEditorForm(instance=project), project)
    form = ProjectEditorForm(request.POST, instance=project or Project())
    json = _wants_json(request)
    if not form.is_valid():
        if json:
            return JsonResponse(
                {"errors": form.errors.get_json_data(),
                 "problem": _problem_json(form.geometry_problem)},
                status=400,
            )  # fmt: skip
        return _page(request, form, project, status=400)
    comment = form.cleaned_data["comment"]
    try:
        saved = _save(request, form, project, comment)
    except actions.StaleVersion as error:
        conflict = _conflict(form, form.instance, error)
        if json:
            return JsonResponse({"conflict": conflict}, status=409)
        return _page(request, form, project, status=409, conflict=conflict)
    except ValidationError as error:  # a constraint the form could not see (a race on the code)
        form.add_error(None, error)
        if json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return _page(request, form, project, status=400)
    url = reverse("editor-edit", kwargs={"code": saved.code})
    if json:
        return JsonResponse(
            {
                "saved": True,
                "code": saved.code,
                "version": saved.version,
                "url": url,
                "projectUrl": saved.get_absolute_url(),
            }  # fmt: skip
        )
    return HttpResponseRedirect(f"{url}?saved={saved.version}")


def _save(request, form: ProjectEditorForm, project: Project | None, comment: str) -> Project:
    instance = form.instance
    if project is None:
        instance.geom = form.cleaned_data["geom"]
        return actions.create_project(
            instance, user=request.user, door=Door.EDITOR, comment=comment
        )
    changes = {
        name: getattr(instance, name) for name in form.changed_data if name in form.Meta.fields
    }
    if form.has_changed_geometry():
        changes["geom"] = form.cleaned_data["geom"]
    return actions.update_project(
        instance,
        changes,
        expected_version=form.cleaned_data["expected_version"],
        user=request.user,
        door=Door.EDITOR,
        comment=comment,
    )


@require_POST
def geometry(request):
    """Read a typed or pasted geometry (`text`, `srid`, `kind`) or check a drawn one
    (`geometry`, GeoJSON): answers the geometry in WGS 84 and what the gate would refuse."""
    if refused := _refused(request, access.CHANGE):  # anyone who may change projects
        return refused
    if "text" in request.POST:
        try:
            srid = int(request.POST.get("srid") or 4326)
        except ValueError:
            srid = 0
        try:
            geom = parse_geometry(
                request.POST["text"], srid=srid, kind=request.POST.get("kind") or "polygon"
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
    else:
        try:
            geom = GEOSGeometry(request.POST.get("geometry", ""))
        except (GDALException, GEOSException, ValueError, TypeError):
            geom = None
        # GDAL reads 1e309 as an infinite coordinate, and "POINT(nan nan)" has no GeoJSON:
        # neither has anything to send back or check.
        unreadable = geom is None or not geom.geojson
        if unreadable or (not geom.empty and not all(map(math.isfinite, geom.extent))):
            return JsonResponse({"error": _("The geometry cannot be read.")}, status=400)
        geom.srid = geom.srid or 4326
    return JsonResponse(
        {
            "geometry": orjson.loads(geom.geojson),
            "problem": _problem_json(diagnose_project_geometry(geom)),
        }  # fmt: skip
    )
