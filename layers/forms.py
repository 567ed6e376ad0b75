"""The map's filter panel: the same parameters as the API's project filters."""

from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layers.models import Layer
from projects.models import (
    PLAN_DATE,
    AdminUnit,
    Agency,
    Priority,
    Project,
    Status,
    diagnose_project_geometry,
)


def _unit_label(unit: AdminUnit, day) -> str:
    if unit.valid_to is not None and unit.valid_to < day:
        return _("%(name)s (until %(day)s)") % {
            "name": unit.display_name, "day": f"{unit.valid_to:%d/%m/%Y}"}  # fmt: skip
    return unit.display_name


class MapFilterForm(forms.Form):
    as_of = forms.DateField(
        label=_("Show the map as of"), required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={
            "type": "date", "aria-describedby": "as-of-hint"}),
    )  # fmt: skip
    q = forms.CharField(
        label=_("Search"), required=False,
        widget=forms.TextInput(attrs={
            "type": "search", "placeholder": _("Name or code, e.g. quy nhon"),
            "autocomplete": "off",
        }),
    )  # fmt: skip
    layer = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    admin_unit = forms.ChoiceField(label=_("Administrative unit"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority horizon"), required=False,
        choices=[("", _("All horizons")), *Priority.choices],
    )  # fmt: skip
    published = forms.ChoiceField(
        label=_("Publication"), required=False,
        choices=[("", _("Published and unpublished")), ("true", _("Published only")),
                 ("false", _("Unpublished only"))],
    )  # fmt: skip

    def __init__(self, data=None, *args, planner: bool = False, day=None, first_day=None,
                 **kwargs):  # fmt: skip
        """`day` is the map's day (as_of; today when None): the unit choices are the units in
        force then. The date control runs from `first_day` (the first report) to today."""
        if data is not None:
            # Lists come comma-separated (status=a,b), as everywhere; repeated ones still work.
            data = data.copy()
            for name in ("layer", "status"):
                values = [v.strip() for item in data.getlist(name) for v in item.split(",")]
                data.setlist(name, [v for v in values if v])
        super().__init__(data, *args, **kwargs)
        layers = Layer.objects.filter(kind=Layer.Kind.THEMATIC).select_related("sector")
        self.thematic_layers = list(layers if planner else layers.filter(is_public=True))
        self.fields["layer"].choices = [
            (layer.slug, layer.display_name) for layer in self.thematic_layers
        ]
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (a.code, a.display_name)
            for a in Agency.objects.filter(led_projects__isnull=False).distinct().order_by("name")
        ]
        today = timezone.localdate()
        # As of a day, its units only (another would be refused); without, today's, or the
        # former ones until the communes are loaded (the API takes a unit of any period then).
        self.units = list(
            AdminUnit.objects.below_province_on(day or today, latest_before=day is None).order_by(
                "level", "name", "code"
            )
        )
        # A link of before the reform (a district, no as_of) keeps its filter: the unit is
        # offered with the dates it was in force.
        chosen = self.data.get("admin_unit") if self.is_bound else None
        if chosen and chosen not in {u.code for u in self.units}:
            former = AdminUnit.objects.filter(code=chosen).order_by("-valid_to").first()
            if former is not None:
                self.units.append(former)
        self.fields["admin_unit"].choices = [("", _("All units"))] + [
            (u.code, _unit_label(u, day or today)) for u in self.units
        ]
        self.fields["as_of"].widget.attrs.update(
            min=(first_day or PLAN_DATE).isoformat(), max=today.isoformat()
        )
        if not planner:
            del self.fields["published"]

    def active_layers(self) -> list[str]:
        """Layers switched on: all of them unless the URL names some."""
        chosen = self.cleaned_data.get("layer") if self.is_bound and self.is_valid() else None
        return chosen or [layer.slug for layer in self.thematic_layers]


class ProjectEditorForm(forms.ModelForm):
    """The map editor's attribute form. The model's own validation (the geometry gate in
    Project.clean, the constraints) decides; this form only adds where a geometry fails, with
    the spot and a repair, for the map to show (`geometry_problem`)."""

    geom = forms.CharField(
        label=_("Geometry (GeoJSON, WGS 84)"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("Kept in step with the map; without JavaScript, paste GeoJSON here."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment on this change (optional)"), required=False, max_length=500
    )

    class Meta:
        model = Project
        fields = [
            "code", "name", "name_en", "sector", "project_type", "status", "progress_pct",
            "disbursement_pct", "lead_agency", "planned_start", "planned_end", "actual_start",
            "actual_end", "priority", "location_precision", "location_note", "description",
        ]  # fmt: skip
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("planned_start", "planned_end", "actual_start", "actual_end")
        }
        widgets["location_note"] = forms.Textarea(attrs={"rows": 2})
        widgets["description"] = forms.Textarea(attrs={"rows": 3})

    geometry_problem = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.order_by("name")
        if self.instance.pk:
            del self.fields["code"]  # the stable identifier: links and exports rely on it
            self.fields["expected_version"].required = True
            self.fields["expected_version"].initial = self.instance.version
            self.initial["geom"] = self.instance.geom.geojson
        for name in ("name_en", "location_note", "description"):
            self.fields[name].required = False

    def clean_geom(self):
        text = self.cleaned_data["geom"]
        try:
            geom = GEOSGeometry(text)
        except (GDALException, GEOSException, ValueError, TypeError):
            raise forms.ValidationError(
                _("The geometry cannot be read: draw it on the map or paste GeoJSON."),
                code="unreadable",
            ) from None
        geom.srid = geom.srid or 4326
        self.geometry_problem = diagnose_project_geometry(geom)
        if self.geometry_problem:
            raise forms.ValidationError(
                self.geometry_problem["message"], code=self.geometry_problem["code"]
            )
        return geom

    def has_changed_geometry(self) -> bool:
        old = self.instance.geom if self.instance.pk else None
        new = self.cleaned_data.get("geom")
        return old is None or new is None or not old.equals_exact(new, 1e-9)


class ImportForm(forms.Form):
    """The upload page's form: the import command's options (projects.imports.import_file)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("Shapefile (zipped with its .dbf, .shx and .prj), GeoPackage, "
                    "GeoJSON, KML, KMZ or CSV."),
    )  # fmt: skip
    crs = forms.CharField(
        label=_("Coordinate system"), required=False, max_length=40,
        help_text=_("Only when the file does not say it, e.g. EPSG:9217 for VN-2000 TM-3 "
                    "108°15′."),
    )  # fmt: skip
    encoding = forms.ChoiceField(
        label=_("Text encoding"), required=False,
        choices=[("", _("Detect")), ("utf-8", "UTF-8"), ("cp1258", "Windows-1258"),
                 ("tcvn3", "TCVN3 (ABC)"), ("vni", "VNI")],
    )  # fmt: skip
    layer = forms.CharField(label=_("Layer"), required=False, max_length=255)
    mapping_name = forms.CharField(label=_("Saved mapping"), required=False, max_length=120)
    mapping = forms.CharField(
        label=_("Field map"), required=False, max_length=2000,
        help_text=_("Project property = file column, e.g. "
                    "code=MA_DA,name=TEN_DA,lead_agency=CQ_CHUTRI"),
    )  # fmt: skip
    constants = forms.CharField(
        label=_("Constants"), required=False, max_length=2000,
        help_text=_("Values for every feature, e.g. sector=GT"),
    )  # fmt: skip
    skip_invalid = forms.BooleanField(label=_("Import the valid features, skip the rejected ones"),
                                      required=False)  # fmt: skip
    repair = forms.BooleanField(label=_("Repair invalid geometries"), required=False)
    swap_axes = forms.BooleanField(label=_("Swap the axes (northing written first)"),
                                   required=False)  # fmt: skip

    def clean(self):
        from projects.imports import ImportRefused, parse_pairs

        data = super().clean()
        for name in ("mapping", "constants"):
            try:
                data[name] = parse_pairs(data.get(name))
            except ImportRefused as error:
                self.add_error(name, error.message)
        return data

    def options(self) -> dict:
        """The keyword arguments of import_file, as JSON-safe values."""
        data = self.cleaned_data
        return {
            "crs": data["crs"].strip() or None,
            "encoding": data["encoding"] or None,
            "layer": data["layer"].strip() or None,
            "mapping_name": data["mapping_name"].strip() or None,
            "mapping": data["mapping"],
            "constants": data["constants"],
            "skip_invalid": data["skip_invalid"],
            "repair": data["repair"],
            "swap_axes": data["swap_axes"],
        }
