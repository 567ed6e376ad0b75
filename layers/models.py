"""Map layers: one thematic layer per sector of the plan, plus reference layers (boundaries)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.access import can_see_unpublished
from projects.models import AdminUnit, BilingualName, Sector


class LayerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every layer for planners and staff, public ones for everyone else: the same rule
        as projects.access (whose projects of a non-public layer the public never sees)."""
        return self if can_see_unpublished(user) else self.filter(is_public=True)


class Layer(BilingualName):
    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("Thematic (projects of one sector)")
        REFERENCE = "reference", _("Reference (boundaries)")

    slug = models.SlugField(_("identifier"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sector = models.OneToOneField(
        Sector,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="layer",
        verbose_name=_("sector"),
    )
    admin_level = models.CharField(
        _("boundary level"),
        max_length=16,
        choices=AdminUnit.Level.choices,
        blank=True,
        help_text=_("For reference layers: which administrative units they draw."),
    )
    description = models.TextField(_("description"), blank=True)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#3366cc",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #3366cc."))],
    )
    icon = models.CharField(_("icon"), max_length=32, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(_("public"), default=True)
    visible_by_default = models.BooleanField(_("shown by default"), default=True)

    objects = LayerQuerySet.as_manager()

    class Meta:
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        ordering = ["kind", "sort_order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="thematic") & Q(sector__isnull=False) & Q(admin_level=""))
                | (Q(kind="reference") & Q(sector__isnull=True) & ~Q(admin_level="")),
                name="layer_kind_matches_source",
                violation_error_message=_(
                    "A thematic layer needs a sector; a reference layer needs a boundary level."
                ),
            ),
            models.CheckConstraint(
                condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="layer_color_hex"
            ),
        ]
