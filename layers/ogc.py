"""OGC API – Features: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS by reference).

Collections: `projects` (every project the caller may see), one per thematic layer (its
sector's projects) and `admin-units` (the province and former districts). The same
visibility rule as everywhere: anonymous callers see published projects only.
"""

import datetime
import re

import orjson
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from geo.crs import CRS84, STORAGE_SRID, ogc_crs_uri, ogc_crs_uris, parse_ogc_crs
from layers.models import Layer
from projects.access import can_see_unpublished, visible_projects
from projects.api import conditional
from projects.geojson import feature_collection, features, geometry_json
from projects.models import PLAN_DATE, AdminUnit

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 10, 10000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
# Query parameters of /items besides the property filters.
STANDARD = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs"}
# Property filters: query parameter → model lookup (exact match; several values with commas).
PROJECT_PROPERTIES = {
    "code": "code",
    "status": "status",
    "sector": "sector__code",
    "project_type": "project_type",
    "priority": "priority",
    "lead_agency": "lead_agency__code",
    "location_precision": "location_precision",
}
UNIT_PROPERTIES = {"code": "code", "level": "level", "kind": "kind"}


class BadRequest(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def _error(exc: BadRequest) -> JsonResponse:
    return JsonResponse(
        {"code": "InvalidParameterValue", "parameter": exc.parameter, "description": exc.message},
        status=400,
    )


def _html(request) -> bool:
    wanted = request.GET.get("f")
    if wanted:
        return wanted == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


def _json(body, content_type="application/json", status=200) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), content_type=content_type, status=status)


def _url(request, name, *args, **query) -> str:
    url = request.build_absolute_uri(reverse(name, args=args))
    pairs = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{url}?{pairs}" if pairs else url


# ---- collections ----------------------------------------------------------------------------


def _collections(request) -> dict[str, dict]:
    """id → {title, description, queryset factory, kind} for every collection the caller sees."""
    user = request.user
    result = {
        "projects": {
            "title": _("Infrastructure projects"),
            "description": _("Every project of the 2024 plan, all sectors."),
            "kind": "projects",
            "queryset": lambda: visible_projects(user),
        }
    }
    layers = Layer.objects.filter(kind=Layer.Kind.THEMATIC).select_related("sector")
    if not can_see_unpublished(user):
        layers = layers.filter(is_public=True)
    for layer in layers:
        result[layer.slug] = {
            "title": layer.display_name,
            "description": _("Projects of the sector “%(sector)s” (plan section %(section)s).")
            % {"sector": layer.sector.display_name, "section": layer.sector.plan_section},
            "kind": "projects",
            "queryset": lambda sector=layer.sector_id: visible_projects(user).filter(
                sector_id=sector
            ),
        }
    result["admin-units"] = {
        "title": _("Administrative units"),
        "description": _("The province and its former districts, valid until 30 June 2025."),
        "kind": "units",
        "queryset": lambda: AdminUnit.objects.valid_on(PLAN_DATE).exclude(geom=None),
    }
    return result


def _collection(request, collection_id) -> dict:
    collections = _collections(request)
    if collection_id not in collections:
        raise Http404(_("No collection “%(id)s”.") % {"id": collection_id})
    return collections[collection_id]


def _describe(request, collection_id: str, info: dict) -> dict:
    queryset = info["queryset"]()
    extent = queryset.aggregate(box=Extent("geom"))["box"] or (108.6, 13.5, 109.4, 14.7)
    description = {
        "id": collection_id,
        "title": info["title"],
        "description": info["description"],
        "itemType": "feature",
        "crs": ogc_crs_uris(),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [[round(v, 6) for v in extent]], "crs": CRS84}},
        "links": [
            {"rel": "self", "type": "application/json", "title": info["title"],
             "href": _url(request, "ogc-collection", collection_id)},
            {"rel": "items", "type": GEOJSON, "title": _("Features as GeoJSON"),
             "href": _url(request, "ogc-items", collection_id)},
            {"rel": "items", "type": "text/html", "title": _("Features as HTML"),
             "href": _url(request, "ogc-items", collection_id, f="html")},
        ],
    }  # fmt: skip
    if info["kind"] == "projects":
        period = queryset.aggregate(start=Min("planned_start"), end=Max("planned_end"))
        if period["start"] or period["end"]:
            description["extent"]["temporal"] = {
                "interval": [[_instant(period["start"]), _instant(period["end"])]],
                "trs": "http://www.opengis.net/def/uri/ISO-8601/0/Gregorian",
            }
    return description


def _instant(day: datetime.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


# ---- parameters -----------------------------------------------------------------------------


def _crs(request, name: str) -> tuple[int, bool]:
    value = request.GET.get(name)
    if not value:
        return STORAGE_SRID, False
    try:
        return parse_ogc_crs(value)
    except ValueError:
        raise BadRequest(
            name,
            _("Unsupported coordinate system “%(value)s”; supported: %(list)s.")
            % {"value": value, "list": ", ".join(ogc_crs_uris())},
        ) from None


def _bbox_filter(request, queryset):
    value = request.GET.get("bbox")
    if not value:
        return queryset
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise BadRequest("bbox", _("bbox takes four numbers separated by commas.")) from None
    if len(numbers) != 4:
        raise BadRequest("bbox", _("bbox takes four numbers (2D): minx,miny,maxx,maxy."))
    srid, swap = _crs(request, "bbox-crs")
    if swap:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    xmin, ymin, xmax, ymax = numbers
    if xmin >= xmax or ymin >= ymax:
        raise BadRequest("bbox", _("bbox must give the lower corner first (min < max)."))
    if srid == STORAGE_SRID and not (xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90):
        raise BadRequest("bbox", _("bbox is outside longitude/latitude range; check bbox-crs."))
    box = Polygon.from_bbox((xmin, ymin, xmax, ymax))
    box.srid = srid
    if srid != STORAGE_SRID:
        box.transform(STORAGE_SRID)
    return queryset.filter(geom__intersects=box)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _day(text: str) -> datetime.date | None:
    if text in ("", ".."):
        return None
    if not _DATE.match(text):
        raise BadRequest(
            "datetime", _("Dates are RFC 3339, e.g. 2025-01-01 or 2025-01-01T00:00:00Z.")
        )
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise BadRequest("datetime", _("“%(value)s” is not a date.") % {"value": text}) from None


def _datetime_filter(request, queryset):
    """Projects whose planned period meets the instant or interval."""
    value = request.GET.get("datetime")
    if not value:
        return queryset
    start, _sep, end = value.partition("/")
    first, last = (_day(start), _day(end)) if _sep else (_day(start), _day(start))
    if first and last and first > last:
        raise BadRequest("datetime", _("The interval ends before it starts."))
    if last:
        queryset = queryset.filter(planned_start__lte=last)
    if first:
        queryset = queryset.filter(planned_end__gte=first)
    return queryset


def _property_filters(request, queryset, properties: dict):
    unknown = set(request.GET) - STANDARD - set(properties)
    if unknown:
        name = sorted(unknown)[0]
        raise BadRequest(
            name,
            _("Unknown parameter “%(name)s”. Filterable properties: %(list)s.")
            % {"name": name, "list": ", ".join(properties)},
        )
    for name, lookup in properties.items():
        if request.GET.get(name):
            queryset = queryset.filter(**{f"{lookup}__in": request.GET[name].split(",")})
    return queryset


def _paging(request) -> tuple[int, int]:
    try:
        limit = int(request.GET.get("limit", DEFAULT_LIMIT))
        offset = int(request.GET.get("offset", 0))
    except ValueError:
        raise BadRequest("limit", _("limit and offset are whole numbers.")) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest("limit", _("limit is between 1 and %(max)s.") % {"max": MAX_LIMIT})
    if offset < 0:
        raise BadRequest("offset", _("offset cannot be negative."))
    return limit, offset


# ---- views ----------------------------------------------------------------------------------


@require_GET
def landing(request):
    body = {
        "title": _("Bình Định infrastructure project map — OGC API Features"),
        "description": _("The plan's infrastructure projects and administrative units."),
        "links": [
            {"rel": "self", "type": "application/json", "title": _("This document"),
             "href": _url(request, "ogc-landing")},
            {"rel": "alternate", "type": "text/html", "title": _("This document as HTML"),
             "href": _url(request, "ogc-landing", f="html")},
            {"rel": "service-desc", "type": OPENAPI, "title": _("The API definition"),
             "href": _url(request, "ogc-openapi")},
            {"rel": "service-doc", "type": "text/html", "title": _("The API documentation"),
             "href": _url(request, "ogc-landing", f="html")},
            {"rel": "conformance", "type": "application/json", "title": _("Conformance"),
             "href": _url(request, "ogc-conformance")},
            {"rel": "data", "type": "application/json", "title": _("Collections"),
             "href": _url(request, "ogc-collections")},
        ],
    }  # fmt: skip
    if _html(request):
        return render(request, "layers/ogc/landing.html", {"body": body})
    return _json(body)


@require_GET
def conformance(request):
    body = {"conformsTo": CONFORMANCE}
    if _html(request):
        return render(request, "layers/ogc/conformance.html", {"body": body})
    return _json(body)


@require_GET
def collections(request):
    described = [_describe(request, cid, info) for cid, info in _collections(request).items()]
    body = {
        "links": [{"rel": "self", "type": "application/json",
                   "href": _url(request, "ogc-collections")}],
        "collections": described,
    }  # fmt: skip
    if _html(request):
        return render(request, "layers/ogc/collections.html", {"body": body})
    return _json(body)


@require_GET
def collection(request, collection_id):
    body = _describe(request, collection_id, _collection(request, collection_id))
    if _html(request):
        return render(request, "layers/ogc/collections.html", {"body": {"collections": [body]}})
    return _json(body)


@require_GET
@gzip_page
def items(request, collection_id):
    info = _collection(request, collection_id)
    try:
        srid, swap = _crs(request, "crs")
        limit, offset = _paging(request)
        queryset = info["queryset"]()
        properties = PROJECT_PROPERTIES if info["kind"] == "projects" else UNIT_PROPERTIES
        queryset = _property_filters(request, queryset, properties)
        queryset = _bbox_filter(request, queryset)
        if info["kind"] == "projects":
            queryset = _datetime_filter(request, queryset)
    except BadRequest as exc:
        return _error(exc)
    queryset = queryset.order_by("code")

    def build():
        matched = queryset.count()
        page = queryset[offset : offset + limit]
        links = [
            {"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()},
            {"rel": "collection", "type": "application/json",
             "href": _url(request, "ogc-collection", collection_id)},
        ]  # fmt: skip
        if offset + limit < matched:
            links.append(_page_link(request, "next", offset + limit, limit))
        if offset:
            links.append(_page_link(request, "prev", max(0, offset - limit), limit))
        members = dict(
            timeStamp=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            numberMatched=matched,
            numberReturned=max(0, min(limit, matched - offset)),
            links=links,
        )
        if _html(request):
            rows = _features(info, page, request, srid, swap)
            return render(request, "layers/ogc/items.html",
                          {"collection": info, "collection_id": collection_id,
                           "features": rows, "members": members})  # fmt: skip
        if info["kind"] == "projects":
            body = feature_collection(
                page, internal=can_see_unpublished(request.user), srid=srid, flip=swap,
                stamp=getattr(request, "data_stamp", None), **members,
            )  # fmt: skip
        else:
            body = orjson.dumps({"type": "FeatureCollection", **members,
                                 "features": _unit_features(page, srid, swap)})  # fmt: skip
        return HttpResponse(body, content_type=GEOJSON)

    response = conditional(request, build, extra=f"ogc|{srid}|{swap}")
    response["Content-Crs"] = _content_crs(srid, swap)
    return response


@require_GET
def item(request, collection_id, feature_id):
    info = _collection(request, collection_id)
    try:
        srid, swap = _crs(request, "crs")
    except BadRequest as exc:
        return _error(exc)
    queryset = info["queryset"]().filter(code=feature_id)
    rows = _features(info, queryset, request, srid, swap)
    if not rows:
        raise Http404(_("No feature “%(id)s” in “%(collection)s”.")
                      % {"id": feature_id, "collection": collection_id})  # fmt: skip
    feature = rows[0]
    feature["links"] = [
        {"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()},
        {"rel": "collection", "type": "application/json",
         "href": _url(request, "ogc-collection", collection_id)},
    ]  # fmt: skip
    if _html(request):
        return render(request, "layers/ogc/items.html",
                      {"collection": info, "collection_id": collection_id, "features": rows,
                       "members": {"numberReturned": 1}})  # fmt: skip
    response = HttpResponse(orjson.dumps(feature), content_type=GEOJSON)
    response["Content-Crs"] = _content_crs(srid, swap)
    return response


def _page_link(request, rel: str, offset: int, limit: int) -> dict:
    query = request.GET.copy()
    query["offset"], query["limit"] = offset, limit
    href = f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"
    return {"rel": rel, "type": GEOJSON, "href": href}


def _content_crs(srid: int, swap: bool) -> str:
    return f"<{CRS84 if srid == STORAGE_SRID and not swap else ogc_crs_uri(srid)}>"


def _features(info, queryset, request, srid, swap) -> list[dict]:
    if info["kind"] == "projects":
        return orjson.loads(orjson.dumps(features(
            queryset, internal=can_see_unpublished(request.user), srid=srid, flip=swap
        )))  # fmt: skip
    return orjson.loads(orjson.dumps(_unit_features(queryset, srid, swap)))


def _unit_features(queryset, srid, swap) -> list[dict]:
    rows = queryset.values_list(
        "code", "name", "name_en", "level", "kind", "valid_from", "valid_to",
        geometry_json(srid=srid, flip=swap),
    )  # fmt: skip
    return [
        {"type": "Feature", "id": code, "geometry": orjson.Fragment(geojson),
         "properties": {"code": code, "name": name, "name_en": name_en, "level": level,
                        "kind": kind, "valid_from": start, "valid_to": end}}
        for code, name, name_en, level, kind, start, end, geojson in rows
    ]  # fmt: skip


@require_GET
def openapi(request):
    """An OpenAPI 3.0 definition of this OGC API."""
    ids = list(_collections(request))
    server = request.build_absolute_uri(reverse("ogc-landing")).rstrip("/")
    parameter = lambda name, where, schema, description, required=False: {  # noqa: E731
        "name": name, "in": where, "required": required, "schema": schema,
        "description": description, "style": "form", "explode": False,
    }  # fmt: skip
    item_parameters = [
        parameter("collectionId", "path", {"type": "string", "enum": ids}, "Collection", True),
        parameter("limit", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                     "default": DEFAULT_LIMIT}, "Features per page"),
        parameter("offset", "query", {"type": "integer", "minimum": 0}, "Features to skip"),
        parameter("bbox", "query", {"type": "array", "minItems": 4, "maxItems": 4,
                                    "items": {"type": "number"}}, "minx,miny,maxx,maxy"),
        parameter("bbox-crs", "query", {"type": "string", "enum": ogc_crs_uris()}, "CRS of bbox"),
        parameter("crs", "query", {"type": "string", "enum": ogc_crs_uris()}, "Output CRS"),
        parameter("datetime", "query", {"type": "string"},
                  "Instant or interval (RFC 3339) meeting the planned period"),
        *(parameter(name, "query", {"type": "string"}, f"Filter on property {name}")
          for name in PROJECT_PROPERTIES),
    ]  # fmt: skip
    ok = lambda description, media="application/json": {  # noqa: E731
        "description": description,
        "content": {media: {"schema": {"type": "object"}}},
    }
    body = {
        "openapi": "3.0.3",
        "info": {"title": "Bình Định infrastructure project map — OGC API Features",
                 "version": "1.0", "description": "OGC API – Features, Parts 1 and 2."},
        "servers": [{"url": server}],
        "paths": {
            "/": {"get": {"operationId": "getLandingPage", "responses": {"200": ok("Landing")}}},
            "/conformance": {"get": {"operationId": "getConformance",
                                     "responses": {"200": ok("Conformance")}}},
            "/collections": {"get": {"operationId": "getCollections",
                                     "responses": {"200": ok("Collections")}}},
            "/collections/{collectionId}": {"get": {
                "operationId": "describeCollection", "parameters": item_parameters[:1],
                "responses": {"200": ok("Collection"), "404": ok("Not found")}}},
            "/collections/{collectionId}/items": {"get": {
                "operationId": "getFeatures", "parameters": item_parameters,
                "responses": {"200": ok("Features", GEOJSON), "400": ok("Bad parameter")}}},
            "/collections/{collectionId}/items/{featureId}": {"get": {
                "operationId": "getFeature",
                "parameters": [item_parameters[0],
                               parameter("featureId", "path", {"type": "string"}, "Code", True),
                               item_parameters[5]],
                "responses": {"200": ok("Feature", GEOJSON), "404": ok("Not found")}}},
        },
    }  # fmt: skip
    return _json(body, content_type=OPENAPI)
