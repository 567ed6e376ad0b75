"""Serializers of the REST API.

`ProjectSerializer` is the declared shape of a project feature with DRF-GIS: the lists and
exports build the same features in PostGIS (projects.geojson), and tests and `make bench`
compare the two feature for feature, so the fast path cannot drift from the declared one.
"""

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.crs import STORAGE_SRID, decimals
from projects.access import can_see_unpublished
from projects.geojson import INTERNAL, PROPERTIES
from projects.models import Agency, ProgressReport, Project


class ProjectSerializer(GeoFeatureModelSerializer):
    """A project's public fields; planners also get the publication flag."""

    geom = GeometryField(precision=decimals(STORAGE_SRID))
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
        fields = [*PROPERTIES, *INTERNAL]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not can_see_unpublished(request.user if request else None):
            for name in INTERNAL:
                fields.pop(name)
        return fields

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        # DRF-GIS moves the id field out of the properties; clients (and exports) want it in.
        feature["properties"] = {"code": feature["id"], **feature["properties"]}
        return feature


class ProgressReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    reporting_agency = serializers.CharField(
        source="reporting_agency.code", default=None, allow_null=True
    )
    reporting_agency_name = serializers.CharField(
        source="reporting_agency.display_name", default=None, allow_null=True
    )

    class Meta:
        model = ProgressReport
        fields = [
            "report_date", "status", "status_label", "progress_pct", "note", "reporting_agency",
            "reporting_agency_name", "is_illustrative",
        ]  # fmt: skip


class ProgressReportInputSerializer(serializers.Serializer):
    """A progress report sent to the API (the write path validates it as the admin does)."""

    report_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ProgressReport._meta.get_field("status").choices)
    progress_pct = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100, required=False,
        allow_null=True, default=None,
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AgencySerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    admin_unit = serializers.CharField(source="admin_unit.code", default=None, allow_null=True)
    succeeded_by = serializers.CharField(source="succeeded_by.code", default=None, allow_null=True)
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
