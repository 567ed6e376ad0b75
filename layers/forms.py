"""The map's filter panel: the same parameters as the API's project filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from layers.models import Layer
from projects.models import PLAN_DATE, AdminUnit, Agency, Priority, Status


class MapFilterForm(forms.Form):
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

    def __init__(self, data=None, *args, planner: bool = False, **kwargs):
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
        self.fields["admin_unit"].choices = [("", _("All units"))] + [
            (u.code, u.display_name)
            for u in AdminUnit.objects.valid_on(PLAN_DATE).filter(level=AdminUnit.Level.DISTRICT)
        ]
        if not planner:
            del self.fields["published"]

    def active_layers(self) -> list[str]:
        """Layers switched on: all of them unless the URL names some."""
        chosen = self.cleaned_data.get("layer") if self.is_bound and self.is_valid() else None
        return chosen or [layer.slug for layer in self.thematic_layers]
