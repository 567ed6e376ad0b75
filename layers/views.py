"""Map pages: the public map, the planner map, the project page and the standalone export."""

import datetime
from functools import lru_cache

import orjson
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layers.charts import progress_chart_svg
from layers.forms import MapFilterForm
from layers.maps import MAX_ZOOM, MIN_ZOOM, PROVINCE_CENTRE, PROVINCE_ZOOM, build_map, render_parts
from layers.standalone import inline_assets
from layers.styles import STATUS_STYLES, map_styles, status_line_svg, status_symbol_svg
from projects.access import can_see_unpublished, visible_projects
from projects.api import MAX_LIMIT
from projects.filters import filter_projects
from projects.geojson import features
from projects.models import PLAN_DATE, AdminUnit, DataVersion, Status

CLUSTER_THRESHOLD = 300  # points per layer above which they are clustered
CANVAS_THRESHOLD = 1500  # features above which lines and polygons are drawn on a canvas
TILES_THRESHOLD = 3000  # projects in view above which the map draws vector tiles


def _boundaries() -> tuple[dict, list[tuple[float, float, str]]]:
    """The plan's province and districts as GeoJSON, and a label point for each district."""
    return _boundaries_for(DataVersion.current(), get_language())


@lru_cache(maxsize=8)
def _boundaries_for(stamp: tuple, language: str):
    """Read once per data stamp and language (every map page draws them; they rarely
    change). Callers must not modify the result."""
    units = (
        AdminUnit.objects.valid_on(PLAN_DATE)
        .exclude(geom=None)
        .annotate(geojson=AsGeoJSON("geom", precision=5), label=PointOnSurface("geom"))
        .order_by("level", "code")
    )
    collection = {"type": "FeatureCollection", "features": []}
    labels = []
    for unit in units:
        collection["features"].append(
            {
                "type": "Feature",
                "geometry": orjson.loads(unit.geojson),
                "properties": {
                    "code": unit.code,
                    "level": unit.level,
                    "display_name": unit.display_name,
                },
            }
        )
        if unit.level == AdminUnit.Level.DISTRICT:
            labels.append((unit.label.y, unit.label.x, unit.display_name))
    return collection, labels


def _view(request) -> tuple[tuple[float, float], float, bool]:
    """The map view from the permalink (lat, lon, z); otherwise the province, to be fitted."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        zoom = round(float(request.GET["z"]) * 4) / 4
        if -90 <= lat <= 90 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM:
            return (lat, lon), zoom, False
    except (KeyError, ValueError):
        pass
    return PROVINCE_CENTRE, PROVINCE_ZOOM, True


def _extent(collection: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the province, for Leaflet's fitBounds."""
    province = [f for f in collection["features"] if f["properties"]["level"] == "province"]
    if not province:
        return None
    lons, lats = [], []
    for polygon in province[0]["geometry"]["coordinates"]:
        for lon, lat in polygon[0]:
            lons.append(lon)
            lats.append(lat)
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _layer_names() -> dict[str, str]:
    return {
        "basemap": _("Base map"),
        "province": _("Province boundary"),
        "district": _("District boundaries (to 30/6/2025)"),
        "labels": _("District names"),
    }


def _messages() -> dict[str, str]:
    return {
        "loading": _("Loading projects…"),
        "error": _("The projects could not be loaded. Check the connection and try again."),
        "count": _("%(shown)s projects in view (of %(total)s matching)"),
        "countAll": _("%(shown)s projects"),
        "truncated": _("Showing the first %(shown)s of %(total)s: zoom in or narrow the filters."),
        "tiles": _("%(total)s projects in view, drawn as vector tiles; zoom in to list them all."),
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
    }


def _map_context(request, *, planner: bool, standalone: bool = False) -> dict:
    form = MapFilterForm(request.GET or None, planner=planner)
    boundaries, labels = _boundaries()
    centre, zoom, fit = _view(request)
    folium_map = build_map(
        centre=centre,
        zoom=zoom,
        tiles_url="" if standalone else settings.MAP_TILES_URL,
        tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        boundaries=boundaries,
        labels=labels,
        names=_layer_names(),
    )
    parts = render_parts(folium_map)
    layers = [
        {"slug": layer.slug, "sector": layer.sector.code, "name": layer.display_name,
         "color": layer.color}
        for layer in form.thematic_layers
    ]  # fmt: skip
    config = {
        "mapName": parts["name"],
        "apiUrl": reverse("project-list"),
        "exportUrl": reverse("map-export"),
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
        },
        "tileUrl": reverse("tile", kwargs={"layer": "LAYER", "z": 0, "x": 0, "y": 0}).replace(
            "/0/0/0.pbf", "/{z}/{x}/{y}.pbf"
        ),
        "features": None,
        "fitBounds": _extent(boundaries) if fit else None,
    }
    legend = [
        {"label": label, "symbol": status_symbol_svg(value), "line": status_line_svg(value)}
        for value, label in Status.choices
        if value in STATUS_STYLES
    ]
    return {
        "form": form,
        "map": parts,
        "config": config,
        "legend": legend,
        "planner": planner,
        "standalone": standalone,
    }


def public_map(request):
    """The public map: published projects and public fields only, whoever is looking."""
    return render(request, "layers/map.html", _map_context(request, planner=False))


@login_required
def planner_map(request):
    """The whole provincial picture: unpublished projects too (marked), internal fields."""
    if not can_see_unpublished(request.user):
        raise PermissionDenied
    return render(request, "layers/map.html", _map_context(request, planner=True))


def export_map(request):
    """The current selection as one HTML file that opens with no internet (for reports)."""
    planner = can_see_unpublished(request.user) and request.GET.get("published") != "true"
    selection = filter_projects(request.user if planner else None, request.GET)
    if not selection.is_valid():
        return HttpResponse(
            orjson.dumps({"errors": selection.errors}), status=400, content_type="application/json"
        )
    context = _map_context(request, planner=planner, standalone=True)
    # Round-trip through orjson: the page embeds plain JSON, not raw geometry fragments.
    context["config"]["features"] = orjson.loads(
        orjson.dumps(features(selection.qs[:MAX_LIMIT], internal=planner))
    )
    context["config"]["siteUrl"] = request.build_absolute_uri("/")
    context["generated"] = datetime.datetime.now()
    html = render_to_string("layers/map.html", context, request=request)
    response = HttpResponse(inline_assets(html), content_type="text/html; charset=utf-8")
    filename = f"ban-do-du-an-{datetime.date.today():%Y%m%d}.html"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def project_detail(request, code):
    project = get_object_or_404(
        visible_projects(request.user).select_related("sector", "lead_agency"), code=code
    )
    reports = list(
        project.progress_reports.select_related("reporting_agency").order_by("report_date")
    )
    boundaries, labels = _boundaries()
    geometry = orjson.loads(project.geom.geojson)
    extent = project.geom.extent
    folium_map = build_map(
        centre=((extent[1] + extent[3]) / 2, (extent[0] + extent[2]) / 2),
        zoom=12,
        tiles_url=settings.MAP_TILES_URL,
        tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        boundaries=boundaries,
        labels=labels,
        names=_layer_names(),
    )  # fmt: skip
    parts = render_parts(folium_map)
    style = STATUS_STYLES[Status(project.status)]
    context = {
        "project": project,
        "participations": project.participations.select_related("agency").order_by("role"),
        "reports": reports,
        "chart": progress_chart_svg(reports, title=_("Physical progress (%) by report date")),
        "map": parts,
        "status_symbol": status_symbol_svg(project.status),
        "config": {
            "mapName": parts["name"],
            "feature": {"type": "Feature", "geometry": geometry, "properties": {}},
            "style": style,
            "shapes": map_styles()["shapes"],
        },
        "can_see_unpublished": can_see_unpublished(request.user),
    }
    return render(request, "layers/project_detail.html", context)
