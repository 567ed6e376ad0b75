"""REST API (v1): projects, their progress, agencies, administrative units, exports, OC4IDS.

Every project endpoint starts from projects.access.visible_projects, so anonymous callers get
published projects and public fields only, wherever they look.
"""

import datetime
import hashlib

import orjson
from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.crs import STORAGE_SRID
from projects import exports, oc4ids
from projects.access import can_see_unpublished, visible_projects
from projects.filters import ProjectFilter, filter_projects
from projects.geojson import PRECISION, PROPERTIES, feature_collection, features
from projects.models import PLAN_DATE, AdminUnit, Agency, DataVersion, ProgressReport, Project

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000


# ---- conditional requests -------------------------------------------------------------------


def conditional(request, build, *, extra: str = ""):
    """Answer 304 when the client's copy is current; otherwise build the response and mark it
    with a weak ETag (the body may be gzipped) and Last-Modified."""
    version, changed = DataVersion.current()
    request.data_stamp = (version, changed)  # builders key their small lookups on it
    internal = can_see_unpublished(request.user)
    key = f"{version}|{request.get_full_path()}|{get_language()}|{internal}|{extra}"
    etag = 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    last_modified = int(changed.timestamp()) if changed else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or build()
    if response.status_code in (200, 304):
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        if internal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=60)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


# ---- serializers ------------------------------------------------------------------------------


class ProjectSerializer(GeoFeatureModelSerializer):
    """A project's public fields; planners also get the publication flag.

    The list endpoint produces the same features through PostGIS (projects.geojson); this
    serializer serves single projects and documents the shape."""

    geom = GeometryField(precision=PRECISION)
    sector = serializers.CharField(source="sector.code")
    sector_name = serializers.CharField(source="sector.display_name")
    status_label = serializers.CharField(source="get_status_display")
    oc4ids_status = serializers.CharField()
    lead_agency = serializers.CharField(source="lead_agency.code")
    lead_agency_name = serializers.CharField(source="lead_agency.display_name")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Project
        geo_field = "geom"
        id_field = "code"
        fields = [*PROPERTIES, "is_published"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not can_see_unpublished(request.user if request else None):
            fields.pop("is_published")
        return fields

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        # DRF-GIS moves the id field out of the properties; clients (and exports) want it in.
        feature["properties"] = {"code": feature["id"], **feature["properties"]}
        return feature


class ProgressReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    reporting_agency = serializers.CharField(source="reporting_agency.code", default=None)
    reporting_agency_name = serializers.CharField(
        source="reporting_agency.display_name", default=None
    )

    class Meta:
        model = ProgressReport
        fields = [
            "report_date", "status", "status_label", "progress_pct", "note", "reporting_agency",
            "reporting_agency_name", "is_illustrative",
        ]  # fmt: skip


class AgencySerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    admin_unit = serializers.CharField(source="admin_unit.code", default=None)
    succeeded_by = serializers.CharField(source="succeeded_by.code", default=None)
    current = serializers.SerializerMethodField(
        help_text="The body holding this agency's tasks today (follows mergers)."
    )

    class Meta:
        model = Agency
        fields = [
            "code", "name", "name_en", "display_name", "short_name", "kind", "kind_label",
            "admin_unit", "valid_from", "valid_to", "succeeded_by", "current",
        ]  # fmt: skip

    def get_current(self, agency) -> str:
        return agency.current().code


class AdminUnitSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=5)
    display_name = serializers.CharField()

    class Meta:
        model = AdminUnit
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code", "name", "name_en", "display_name", "level", "kind", "valid_from",
            "valid_to", "location_precision",
        ]  # fmt: skip


# ---- parameters -------------------------------------------------------------------------------


class PageForm(forms.Form):
    limit = forms.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)
    offset = forms.IntegerField(min_value=0, required=False)
    simplify = forms.FloatField(min_value=0, max_value=0.1, required=False)
    properties = forms.CharField(required=False)

    def clean_properties(self):
        names = [n.strip() for n in self.cleaned_data["properties"].split(",") if n.strip()]
        unknown = sorted(set(names) - set(PROPERTIES) - {"is_published"})
        if unknown:
            raise forms.ValidationError(
                _("Unknown properties: %(names)s. Known: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(PROPERTIES)}
            )
        return names or None


class ExportForm(forms.Form):
    crs = forms.CharField(required=False)

    def clean_crs(self):
        value = (self.cleaned_data["crs"] or "").strip().upper()
        if not value:
            return STORAGE_SRID
        code = value.removeprefix("EPSG:")
        if code.isdigit() and int(code) in exports.EXPORT_SRIDS:
            return int(code)
        allowed = ", ".join(f"EPSG:{srid}" for srid in exports.EXPORT_SRIDS)
        raise forms.ValidationError(
            _("Unsupported coordinate system “%(value)s”: use one of %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )


def _valid(form: forms.Form) -> dict:
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.cleaned_data


PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description=f"Features per page (1–{MAX_LIMIT}, default "
                     f"{DEFAULT_LIMIT}).", examples=[OpenApiExample("page", value=100)]),
    OpenApiParameter("offset", int, description="Features to skip (see the `next` link)."),
    OpenApiParameter("simplify", float, description="Generalise geometries by this tolerance in "
                     "degrees, for small-scale maps (0–0.1).",
                     examples=[OpenApiExample("province view", value=0.0005)]),
    OpenApiParameter("properties", str, description="Only these properties, comma-separated "
                     "(a lighter payload).",
                     examples=[OpenApiExample("for a map", value="code,name,status")]),
]  # fmt: skip
_EXAMPLES = {
    "bbox": ("Quy Nhơn", "109.15,13.70,109.30,13.85"),
    "status": ("two statuses", "under_construction,site_clearance"),
    "layer": ("transport", "transport"),
    "q": ("no accents needed", "quy nhon"),
    "agency": ("a department", "SGTVT"),
    "admin_unit": ("An Nhơn", "549"),
}
FILTER_EXAMPLES = [
    OpenApiParameter(
        name,
        str,
        description=str(ProjectFilter.base_filters[name].label),
        examples=[OpenApiExample(summary, value=value)],
    )
    for name, (summary, value) in _EXAMPLES.items()
]


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Projects as a GeoJSON FeatureCollection",
        description="Published projects for the public, every project for planners; "
        "ordered by code, paginated with `limit`/`offset` and `next`/`prev` links.",
        parameters=PAGE_PARAMETERS + FILTER_EXAMPLES,
    ),
    retrieve=extend_schema(summary="One project as a GeoJSON Feature"),
)
@method_decorator(gzip_page, name="dispatch")  # JSON holds no secrets, so no BREACH concern
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects as GeoJSON features. Anonymous users see published projects only."""

    serializer_class = ProjectSerializer
    renderer_classes = [JSONRenderer, GeoJSONRenderer, BrowsableAPIRenderer]
    lookup_field = "code"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter

    def get_queryset(self):
        return visible_projects(self.request.user).order_by("code")

    def list(self, request, *args, **kwargs):
        page = _valid(PageForm(request.query_params))
        projects = self.filter_queryset(self.get_queryset())
        return conditional(request, lambda: self._page(request, projects, page))

    def _page(self, request, projects, page):
        limit = page["limit"] or DEFAULT_LIMIT
        offset = page["offset"] or 0
        internal = can_see_unpublished(request.user)
        counted = []
        rows = features(
            projects[offset : offset + limit], internal=internal, simplify=page["simplify"],
            properties=page["properties"], stamp=getattr(request, "data_stamp", None),
            counted=counted,
        )  # fmt: skip
        # The window count comes with the rows; past the end there are none to carry it.
        matched = counted[0] if rows else projects.count()
        links = []
        if offset + limit < matched:
            links.append(self._link(request, "next", offset + limit, limit))
        if offset > 0:
            links.append(self._link(request, "prev", max(0, offset - limit), limit))
        body = {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(rows),
            "links": links,
            "features": rows,
        }
        return HttpResponse(orjson.dumps(body), content_type="application/geo+json")

    def get_object(self):
        # One project by code: the list's filters do not apply (and cost a filter form).
        project = get_object_or_404(self.get_queryset(), code=self.kwargs["code"])
        self.check_object_permissions(self.request, project)
        return project

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        return conditional(
            request,
            lambda: Response(self.get_serializer(project).data),
            extra=str(project.version),
        )

    @staticmethod
    def _link(request, rel, offset, limit):
        query = request.GET.copy()
        query["offset"], query["limit"] = offset, limit
        url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return {"rel": rel, "href": url, "type": "application/geo+json"}

    @extend_schema(
        summary="A project's progress reports, oldest first",
        responses=ProgressReportSerializer(many=True),
    )
    @action(detail=True, url_path="progress")
    def progress(self, request, code=None):
        project = self.get_object()
        reports = project.progress_reports.select_related("reporting_agency").order_by(
            "report_date"
        )
        return Response(ProgressReportSerializer(reports, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Agencies, with validity dates and successors"),
    retrieve=extend_schema(summary="One agency"),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    lookup_field = "code"
    pagination_class = None
    queryset = Agency.objects.select_related("admin_unit", "succeeded_by").order_by("code")


@extend_schema_view(
    list=extend_schema(summary="Administrative units in force when the plan was issued"),
    retrieve=extend_schema(summary="One administrative unit"),
)
@method_decorator(gzip_page, name="dispatch")
class AdminUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The province and its former districts (valid until 30 June 2025), as GeoJSON."""

    serializer_class = AdminUnitSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return AdminUnit.objects.valid_on(PLAN_DATE).order_by("level", "code")


def _selection(request):
    """The caller's visible projects, filtered by the query string (400 on a bad value)."""
    selection = filter_projects(request.user, request.query_params)
    if not selection.is_valid():
        raise ValidationError(selection.errors)
    return selection.qs


class ProjectExportView(APIView):
    """The filtered selection as a file."""

    @extend_schema(
        summary="Export the filtered selection",
        description="Formats: geojson, gpkg (GeoPackage), shp (zipped shapefiles, one per "
        "geometry kind, with .prj and UTF-8 .cpg), csv (UTF-8 with BOM, WKT and lon/lat), kml. "
        "`crs` (GeoPackage and shapefile only): "
        f"{', '.join(f'EPSG:{s}' for s in exports.EXPORT_SRIDS)}. "
        f"At most {MAX_LIMIT} projects; the same filters as the project list.",
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=[*exports.FORMATS]),
            OpenApiParameter(
                "crs", str, examples=[OpenApiExample("VN-2000 Bình Định", value="EPSG:9217")]
            ),
            *FILTER_EXAMPLES,
        ],  # fmt: skip
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, fmt):
        options = _valid(ExportForm(request.query_params))
        projects = _selection(request)
        count = projects.count()
        if count > MAX_LIMIT:
            raise ValidationError(
                {"detail": _("The selection holds %(count)s projects; an export holds at most "
                             "%(max)s. Narrow it with filters such as bbox or layer.")
                 % {"count": count, "max": MAX_LIMIT}}
            )  # fmt: skip
        internal = can_see_unpublished(request.user)
        content_type, extension = exports.FORMATS[fmt]
        if fmt == "geojson":
            body = feature_collection(projects, internal=internal)
        else:
            srid = options["crs"] if fmt in ("gpkg", "shp") else STORAGE_SRID
            body = exports.write(exports.frame(projects, internal=internal, srid=srid), fmt)
        suffix = f"-epsg{options['crs']}" if fmt in ("gpkg", "shp") else ""
        filename = f"du-an-{datetime.date.today():%Y%m%d}{suffix}.{extension}"
        return _attachment(body, content_type, filename)


class OC4IDSView(APIView):
    """The filtered selection as an OC4IDS 0.9 project package."""

    filter_backends = [DjangoFilterBackend]

    @extend_schema(
        summary="Projects as an OC4IDS project package",
        parameters=[*PAGE_PARAMETERS[:2], *FILTER_EXAMPLES],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        page = _valid(PageForm(request.query_params))
        selection = _selection(request)

        def build():
            limit = page["limit"] or DEFAULT_LIMIT
            offset = page["offset"] or 0
            chosen = oc4ids.prefetched(selection[offset : offset + limit])
            projects = [
                oc4ids.project_release(p, geometry=orjson.loads(p.geom.geojson)) for p in chosen
            ]
            body = oc4ids.package(projects, uri=request.build_absolute_uri())
            return HttpResponse(orjson.dumps(body), content_type="application/json")

        return conditional(request, build)
