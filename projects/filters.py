"""Query-string filters for project lists, shared by the API, the map pages and exports.

Every bad value becomes a form error keyed by the parameter's name, so callers answer 400
with a message that names it.
"""

import django_filters as filters
from django import forms
from django.contrib.gis.geos import Polygon
from django.db.models import Exists, OuterRef, Q, TextField, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from geo.db import ImmutableUnaccent
from projects.access import visible_projects
from projects.models import AdminUnit, Agency, Priority, Project, ProjectAgency, Sector, Status

MAX_BBOX_SPAN = 10.0  # degrees; the province is about 1 × 1.2


def layer_slugs():
    """Thematic layer identifiers (layers present sectors; this app does not import them)."""
    return Sector.objects.exclude(layer__isnull=True).values_list("layer__slug", flat=True)


class BBoxField(forms.CharField):
    """minLon,minLat,maxLon,maxLat in WGS 84 degrees."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            xmin, ymin, xmax, ymax = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give four numbers: minLon,minLat,maxLon,maxLat (e.g. 108.9,13.7,109.3,14.0).")
            ) from None
        if not (-180 <= xmin < xmax <= 180 and -90 <= ymin < ymax <= 90):
            raise forms.ValidationError(
                _(
                    "The box must be minLon,minLat,maxLon,maxLat in degrees, with min < max "
                    "(longitude first)."
                )
            )
        if xmax - xmin > MAX_BBOX_SPAN * 36 or ymax - ymin > MAX_BBOX_SPAN * 18:
            raise forms.ValidationError(_("The box is larger than the world."))
        return (xmin, ymin, xmax, ymax)


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        # && uses the spatial index; ST_Intersects keeps works that cross the box.
        return qs.filter(geom__intersects=Polygon.from_bbox(value))


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Comma-separated values, each checked against the choices."""


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    pass


def search_document():
    """Lower-cased, accent-free text of a project (unaccent maps đ→d; Python's NFD does not)."""
    text = Concat(
        "code", Value(" "), "name", Value(" "), "name_en", Value(" "), "description",
        output_field=TextField(),
    )  # fmt: skip
    return Lower(ImmutableUnaccent(text))


class ProjectFilterForm(forms.Form):
    """Checks the codes refer to something, so a typo is a 400 rather than an empty list."""

    def clean_agency(self):
        code = self.cleaned_data.get("agency")
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("No agency has the code “%(code)s”.") % {"code": code})
        return agency

    def clean_layer(self):
        return self._known("layer", layer_slugs(), _("No layer has the identifier “%(code)s”."))

    def clean_sector(self):
        return self._known("sector", Sector.objects.values_list("code", flat=True),
                           _("No sector has the code “%(code)s”."))  # fmt: skip

    def _known(self, name, known, message):
        values = self.cleaned_data.get(name)
        if not values:
            return values
        unknown = sorted(set(values or []) - set(known))
        if unknown:
            raise forms.ValidationError(message % {"code": ", ".join(unknown)})
        return values

    def clean_admin_unit(self):
        code = self.cleaned_data.get("admin_unit")
        if code and not AdminUnit.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("No administrative unit has the code “%(code)s”.") % {"code": code}
            )
        return code


class ProjectFilter(filters.FilterSet):
    bbox = BBoxFilter(
        label=_("Bounding box minLon,minLat,maxLon,maxLat (WGS 84); works crossing it count.")
    )
    layer = CharInFilter(field_name="sector__layer__slug", label=_("Layer identifiers"))
    sector = CharInFilter(field_name="sector__code", label=_("Sector codes"))
    status = ChoiceInFilter(choices=Status.choices, label=_("Statuses"))
    agency = filters.CharFilter(
        method="filter_agency",
        label=_("Agency code: leading or coordinating, including bodies it succeeded"),
    )
    admin_unit = filters.CharFilter(method="filter_admin_unit", label=_("Administrative unit"))
    q = filters.CharFilter(method="filter_q", label=_("Text search, accents ignored"))
    year_from = filters.NumberFilter(
        method="filter_year_from", label=_("Planned to end in or after")
    )
    year_to = filters.NumberFilter(
        method="filter_year_to", label=_("Planned to start in or before")
    )
    priority = ChoiceInFilter(choices=Priority.choices, label=_("Priority horizons"))
    min_progress = filters.NumberFilter(
        field_name="progress_pct", lookup_expr="gte", label=_("Minimum progress (%)")
    )
    max_progress = filters.NumberFilter(
        field_name="progress_pct", lookup_expr="lte", label=_("Maximum progress (%)")
    )
    published = filters.BooleanFilter(field_name="is_published", label=_("Published"))

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def filter_agency(self, qs, name, agency):
        codes = agency.lineage_codes()
        return qs.filter(
            Q(lead_agency__code__in=codes)
            | Exists(ProjectAgency.objects.filter(project=OuterRef("pk"), agency__code__in=codes))
        )

    def filter_admin_unit(self, qs, name, value):
        return qs.filter(
            Exists(
                Project.admin_units.through.objects.filter(
                    project=OuterRef("pk"), adminunit__code=value
                )
            )
        )

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.alias(document=search_document()).filter(
            document__contains=ImmutableUnaccent(Lower(Value(value)))
        )

    def filter_year_from(self, qs, name, value):
        return qs.filter(planned_end__year__gte=int(value))

    def filter_year_to(self, qs, name, value):
        return qs.filter(planned_start__year__lte=int(value))


def filter_projects(user, params, queryset=None) -> ProjectFilter:
    """The projects `user` may see (or `queryset`, already limited by the caller), filtered by
    the query parameters and ordered by code. Check is_valid() before reading .qs."""
    if queryset is None:
        queryset = visible_projects(user)
    return ProjectFilter(params, queryset=queryset.order_by("code"))
