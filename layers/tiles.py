"""Vector tiles of the project layers, and their TileJSON."""

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from geo.tiles import valid_tile
from layers import sql
from layers.models import Layer
from projects.access import can_see_unpublished, visible_projects
from projects.api import conditional
from projects.filters import filter_projects

MVT = "application/vnd.mapbox-vector-tile"
MIN_ZOOM, MAX_ZOOM = 0, 18
ALL = "projects"


def _selection(request, layer_slug: str):
    """The caller's visible projects of the layer (or all), with the API's filters applied."""
    projects = visible_projects(request.user)
    if layer_slug != ALL:
        layer = Layer.objects.filter(slug=layer_slug, kind=Layer.Kind.THEMATIC).first()
        if layer is None or (not layer.is_public and not can_see_unpublished(request.user)):
            raise Http404(_("No layer “%(slug)s”.") % {"slug": layer_slug})
        projects = projects.filter(sector_id=layer.sector_id)
    return filter_projects(request.user, request.GET, queryset=projects)


@require_GET
@gzip_page
def tile(request, layer, z, x, y):
    if not valid_tile(z, x, y) or z > MAX_ZOOM:
        raise Http404(_("No tile %(z)s/%(x)s/%(y)s.") % {"z": z, "x": x, "y": y})
    selection = _selection(request, layer)
    if not selection.is_valid():
        return JsonResponse(dict(selection.errors.items()), status=400)
    internal = can_see_unpublished(request.user)

    def build():
        body = sql.mvt_tile(selection.qs, layer, z, x, y, internal=internal)
        return HttpResponse(body, content_type=MVT)

    response = conditional(request, build, extra="mvt")
    if not internal:
        response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def tilejson(request, layer):
    selection = _selection(request, layer)
    if not selection.is_valid():
        return JsonResponse(dict(selection.errors.items()), status=400)
    template = request.build_absolute_uri(
        reverse("tile", kwargs={"layer": layer, "z": 0, "x": 0, "y": 0})
    ).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    query = request.GET.urlencode()
    fields = {
        "code": "String", "name": "String", "sector": "String", "status": "String",
        "progress_pct": "Number",
    }  # fmt: skip
    if can_see_unpublished(request.user):
        fields["is_published"] = "Boolean"
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
        "bounds": [108.55, 13.45, 109.40, 14.75],
        "center": [108.95, 14.1, 9],
        "vector_layers": [{"id": layer, "fields": fields, "minzoom": MIN_ZOOM,
                           "maxzoom": MAX_ZOOM}],
        "attribution": _("Demonstration data; approximate locations."),
    }  # fmt: skip
    return JsonResponse(body)
