"""Data management: projects, agencies, administrative units and sectors, with an offline map."""

from django import forms
from django.contrib import admin
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from geo.widgets import OfflineMapWidget
from projects import actions
from projects.models import AdminUnit, Agency, ProgressReport, Project, ProjectAgency, Sector


class MapAdminMixin:
    """Every geometry field gets the offline map with district outlines underneath."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, gis_models.GeometryField):
            kwargs["widget"] = OfflineMapWidget(
                reference_url=reverse_lazy("adminunit-list") + "?format=json"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProjectAgencyInline(admin.TabularInline):
    model = ProjectAgency
    extra = 1
    autocomplete_fields = ["agency"]


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    fields = [
        "report_date",
        "status",
        "progress_pct",
        "reporting_agency",
        "note",
        "is_illustrative",
    ]
    autocomplete_fields = ["reporting_agency"]
    ordering = ["-report_date"]


class ProjectForm(forms.ModelForm):
    """Refuses to overwrite a project someone else saved after this form was opened."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        exclude = ["admin_units"]  # computed from the geometry

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = (
                Project.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected:
                raise ValidationError(
                    _(
                        "Someone else saved this project while you were editing it (version "
                        "%(current)s, yours %(expected)s). Open it again to see their changes, "
                        "then redo yours."
                    ),
                    code="stale",
                    params={"current": current, "expected": expected},
                )
        return cleaned


@admin.register(Project)
class ProjectAdmin(MapAdminMixin, SimpleHistoryAdmin):
    form = ProjectForm
    list_display = [
        "code",
        "name",
        "sector",
        "status",
        "progress_pct",
        "lead_agency",
        "is_published",
        "location_precision",
    ]
    list_filter = [
        "sector",
        "status",
        "is_published",
        "priority",
        "location_precision",
        "is_illustrative",
    ]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["lead_agency"]
    readonly_fields = ["version", "admin_units_list", "created_at", "updated_at"]
    inlines = [ProjectAgencyInline, ProgressReportInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "name_en",
                    "sector",
                    "project_type",
                    "priority",
                    "plan_reference",
                    "is_published",
                    "expected_version",
                ]
            },
        ),
        (
            _("Location"),
            {
                "fields": [
                    "geom",
                    "location_precision",
                    "source_srid",
                    "location_note",
                    "admin_units_list",
                ]
            },
        ),
        (_("Responsibility"), {"fields": ["lead_agency"]}),
        (
            _("Status and progress"),
            {"fields": ["status", "progress_pct", "disbursement_pct", "is_illustrative"]},
        ),
        (
            _("Schedule and money"),
            {
                "fields": [
                    "planned_start",
                    "planned_end",
                    "actual_start",
                    "actual_end",
                    "total_investment_vnd",
                    "capital_sources",
                ]
            },
        ),
        (_("Description"), {"fields": ["description", "description_en", "oc4ids_sectors"]}),
        (_("Record"), {"fields": ["version", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("administrative units"))
    def admin_units_list(self, project):
        return ", ".join(unit.display_name for unit in project.admin_units.all()) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        actions.refresh_admin_units(form.instance)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "valid_from", "valid_to", "succeeded_by"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "short_name"]
    autocomplete_fields = ["succeeded_by", "admin_unit"]


@admin.register(AdminUnit)
class AdminUnitAdmin(MapAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan_section", "oc4ids_sectors", "sort_order"]
    search_fields = ["code", "name", "name_en"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = [
        "project",
        "report_date",
        "status",
        "progress_pct",
        "reporting_agency",
        "is_illustrative",
    ]
    list_filter = ["status", "is_illustrative"]
    search_fields = ["project__code", "project__name"]
    autocomplete_fields = ["project", "reporting_agency"]
    date_hierarchy = "report_date"
