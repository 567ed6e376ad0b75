"""OGC API – Features Part 4 (Create, Replace, Update, Delete) on a collection's items.

The reads stay in layers.ogc; this module answers OPTIONS, POST, PUT, PATCH and DELETE on the
same two routes. Every write goes through projects.writes, so it is validated, authorised
(projects.access), version-checked (If-Match: 428 without, 412 when stale) and recorded in
history exactly as a REST write is, with the door "ogc". The views are DRF views for one
reason: the same authentication as the REST API (a personal token, which needs no CSRF token;
a browser session, which does).

QGIS's OAPIF provider sends OPTIONS to `…/items` and enables adding features only when `POST`
is in the `Allow` header, then OPTIONS to one item (an existing one, or a made-up id when the
collection is empty) for `PUT`, `PATCH` and `DELETE`. So `Allow` lists what *this caller* may
do, and an unknown item answers with the caller's general rights rather than 404.
"""

import orjson
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geo.crs import CRS84, ogc_crs_uris, parse_content_crs
from geo.errors import BadRequest, MethodNotAllowed, NotFound, UnsupportedMediaType
from geo.http import SAFE_METHODS
from layers import ogc
from projects import access, queries, writes
from projects.access import can_see_unpublished
from projects.models import Door, Project, Sector
from projects.queries import Parameters, ProjectQuery

READ = ["GET", "HEAD", "OPTIONS"]
BODY_TYPES = ("application/geo+json", "application/json")


class _AnyAccept(BaseContentNegotiation):
    """Writes answer GeoJSON (or the OGC exception JSON) whatever the Accept header says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return None


class _Write(APIView):
    renderer_classes = [JSONRenderer]
    parser_classes = []  # the body is read by projects.writes
    content_negotiation_class = _AnyAccept
    allow = READ  # for a 405: what this resource offers at all

    @property
    def default_response_headers(self):
        return {}  # DRF would name every method of the class in Allow; ours is the caller's

    def perform_authentication(self, request):
        """Authenticate when the view first asks who is calling, not before: a method or a
        collection that takes no writes is a 405, never a CSRF refusal."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code == 405:
            response["Allow"] = ", ".join(self.allow)
        return response


class _ItemsWrite(_Write):
    allow = [*READ, "POST"]

    def options(self, request, collection_id):
        found = _collection(request, collection_id)
        allowed = list(READ)
        if found.kind == "projects" and access.can(request.user, access.CREATE):
            allowed.append("POST")
        return _allow(allowed)

    def post(self, request, collection_id):
        found = _writable(self, request, collection_id)
        writes.require(request.user, access.CREATE)
        changes = _changes(request, found, partial=False)
        project = writes.create(request, changes, door=Door.OGC)
        response = _written(request, found, project, status=201)
        response["Location"] = request.build_absolute_uri(
            reverse("ogc-item", args=[found.id, project.code])
        )
        return response


class _ItemWrite(_Write):
    allow = [*READ, "PUT", "PATCH", "DELETE"]

    def options(self, request, collection_id, feature_id):
        found = _collection(request, collection_id)
        allowed = list(READ)
        if found.kind == "projects":
            project = _find(request, found, feature_id)
            able = access.abilities(request.user, project)  # general rights for an unknown id
            if access.CHANGE in able:
                allowed += ["PUT", "PATCH"]
            elif access.PUBLISH in able:
                allowed.append("PATCH")  # publishing alone
            if access.DELETE in able:
                allowed.append("DELETE")
        return _allow(allowed)

    def put(self, request, collection_id, feature_id):
        return self._change(request, collection_id, feature_id, partial=False)

    def patch(self, request, collection_id, feature_id):
        return self._change(request, collection_id, feature_id, partial=True)

    def delete(self, request, collection_id, feature_id):
        found = _writable(self, request, collection_id)
        writes.delete(request, _for_write(request, found, feature_id), door=Door.OGC)
        return HttpResponse(status=204)

    def _change(self, request, collection_id, feature_id, *, partial):
        found = _writable(self, request, collection_id)
        project = _for_write(request, found, feature_id)
        changes = _changes(request, found, partial=partial, project=project)
        project = writes.change(request, project, changes, door=Door.OGC)
        return _written(request, found, project)


def _routes(read, write):
    """One URL, two views: reads (GET, HEAD) as layers.ogc answers them, the rest here."""

    @csrf_exempt  # a session write is CSRF-checked by DRF; a token write needs no CSRF token
    def route(request, *args, **kwargs):
        view = read if request.method in SAFE_METHODS else write
        return view(request, *args, **kwargs)

    return route


items = _routes(ogc.items, _ItemsWrite.as_view())
item = _routes(ogc.item, _ItemWrite.as_view())


# ---- pieces ---------------------------------------------------------------------------------


def _allow(methods: list[str]) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(methods)
    response["Cache-Control"] = "no-store"
    response["Vary"] = "Authorization, Cookie"
    return response


def _collection(request, collection_id) -> ogc.Collection:
    Parameters(request.GET, ogc.DOCUMENT).check()
    return ogc._collection(request, collection_id)


def _writable(view, request, collection_id) -> ogc.Collection:
    """The collection a write names: only project collections take writes. (The read-only one
    is refused before anything asks who is calling, so a session gets its 405, not a CSRF
    refusal.)"""
    if collection_id == ogc.UNITS:
        view.allow = READ
        raise MethodNotAllowed(
            _("“%(id)s” is read-only: write projects in /ogc/collections/projects or in a "
              "sector's collection.") % {"id": collection_id}
        )  # fmt: skip
    return _collection(request, collection_id)


def _find(request, found, feature_id) -> Project | None:
    if not queries.PROJECT_CODE.fullmatch(feature_id):
        return None
    return found.queryset(request.user).filter(code=feature_id).first()


def _for_write(request, found, feature_id) -> Project:
    """401 for the anonymous first; then 404 for a project the caller cannot see or that is
    in another collection (a write never reveals that a hidden project exists)."""
    if not request.user.is_authenticated:
        writes.require(request.user, access.CHANGE)
    project = _find(request, found, feature_id)
    if project is None:
        raise NotFound(_("No feature “%(id)s” in “%(collection)s”.") % {
            "id": feature_id[:40], "collection": found.id})  # fmt: skip
    return project


def _content_crs(request) -> tuple[int, bool]:
    header = request.headers.get("Content-Crs", "")
    try:
        return parse_content_crs(header)
    except ValueError as error:
        raise BadRequest(
            _("The Content-Crs “%(value)s” is not offered. Send the geometry in one of: "
              "%(list)s (in angle brackets), or leave the header out for CRS84 longitude, "
              "latitude.") % {"value": header[:80], "list": ", ".join(ogc_crs_uris())},
            parameter="Content-Crs",
        ) from error  # fmt: skip


def _changes(request, found, *, partial: bool, project: Project | None = None) -> dict:
    """The Feature in the body as changes for the write path. A sector's collection holds that
    sector's projects: a feature posted there gets the sector, and may not name another."""
    kind = (request.content_type or "").split(";")[0].strip().lower()
    if kind and kind not in BODY_TYPES:
        raise UnsupportedMediaType(
            _("Send the feature as application/geo+json (or application/json), not %(type)s.")
            % {"type": kind[:60]}
        )
    srid, swap = _content_crs(request)
    feature = writes.parse_body(request.body)
    if found.sector_id is not None:
        sector = Sector.objects.get(pk=found.sector_id).code
        if feature.get("properties") is None:
            feature["properties"] = {}
        properties = feature["properties"]
        if isinstance(properties, dict):  # anything else is refused by read_feature
            given = properties.get("sector")
            if given in (None, "") and not partial:
                properties["sector"] = sector
            elif given not in (None, "") and str(given) != sector:
                raise BadRequest(
                    _("This collection holds the sector %(sector)s; “%(given)s” belongs in "
                      "its own collection (or in /ogc/collections/projects).")
                    % {"sector": sector, "given": str(given)[:32]},
                    parameter="sector",
                )  # fmt: skip
    return writes.read_feature(feature, partial=partial, project=project, srid=srid, swap=swap)


def _written(request, found, project: Project, status: int = 200) -> HttpResponse:
    """The feature as a GET of it now gives it (CRS84), with its new strong ETag."""
    selection = queries.select(request.user, ProjectQuery(codes=(project.code,)),
                               found.queryset(request.user))  # fmt: skip
    rows = queries.page(selection, limit=1, offset=0,
                        internal=can_see_unpublished(request.user)).features  # fmt: skip
    body = orjson.dumps(rows[0]) if rows else b"{}"
    response = HttpResponse(body, status=status, content_type=ogc.GEOJSON)
    response["ETag"] = writes.etag(project)
    response["Content-Crs"] = f"<{CRS84}>"
    response["Cache-Control"] = "no-store"
    return response
