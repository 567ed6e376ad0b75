"""Data management: projects, agencies, administrative units and sectors, with an offline map.

Projects and agencies are saved through projects.actions, like every other writer: the change
form carries the version it was opened at, and when someone else saved meanwhile nothing is
written (the inlines included: they are saved by the same actions, in the same transaction) and
the form comes back with both versions side by side (projects.conflicts, as in the map editor):
reload theirs, or re-apply yours on top of it. A re-applied save writes only the fields the user
changed since the version they opened, so the other save's changes to other fields survive.
"""

from django import forms
from django.contrib import admin
from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin

from geo.sketch import sketch
from geo.widgets import OfflineMapWidget
from projects import access, actions, conflicts
from projects.models import (
    AdminUnit,
    Agency,
    ApiToken,
    Door,
    ImportBatch,
    ImportMapping,
    Membership,
    PlanTask,
    PlanTaskAgency,
    ProgressReport,
    Project,
    ProjectAgency,
    Sector,
)

REAPPLY = "_reapply"  # the conflict page's "re-apply mine" button: the version to save over


class MapAdminMixin:
    """Every geometry field gets the offline map with district outlines underneath."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, gis_models.GeometryField):
            kwargs["widget"] = OfflineMapWidget(
                reference_url=reverse_lazy("adminunit-list") + "?format=json"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class NamedAutocompleteMixin:
    """Names the autocomplete boxes for screen readers (geo/static/geo/admin_names.js)."""

    class Media:
        js = ["admin/js/jquery.init.js", "geo/admin_names.js"]


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline has one heading per column and no <label> per cell: each field, the
    delete box too, is named by an aria-label, or a screen reader reads a row of bare inputs
    (axe: label, select-name)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # The widget a RelatedFieldWidgetWrapper (autocomplete, foreign key) renders.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", str(field.label))


class TabularInline(NamedAutocompleteMixin, admin.TabularInline):
    formset = LabelledInlineFormSet


class VersionedForm(forms.ModelForm):
    """Carries the version the form was opened at; a change form without it is refused."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "required": _("This form does not say which version it edits. Reload the page.")
        },
    )
    # The version the user first opened: stays while they re-apply their values on top of a
    # newer one, so that only what they changed since is written.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    write_conflict = None  # set by ActionAdmin when the save lost a race

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get(REAPPLY):
            # "Re-apply mine": the conflict page's button names the version shown there.
            data = data.copy()
            data["expected_version"] = data[REAPPLY]
        super().__init__(data, *args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].required = True
            self.fields["expected_version"].initial = self.instance.version
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.write_conflict is not None:
            raise ValidationError(self.write_conflict.message, code="stale")
        return cleaned


class ActionAdmin(NamedAutocompleteMixin, admin.ModelAdmin):
    """Writes through projects.actions. A StaleVersion raised while saving rolls the whole save
    back (the admin runs it in one transaction); the form is then shown again with the reason
    and both versions (409), the user's values still in it."""

    change_form_template = "admin/projects/versioned_change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except actions.StaleVersion as conflict:
            request.write_conflict = conflict
            response = super().changeform_view(request, object_id, form_url, extra_context)
            response.status_code = 409
            return response

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.write_conflict = getattr(request, "write_conflict", None)
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        error = getattr(request, "write_conflict", None)
        if error is not None and obj is not None and obj.pk is not None:
            form = context["adminform"].form  # bound to the user's values: obj holds them
            fields = {f.name for f in obj._meta.concrete_fields}
            labels = {name: field.label or name for name, field in form.fields.items()
                      if name in fields}  # fmt: skip
            found = conflicts.compare(
                obj, labels, error, opened_version=form.cleaned_data.get("opened_version")
            )
            context["write_conflict"] = found
            context["write_conflict_sketch"] = sketch(found.theirs_geom, found.yours_geom)
            context["reapply_name"] = REAPPLY
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def changes(form) -> dict:
        """The model fields the user changed, with their cleaned values; after a conflict,
        only those changed since the version the user opened (theirs stay for the others)."""
        fields = {field.name for field in form.instance._meta.concrete_fields}
        changed = {
            name: getattr(form.instance, name) for name in form.changed_data if name in fields
        }
        opened = form.cleaned_data.get("opened_version")
        if opened is None or opened == form.cleaned_data.get("expected_version"):
            return changed
        return conflicts.your_changes(type(form.instance), form.instance.pk, opened, changed)


def _note_saved(formset, saved_forms) -> None:
    """What the admin's change message reads (formset.save() would set it; the actions save)."""
    deleted = [form for form in formset.initial_forms if form in formset.deleted_forms]
    formset.deleted_objects = [form.instance for form in deleted]
    formset.new_objects = [form.instance for form in saved_forms if form.instance.pk is None]
    formset.changed_objects = [
        (form.instance, form.changed_data) for form in saved_forms if form.instance.pk is not None
    ]


class ProjectAgencyInline(TabularInline):
    model = ProjectAgency
    extra = 1
    autocomplete_fields = ["agency"]


class ProgressReportForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A report is filed for its date: to move it, delete it and add another.
            self.fields["report_date"].disabled = True


class ProgressReportInline(TabularInline):
    model = ProgressReport
    form = ProgressReportForm
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


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        exclude = ["admin_units"]  # computed from the geometry


@admin.register(Project)
class ProjectAdmin(MapAdminMixin, ActionAdmin):
    form = ProjectForm
    list_display = [
        "code",
        "name",
        "sector",
        "status",
        "progress_pct",
        "lead_agency",
        "publication",
        "location_precision",
    ]
    list_filter = [
        "sector",
        "status",
        "publication",
        "priority",
        "location_precision",
        "is_illustrative",
    ]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["lead_agency"]
    # Publishing is the publishers' step on the review list (/review/): never a checkbox here.
    readonly_fields = [
        "publication",
        "version",
        "admin_units_list",
        "created_at",
        "updated_at",
        "history_link",
    ]
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
                    "publication",
                    "expected_version",
                    "opened_version",
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
                    "location_note_en",
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
        (_("Record"), {"fields": ["version", "created_at", "updated_at", "history_link"]}),
    ]

    # What a user may do is projects.access's answer (the admin asks it, like the API).
    def has_add_permission(self, request):
        return access.can(request.user, access.CREATE)

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, access.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.user, access.DELETE, obj)

    @admin.display(description=_("administrative units"))
    def admin_units_list(self, project):
        return ", ".join(unit.display_name for unit in project.admin_units.all()) or "—"

    @admin.display(description=_("history"))
    def history_link(self, project):
        if not project.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', history_url(project), _("Every change"))

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related writes the project and its inlines in one go."""

    def save_related(self, request, form, formsets, change):
        project = form.instance
        who = {"user": request.user, "door": Door.ADMIN}
        by_model = {formset.model: formset for formset in formsets}
        agencies = by_model.get(ProjectAgency)
        participations = None
        if agencies is not None:
            kept = [f for f in agencies.forms if f.cleaned_data and f not in agencies.deleted_forms]
            participations = [(f.cleaned_data["agency"], f.cleaned_data["role"]) for f in kept]
            _note_saved(agencies, [f for f in kept if f.has_changed()])
        if change:
            actions.update_project(
                project,
                self.changes(form),
                participations=participations,
                expected_version=form.cleaned_data["expected_version"],
                **who,
            )
        else:
            actions.create_project(project, participations=participations or (), **who)
        reports = by_model.get(ProgressReport)
        if reports is not None:
            self._save_reports(request, project, reports, who)

    @staticmethod
    def _save_reports(request, project, formset, who) -> None:
        for form in formset.deleted_forms:
            if form.instance.pk:
                actions.delete_progress_report(
                    form.instance, expected_version=project.version, **who
                )
        saved = [
            f
            for f in formset.forms
            if f.has_changed() and f.cleaned_data and f not in formset.deleted_forms
        ]
        _note_saved(formset, saved)
        for form in saved:
            data = form.cleaned_data
            actions.record_progress(
                project,
                report_date=data["report_date"],
                status=data["status"],
                progress_pct=data["progress_pct"],
                note=data["note"],
                reporter=request.user,
                reporting_agency=data["reporting_agency"],
                is_illustrative=data["is_illustrative"],
                expected_version=project.version,
                **who,
            )

    def delete_model(self, request, obj):
        # The delete confirmation page carries no version: it deletes what it showed.
        actions.delete_project(
            obj, expected_version=obj.version, user=request.user, door=Door.ADMIN
        )

    def delete_queryset(self, request, queryset):
        for project in queryset:
            self.delete_model(request, project)


class AgencyForm(VersionedForm):
    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "name_en",
            "short_name",
            "kind",
            "admin_unit",
            "valid_from",
            "valid_to",
            "succeeded_by",
            "note",
            "expected_version",
            "opened_version",
        ]


@admin.register(Agency)
class AgencyAdmin(ActionAdmin):
    form = AgencyForm
    list_display = ["code", "name", "kind", "valid_from", "valid_to", "succeeded_by"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "short_name"]
    autocomplete_fields = ["succeeded_by", "admin_unit"]
    readonly_fields = ["version", "history_link"]

    @admin.display(description=_("history"))
    def history_link(self, agency):
        if not agency.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', history_url(agency), _("Every change"))

    def save_model(self, request, obj, form, change):
        who = {"user": request.user, "door": Door.ADMIN}
        if change:
            actions.update_agency(
                obj,
                self.changes(form),
                expected_version=form.cleaned_data["expected_version"],
                **who,
            )
        else:
            actions.create_agency(obj, **who)

    def delete_model(self, request, obj):
        actions.delete_agency(obj, expected_version=obj.version, user=request.user, door=Door.ADMIN)

    def delete_queryset(self, request, queryset):
        for agency in queryset:
            self.delete_model(request, agency)


class PlanTaskAgencyInline(TabularInline):
    model = PlanTaskAgency
    extra = 1
    autocomplete_fields = ["agency"]


class PlanTaskForm(VersionedForm):
    class Meta:
        model = PlanTask
        fields = [
            "code",
            "section",
            "sort_order",
            "heading_vi",
            "heading_en",
            "title_vi",
            "title_en",
            "text_vi",
            "summary_en",
            "lead_agency",
            "assignment_inferred",
            "projects",
            "target_year",
            "expected_version",
            "opened_version",
        ]


@admin.register(PlanTask)
class PlanTaskAdmin(ActionAdmin):
    """The plan's tasks: the lead agency, the coordinating agencies (inline) and the linked
    projects are saved together by projects.actions, in one transaction and one version."""

    form = PlanTaskForm
    list_display = ["code", "title_vi", "lead_agency", "assignment_inferred", "target_year"]
    list_filter = ["section", "assignment_inferred"]
    search_fields = ["code", "title_vi", "title_en", "text_vi", "summary_en"]
    autocomplete_fields = ["lead_agency", "projects"]
    readonly_fields = ["version", "history_link"]
    inlines = [PlanTaskAgencyInline]

    @admin.display(description=_("history"))
    def history_link(self, task):
        if not task.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', history_url(task), _("Every change"))

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related writes the task, its agencies and projects in one go."""

    def save_related(self, request, form, formsets, change):
        task = form.instance
        who = {"user": request.user, "door": Door.ADMIN}
        agencies = None
        for formset in formsets:
            if formset.model is PlanTaskAgency:
                kept = [
                    f for f in formset.forms if f.cleaned_data and f not in formset.deleted_forms
                ]
                agencies = [(f.cleaned_data["agency"], f.cleaned_data["role"]) for f in kept]
                _note_saved(formset, [f for f in kept if f.has_changed()])
        projects = form.cleaned_data.get("projects")
        if change:
            actions.update_plan_task(
                task,
                self.changes(form),
                agencies=agencies,
                projects=list(projects) if projects is not None else None,
                expected_version=form.cleaned_data["expected_version"],
                **who,
            )
        else:
            actions.create_plan_task(
                task, agencies=agencies or (), projects=list(projects or ()), **who
            )

    def delete_model(self, request, obj):
        actions.delete_plan_task(
            obj, expected_version=obj.version, user=request.user, door=Door.ADMIN
        )

    def delete_queryset(self, request, queryset):
        for task in queryset:
            self.delete_model(request, task)


@admin.register(AdminUnit)
class AdminUnitAdmin(MapAdminMixin, NamedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        # Through the action, so a new or moved boundary takes its projects.
        actions.write_admin_units([obj])


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan_section", "oc4ids_sectors", "sort_order"]
    search_fields = ["code", "name", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list to read: the records are written elsewhere, through projects.actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    """A list to search reports in; they are filed and corrected on their project's page."""

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
    date_hierarchy = "report_date"


def history_url(obj) -> str:
    """The events of a record and of everything that refers to it (a project's participations
    and reports, an agency's roles), newest first."""
    query = urlencode({"method": "references", "obj": f"{obj._meta.label}:{obj.pk}"})
    return reverse("admin:projects_changeevents_changelist") + "?" + query


class ChangeEventsAdmin(EventsAdmin):
    """The history pages (registered by pghistory.admin, see PGHISTORY_ADMIN_CLASS): readable
    by whoever may view projects."""

    def get_list_display(self, request):
        return ["when", "record", "what", "user", "door", "comment", "changes"]

    @admin.display(description=_("when"), ordering="pgh_created_at")
    def when(self, event):
        return event.pgh_created_at

    @admin.display(description=_("record"))
    def record(self, event):
        return f"{event.pgh_obj_model.removeprefix('projects.')} {event.pgh_obj_id}"

    @admin.display(description=_("what"))
    def what(self, event):
        return event.pgh_label

    @admin.display(description=_("changes (before, after)"))
    def changes(self, event):
        return event.pgh_diff or "—"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("projects.view_project")

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who has which role (an agency reporter with their agency); see the README's roles."""

    list_display = ["user", "role", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__code", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke tokens; only their owner makes them (the key is shown
    once, on the tokens page)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    """A mapping saved for an agency's files, chosen by name: `import_projects --mapping NAME`
    (projects/imports.py). `mapping` maps project properties to the file's columns, e.g.
    {"code": "MA_DA", "name": "TEN_DA"}; `constants` sets the rest, e.g. {"sector": "GT"}."""

    list_display = ["name", "agency"]
    search_fields = ["name", "agency__code", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """The record of each import, read only: imports and their undo run through the commands
    (`import_projects`, `undo_import ID`), which write through projects.actions."""

    list_display = ["id", "file_name", "user", "created_at", "created", "updated", "unchanged",
                    "rejected", "state"]  # fmt: skip
    list_filter = ["state"]
    search_fields = ["file_name", "sha256"]
