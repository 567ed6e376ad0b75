"""Map pages: the public map, the planner map, the project page and the standalone export."""

import datetime
from functools import lru_cache

import orjson
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo.errors import BadRequest, NotFound
from geo.http import read_only
from layers.charts import ChartText, planned_pct, progress_chart_svg
from layers.forms import MapFilterForm
from layers.locator import locator_svg
from layers.maps import MAX_ZOOM, MIN_ZOOM, PROVINCE_CENTRE, PROVINCE_ZOOM, base_map
from layers.standalone import inline_assets
from layers.styles import (
    STATUS_STYLES,
    UNREPORTED,
    map_styles,
    status_line_svg,
    status_symbol_svg,
)
from layers.templatetags.mapformat import percent
from projects import exports, queries
from projects.access import can_see_unpublished, visible_projects
from projects.geojson import features, unreported_label
from projects.models import AdminUnit, DataVersion, ProgressReport, Status
from projects.queries import Parameters

# The map pages' own parameters: the filters their panel sets, and the view (lat, lon, z).
MAP_FILTERS = {"q", "layer", "status", "agency", "admin_unit", "priority", "published", "as_of"}
MAP_PARAMETERS = MAP_FILTERS | {"lat", "lon", "z"}
EXPORT_PARAMETERS = MAP_PARAMETERS | set(queries.REST_FILTERS)

CLUSTER_THRESHOLD = 300  # points in view above which they are clustered
CANVAS_THRESHOLD = 1500  # features above which lines and polygons are drawn on a canvas
TILES_THRESHOLD = 3000  # projects in view above which the map draws vector tiles
TILES_MAX_ZOOM = 16  # above it a view is small enough for GeoJSON: tiles are never asked for
LIST_LIMIT = 200  # projects listed under the map (the list says when it holds fewer than match)


def _read(request, *, planner: bool, accepted=MAP_PARAMETERS):
    """The page's parameters: the panel's filters (a 400 page naming a bad one) and the view
    from the permalink (lat, lon, z), or the province to be fitted."""
    params = Parameters(request.GET, accepted, strict=False)
    query = queries.read_query(params, user=request.user if planner else None)
    lat = params.number("lat", -90, 90)
    lon = params.number("lon", -180, 180)
    zoom = params.number("z", MIN_ZOOM, MAX_ZOOM)
    params.check()
    if lat is None or lon is None or zoom is None:
        return query, (PROVINCE_CENTRE, PROVINCE_ZOOM, True)
    return query, ((lat, lon), round(zoom * 4) / 4, False)


def _messages() -> dict[str, str]:
    return {
        "loading": _("Loading projects…"),
        "error": _("The projects could not be loaded. Check the connection and try again."),
        "count": _("%(shown)s in view · %(total)s matching in the province"),
        "countInView": _("%(shown)s projects in view"),
        "countAll": _("%(shown)s projects"),
        "truncated": _("Showing the first %(shown)s of %(total)s: zoom in or narrow the filters."),
        "listCapped": _(
            "The list shows %(shown)s of the %(total)s projects in view: zoom in, "
            "search or narrow the filters to see them all."
        ),
        "sector": _("Sector"),
        "status": _("Status"),
        "progress": _("Progress"),
        "leadAgency": _("Lead agency"),
        "period": _("Planned period"),
        "details": _("Project page"),
        "illustrative": _("Illustrative demo values"),
        "approximate": _("Approximate location"),
        "unpublished": _("Unpublished"),
        "notGiven": _("not given"),
        "showOnMap": _("Show on map"),
        "noResults": _("No project matches these filters here."),
        "unreported": unreported_label(),
        "reportedOn": _("Reported on"),
        "noReport": _("no report yet"),
    }


def _exports() -> list[dict]:
    """The download links of the map panel: every file format of the selection. Formats
    streamed row by row hold any number of projects; the others state their cap."""
    files = [
        {"name": fmt.name, "url": reverse("project-export", kwargs={"fmt": fmt.name}),
         "label": label, "limit": fmt.limit}
        for fmt, label in (
            (exports.FORMATS["geojson"], _("GeoJSON (web maps, QGIS)")),
            (exports.FORMATS["csv"], _("CSV table (Excel, LibreOffice)")),
            (exports.FORMATS["gpkg"], _("GeoPackage (QGIS, ArcGIS)")),
            (exports.FORMATS["shp"], _("Shapefile (zip)")),
            (exports.FORMATS["kml"], _("KML (Google Earth)")),
        )
    ]  # fmt: skip
    files.append({"name": "html", "url": reverse("map-export"), "limit": queries.MAX_LIMIT,
                  "label": _("This map as one HTML file (works offline)")})  # fmt: skip
    return files


@lru_cache(maxsize=4)
def _first_report_day(stamp: tuple) -> datetime.date | None:
    """The earliest progress report's date (the date control's lower bound), read once per
    data version: an aggregate over every report is not a thing to run on each map page."""
    return ProgressReport.objects.aggregate(first=Min("report_date"))["first"]


def _map_context(request, view, *, planner: bool, standalone: bool = False, day=None) -> dict:
    """`day` is the map's as_of (None: the current record, units in force today)."""
    first = _first_report_day(DataVersion.current())
    form = MapFilterForm(request.GET or None, planner=planner, day=day, first_day=first)
    centre, zoom, fit = view
    base = base_map(centre=centre, zoom=zoom, tiles=not standalone, day=day)
    parts = base.parts
    layers = [
        {"slug": layer.slug, "sector": layer.sector.code, "name": layer.display_name,
         "color": layer.color}
        for layer in form.thematic_layers
    ]  # fmt: skip
    config = {
        "mapName": parts["name"],
        "apiUrl": reverse("project-list"),
        "summaryUrl": reverse("project-summary"),
        "publicOnly": not planner,
        "planner": planner,
        "layers": layers,
        "activeLayers": form.active_layers(),
        "styles": map_styles(),
        "statusLabels": {value: str(label) for value, label in Status.choices},
        "messages": _messages(),
        "language": get_language(),
        "thresholds": {
            "cluster": CLUSTER_THRESHOLD,
            "canvas": CANVAS_THRESHOLD,
            "tiles": TILES_THRESHOLD,
            "list": LIST_LIMIT,
        },
        # One tile set holds every sector: one request per tile, the toggles in its query.
        "tileUrl": reverse("tile", kwargs={"layer": "projects", "z": 0, "x": 0, "y": 0}).replace(
            "/0/0/0.pbf", "/{z}/{x}/{y}.pbf"
        ),
        "tileMaxZoom": TILES_MAX_ZOOM,
        "features": None,
        "fitBounds": base.province_bounds if fit else None,
        "asOf": day.isoformat() if day else None,
        # Units of the filter, with their validity: a new day drops a unit not in force then.
        "unitPeriods": {
            unit.code: [_iso(unit.valid_from), _iso(unit.valid_to)] for unit in form.units
        },
    }
    legend = [
        {"value": value, "label": label, "symbol": status_symbol_svg(value),
         "line": status_line_svg(value)}
        for value, label in Status.choices
        if value in STATUS_STYLES
    ]  # fmt: skip
    if day:
        legend.append({"value": UNREPORTED, "label": unreported_label(),
                       "symbol": status_symbol_svg(UNREPORTED),
                       "line": status_line_svg(UNREPORTED)})  # fmt: skip
    return {
        "form": form,
        "exports": _exports(),
        "map": parts,
        "config": config,
        "legend": legend,
        "planner": planner,
        "standalone": standalone,
        "as_of": day,
        "latest_url": _without(request, "as_of"),
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _without(request, name: str) -> str:
    """This page's address without one parameter (the link back to the latest figures)."""
    query = request.GET.copy()
    query.pop(name, None)
    return f"{request.path}?{query.urlencode()}"


@read_only
def public_map(request):
    """The public map: published projects and public fields only, whoever is looking."""
    query, view = _read(request, planner=False)
    context = _map_context(request, view, planner=False, day=query.as_of)
    return render(request, "layers/map.html", context)


@read_only
def planner_map(request):
    """The whole provincial picture: unpublished projects too (marked), internal fields."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_unpublished(request.user):
        raise PermissionDenied
    query, view = _read(request, planner=True)
    context = _map_context(request, view, planner=True, day=query.as_of)
    return render(request, "layers/map.html", context)


@read_only
def export_map(request):
    """The current selection as one HTML file that opens with no internet (for reports)."""
    planner = can_see_unpublished(request.user) and request.GET.get("published") != "true"
    # A file of the selection takes every filter of the list (links from the API work too).
    query, view = _read(request, planner=planner, accepted=EXPORT_PARAMETERS)
    user = request.user if planner else None
    context = _map_context(request, view, planner=planner, standalone=True, day=query.as_of)
    selection = queries.select(user, query)
    count = selection.count()
    if count > queries.MAX_LIMIT:
        # A page that holds every feature has a cap; say so rather than cut the selection.
        raise BadRequest(
            _("The selection holds %(count)s projects; a map file holds at most %(max)s. "
              "Narrow it with the filters or the view, or download GeoJSON or CSV, which hold "
              "any number.") % {"count": count, "max": queries.MAX_LIMIT}
        )  # fmt: skip
    # Round-trip through orjson: the page embeds plain JSON, not raw geometry fragments.
    rows = features(selection, internal=planner)
    context["config"]["features"] = orjson.loads(orjson.dumps(rows))
    context["config"]["siteUrl"] = request.build_absolute_uri("/")
    context["generated"] = datetime.datetime.now()
    page = render_to_string("layers/map.html", context, request=request)
    response = HttpResponse(inline_assets(page), content_type="text/html; charset=utf-8")
    stem = exports.selection_name(query, prefix="ban-do-du-an")
    filename = f"{stem}-{datetime.date.today():%Y%m%d}.html"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chart(project, reports) -> str:
    """The progress chart with its words: planned (assumed linear) against reported."""
    start, end = project.planned_start, project.planned_end
    statuses = {value: str(label) for value, label in Status.choices}
    latest = next((r for r in reversed(reports) if r.progress_pct is not None), None)
    summary = ""
    if latest is not None:
        summary = _("Latest report, %(date)s: %(pct)s (%(status)s).") % {
            "date": f"{latest.report_date:%d/%m/%Y}",
            "pct": percent(latest.progress_pct),
            "status": statuses[latest.status],
        }
        expected = planned_pct(latest.report_date, start, end)
        if expected is not None:
            summary += " " + _("Planned by then: %(pct)s.") % {"pct": percent(round(expected))}
    text = ChartText(
        title=_("Physical progress (%) by report date, planned and reported"),
        actual=_("Reported progress"),
        planned=_(
            "Planned progress, assumed to rise evenly from 0 %% on the planned start "
            "(%(start)s) to 100 %% on the planned end (%(end)s): the plan gives no schedule."
        )
        % {"start": f"{start:%d/%m/%Y}" if start else "", "end": f"{end:%d/%m/%Y}" if end else ""},
        dots=_(
            "Each mark is a report; its shape and colour show the status reported, as on the map:"
        ),
        summary=summary,
        status_labels=statuses,
    )
    return progress_chart_svg(reports, text=text, planned_start=start, planned_end=end)


def _unit_context(project, today: datetime.date) -> dict:
    """The project's units valid today, those it lay in before (the former districts), and
    whether today's units lack boundaries, so the page says why it names none."""
    return {
        "units": project.units_on(today),
        "former_units": project.admin_units.below_province().filter(valid_to__lt=today),
        "units_unmapped": AdminUnit.objects.valid_on(today)
        .below_province()
        .filter(geom__isnull=True)
        .exists(),
    }


@read_only
def project_detail(request, code):
    Parameters(request.GET, ()).check()
    project = None
    if queries.PROJECT_CODE.fullmatch(code):
        project = visible_projects(request.user).filter(code=code).first()
    if project is None:
        raise NotFound(_("No project has the code “%(code)s” (or it is not published).") % {
            "code": code[:40]})  # fmt: skip
    reports = list(
        project.progress_reports.select_related("reporting_agency").order_by("report_date")
    )
    geometry = orjson.loads(project.geom.geojson)
    extent = project.geom.extent
    parts = base_map(
        centre=((extent[1] + extent[3]) / 2, (extent[0] + extent[2]) / 2), zoom=12
    ).parts
    style = STATUS_STYLES[Status(project.status)]
    context = {
        "project": project,
        "participations": project.participations.select_related("agency").order_by("role"),
        "reports": reports,
        "chart": _chart(project, reports),
        "locator": locator_svg(
            getattr(AdminUnit.objects.plan_province(), "geom", None),
            project.geom,
            status=project.status,
            title=_("Where the project lies in the province"),
        ),
        "page_url": request.build_absolute_uri(project.get_absolute_url()),
        "today": timezone.localdate(),
        **_unit_context(project, timezone.localdate()),
        "map": parts,
        "status_symbol": status_symbol_svg(project.status),
        "config": {
            "mapName": parts["name"],
            "feature": {"type": "Feature", "geometry": geometry, "properties": {}},
            "style": style,
            "shapes": map_styles()["shapes"],
            "messages": {
                "copied": _("Link copied. Paste it into a message or an e-mail."),
                "copyYourself": _("Copy this link:"),
                "link": _("Link to this page"),
            },
        },
        "can_see_unpublished": can_see_unpublished(request.user),
    }
    return render(request, "layers/project_detail.html", context)
