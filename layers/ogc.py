"""OGC API – Features: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by reference)
and the reads of Part 4 (its writes are layers.ogc_writes; both are described here).

Collections: `projects` (every project the caller may see), one per thematic layer (its
sector's projects) and `admin-units` (the province and former districts). Items are selected
by the one query layer (projects.queries) with the same filters as the REST list, in OGC's
spelling for the bbox's CRS (`bbox-crs`) and the period (`datetime`). Errors are the OGC
exception JSON (or HTML when asked for), rendered by geo.http.

`datetime` keeps the standard's meaning, a filter on the features' temporal property (the
planned period, which the collections advertise as their temporal extent); the state of the
projects on a day is the additional parameter `as_of`, as on every other surface
(docs/as-of.md). On `admin-units`, `as_of` gives the units in force that day.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import orjson
from django.contrib.gis.db.models import Extent
from django.db.models import Max, Min, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from geo.crs import CRS84, content_crs, ogc_crs_uris
from geo.errors import NotFound
from geo.http import negotiate, read_only
from geo.region import PROVINCE_BBOX
from layers.models import Layer
from projects import queries
from projects.access import can_see_unpublished, visible_projects
from projects.caching import conditional
from projects.geojson import unit_features
from projects.models import PLAN_DATE, AdminUnit
from projects.queries import FILTERS, OGC_PERIOD, PARAMETER_SCHEMAS, Parameters
from projects.schema import (
    OGC_EXCEPTION,
    PROJECT_FEATURE,
    PROJECT_INPUT,
    UNIT_FEATURE,
    feature_collection,
)

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 10
TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    # Part 4 (layers.ogc_writes): POST, PUT, DELETE; PATCH; on GeoJSON features; If-Match.
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
]
# Parameters of /items besides the filters; the same for a single feature is CRS and format.
STANDARD = {"f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime"}
PROJECT_ITEMS = STANDARD | set(FILTERS)
UNIT_ITEMS = STANDARD | {"code", "level", "kind", "as_of"}
ONE_ITEM = {"f", "crs", "as_of"}
DOCUMENT = {"f"}
UNITS = "admin-units"  # the one collection that is not of projects (read-only)


# ---- formats --------------------------------------------------------------------------------


def _format(request, offered: list[str], params: Parameters | None = None) -> str:
    """The media type to answer with: `f` when given (json or html), else the Accept header
    (q-values honoured), else the first offered."""
    params = params or Parameters(request.GET, DOCUMENT)
    wanted = params.raw("f", typed=True)
    if wanted is not None:
        if wanted not in ("json", "html"):
            params.fail("f", _("“f” takes json or html, not “%(value)s”.") % {
                "value": wanted[:20]})  # fmt: skip
            return offered[0]
        return HTML if wanted == "html" else offered[0]
    return negotiate(request.headers.get("Accept", ""), offered) or offered[0]


def _url(request, name, *args, **query) -> str:
    url = request.build_absolute_uri(reverse(name, args=args))
    pairs = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{url}?{pairs}" if pairs else url


def _this(request, **changes) -> str:
    """This request's URL with some parameters changed (None removes one): links never repeat
    a parameter."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    return request.build_absolute_uri(request.path) + (f"?{encoded}" if encoded else "")


def _link(href, rel, media, title=None) -> dict:
    link = {"href": href, "rel": rel, "type": media}
    if title:
        link["title"] = title
    return link


def _alternates(request, media: str, json_type: str = JSON) -> list[dict]:
    """self and alternate links of a document that exists as JSON and HTML."""
    as_json = _link(_this(request, f="json"), "self" if media != HTML else "alternate",
                    json_type, _("This document as JSON"))  # fmt: skip
    as_html = _link(_this(request, f="html"), "self" if media == HTML else "alternate", HTML,
                    _("This document as HTML"))  # fmt: skip
    return [as_json, as_html] if media != HTML else [as_html, as_json]


def _answer(request, media, body, template, context=None, *, status=200) -> HttpResponse:
    if media == HTML:
        context = {"body": body, "links": body.get("links", []), **(context or {})}
        return render(request, template, context, status=status)
    content_type = OPENAPI if media == OPENAPI else media
    return HttpResponse(orjson.dumps(body), content_type=content_type, status=status)


# ---- collections ----------------------------------------------------------------------------


@dataclass
class Collection:
    id: str
    title: str
    description: str
    kind: str  # "projects" or "units"
    sector_id: int | None = None

    def queryset(self, user, as_of: datetime.date | None = None):
        if self.kind == "units":
            return AdminUnit.objects.valid_on(as_of or PLAN_DATE).exclude(geom=None)
        projects = visible_projects(user)
        return projects if self.sector_id is None else projects.filter(sector_id=self.sector_id)


def _collections(request) -> dict[str, Collection]:
    """Every collection the caller may see, by id."""
    result = {
        "projects": Collection("projects", _("Infrastructure projects"),
                               _("Every project of the 2024 plan, all sectors."), "projects"),
    }  # fmt: skip
    layers = Layer.objects.visible_to(request.user).filter(kind=Layer.Kind.THEMATIC)
    for layer in layers.select_related("sector"):
        description = _("Projects of the sector “%(sector)s” (plan section %(section)s).") % {
            "sector": layer.sector.display_name, "section": layer.sector.plan_section}  # fmt: skip
        result[layer.slug] = Collection(
            layer.slug, layer.display_name, description, "projects", layer.sector_id
        )
    result[UNITS] = Collection(
        UNITS, _("Administrative units"),
        _("The province and its former districts, valid until 30 June 2025; with as_of, the "
          "units in force that day."), "units",
    )  # fmt: skip
    return result


def _collection(request, collection_id) -> Collection:
    found = _collections(request).get(collection_id)
    if found is None:
        raise NotFound(_("No collection “%(id)s”; see /ogc/collections.") % {
            "id": collection_id[:60]})  # fmt: skip
    return found


def _instant(day: datetime.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _either(pick, a, b):
    """pick(a, b) when both are given, else whichever is."""
    return pick(a, b) if a is not None and b is not None else a if a is not None else b


@dataclass
class CollectionExtent:
    box: tuple | None = None  # west, south, east, north (CRS84)
    start: datetime.date | None = None
    end: datetime.date | None = None

    def widen(self, other: "CollectionExtent") -> None:
        if other.box:
            self.box = tuple(
                _either(pick, mine, theirs)
                for pick, mine, theirs in zip(
                    (min, min, max, max), self.box or (None,) * 4, other.box, strict=True
                )
            )
        self.start = _either(min, self.start, other.start)
        self.end = _either(max, self.end, other.end)


def _extents(user, collections) -> dict[str, CollectionExtent]:
    """The spatial and temporal extent of each collection, in one grouped query for the
    projects (by sector) and one for the units, rather than two per collection."""
    by_sector = {
        row["sector_id"]: CollectionExtent(row["box"], row["start"], row["end"])
        for row in visible_projects(user).order_by().values("sector_id").annotate(
            box=Extent("geom"), start=Min("planned_start"), end=Max("planned_end"))
    }  # fmt: skip
    result = {}
    for collection in collections:
        extent = CollectionExtent()
        if collection.kind == "units":
            extent.box = collection.queryset(user).aggregate(box=Extent("geom"))["box"]
        else:
            for sector_id, part in by_sector.items():
                if collection.sector_id in (None, sector_id):
                    extent.widen(part)
        result[collection.id] = extent
    return result


def _describe(request, collection: Collection, media: str, extent: CollectionExtent) -> dict:
    items = reverse("ogc-items", args=[collection.id])
    description = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": ogc_crs_uris(),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [[round(v, 6) for v in extent.box or PROVINCE_BBOX]],
                               "crs": CRS84}},
        "links": [
            _link(_url(request, "ogc-collection", collection.id), "self", JSON, collection.title),
            _link(_url(request, "ogc-collection", collection.id, f="html"), "alternate", HTML,
                  _("This collection as HTML")),
            _link(request.build_absolute_uri(items), "items", GEOJSON, _("Features as GeoJSON")),
            _link(request.build_absolute_uri(items) + "?f=html", "items", HTML,
                  _("Features as HTML")),
        ],
    }  # fmt: skip
    if media == HTML:  # the links a reader of this page follows first
        description["links"][0:2] = description["links"][1::-1]
        description["links"][0]["rel"], description["links"][1]["rel"] = "self", "alternate"
    if collection.kind == "projects" and (extent.start or extent.end):
        description["extent"]["temporal"] = {
            "interval": [[_instant(extent.start), _instant(extent.end)]],
            "trs": TRS,
        }
    return description


# ---- documents ------------------------------------------------------------------------------


@read_only
def landing(request):
    params = Parameters(request.GET, DOCUMENT)
    media = _format(request, [JSON, HTML], params)
    params.check()
    body = {
        "title": _("Bình Định infrastructure project map — OGC API Features"),
        "description": _("The plan's infrastructure projects and administrative units."),
        "links": [
            *_alternates(request, media),
            _link(_url(request, "ogc-openapi"), "service-desc", OPENAPI, _("The API definition")),
            _link(_url(request, "ogc-landing", f="html"), "service-doc", HTML,
                  _("The API documentation")),
            _link(_url(request, "ogc-conformance"), "conformance", JSON, _("Conformance")),
            _link(_url(request, "ogc-collections"), "data", JSON, _("Collections")),
        ],
    }  # fmt: skip
    response = _answer(request, media, body, "layers/ogc/landing.html")
    response["Vary"] = "Accept"
    return response


@read_only
def conformance(request):
    params = Parameters(request.GET, DOCUMENT)
    media = _format(request, [JSON, HTML], params)
    params.check()
    body = {"conformsTo": CONFORMANCE, "links": _alternates(request, media)}
    response = _answer(request, media, body, "layers/ogc/conformance.html")
    response["Vary"] = "Accept"
    return response


@read_only
def collections(request):
    params = Parameters(request.GET, DOCUMENT)
    media = _format(request, [JSON, HTML], params)
    params.check()

    def build():
        found = _collections(request).values()
        extents = _extents(request.user, found)
        described = [_describe(request, c, JSON, extents[c.id]) for c in found]
        body = {"links": _alternates(request, media), "collections": described}
        return _answer(request, media, body, "layers/ogc/collections.html")

    return conditional(request, build, variant=media, negotiated=True)


@read_only
def collection(request, collection_id):
    params = Parameters(request.GET, DOCUMENT)
    media = _format(request, [JSON, HTML], params)
    params.check()
    found = _collection(request, collection_id)

    def build():
        body = _describe(request, found, media, _extents(request.user, [found])[found.id])
        return _answer(request, media, body, "layers/ogc/collection.html",
                       {"crs_list": ogc_crs_uris()})  # fmt: skip

    return conditional(request, build, variant=media, negotiated=True)


# ---- features -------------------------------------------------------------------------------


def _unit_query(params: Parameters, queryset):
    codes = params.values("code")
    levels = params.choices("level", AdminUnit.Level.values, _("level"))
    kinds = params.choices("kind", AdminUnit.Kind.values, _("kind"))
    bbox = params.bbox("bbox", "bbox-crs")
    period = params.interval("datetime")
    if codes:
        queryset = queryset.filter(code__in=codes)
    if levels:
        queryset = queryset.filter(level__in=levels)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if bbox:
        queryset = queryset.filter(geom__intersects=queries.bbox_area(bbox))
    if period:
        start, end = period
        if start:
            queryset = queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        if end:
            queryset = queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
    return queryset.order_by("code")


def _html_rows(features: list[dict]) -> list[dict]:
    """Features with plain geometries and a short coordinate text, for the HTML pages."""
    rows = orjson.loads(orjson.dumps(features))
    for row in rows:
        text = orjson.dumps(row["geometry"]["coordinates"]).decode()
        row["coordinates"] = text if len(text) <= 240 else text[:240] + " …"
    return rows


@read_only
def items(request, collection_id):
    found = _collection(request, collection_id)
    accepted = PROJECT_ITEMS if found.kind == "projects" else UNIT_ITEMS
    params = Parameters(request.GET, accepted)
    media = _format(request, [GEOJSON, JSON, HTML], params)
    srid, swap = params.srid("crs")
    limit, offset = queries.paging(params, default=DEFAULT_LIMIT)
    if found.kind == "projects":
        query = queries.read_query(params, user=request.user, bbox_crs="bbox-crs",
                                   period="datetime")  # fmt: skip
        params.check()
        selection = queries.select(request.user, query, found.queryset(request.user))
    else:
        day = params.day("as_of")
        selection = _unit_query(params, found.queryset(request.user, day))
        params.check()

    def build():
        if found.kind == "projects":
            page = queries.page(
                selection, limit=limit, offset=offset,
                internal=can_see_unpublished(request.user), srid=srid, flip=swap,
                stamp=getattr(request, "data_stamp", None),
            )  # fmt: skip
        else:
            rows = unit_features(selection[offset : offset + limit], srid=srid, flip=swap)
            page = queries.Page(rows, selection.count(), limit, offset)
        links = [
            *_alternates(request, media, GEOJSON),
            _link(_url(request, "ogc-collection", collection_id), "collection", JSON),
        ]
        for rel, at in page.neighbours().items():
            links.append(_link(_this(request, offset=at, limit=limit), rel,
                               HTML if media == HTML else GEOJSON))  # fmt: skip
        members = {
            "timeStamp": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            "numberMatched": page.matched,
            "numberReturned": page.returned,
            "links": links,
        }
        if media == HTML:
            return render(request, "layers/ogc/items.html", {
                "collection": found, "features": _html_rows(page.features), "members": members,
                "links": links, "crs": content_crs(srid, swap).strip("<>")})  # fmt: skip
        body = {"type": "FeatureCollection", **members, "features": page.features}
        return HttpResponse(orjson.dumps(body), content_type=media)

    response = conditional(request, build, variant=f"{media}|{srid}|{swap}", negotiated=True)
    if media != HTML:
        response["Content-Crs"] = content_crs(srid, swap)
    return response


@read_only
def item(request, collection_id, feature_id):
    found = _collection(request, collection_id)
    params = Parameters(request.GET, ONE_ITEM)
    media = _format(request, [GEOJSON, JSON, HTML], params)
    srid, swap = params.srid("crs")
    as_of = params.day("as_of")
    params.check()
    missing = NotFound(_("No feature “%(id)s” in “%(collection)s”.") % {
        "id": feature_id[:40], "collection": collection_id})  # fmt: skip
    version = None
    if found.kind == "projects":
        if not queries.PROJECT_CODE.fullmatch(feature_id):
            raise missing
        selection = queries.select(request.user,
                                   queries.ProjectQuery(codes=(feature_id,), as_of=as_of),
                                   found.queryset(request.user))  # fmt: skip
        # A project's strong ETag names its version: a write sends it back in If-Match.
        version = selection.values_list("version", flat=True).first()
        if version is None:
            raise missing

    def build():
        if found.kind == "projects":
            rows = queries.page(selection, limit=1, offset=0, srid=srid, flip=swap,
                                internal=can_see_unpublished(request.user)).features  # fmt: skip
        else:
            rows = unit_features(
                found.queryset(request.user, as_of).filter(code=feature_id[:16]),
                srid=srid, flip=swap)  # fmt: skip
        if not rows:
            raise missing
        feature = rows[0]
        feature["links"] = [
            *_alternates(request, media, GEOJSON),
            _link(_url(request, "ogc-collection", collection_id), "collection", JSON),
        ]
        if media == HTML:
            return render(request, "layers/ogc/items.html", {
                "collection": found, "features": _html_rows([feature]), "single": True,
                "members": {"numberReturned": 1}, "links": feature["links"],
                "crs": content_crs(srid, swap).strip("<>")})  # fmt: skip
        return HttpResponse(orjson.dumps(feature), content_type=media)

    response = conditional(request, build, variant=f"{media}|{srid}|{swap}", negotiated=True,
                           project_version=version)  # fmt: skip
    if media != HTML:
        response["Content-Crs"] = content_crs(srid, swap)
    return response


# ---- the API definition ---------------------------------------------------------------------


def _parameter(name: str, schema: dict, description: str, where: str = "query",
               required: bool = False) -> dict:  # fmt: skip
    parameter = {"name": name, "in": where, "required": required or where == "path",
                 "schema": schema, "description": description}  # fmt: skip
    if where in ("path", "header"):
        parameter["style"] = "simple"
    else:  # OGC API's own definitions spell it out for every query parameter
        parameter["style"], parameter["explode"] = "form", False
    return parameter


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema: dict, media: str) -> dict:
    return {media: {"schema": schema}, HTML: {"schema": {"type": "string"}}}


def _response(description: str, schema: dict, media: str = JSON) -> dict:
    return {"description": description, "content": _content(schema, media)}


LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
SCHEMAS: dict[str, Any] = {
    "link": {"type": "object", "required": ["href", "rel"],
             "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                            "type": {"type": "string"}, "title": {"type": "string"}}},
    "exception": OGC_EXCEPTION,
    "landingPage": {"type": "object", "required": ["links"],
                    "properties": {"title": {"type": "string"},
                                   "description": {"type": "string"}, "links": LINKS}},
    "confClasses": {"type": "object", "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}},
                                   "links": LINKS}},
    "collection": {"type": "object", "required": ["id", "links"],
                   "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                  "description": {"type": "string"}, "links": LINKS,
                                  "extent": {"type": "object"},
                                  "itemType": {"type": "string"},
                                  "crs": {"type": "array", "items": {"type": "string"}},
                                  "storageCrs": {"type": "string"}}},
    "collections": {"type": "object", "required": ["links", "collections"],
                    "properties": {"links": LINKS, "collections": {
                        "type": "array", "items": {"$ref": "#/components/schemas/collection"}}}},
    "projectFeature": PROJECT_FEATURE,
    "projectFeatureInput": PROJECT_INPUT,
    "projectFeatureCollection": feature_collection({"$ref": "#/components/schemas/projectFeature"}),
    "unitFeature": UNIT_FEATURE,
    "unitFeatureCollection": feature_collection({"$ref": "#/components/schemas/unitFeature"}),
}  # fmt: skip
ERROR_RESPONSES = {
    "400": _response("A parameter is wrong; `parameter` names it",
                     {"$ref": "#/components/schemas/exception"}),
    "404": _response("No such collection or feature", {"$ref": "#/components/schemas/exception"}),
    "503": _response("The database is not answering", {"$ref": "#/components/schemas/exception"}),
}  # fmt: skip


def _error(description: str) -> dict:
    return {"description": description,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}}}  # fmt: skip


WRITE_ERRORS = {
    "400": _error("A value is wrong (`parameter` names it); nothing was written"),
    "401": _error("Not signed in and no API token (`Authorization: Token <key>`)"),
    "403": _error("Your role does not allow this"),
    "404": _error("No such collection or feature"),
    "405": _error("This collection is read-only"),
    "415": _error("The body is not GeoJSON"),
}
STALE_ERRORS = {
    "412": _error("The feature changed since you read it: the `ETag` header names it now"),
    "428": _error("No `If-Match` header"),
}
WRITE_HEADERS = [
    _parameter("Content-Crs", {"type": "string", "enum": [f"<{u}>" for u in ogc_crs_uris()]},
               "CRS of the body's geometry (default CRS84)", where="header"),
    _parameter("X-Comment", {"type": "string", "maxLength": 500},
               "Why (kept in the project's history)", where="header"),
]  # fmt: skip
IF_MATCH = _parameter("If-Match", {"type": "string"},
                      'The ETag a GET of the feature gave, e.g. "v3"', where="header",
                      required=True)  # fmt: skip
ETAG = {"ETag": {"description": "The feature's version now", "schema": {"type": "string"}}}


def _write(operation: str, summary: str, parameters: list, ok: dict, errors: dict,
           body: bool = True) -> dict:  # fmt: skip
    """A Part 4 write operation (layers.ogc_writes), for a GIS editor with a token."""
    described = {"operationId": operation, "summary": summary, "parameters": parameters,
                 "responses": {**ok, **errors}, "security": [{"tokenAuth": []}]}  # fmt: skip
    if body:
        schema = _ref("projectFeatureInput")
        described["requestBody"] = {
            "required": True,
            "content": {GEOJSON: {"schema": schema}, JSON: {"schema": schema}},
        }
    return described


def _item_parameters(kind: str) -> list[dict]:
    crs_list = {"type": "string", "enum": ogc_crs_uris()}
    common = [
        _parameter("f", {"type": "string", "enum": ["json", "html"]}, "Format"),
        _parameter("limit", {**PARAMETER_SCHEMAS["limit"], "default": DEFAULT_LIMIT},
                   "Features per page"),
        _parameter("offset", PARAMETER_SCHEMAS["offset"], "Features to skip"),
        _parameter("bbox", PARAMETER_SCHEMAS["bbox"],
                   "minx,miny,maxx,maxy (or 6 numbers with heights), in bbox-crs"),
        _parameter("bbox-crs", crs_list, "CRS of bbox (default CRS84)"),
        _parameter("crs", crs_list, "CRS of the response (default CRS84)"),
        _parameter("datetime", PARAMETER_SCHEMAS["datetime"],
                   OGC_PERIOD["datetime"] if kind == "projects"
                   else "RFC 3339 instant or interval meeting the unit's validity"),
    ]  # fmt: skip
    if kind == "projects":
        return common + [
            _parameter(n, PARAMETER_SCHEMAS[n], text) for n, text in FILTERS.items() if n != "bbox"
        ]
    array = {"type": "array", "items": {"type": "string"}}
    return common + [
        _parameter("code", array, "Unit codes, comma-separated"),
        _parameter("as_of", PARAMETER_SCHEMAS["as_of"], "A past date, YYYY-MM-DD: the units "
                   "in force that day (default: those of the plan, 1 June 2024)"),
        _parameter("level", {"type": "array", "items": {
            "type": "string", "enum": list(AdminUnit.Level.values)}}, "Levels"),
        _parameter("kind", {"type": "array", "items": {
            "type": "string", "enum": list(AdminUnit.Kind.values)}}, "Kinds"),
    ]  # fmt: skip


def _add_writes(paths: dict, cid: str, name: str, title: str) -> None:
    """Part 4's operations on a project collection."""
    feature = {**_response("The feature as stored", _ref("projectFeature"), GEOJSON),
               "headers": ETAG}  # fmt: skip
    feature["content"].pop(HTML)
    created = {**feature, "description": "Created", "headers": {**ETAG, "Location": {
        "description": "The new feature's address", "schema": {"type": "string"}}}}  # fmt: skip
    code = _parameter("featureId", {"type": "string"}, "Code", where="path")
    paths[f"/collections/{cid}/items"]["post"] = _write(
        f"createFeature_{name}", f"{title}: add a feature", WRITE_HEADERS, {"201": created},
        WRITE_ERRORS)  # fmt: skip
    one = paths[f"/collections/{cid}/items/{{featureId}}"]
    changed = {**WRITE_ERRORS, **STALE_ERRORS}
    one["put"] = _write(f"replaceFeature_{name}", f"{title}: replace a feature",
                        [code, IF_MATCH, *WRITE_HEADERS], {"200": feature}, changed)  # fmt: skip
    one["patch"] = _write(f"updateFeature_{name}", f"{title}: change some properties",
                          [code, IF_MATCH, *WRITE_HEADERS], {"200": feature}, changed)  # fmt: skip
    one["delete"] = _write(f"deleteFeature_{name}", f"{title}: delete a feature",
                           [code, IF_MATCH, WRITE_HEADERS[1]], {"204": {"description": "Deleted"}},
                           changed, body=False)  # fmt: skip


@read_only
def openapi(request):
    """An OpenAPI 3.0 definition of this OGC API: one path per collection, with the parameters
    each really takes and the schemas of its answers."""
    Parameters(request.GET, DOCUMENT).check()
    server = request.build_absolute_uri(reverse("ogc-landing")).rstrip("/")
    f_only = [_parameter("f", {"type": "string", "enum": ["json", "html"]}, "Format")]

    def get(operation: str, parameters: list, ok: dict, errors=("400",), summary="") -> dict:
        responses = {"200": ok, **{code: ERROR_RESPONSES[code] for code in errors}}
        return {"get": {"operationId": operation, "summary": summary or operation,
                        "parameters": parameters, "responses": responses}}  # fmt: skip

    paths = {
        "/": get("getLandingPage", f_only, _response("Landing page", _ref("landingPage"))),
        "/conformance": get("getConformance", f_only,
                            _response("Conformance classes", _ref("confClasses"))),
        "/collections": get("getCollections", f_only,
                            _response("Collections", _ref("collections"))),
    }  # fmt: skip
    for cid, found in _collections(request).items():
        stem = "project" if found.kind == "projects" else "unit"
        name = cid.replace("-", "_")
        paths[f"/collections/{cid}"] = get(
            f"describe_{name}", f_only, _response("Collection", _ref("collection")),
            summary=found.title,
        )  # fmt: skip
        paths[f"/collections/{cid}/items"] = get(
            f"getFeatures_{name}", _item_parameters(found.kind),
            _response("Features", _ref(f"{stem}FeatureCollection"), GEOJSON),
            errors=("400", "404", "503"), summary=f"{found.title}: features",
        )  # fmt: skip
        one = [
            _parameter("featureId", {"type": "string"}, "Code", where="path"),
            _parameter("crs", {"type": "string", "enum": ogc_crs_uris()}, "Output CRS"),
            _parameter("as_of", PARAMETER_SCHEMAS["as_of"], FILTERS["as_of"] if
                       found.kind == "projects" else "A past date, YYYY-MM-DD: the unit in "
                       "force that day"),
            *f_only,
        ]  # fmt: skip
        paths[f"/collections/{cid}/items/{{featureId}}"] = get(
            f"getFeature_{name}", one, _response("Feature", _ref(f"{stem}Feature"), GEOJSON),
            errors=("400", "404", "503"), summary=f"{found.title}: one feature",
        )  # fmt: skip
        if found.kind == "projects":
            _add_writes(paths, cid, name, found.title)
    body = {
        "openapi": "3.0.3",
        "info": {"title": "Bình Định infrastructure project map — OGC API Features",
                 "version": "1.0",
                 "description": "OGC API – Features, Parts 1, 2 and 4 (writes: a personal API "
                                "token of a GIS editor, `Authorization: Token <key>`)."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"tokenAuth": {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Token <key>`: a personal token made on /account/tokens/."}}},
    }  # fmt: skip
    return HttpResponse(orjson.dumps(body), content_type=OPENAPI)
