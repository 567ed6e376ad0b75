"""REST API (v1): projects, their progress, agencies, administrative units, exports, OC4IDS.

Every project endpoint reads its query with projects.queries and answers from `select()`, so
the list, a project, its exports and OC4IDS give the same answer as the OGC API, the tiles
and the map, and anonymous callers get published projects of public layers only. Views stay
thin: parse, select, build, and let errors of geo.errors propagate (rendered in one place).
"""

import orjson
from django.contrib.gis.db.models import Extent
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.crs import STORAGE_SRID, supported_codes
from geo.errors import BadRequest, NotFound
from projects import access, actions, exports, oc4ids, queries, writes
from projects.access import can_see_unpublished
from projects.caching import conditional
from projects.geojson import AS_OF, INTERNAL, PROPERTIES, collection, unit_features
from projects.models import PLAN_DATE, AdminUnit, Agency, Door, Project
from projects.queries import REST_FILTERS, Parameters, ProjectQuery, read_query, select
from projects.schema import ref
from projects.serializers import (
    AgencySerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
)

GEOJSON = "application/geo+json"
# DRF's own `format` chooses a renderer; it is part of this surface's spelling.
LIST_PARAMETERS = {*REST_FILTERS, "limit", "offset", "simplify", "properties", "format"}
EXPORT_PARAMETERS = {*REST_FILTERS, "crs", "format"}
SUMMARY_PARAMETERS = {*REST_FILTERS, "format"}
OC4IDS_PARAMETERS = {*REST_FILTERS, "limit", "offset", "format"}
PLAIN = {"format"}
ONE_PARAMETERS = {"format", "as_of"}  # one project, as of a day (the map's tile popups)
UNIT_PARAMETERS = {"format", "as_of"}


def parameters(request, accepted) -> Parameters:
    return Parameters(request.GET, accepted)


def read_projects(request, accepted) -> tuple[Parameters, ProjectQuery]:
    """The caller's question in REST's spelling; raise the 400 once every value is read."""
    params = parameters(request, accepted)
    return params, read_query(params, user=request.user)


# ---- documentation --------------------------------------------------------------------------

_EXAMPLES = {
    "bbox": ("Quy Nhơn", "109.15,13.70,109.30,13.85"),
    "status": ("two statuses", "under_construction,site_clearance"),
    "layer": ("transport", "transport"),
    "q": ("no accents needed", "quy nhon"),
    "agency": ("a department", "SGTVT"),
    "admin_unit": ("An Nhơn", "549"),
}
_DOCUMENTED = {
    **REST_FILTERS,
    "limit": f"Features per page (1–{queries.MAX_LIMIT}, default {queries.DEFAULT_LIMIT}).",
    "offset": "Features to skip (see the `next` link).",
}


def _parameter(name: str, description: str, schema: dict | None = None) -> OpenApiParameter:
    schema = schema or queries.PARAMETER_SCHEMAS[name]
    example = _EXAMPLES.get(name)
    if example and schema.get("type") == "array":  # an example has the schema's type
        number = schema["items"].get("type") == "number"
        example = (example[0], [float(v) if number else v for v in example[1].split(",")])
    return OpenApiParameter(
        name,
        schema,
        description=description,
        explode=False if schema.get("type") == "array" else None,
        style="form" if schema.get("type") == "array" else None,
        examples=[OpenApiExample(example[0], value=example[1])] if example else None,
    )


FILTER_PARAMETERS = [_parameter(name, text) for name, text in REST_FILTERS.items()]
PAGE_PARAMETERS = [_parameter(name, _DOCUMENTED[name]) for name in ("limit", "offset")]
LIST_ONLY = [
    _parameter("simplify", "Generalise geometries by this tolerance in degrees, for "
               "small-scale maps (0–0.1).", {"type": "number", "minimum": 0, "maximum": 0.1}),
    _parameter("properties", "Only these properties, comma-separated (a lighter payload).",
               {"type": "array", "items": {"type": "string",
                                           "enum": [*PROPERTIES, *AS_OF, *INTERNAL]}}),
]  # fmt: skip
ERRORS = {
    400: OpenApiResponse(ref("Error"), description="A parameter is wrong: `parameter` names it"),
    404: OpenApiResponse(ref("Error"), description="No such object (or not visible to you)"),
    # Answered by the web server (nginx or gunicorn) before the app, without a JSON body.
    414: OpenApiResponse(description="The URL is longer than the server accepts (8 KB)"),
    503: OpenApiResponse(ref("Error"), description="The database is not answering"),
}
NOT_FOUND = ERRORS  # a detail can be missing, and its query string wrong
WRITE_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(ref("Error"), description="A value is wrong: `parameter` (and "
                         "`errors`) name the properties at fault; nothing was written"),
    401: OpenApiResponse(ref("Error"), description="Not signed in and no API token"),
    403: OpenApiResponse(ref("Error"), description="Your role does not allow this"),
}  # fmt: skip
STALE = {
    412: OpenApiResponse(ref("Error"), description="The project changed since you read it: "
                         "`current_version` and the `ETag` header give its version now"),
    428: OpenApiResponse(ref("Error"), description="No `If-Match` header"),
}  # fmt: skip
IF_MATCH = ("Send the ETag of the version you read (GET gives it) in `If-Match`: without it the "
            "answer is 428, and 412 when someone changed the project since.")  # fmt: skip
AUTHENTICATION = ("Authenticate with a personal API token (`Authorization: Token <key>`, made "
                  "on /account/tokens/) or a browser session with its CSRF token.")  # fmt: skip
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description="The project's ETag as read, e.g. \"v3\".",
)  # fmt: skip
COMMENT_HEADER = OpenApiParameter(
    "X-Comment", str, OpenApiParameter.HEADER,
    description="Why (kept in the project's history, at most 500 characters).",
)  # fmt: skip


class GeoJSONRenderer(JSONRenderer):
    media_type = GEOJSON
    format = "geojson"


class GeoJSONParser(JSONParser):
    media_type = GEOJSON


# ---- projects -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Projects as a GeoJSON FeatureCollection",
        description="Published projects of public layers for the public, every project for "
        "planners; ordered by code, paginated with `limit`/`offset` and `next`/`prev` links. "
        "Unknown parameters are refused (400), except the cache-buster `_` and link-tracking "
        "tags (`utm_*`, `fbclid`, `gclid`, `zarsrc`).",
        parameters=FILTER_PARAMETERS + PAGE_PARAMETERS + LIST_ONLY,
        responses={(200, GEOJSON): ref("ProjectFeatureCollection"), **ERRORS},
        filters=False,
    ),
    retrieve=extend_schema(
        summary="One project as a GeoJSON Feature",
        description='The `ETag` header is the project\'s version (`"v3"`): send it back in '
        "`If-Match` to change or delete the project. With `as_of`, its status and progress "
        "as reported on that day.",
        parameters=[_parameter("as_of", REST_FILTERS["as_of"])],
        responses={(200, GEOJSON): ref("ProjectFeature"), **NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a project (GIS editors)",
        description="A GeoJSON Feature in the shape the reads give; `code`, `name`, `sector`, "
        "`lead_agency` and `geometry` are required. Validated as in the admin (the geometry "
        "must lie in Bình Định). Publishing it at once needs the publisher role. Answers 201 "
        "with `Location` and the project's `ETag`. " + AUTHENTICATION,
        request={
            GEOJSON: ref("ProjectFeatureInput"),
            "application/json": ref("ProjectFeatureInput"),
        },
        responses={(201, GEOJSON): ref("ProjectFeature"), **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a project (GIS editors)",
        description="Every writable property is set; those left out go back to their "
        "defaults. " + IF_MATCH + " " + AUTHENTICATION,
        parameters=[IF_MATCH_HEADER, COMMENT_HEADER],
        request={
            GEOJSON: ref("ProjectFeatureInput"),
            "application/json": ref("ProjectFeatureInput"),
        },
        responses={(200, GEOJSON): ref("ProjectFeature"), **WRITE_ERRORS, **STALE},
    ),
    partial_update=extend_schema(
        summary="Change some properties of a project",
        description="Only the properties (and the geometry) sent are changed. Changing "
        "`is_published` alone needs the publisher role, anything else the GIS editor role. "
        + IF_MATCH
        + " "
        + AUTHENTICATION,
        parameters=[IF_MATCH_HEADER, COMMENT_HEADER],
        request={
            GEOJSON: ref("ProjectFeatureInput"),
            "application/json": ref("ProjectFeatureInput"),
        },
        responses={(200, GEOJSON): ref("ProjectFeature"), **WRITE_ERRORS, **STALE},
    ),
    destroy=extend_schema(
        summary="Delete a project (GIS editors)",
        description="Its history stays, and it can be restored. " + IF_MATCH + " " + AUTHENTICATION,
        parameters=[IF_MATCH_HEADER, COMMENT_HEADER],
        responses={204: OpenApiResponse(description="Deleted"), **WRITE_ERRORS, **STALE},
    ),
)
class ProjectViewSet(viewsets.ViewSet):
    """Projects as GeoJSON features."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer, BrowsableAPIRenderer]
    parser_classes = [JSONParser, GeoJSONParser]
    lookup_field = "code"
    lookup_value_regex = queries.PROJECT_CODE.pattern  # `export.xlsx` is no project

    def list(self, request):
        params, query = read_projects(request, LIST_PARAMETERS)
        limit, offset = queries.paging(params)
        simplify = params.number("simplify", 0, 0.1)
        properties = params.choices("properties", [*PROPERTIES, *AS_OF, *INTERNAL],
                                    _("property"))  # fmt: skip
        params.check()
        projects = select(request.user, query)

        def build():
            found = queries.page(
                projects, limit=limit, offset=offset, internal=can_see_unpublished(request.user),
                simplify=simplify, properties=list(properties) or None,
                stamp=getattr(request, "data_stamp", None),
            )  # fmt: skip
            links = [_link(request, rel, at, limit) for rel, at in found.neighbours().items()]
            body = collection(found.features, numberMatched=found.matched,
                              numberReturned=found.returned, links=links)  # fmt: skip
            return HttpResponse(body, content_type=GEOJSON)

        return conditional(request, build)

    @extend_schema(
        summary="How many projects the filters select, and where",
        description="The same filters as the list, over the whole selection (not one page): "
        "`numberMatched` and the WGS 84 `bbox` [west, south, east, north] of the selected "
        "works (null when none). The map uses it to say how many match in the province "
        "beside how many are in view, and to move to the results of a search.",
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiResponse(ref("ProjectSummary")), **ERRORS},
        filters=False,
    )
    @action(detail=False, url_path="summary")
    def summary(self, request):
        params, query = read_projects(request, SUMMARY_PARAMETERS)
        params.check()
        projects = select(request.user, query).order_by()

        def build():
            found = projects.aggregate(matched=Count("pk"), box=Extent("geom"))
            box = [round(v, 6) for v in found["box"]] if found["box"] else None
            body = {"numberMatched": found["matched"], "bbox": box}
            return HttpResponse(orjson.dumps(body), content_type="application/json")

        return conditional(request, build)

    def retrieve(self, request, code=None):
        params = parameters(request, ONE_PARAMETERS)
        as_of = params.day("as_of")
        params.check()
        projects = _one(request, code, as_of=as_of)

        def build():
            found = queries.page(
                projects, limit=1, offset=0, internal=can_see_unpublished(request.user),
                stamp=getattr(request, "data_stamp", None),
            )  # fmt: skip
            if not found.features:
                raise _no_project(code)
            return HttpResponse(orjson.dumps(found.features[0]), content_type=GEOJSON)

        # The ETag names the project's version: a write sends it back in If-Match.
        version = projects.values_list("version", flat=True).first()
        return conditional(request, build, project_version=version)

    # ---- writes: GeoJSON Feature in, through projects.actions, If-Match required ---------

    def create(self, request):
        parameters(request, PLAIN).check()
        writes.require(request.user, access.CREATE)
        changes = writes.read_feature(writes.parse_body(request.body), partial=False)
        project = writes.create(request, changes, door=Door.API)
        response = _written(request, project, status=201)
        response["Location"] = request.build_absolute_uri(f"{request.path}{project.code}/")
        return response

    def update(self, request, code=None):
        return self._change(request, code, partial=False)

    def partial_update(self, request, code=None):
        return self._change(request, code, partial=True)

    def _change(self, request, code, *, partial: bool):
        parameters(request, PLAIN).check()
        project = _for_write(request, code)
        changes = writes.read_feature(writes.parse_body(request.body), partial=partial,
                                      project=project)  # fmt: skip
        return _written(request, writes.change(request, project, changes, door=Door.API))

    def destroy(self, request, code=None):
        parameters(request, PLAIN).check()
        writes.delete(request, _for_write(request, code), door=Door.API)
        return HttpResponse(status=204)

    @extend_schema(
        methods=["GET"],
        summary="A project's progress reports, oldest first",
        responses={200: ProgressReportSerializer(many=True), **NOT_FOUND},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Report progress (agency reporters, GIS editors)",
        description="Adds the report for a date (or replaces that date's); the latest report "
        "sets the project's status and progress. An agency reporter may report on projects "
        "their agency leads or coordinates, including those of the bodies it took over in "
        "2025. " + IF_MATCH + " " + AUTHENTICATION,
        parameters=[IF_MATCH_HEADER, COMMENT_HEADER],
        request=ProgressReportInputSerializer,
        responses={201: ProgressReportSerializer, **WRITE_ERRORS, **STALE},
        filters=False,
    )
    @action(detail=True, url_path="progress", methods=["get", "post"])
    def progress(self, request, code=None):
        parameters(request, PLAIN).check()
        if request.method == "POST":
            return self._report(request, code)
        project = _one(request, code).first()
        if project is None:
            raise _no_project(code)
        reports = project.progress_reports.select_related("reporting_agency").order_by(
            "report_date"
        )
        return Response(ProgressReportSerializer(reports, many=True).data)

    @extend_schema(
        summary="The administrative units a project lies in, valid on a date (GeoJSON)",
        description="The district- or commune-level units whose boundary the project's "
        "geometry touches and that are valid on `as_of` (today by default): the former "
        "districts before 1 July 2025, the communes and wards after. A unit known by code and "
        "name only (no boundary loaded) cannot hold a project, so it is never listed; see "
        "docs/admin-units.md.",
        parameters=[OpenApiParameter(
            "as_of", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); today by default.",
            examples=[OpenApiExample("before the reform", value="2025-06-30")],
        )],
        responses={(200, GEOJSON): ref("AdminUnitFeatureCollection"), **NOT_FOUND},
        filters=False,
    )  # fmt: skip
    @action(detail=True, url_path="admin-units", renderer_classes=[JSONRenderer, GeoJSONRenderer])
    def admin_units(self, request, code=None):
        params = parameters(request, {*PLAIN, "as_of"})
        day = params.day("as_of")
        params.check()
        project = _one(request, code).first()
        if project is None:
            raise _no_project(code)
        rows = unit_features(project.units_on(day).order_by("level", "code"))
        return HttpResponse(collection(rows), content_type=GEOJSON)

    def _report(self, request, code):
        if not request.user.is_authenticated:
            _require(request, access.REPORT_PROGRESS)
        # A reporter may report on their agency's unpublished projects, which reads hide.
        project = Project.objects.filter(code=code[:16]).first()
        able = access.abilities(request.user, project) if project else frozenset()
        if not able:
            raise _no_project(code)
        _require(request, access.REPORT_PROGRESS, project)
        version = writes.expected_version(request, project)
        data = ProgressReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = access.reporting_agency(request.user, project)
        try:
            report = actions.record_progress(
                project, **data.validated_data, reporter=request.user, reporting_agency=agency,
                expected_version=version, user=request.user, door=Door.API,
                comment=writes.comment(request),
            )  # fmt: skip
        except actions.StaleVersion as error:
            raise writes.from_stale(project, error) from error
        except ValidationError as error:
            raise writes.validation_error(error) from error
        response = Response(ProgressReportSerializer(report).data, status=201)
        response["ETag"] = writes.etag(project)
        return response


def _no_project(code: str) -> NotFound:
    return NotFound(_("No project has the code “%(code)s” (or it is not published).") % {
        "code": code[:40]})  # fmt: skip


def _one(request, code: str, as_of=None):
    if not queries.PROJECT_CODE.fullmatch(code):
        raise _no_project(code)
    return select(request.user, ProjectQuery(codes=(code,), as_of=as_of))


def _require(request, ability: str, project: Project | None = None) -> None:
    writes.require(request.user, ability, project)


def _for_write(request, code: str) -> Project:
    """The project a write names: 401 for the anonymous first, then 404 if the caller cannot
    see it (a write never reveals that a hidden project exists)."""
    if not request.user.is_authenticated:
        _require(request, access.CHANGE)
    project = _one(request, code).first()
    if project is None:
        raise _no_project(code)
    return project


def _written(request, project: Project, status: int = 200) -> HttpResponse:
    """The project as a GET now gives it, with its new ETag."""
    found = queries.page(_one(request, project.code), limit=1, offset=0,
                         internal=can_see_unpublished(request.user))  # fmt: skip
    body = orjson.dumps(found.features[0]) if found.features else b"{}"
    response = HttpResponse(body, status=status, content_type=GEOJSON)
    response["ETag"] = writes.etag(project)
    response["Cache-Control"] = "no-store"
    return response


def _link(request, rel: str, offset: int, limit: int) -> dict:
    query = request.GET.copy()
    query["offset"], query["limit"] = offset, limit
    url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"rel": rel, "href": url, "type": GEOJSON}


# ---- agencies, administrative units ---------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Agencies, with validity dates and successors",
                       responses={200: AgencySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One agency",
                           responses={200: AgencySerializer, **NOT_FOUND}),
)  # fmt: skip
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    queryset = Agency.objects.select_related("admin_unit", "succeeded_by").order_by("code")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        parameters(request, PLAIN).check()


@extend_schema_view(
    list=extend_schema(
        summary="Administrative units in force when the plan was issued, or on `as_of` "
        "(GeoJSON)",
        parameters=[_parameter("as_of", "A past date, YYYY-MM-DD: the units in force that day "
                               "(districts until 30/06/2025, communes from 01/07/2025).")],
        responses={(200, GEOJSON): ref("AdminUnitFeatureCollection"), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One administrative unit",
        parameters=[_parameter("as_of", "A past date, YYYY-MM-DD: the unit of that code in "
                               "force that day.")],
        responses={(200, GEOJSON): ref("AdminUnitFeature"), **NOT_FOUND}),
)  # fmt: skip
class AdminUnitViewSet(viewsets.ViewSet):
    """The province and its former districts (valid until 30 June 2025), or the units in force
    on `as_of`, as GeoJSON."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    def _units(self, request):
        params = parameters(request, UNIT_PARAMETERS)
        day = params.day("as_of")
        params.check()
        return AdminUnit.objects.valid_on(day or PLAN_DATE).order_by("level", "code")

    def list(self, request):
        rows = unit_features(self._units(request))
        return conditional(request, lambda: HttpResponse(collection(rows), content_type=GEOJSON))

    def retrieve(self, request, code=None):
        rows = unit_features(self._units(request).filter(code=code[:16]))
        if not rows:
            raise NotFound(_("No administrative unit has the code “%(code)s”.") % {
                "code": code[:16]})  # fmt: skip
        return HttpResponse(orjson.dumps(rows[0]), content_type=GEOJSON)


# ---- exports and OC4IDS ---------------------------------------------------------------------


class ProjectExportView(APIView):
    """The filtered selection as a file."""

    @extend_schema(
        summary="Export the filtered selection",
        description="Formats: "
        + "; ".join(f"`{f.name}`: {f.label}" for f in exports.FORMATS.values())
        + f". `crs` (GeoPackage, shapefile and CSV): {supported_codes()}; GeoJSON and KML are "
        f"WGS 84 only. GeoJSON and CSV are streamed and hold the whole selection; the other "
        f"formats at most {queries.MAX_LIMIT} projects. The same filters as the project list; "
        "the file is named after them.",
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(exports.FORMATS)),
            OpenApiParameter(
                "crs", str, examples=[OpenApiExample("VN-2000 Bình Định", value="EPSG:9217")]
            ),
            *FILTER_PARAMETERS,
        ],
        responses={
            (200, f.media_type.split(";")[0]): OpenApiResponse(
                ref("ProjectFeatureCollection") if f.name == "geojson"
                else {"type": "string", "format": "binary"}, description=f.label)
            for f in exports.FORMATS.values()
        } | ERRORS,
    )  # fmt: skip
    def get(self, request, fmt):
        params, query = read_projects(request, EXPORT_PARAMETERS)
        srid, _swap = params.srid("crs")
        export = exports.FORMATS[fmt]
        if srid != STORAGE_SRID and not export.any_crs:
            params.fail(
                "crs",
                _(
                    "%(format)s is always in WGS 84 (EPSG:4326); leave out crs, or "
                    "choose GeoPackage, shapefile or CSV."
                )
                % {"format": export.name},
            )
        params.check()
        projects = select(request.user, query)
        # A format's cap is stated before the download on the map page, and here. (The count
        # also asks the database before a stream starts: a database that is down is a 503,
        # not a cut file.)
        count = projects.count()
        if export.limit is not None and count > export.limit:
            raise BadRequest(
                _("The selection holds %(count)s projects; a %(format)s file holds at most "
                  "%(max)s. Narrow it with filters such as bbox or layer, or choose GeoJSON or "
                  "CSV, which hold any number.")
                % {"count": count, "max": export.limit, "format": export.name}
            )  # fmt: skip
        internal = can_see_unpublished(request.user)
        if export.stream:
            response = StreamingHttpResponse(
                export.stream(projects, internal=internal, srid=srid),
                content_type=export.media_type,
            )
        else:
            body = exports.build(export, projects, internal=internal, srid=srid)
            response = HttpResponse(body, content_type=export.media_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.filename(export, srid, query)}"'
        )
        return response


class OC4IDSView(APIView):
    """The filtered selection as an OC4IDS 0.9 project package."""

    @extend_schema(
        summary="Projects as an OC4IDS project package",
        parameters=[*PAGE_PARAMETERS, *FILTER_PARAMETERS],
        responses={(200, "application/json"): {"type": "object"}, **ERRORS},
    )
    def get(self, request):
        params, query = read_projects(request, OC4IDS_PARAMETERS)
        limit, offset = queries.paging(params)
        params.check()
        projects = select(request.user, query)
        cycles = access.report_cycles_in_oc4ids(request.user)
        if query.as_of:  # as of a day: the cycles whose deadline had come by then
            cycles = [cycle for cycle in cycles if cycle.deadline <= query.as_of]

        def build():
            chosen = list(oc4ids.prefetched(projects[offset : offset + limit]))
            reporting = oc4ids.reporting_parts(
                chosen,
                cycles,
                report_url=lambda cycle: request.build_absolute_uri(
                    reverse("report-annual", kwargs={"year": cycle.year, "suffix": "docx"})
                ),
                as_of=query.as_of,
            )
            releases = [
                oc4ids.project_release(p, geometry=orjson.loads(p.geom.geojson),
                                       reporting=reporting.get(p.pk), as_of=query.as_of)
                for p in chosen
            ]  # fmt: skip
            body = oc4ids.package(releases, uri=request.build_absolute_uri())
            return HttpResponse(orjson.dumps(body), content_type="application/json")

        return conditional(request, build, variant=oc4ids.reporting_stamp(cycles))
