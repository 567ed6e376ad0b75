"""Vector tiles of the project layers, and their TileJSON.

`/tiles/projects/…` holds every project the caller may see; `/tiles/<layer>/…` one thematic
layer's. Both take the same filters as the REST list (projects.queries), in the same spelling.
"""

from django.contrib.gis.db.models import Extent
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from geo.errors import NotFound
from geo.http import read_only
from geo.region import PROVINCE_BBOX, PROVINCE_ZOOM, bbox_centre
from geo.tiles import valid_tile
from layers import sql
from projects.access import can_see_unpublished, visible_layer_slugs, visible_projects
from projects.caching import conditional
from projects.queries import REST_FILTERS, Parameters, read_query, select

MVT = "application/vnd.mapbox-vector-tile"
MIN_ZOOM, MAX_ZOOM = 0, 18
ALL = "projects"
TILE_PARAMETERS = set(REST_FILTERS)
# What a tile carries for each project (a client reads the rest from /api/v1/projects/<code>/).
FIELDS = {
    "code": "String",
    "name": "String",
    "sector": "String",
    "status": "String",
    "progress_pct": "Number",
}


def _selection(request, layer_slug: str):
    """The caller's visible projects of the layer (or all), with the list's filters applied."""
    projects = visible_projects(request.user)
    if layer_slug != ALL:
        layers = visible_layer_slugs(request.user)
        if layer_slug not in layers:
            raise NotFound(_("No layer “%(slug)s”.") % {"slug": layer_slug})
        projects = projects.filter(sector_id=layers[layer_slug])
    params = Parameters(request.GET, TILE_PARAMETERS)
    query = read_query(params, user=request.user)
    params.check()
    return select(request.user, query, projects)


@read_only
def tile(request, layer, z, x, y):
    if not valid_tile(z, x, y) or z > MAX_ZOOM:
        raise NotFound(
            _("No tile %(z)s/%(x)s/%(y)s: zoom runs from %(min)s to %(max)s, and x and y from 0 "
              "to 2^zoom − 1.") % {"z": z, "x": x, "y": y, "min": MIN_ZOOM, "max": MAX_ZOOM}
        )  # fmt: skip
    projects = _selection(request, layer)
    internal = can_see_unpublished(request.user)

    def build():
        body = sql.mvt_tile(projects, layer, z, x, y, internal=internal)
        return HttpResponse(body, content_type=MVT)

    return conditional(request, build, variant="mvt", max_age=300 if not internal else 60)


def _bounds(projects) -> list[float]:
    """The projects' extent grown to hold the province (works run beyond it: the Quy Nhơn–Pleiku
    expressway reaches Pleiku), rounded outwards."""
    extent = projects.order_by().aggregate(box=Extent("geom"))["box"] or PROVINCE_BBOX
    west, south, east, north = (
        min(extent[0], PROVINCE_BBOX[0]), min(extent[1], PROVINCE_BBOX[1]),
        max(extent[2], PROVINCE_BBOX[2]), max(extent[3], PROVINCE_BBOX[3]),
    )  # fmt: skip
    return [
        round(west - 0.005, 2), round(south - 0.005, 2),
        round(east + 0.005, 2), round(north + 0.005, 2),
    ]  # fmt: skip


@read_only
def tilejson(request, layer):
    projects = _selection(request, layer)
    template = request.build_absolute_uri(
        reverse("tile", kwargs={"layer": layer, "z": 0, "x": 0, "y": 0})
    ).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    query = request.GET.urlencode()
    fields = dict(FIELDS)
    if can_see_unpublished(request.user):
        fields["is_published"] = "Boolean"
    bounds = _bounds(projects)
    lon, lat = bbox_centre(PROVINCE_BBOX)
    body = {
        "tilejson": "3.0.0",
        "name": layer,
        "description": _(
            "Projects of the 2024 plan as vector tiles; each project's other fields are at "
            "/api/v1/projects/<code>/."
        ),
        "tiles": [f"{template}?{query}" if query else template],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [round(lon, 4), round(lat, 4), PROVINCE_ZOOM],
        "vector_layers": [{"id": layer, "fields": fields, "minzoom": MIN_ZOOM,
                           "maxzoom": MAX_ZOOM}],
        "attribution": _("Demonstration data; approximate locations."),
    }  # fmt: skip
    return JsonResponse(body)
