"""REST API (v1): GeoJSON FeatureCollections of projects and administrative units."""

from rest_framework import serializers, viewsets
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from projects.access import can_see_unpublished, visible_projects
from projects.models import PLAN_DATE, AdminUnit, Project


class ProjectSerializer(GeoFeatureModelSerializer):
    """A project's public fields; planners also get the publication flag."""

    geom = GeometryField(precision=6)
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
            "code",
            "name",
            "name_en",
            "sector",
            "sector_name",
            "project_type",
            "status",
            "status_label",
            "oc4ids_status",
            "progress_pct",
            "lead_agency",
            "lead_agency_name",
            "priority",
            "planned_start",
            "planned_end",
            "location_precision",
            "is_illustrative",
            "url",
            "is_published",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not can_see_unpublished(request.user if request else None):
            fields.pop("is_published")
        return fields


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects as GeoJSON features. Anonymous users see published projects only."""

    serializer_class = ProjectSerializer
    lookup_field = "code"

    def get_queryset(self):
        return visible_projects(self.request.user).order_by("code")


class AdminUnitSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=5)
    display_name = serializers.CharField()

    class Meta:
        model = AdminUnit
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code",
            "name",
            "name_en",
            "display_name",
            "level",
            "kind",
            "valid_from",
            "valid_to",
            "location_precision",
        ]


class AdminUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units in force when the plan was issued (province and districts)."""

    serializer_class = AdminUnitSerializer
    lookup_field = "code"

    def get_queryset(self):
        return AdminUnit.objects.valid_on(PLAN_DATE).order_by("level", "code")
