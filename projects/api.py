"""REST API (v1): GeoJSON FeatureCollections of projects and administrative units."""

from django import forms
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from projects.access import can_see_unpublished, visible_projects
from projects.filters import ProjectFilter
from projects.geojson import PRECISION, feature_collection
from projects.models import PLAN_DATE, AdminUnit, Project

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000


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
        fields = [
            "code", "name", "name_en", "sector", "sector_name", "project_type", "status",
            "status_label", "oc4ids_status", "progress_pct", "lead_agency", "lead_agency_name",
            "priority", "planned_start", "planned_end", "location_precision", "is_illustrative",
            "url", "is_published",
        ]  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not can_see_unpublished(request.user if request else None):
            fields.pop("is_published")
        return fields


class PageForm(forms.Form):
    limit = forms.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)
    offset = forms.IntegerField(min_value=0, required=False)
    simplify = forms.FloatField(
        min_value=0, max_value=0.1, required=False,
        help_text=_("Generalise geometries by this tolerance in degrees (for small-scale maps)."),
    )  # fmt: skip


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


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
        page = PageForm(request.query_params)
        if not page.is_valid():
            raise ValidationError(page.errors)
        limit = page.cleaned_data["limit"] or DEFAULT_LIMIT
        offset = page.cleaned_data["offset"] or 0
        projects = self.filter_queryset(self.get_queryset())
        matched = projects.count()
        selection = projects[offset : offset + limit]
        returned = max(0, min(limit, matched - offset))
        links = []
        if offset + limit < matched:
            links.append(self._link(request, "next", offset + limit, limit))
        if offset > 0:
            links.append(self._link(request, "prev", max(0, offset - limit), limit))
        body = feature_collection(
            selection,
            internal=can_see_unpublished(request.user),
            simplify=page.cleaned_data["simplify"],
            numberMatched=matched,
            numberReturned=returned,
            links=links,
        )
        return HttpResponse(body, content_type="application/geo+json")

    @staticmethod
    def _link(request, rel, offset, limit):
        query = request.GET.copy()
        query["offset"], query["limit"] = offset, limit
        url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return {"rel": rel, "href": url, "type": "application/geo+json"}


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


class AdminUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units in force when the plan was issued (province and districts)."""

    serializer_class = AdminUnitSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return AdminUnit.objects.valid_on(PLAN_DATE).order_by("level", "code")
