"""The domain: administrative units, agencies, sectors, projects and their progress.

The project record follows OC4IDS so it can be published in that standard: our Vietnamese
phases map onto OC4IDS `projectStatus`, our project types onto `projectType`, and the plan's ten
sectors onto `projectSector` codes.
"""

import datetime

import pghistory
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Concat
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from geo.db import DateRange, GeometryType, OneQueryChecks, SearchText
from geo.validation import clean_geometry, diagnose

PLAN_DATE = datetime.date(2024, 6, 1)  # the plan's units are those in force when it was issued
PLAN_PROVINCE_CODE = "52"  # Bình Định (GSO); since the reform, the new Gia Lai's code
REFORM_DATE = datetime.date(2025, 7, 1)  # districts abolished, Bình Định merged into Gia Lai


class LocationPrecision(models.TextChoices):
    SURVEYED = "surveyed", _("Surveyed")
    DIGITISED = "digitised", _("Digitised from plans or imagery")
    APPROXIMATE = "approximate", _("Approximate (drawn by hand)")


class BilingualName(OneQueryChecks, models.Model):
    """Vietnamese name with an English translation, chosen by the active language."""

    name = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "vi").startswith("en"):
            return self.name_en
        return self.name


def _in_language(vietnamese: str, english: str) -> str:
    """The text in the active language; the other one when only that one was written."""
    if (get_language() or "vi").startswith("en"):
        return english or vietnamese
    return vietnamese or english


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


def _valid_period_check() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True)
        | Q(valid_from__isnull=True)
        | Q(valid_to__gte=F("valid_from")),
        name="%(class)s_valid_period",
        violation_error_message=_("“Valid to” must not be before “valid from”."),
    )


class AdminUnitQuerySet(ValidityQuerySet):
    def below_province(self):
        """The district- and commune-level units: those a project is placed in."""
        return self.exclude(level=AdminUnit.Level.PROVINCE)

    def below_province_on(self, day: datetime.date, *, latest_before: bool = False):
        """The districts or communes in force on `day`. With `latest_before`, when none of them
        has a boundary (the post-reform communes loaded from the official list, their
        boundaries not imported yet), the last ones in force before it instead: their
        `valid_to` says until when (docs/as-of.md)."""
        below = self.below_province()
        units = below.valid_on(day)
        if latest_before and not units.filter(geom__isnull=False).exists():
            last = below.filter(valid_to__lt=day, geom__isnull=False).aggregate(
                last=Max("valid_to")
            )["last"]
            if last is not None:
                return below.filter(valid_to=last)
        return units

    def drawn_on(self, day: datetime.date):
        """The units a map of `day` draws (the map pages, the yearly report's map): the
        province and the units below it in force then, with a boundary. Until the units of that
        day have boundaries, the last ones in force before it (`below_province_on`), and the
        plan's province when no province of that day has one: a map must read without a base
        map, and each unit's `valid_to` says until when it was in force."""
        province = AdminLevel.PROVINCE
        units = self.valid_on(day).filter(level=province) | self.below_province_on(
            day, latest_before=True
        )
        units = units.exclude(geom=None)
        if not units.filter(level=province).exists():
            units = units | self.valid_on(PLAN_DATE).filter(level=province).exclude(geom=None)
        return units

    def plan_province(self):
        """Bình Định as the plan knew it (None until the boundaries are loaded)."""
        return (
            self.valid_on(PLAN_DATE)
            .filter(level=AdminUnit.Level.PROVINCE, code=PLAN_PROVINCE_CODE)
            .first()
        )


class AdminLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class AdminKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Provincial city")
    TOWN = "town", _("Town")
    DISTRICT = "district", _("Rural district")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    TOWNSHIP = "township", _("Township")


class AdminUnit(BilingualName):
    """A province, former district-level unit or commune, dated by its legal validity.

    Units are never deleted when a reform changes them: the old ones get `valid_to`, the new ones
    are added as rows (the 2024 plan speaks of districts that ceased on 1 July 2025).
    """

    Level = AdminLevel

    Kind = AdminKind

    code = models.CharField(_("official code"), max_length=16, help_text=_("GSO code."))
    level = models.CharField(_("level"), max_length=16, choices=AdminLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=AdminKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    geom = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    location_precision = models.CharField(
        _("boundary precision"),
        max_length=16,
        choices=LocationPrecision.choices,
        default=LocationPrecision.APPROXIMATE,
    )
    osm_relation = models.BigIntegerField(_("OpenStreetMap relation"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            _valid_period_check(),
            models.CheckConstraint(
                condition=Q(level__in=AdminLevel.values), name="adminunit_level_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AdminKind.values), name="adminunit_kind_known"
            ),
            ExclusionConstraint(
                name="adminunit_code_unique_in_time",
                expressions=[
                    ("code", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "Another unit has this code during an overlapping period."
                ),
            ),
        ]

    def in_force(self, day: datetime.date) -> bool:
        """AdminUnit.objects.valid_on, for a unit in hand."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Provincial department")
    BOARD = "board", _("Management board")
    DISTRICT_COMMITTEE = "district_committee", _("District People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    MINISTRY = "ministry", _("Central ministry")
    CENTRAL_BODY = "central_body", _("Central agency or investor")
    ENTERPRISE = "enterprise", _("State enterprise")


class Agency(BilingualName):
    """A body the plan makes responsible: a department (Sở), a People's Committee, a board, a
    ministry or a state investor. Bodies merged in 2025 keep their row, closed by `valid_to`
    and pointing to the body that took over their work."""

    Kind = AgencyKind

    code = models.CharField(_("code"), max_length=32, unique=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    admin_unit = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("administrative unit"),
        help_text=_("The unit a People's Committee governs."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    succeeded_by = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("succeeded by"),
        help_text=_("The body that took over this one's tasks after a merger."),
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["kind", "name"]
        constraints = [
            _valid_period_check(),
            models.CheckConstraint(
                condition=Q(succeeded_by__isnull=True) | Q(valid_to__isnull=False),
                name="agency_successor_needs_end",
                violation_error_message=_(
                    "Only an agency that has ceased (“valid to” set) can have a successor."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(succeeded_by=F("pk")), name="agency_not_own_successor"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgencyKind.values), name="agency_kind_known"
            ),
        ]

    def current(self) -> "Agency":
        """The body holding this one's responsibilities today (follows merger chains)."""
        agency, seen = self, {self.pk}
        while agency.succeeded_by_id and agency.succeeded_by_id not in seen:
            agency = agency.succeeded_by
            seen.add(agency.pk)
        return agency

    def lineage_codes(self) -> list[str]:
        """This agency's code and those of every body it succeeded, so that asking for today's
        department also finds the projects of the departments merged into it."""
        codes, frontier = {self.code}, [self.pk]
        while frontier:
            rows = list(Agency.objects.filter(succeeded_by__in=frontier).values_list("pk", "code"))
            frontier = [pk for pk, code in rows if code not in codes]
            codes.update(code for _pk, code in rows)
        return sorted(codes)


class Sector(BilingualName):
    """One of the ten infrastructure sectors of the plan (section II)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    plan_section = models.CharField(_("plan section"), max_length=16, blank=True)
    oc4ids_sectors = ArrayField(
        models.CharField(max_length=64),
        verbose_name=_("OC4IDS sectors"),
        default=list,
        help_text=_("Codes from the OC4IDS projectSector codelist."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "code"]


class Status(models.TextChoices):
    """Vietnamese public-investment phases, each mapped to an OC4IDS projectStatus."""

    PROPOSED = "proposed", _("Investment policy (proposed)")
    PREPARING = "preparing", _("Investment preparation")
    SITE_CLEARANCE = "site_clearance", _("Site clearance")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    IN_OPERATION = "in_operation", _("In operation")
    CANCELLED = "cancelled", _("Cancelled")


OC4IDS_STATUS = {
    Status.PROPOSED: "identification",
    Status.PREPARING: "preparation",
    Status.SITE_CLEARANCE: "implementation",
    Status.UNDER_CONSTRUCTION: "implementation",
    Status.SUSPENDED: "implementation",
    Status.COMPLETED: "completion",
    Status.IN_OPERATION: "maintenance",
    Status.CANCELLED: "cancelled",
}


FINISHED_STATUSES = {Status.COMPLETED, Status.IN_OPERATION}


class ProjectType(models.TextChoices):
    CONSTRUCTION = "construction", _("New construction")
    EXPANSION = "expansion", _("Upgrade or expansion")
    REHABILITATION = "rehabilitation", _("Rehabilitation")


class CapitalSource(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("Central budget")
    PROVINCIAL_BUDGET = "provincial_budget", _("Provincial budget")
    DISTRICT_BUDGET = "district_budget", _("District budget")
    ODA = "oda", _("ODA and concessional loans")
    PPP = "ppp", _("Public-private partnership")
    PRIVATE = "private", _("Private investment")


class Priority(models.TextChoices):
    BY_2030 = "2030", _("Priority to 2030")
    BY_2045 = "2045", _("Orientation to 2045")


PROJECT_GEOMETRY_TYPES = ["MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"]


def province_outline():
    """Bình Định's outline as the plan knew it, which project geometries must lie in (None
    until the boundaries are loaded: the gate then uses the province's extent)."""
    province = AdminUnit.objects.plan_province()
    return province.geom if province is not None and province.geom else None


def clean_project_geometry(geom, *, source_srid: int | None = None):
    """The geometry gate for projects: geo.validation's checks against Bình Định's outline."""
    return clean_geometry(geom, area=province_outline(), source_srid=source_srid)


def diagnose_project_geometry(geom) -> dict | None:
    """What the gate would refuse in `geom`, where, and a repair (geo.validation.diagnose)."""
    return diagnose(geom, area=province_outline())


def _percent_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=f"%(class)s_{field}_0_100",
        violation_error_message=_("A percentage must be between 0 and 100."),
    )


class Publication(models.TextChoices):
    """Where a project is on its way to the public (docs/publishing.md): GIS editors submit a
    draft for review, a publisher publishes it (or returns it with a comment) and may take it
    off again. Only a published project is public; `Project.is_published` says the same as a
    boolean (a constraint keeps the two equal) for the indexed read rule and the tiles."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_relations(self):
        return self.select_related("sector", "lead_agency")

    def as_of(self, day: datetime.date):
        """Each project with its state as reported on `day` (docs/as-of.md): the status,
        progress, date and illustrative flag of its latest progress report dated on or before
        `day`, all None when it had none by then (no status or percentage is invented).

        Set-based: each annotation is a correlated subquery that reads one entry of the
        (project, report_date) unique index backwards, whatever the number of projects."""
        latest = ProgressReport.objects.filter(
            project=OuterRef("pk"), report_date__lte=day
        ).order_by("-report_date")
        return self.annotate(
            as_of_day=Value(day, output_field=models.DateField()),
            as_of_status=Subquery(latest.values("status")[:1]),
            as_of_progress=Subquery(latest.values("progress_pct")[:1]),
            as_of_reported=Subquery(latest.values("report_date")[:1]),
            as_of_illustrative=Subquery(latest.values("is_illustrative")[:1]),
        )

    def reported_on(self, day: datetime.date, *, statuses=(), min_progress=None,
                    max_progress=None):  # fmt: skip
        """The projects whose latest report by `day` has one of `statuses` and a progress
        within the bounds (the filters of `as_of`). Set-based over the reports: the reports by
        then with no later one by then (an anti-join the planner hashes on the project), where
        filtering the `as_of` annotations would look up every candidate project in turn
        (bench/as_of.py: 2.6 s for a province-wide status filter at 100,000)."""
        later = ProgressReport.objects.filter(
            project=OuterRef("project"), report_date__gt=OuterRef("report_date"),
            report_date__lte=day,
        )  # fmt: skip
        reports = ProgressReport.objects.filter(report_date__lte=day).exclude(Exists(later))
        if statuses:
            reports = reports.filter(status__in=statuses)
        if min_progress is not None:
            reports = reports.filter(progress_pct__gte=min_progress)
        if max_progress is not None:
            reports = reports.filter(progress_pct__lte=max_progress)
        return self.filter(pk__in=reports.values("project_id"))


class Project(BilingualName):
    """An infrastructure work of the plan: where it is, who leads it, how far it has come."""

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("Stable identifier: sector code, dash, number (e.g. GT-01)."),
    )
    description = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sector = models.ForeignKey(
        Sector, models.PROTECT, related_name="projects", verbose_name=_("sector")
    )
    project_type = models.CharField(
        _("type"), max_length=16, choices=ProjectType.choices, default=ProjectType.CONSTRUCTION
    )
    oc4ids_sectors = ArrayField(
        models.CharField(max_length=64),
        verbose_name=_("OC4IDS sectors"),
        default=list,
        blank=True,
        help_text=_("Leave empty to use the sector's."),
    )
    geom = models.GeometryField(
        _("location"),
        srid=4326,
        help_text=_("Points, lines or polygons (one kind per project), stored in WGS 84."),
    )
    location_precision = models.CharField(
        _("location precision"),
        max_length=16,
        choices=LocationPrecision.choices,
        default=LocationPrecision.APPROXIMATE,
    )
    source_srid = models.PositiveIntegerField(
        _("source coordinate system (EPSG)"),
        default=4326,
        help_text=_("The coordinate system the geometry was delivered in."),
    )
    location_note = models.TextField(_("location note (Vietnamese)"), blank=True)
    # db_default: bulk writers that name their columns (bench/synthetic.py) need not know it.
    location_note_en = models.TextField(_("location note (English)"), blank=True, db_default="")
    admin_units = models.ManyToManyField(
        AdminUnit,
        blank=True,
        related_name="projects",
        verbose_name=_("administrative units"),
        help_text=_("Computed from the geometry."),
    )
    lead_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="led_projects", verbose_name=_("lead agency")
    )
    agencies = models.ManyToManyField(
        Agency,
        through="ProjectAgency",
        related_name="projects",
        blank=True,
        verbose_name=_("coordinating agencies"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.PROPOSED
    )
    progress_pct = models.DecimalField(
        _("physical progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    disbursement_pct = models.DecimalField(
        _("disbursement (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    total_investment_vnd = models.DecimalField(
        _("total investment (VND)"), max_digits=20, decimal_places=0, null=True, blank=True
    )
    capital_sources = ArrayField(
        models.CharField(max_length=24, choices=CapitalSource.choices),
        verbose_name=_("capital sources"),
        default=list,
        blank=True,
    )
    priority = models.CharField(
        _("priority horizon"), max_length=4, choices=Priority.choices, default=Priority.BY_2030
    )
    plan_reference = models.CharField(
        _("plan reference"),
        max_length=64,
        blank=True,
        help_text=_("Where the plan names this work (e.g. II.1)."),
    )
    publication = models.CharField(
        _("publication"),
        max_length=16,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_default=Publication.DRAFT,
        editable=False,  # changed only by the publishing actions (projects/actions.py)
    )
    # The stored flag every read rule and the tile index use: publication == published.
    is_published = models.BooleanField(
        _("published"),
        default=False,
        editable=False,
        help_text=_("Visible on the public map and API."),
    )
    published_version = models.PositiveIntegerField(
        _("last published version"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The version a publisher last published: the review shows changes since."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative values"),
        default=False,
        help_text=_(
            "Status, progress and dates are demonstration values, not reported by an agency."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        permissions = [("publish_project", _("Can publish and unpublish projects"))]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["is_published", "sector"]),
            # `q` (projects.search) matches regular expressions on this text.
            GinIndex(
                OpClass(SearchText("code", "name", "name_en", "description"), name="gin_trgm_ops"),
                name="project_search_trgm",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2,4}-[0-9]{2,6}$"),
                name="project_code_format",
                violation_error_message=_("Code must look like GT-01 (letters, dash, digits)."),
            ),
            models.CheckConstraint(
                condition=In(GeometryType("geom"), PROJECT_GEOMETRY_TYPES),
                name="project_geom_multi",
                violation_error_message=_(
                    "A project geometry must be a MultiPoint, MultiLineString or MultiPolygon."
                ),
            ),
            models.CheckConstraint(
                condition=Q(geom__isvalid=True),
                name="project_geom_valid",
                violation_error_message=_("The geometry is not valid."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="project_status_known"
            ),
            models.CheckConstraint(
                condition=Q(publication__in=Publication.values), name="project_publication_known"
            ),
            models.CheckConstraint(
                condition=Q(is_published=True, publication=Publication.PUBLISHED)
                | (Q(is_published=False) & ~Q(publication=Publication.PUBLISHED)),
                name="project_published_flag",
                violation_error_message=_("The published flag must follow the publication state."),
            ),
            models.CheckConstraint(
                condition=Q(project_type__in=ProjectType.values), name="project_type_known"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="project_priority_known"
            ),
            models.CheckConstraint(
                condition=Q(location_precision__in=LocationPrecision.values),
                name="project_precision_known",
            ),
            models.CheckConstraint(
                condition=Q(capital_sources__contained_by=CapitalSource.values),
                name="project_capital_sources_known",
            ),
            _percent_check("progress_pct"),
            _percent_check("disbursement_pct"),
            models.CheckConstraint(
                condition=Q(total_investment_vnd__isnull=True) | Q(total_investment_vnd__gte=0),
                name="project_investment_not_negative",
                violation_error_message=_("Investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_planned_period",
                violation_error_message=_("The planned end is before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="project_actual_period",
                violation_error_message=_("The actual end is before the actual start."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    def get_absolute_url(self):
        return reverse("project-page", kwargs={"code": self.code})

    @staticmethod
    def publication_fields(state: str, *, version: int | None = None) -> dict:
        """The stored fields of a publication state, which move together; `version` is the
        one being published (for a published state)."""
        published = state == Publication.PUBLISHED
        values = {"publication": state, "is_published": published}
        if published:
            values["published_version"] = version
        return values

    def units_on(self, day: datetime.date | None = None):
        """The units below the province this project touches that are valid on `day` (today
        by default): the former districts before 1 July 2025, the communes and wards after
        (the links span every period: actions.assign_admin_units)."""
        return self.admin_units.valid_on(day or timezone.localdate()).below_province()

    @property
    def display_location_note(self) -> str:
        return _in_language(self.location_note, self.location_note_en)

    @property
    def display_description(self) -> str:
        return _in_language(self.description, self.description_en)

    @property
    def oc4ids_status(self) -> str:
        return OC4IDS_STATUS[Status(self.status)]

    def capital_source_labels(self) -> list[str]:
        return [str(CapitalSource(source).label) for source in self.capital_sources]

    @cached_property
    def effective_oc4ids_sectors(self) -> list[str]:
        return self.oc4ids_sectors or self.sector.oc4ids_sectors

    def clean(self):
        if self.geom is not None:
            self.geom = clean_project_geometry(self.geom, source_srid=self.source_srid)
        if self.status in FINISHED_STATUSES and self.progress_pct not in (None, 100):
            raise ValidationError(
                {"progress_pct": _("A completed project is at 100 % progress (or leave it empty).")}
            )


class AgencyRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinating")
    INVESTOR = "investor", _("Investor (project owner)")
    SITE_CLEARANCE = "site_clearance", _("Site clearance")
    FUNDER = "funder", _("Funder")
    OPERATOR = "operator", _("Operator")


class ProjectAgency(OneQueryChecks, models.Model):
    """An agency's part in a project besides leading it."""

    Role = AgencyRole

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="participations", verbose_name=_("agency")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=AgencyRole.choices, default=AgencyRole.COORDINATOR
    )

    class Meta:
        verbose_name = _("coordinating agency")
        verbose_name_plural = _("coordinating agencies")
        ordering = ["project", "role", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "agency", "role"], name="projectagency_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=AgencyRole.values), name="projectagency_role_known"
            ),
        ]

    def __str__(self):
        return f"{self.agency} — {self.get_role_display()}"


class ProgressReport(OneQueryChecks, models.Model):
    """A dated report of a project's progress; the latest one sets the project's status."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="progress_reports", verbose_name=_("project")
    )
    report_date = models.DateField(_("report date"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    progress_pct = models.DecimalField(
        _("physical progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("reported by"),
    )
    reporting_agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("reporting agency"),
    )
    is_illustrative = models.BooleanField(_("illustrative values"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-report_date"]
        get_latest_by = "report_date"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "report_date"],
                name="progressreport_one_per_day",
                violation_error_message=_("This project already has a report on that date."),
            ),
            _percent_check("progress_pct"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="progressreport_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.report_date:%d/%m/%Y}"

    def clean(self):
        if self.report_date and self.report_date > timezone.localdate():
            raise ValidationError({"report_date": _("A report cannot be dated in the future.")})
        # The latest report sets the project's status and progress: keep them consistent here.
        if self.status in FINISHED_STATUSES and self.progress_pct not in (None, 100):
            raise ValidationError(
                {"progress_pct": _("A completed project is at 100 % progress (or leave it empty).")}
            )


# ---- the plan's tasks (sections II and III; docs/plan-tasks.md) ---------------------------------


class PlanSection(models.TextChoices):
    """The parts of the plan that hold its tasks."""

    TASKS = "II", _("II. Main tasks")
    SOLUTIONS = "III", _("III. Main groups of solutions")


class PlanTaskRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinating")
    IMPLEMENTER = "implementer", _("Carrying out in its area")


PLAN_TASK_CODE = r"^(II|III)\.[0-9]{1,2}\.[0-9]{1,2}$"


class PlanTaskQuerySet(models.QuerySet):
    def with_relations(self):
        # Three steps of succession cover the 2025 chains (Transport → Construction → Gia
        # Lai's), so showing "now Y" costs no query per agency.
        chain = "agency__succeeded_by__succeeded_by__succeeded_by"
        return self.select_related(f"lead_{chain}").prefetch_related(f"participations__{chain}")

    def for_agency(self, agency: Agency):
        """The tasks `agency` answers for: those assigned to it, as lead or coordinator, and
        those assigned to every body it took over (transitively), which keep pointing at the
        body the plan named."""
        codes = agency.lineage_codes()
        return self.filter(
            Q(lead_agency__code__in=codes) | Q(participations__agency__code__in=codes)
        ).distinct()


class PlanTask(OneQueryChecks, models.Model):
    """One task of the plan (a paragraph of section II or III), with the bodies that answer
    for it. Our copy of the plan lacks appendix 02 (the official assignment), so the lead and
    coordinating agencies are ours to infer until it is found: `assignment_inferred` says so,
    and the pages show it."""

    Section = PlanSection

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("From the plan's numbering: section, heading, paragraph (e.g. II.1.2)."),
    )
    section = models.CharField(_("plan section"), max_length=4, choices=PlanSection.choices)
    heading_vi = models.CharField(
        _("heading (Vietnamese)"),
        max_length=255,
        help_text=_("The numbered heading the task stands under, as the plan writes it."),
    )
    heading_en = models.CharField(_("heading (English)"), max_length=255, blank=True)
    title_vi = models.CharField(_("short title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("short title (English)"), max_length=255, blank=True)
    text_vi = models.TextField(
        _("text (Vietnamese)"), help_text=_("The task as the plan writes it, word for word.")
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_plan_tasks",
        verbose_name=_("lead agency"),
        help_text=_("Empty when neither the plan nor our inference names one."),
    )
    agencies = models.ManyToManyField(
        Agency,
        through="PlanTaskAgency",
        related_name="plan_tasks",
        blank=True,
        verbose_name=_("coordinating agencies"),
    )
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="plan_tasks",
        verbose_name=_("projects"),
        help_text=_("The works the task names or plainly concerns."),
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"),
        null=True,
        blank=True,
        help_text=_("Only when the plan gives one; the plan runs to 2030."),
    )
    assignment_inferred = models.BooleanField(
        _("assignment inferred"),
        default=True,
        help_text=_(
            "The lead and coordinating agencies were inferred from the task's subject, not "
            "read from the plan's appendix 02 (missing from our copy)."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=PLAN_TASK_CODE),
                name="plantask_code_format",
                violation_error_message=_(
                    "Code must follow the plan's numbering, e.g. II.1.2 or III.4.3."
                ),
            ),
            models.CheckConstraint(
                condition=Q(section__in=PlanSection.values), name="plantask_section_known"
            ),
            models.CheckConstraint(
                condition=Q(code__startswith=Concat("section", Value("."))),
                name="plantask_code_in_section",
                violation_error_message=_("The code must start with the task's section."),
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=2024, target_year__lte=2045),
                name="plantask_target_year_in_plan",
                violation_error_message=_(
                    "A target year lies between 2024 (the plan) and 2045 (its orientation)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.display_title}"

    def get_absolute_url(self):
        return reverse("plan-task", kwargs={"code": self.code})

    @property
    def display_title(self) -> str:
        return _in_language(self.title_vi, self.title_en)

    @property
    def display_heading(self) -> str:
        return _in_language(self.heading_vi, self.heading_en)


class PlanTaskAgency(OneQueryChecks, models.Model):
    """An agency's part in a plan task besides leading it."""

    Role = PlanTaskRole

    task = models.ForeignKey(
        PlanTask, models.CASCADE, related_name="participations", verbose_name=_("plan task")
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="plan_task_participations", verbose_name=_("agency")
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PlanTaskRole.choices, default=PlanTaskRole.COORDINATOR
    )

    class Meta:
        verbose_name = _("coordinating agency of a plan task")
        verbose_name_plural = _("coordinating agencies of plan tasks")
        ordering = ["task", "role", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="plantaskagency_unique"),
            models.CheckConstraint(
                condition=Q(role__in=PlanTaskRole.values), name="plantaskagency_role_known"
            ),
        ]

    def __str__(self):
        return f"{self.agency} — {self.get_role_display()}"


# ---- the data version (ETags, Last-Modified, caches) -------------------------------------------


class DataChange(models.Model):
    """One row per transaction that wrote the data the API, maps and tiles serve, added by
    database triggers (raw SQL and bulk changes count too; see migration 0008).

    Writers only insert their own row (keyed by their transaction id), so a long import never
    makes another writer wait. Old rows are now and then folded into one that carries their
    count in `transactions`, which keeps the table small and the sum unchanged."""

    txid = models.BigIntegerField(_("transaction"), primary_key=True)
    changed = models.DateTimeField(_("changed"))
    transactions = models.BigIntegerField(_("transactions"), default=1)

    class Meta:
        verbose_name = _("data change")
        verbose_name_plural = _("data changes")


class DataVersion:
    """The version of the served data as a whole: (number of writing transactions committed so
    far, time of the latest write). The number only grows, since the set of committed
    transactions only grows, and it changes on every commit, also when a transaction that
    started earlier commits after a later one."""

    @staticmethod
    def current() -> tuple[int, datetime.datetime | None]:
        row = DataChange.objects.aggregate(version=Sum("transactions"), changed=Max("changed"))
        return int(row["version"] or 0), row["changed"]


# ---- history (django-pghistory: database triggers write the events) ---------------------------


class Door(models.TextChoices):
    """The way a change came in, recorded with every history event."""

    ADMIN = "admin", _("Administration")
    API = "api", _("REST API")
    OGC = "ogc", _("OGC API")
    EDITOR = "editor", _("Map editor")
    REVIEW = "review", _("Review list")
    IMPORT = "import", _("File import")
    DEMO = "demo", _("Demo data loader")
    REPORTS = "reports", _("Yearly reports")
    SHELL = "shell", _("Command line")


def _trackers() -> tuple:
    return (
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        # The state of each row when history moved to django-pghistory (migration 0010).
        pghistory.ManualEvent("snapshot"),
    )


def _event_model(model, *, exclude=()):
    """An event table holding a full copy of the row (the new one on insert and update, the old
    one on delete) with the context of the change (user, door, comment) stored on each event."""
    return pghistory.create_event_model(
        model,
        *_trackers(),
        exclude=list(exclude),
        context_field=pghistory.ContextJSONField(),
        model_name=f"{model.__name__}Event",
    )


class ProjectEvent(_event_model(Project, exclude=["updated_at"])):
    geom = models.GeometryField(_("location"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")


class AgencyEvent(_event_model(Agency, exclude=["updated_at"])):
    class Meta:
        verbose_name = _("agency event")
        verbose_name_plural = _("agency events")


class ProjectAgencyEvent(_event_model(ProjectAgency)):
    class Meta:
        verbose_name = _("coordinating agency event")
        verbose_name_plural = _("coordinating agency events")


class ProgressReportEvent(_event_model(ProgressReport)):
    class Meta:
        verbose_name = _("progress report event")
        verbose_name_plural = _("progress report events")


class PlanTaskEvent(_event_model(PlanTask, exclude=["updated_at"])):
    class Meta:
        verbose_name = _("plan task event")
        verbose_name_plural = _("plan task events")


class PlanTaskAgencyEvent(_event_model(PlanTaskAgency)):
    class Meta:
        verbose_name = _("plan task agency event")
        verbose_name_plural = _("plan task agency events")


class ChangeEvents(Events):
    """Every event of the tables above in one list, with who, through which door and why (the
    admin's history pages)."""

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, verbose_name=_("user")
        ),
    )
    door = pghistory.ProxyField(
        "pgh_context__door",
        models.CharField(_("door"), max_length=16, null=True, choices=Door.choices),
    )
    comment = pghistory.ProxyField(
        "pgh_context__comment", models.TextField(_("comment"), null=True)
    )

    class Meta:
        proxy = True
        verbose_name = _("change")
        verbose_name_plural = _("history of changes")


# ---- roles and API tokens ----------------------------------------------------------------------


class Role(models.TextChoices):
    """What a person does with the plan's data; each role is a Django group of the same name
    holding its model permissions (migration 0013). Anonymous callers have no role."""

    PLANNER = "planner", _("Planner")
    GIS_EDITOR = "gis_editor", _("GIS editor")
    AGENCY_REPORTER = "agency_reporter", _("Agency reporter")
    PUBLISHER = "publisher", _("Publisher")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(OneQueryChecks, models.Model):
    """A user's role, for an agency reporter also the agency they report for. Saving one puts
    the user in the role's group; deleting the last one of a role takes them out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("agency"),
        help_text=_("For an agency reporter: the agency whose projects they report on."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                nulls_distinct=False,
                name="membership_unique",
                violation_error_message=_("This user already has this role."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
            models.CheckConstraint(
                condition=~Q(role=Role.AGENCY_REPORTER) | Q(agency__isnull=False),
                name="membership_reporter_has_agency",
                violation_error_message=_("An agency reporter needs an agency."),
            ),
        ]

    def __str__(self):
        agency = f" — {self.agency.code}" if self.agency_id else ""
        return f"{self.user} · {self.get_role_display()}{agency}"

    # Roles whose work is done in the administration (which lets in staff only).
    ADMIN_ROLES = frozenset({Role.GIS_EDITOR, Role.PUBLISHER, Role.ADMINISTRATOR})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.user.groups.add(self.group())
        if self.role in self.ADMIN_ROLES and not self.user.is_staff:
            type(self.user).objects.filter(pk=self.user.pk).update(is_staff=True)
            self.user.is_staff = True

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        if not Membership.objects.filter(user=self.user, role=self.role).exists():
            self.user.groups.remove(self.group())
        return result

    def group(self):
        from django.contrib.auth.models import Group

        return Group.objects.get(name=self.role)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal key for QGIS and scripts (`Authorization: Token <key>`). Only a hash of the
    key is stored: it is shown once, when made, and cannot be read back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        # A random 256-bit key needs no slow hash: guessing it is hopeless either way.
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token and its key (the only time the key exists in clear)."""
        import secrets

        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash(key), prefix=key[:8])
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The active token with this key (noting its use), or None."""
        token = cls.objects.active().select_related("user").filter(key_hash=cls.hash(key)).first()
        if token is not None:
            now = timezone.now()
            # At most one write a minute per token: a QGIS session sends many requests.
            if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(
                minutes=1
            ):
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        return token

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# ---- imports of agencies' files (projects/imports.py) -------------------------------------------


class ImportMapping(models.Model):
    """A saved field mapping for one agency's files: `mapping` names, for each project property
    (as the API spells it), the file's column; `constants` sets properties the file lacks."""

    agency = models.ForeignKey(
        Agency, models.CASCADE, related_name="import_mappings", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=64)
    mapping = models.JSONField(_("field mapping"), default=dict)
    constants = models.JSONField(_("constants"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="import_mapping_unique_name")
        ]

    def __str__(self):
        return f"{self.agency.code}: {self.name}"


class ImportBatch(models.Model):
    """One import of a file: who, when, what file, how it was read, and what it wrote."""

    class State(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        UNDONE = "undone", _("Undone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    layer = models.CharField(_("layer"), max_length=255, blank=True)
    srid = models.PositiveIntegerField(_("source coordinate system (EPSG)"), null=True)
    swapped_axes = models.BooleanField(_("axes swapped"), default=False)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    mapping = models.JSONField(_("field mapping"), default=dict)
    constants = models.JSONField(_("constants"), default=dict, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.IMPORTED
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def comment(self) -> str:
        # Stored with every history event of the import, as data in one language.
        return f"Import #{self.pk}: {self.file_name}"


class ImportedProject(models.Model):
    """A project an import created or updated, with its versions before and after, so the
    import can be undone as a whole."""

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="projects")
    project = models.ForeignKey(Project, models.SET_NULL, null=True, related_name="+")
    code = models.CharField(_("code"), max_length=16)
    was_created = models.BooleanField(_("created by the import"))
    version_before = models.PositiveIntegerField(null=True)
    version_after = models.PositiveIntegerField()

    class Meta:
        ordering = ["batch", "code"]

    def __str__(self):
        return f"{self.batch_id} {self.code}"


class ImportJob(models.Model):
    """An import confirmed on the upload page that runs as a background job (projects.tasks):
    the kept upload it reads, who confirmed it, and how far it got, for the job page's
    progress bar. The pipeline is all-or-nothing, so a failed job wrote nothing."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # The steps `projects.imports.import_file` reports (its `progress` callback), in order.
    STEPS = {"judge": _("Checking the features"), "write": _("Writing projects")}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    upload = models.CharField(_("kept upload"), max_length=64)  # geo.uploads token
    file_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("import options"), default=dict, blank=True)
    features = models.PositiveIntegerField(_("features"), default=0)
    language = models.CharField(_("language"), max_length=8, blank=True)  # of its messages
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.QUEUED)  # fmt: skip
    step = models.CharField(_("step"), max_length=16, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    error = models.TextField(_("error"), blank=True)
    batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True,
                              related_name="jobs", verbose_name=_("import"))  # fmt: skip

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.file_name} ({self.state})"

    def get_absolute_url(self):
        return reverse("import-job", kwargs={"job_id": self.pk})

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def step_label(self) -> str:
        return str(self.STEPS.get(self.step, _("Reading the file")))

    def report_progress(self, step: str, done: int, total: int) -> None:
        """Record how far the job got (an UPDATE of this row alone)."""
        self.step, self.done, self.total = step, done, total
        ImportJob.objects.filter(pk=self.pk).update(step=step, done=done, total=total)

    def start(self) -> None:
        self.state, self.started_at = self.State.RUNNING, timezone.now()
        self.save(update_fields=["state", "started_at"])

    def finish(self, *, batch: ImportBatch | None = None, error: str = "") -> None:
        """Done (with the batch written, if any), or failed with the reason; the progress
        as it ended is saved with it."""
        self.state = self.State.FAILED if error else self.State.DONE
        self.batch, self.error, self.finished_at = batch, error, timezone.now()
        self.save(update_fields=["state", "batch", "error", "finished_at", "step", "done",
                                 "total"])  # fmt: skip

    def as_dict(self) -> dict:
        """What the job page's progress bar polls for."""
        return {
            "id": self.pk,
            "state": self.state,
            "state_label": str(self.get_state_display()),
            "step": self.step,
            "step_label": self.step_label,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "batch_url": reverse("import-batch", kwargs={"batch_id": self.batch_id})
            if self.batch_id
            else None,
        }


# ---- yearly reporting cycles (docs/reporting.md) -----------------------------------------------


def default_deadline(year: int) -> datetime.date:
    """The plan asks for the yearly report before 10 December (section IV)."""
    return datetime.date(year, 12, 10)


def private_storage():
    """Attachments live outside the public static and media paths (geo.storage)."""
    from geo.storage import private_storage as storage

    return storage()


class ReportingCycle(OneQueryChecks, models.Model):
    """One year's round of agency reports on the plan: opened for the agencies that have tasks
    or projects, due by `deadline`, reviewed by the consolidating agency (an agency record:
    the planning department until 2025, the Department of Finance since the reform)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    deadline = models.DateField(_("deadline"))
    consolidating_agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        related_name="consolidated_cycles",
        verbose_name=_("consolidating agency"),
        help_text=_("The agency that reviews the submissions and consolidates the report."),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative values"),
        default=False,
        help_text=_("Demonstration data, not reported by the agencies."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2024, year__lte=2045),
                name="reportingcycle_year_in_plan",
                violation_error_message=_(
                    "A reporting year lies between 2024 (the plan) and 2045 (its orientation)."
                ),
            ),
        ]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("report-cycle", kwargs={"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def units_day(self) -> datetime.date:
        """The day whose administrative units the cycle's report groups by: its deadline
        (the districts for 2024, the communes from 2025 on)."""
        return self.deadline

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days until the deadline (negative once it has passed)."""
        return (self.deadline - (today or timezone.localdate())).days


class SubmissionStatus(models.TextChoices):
    """Where an agency's report is. "Late" is not one of them: it is derived from the deadline
    and the status (Submission.is_late), so it never goes stale (docs/reporting.md)."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


# The states in which the agency has handed its report in.
HANDED_IN_STATUSES = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED})
# The states in which the agency still has to act (and may edit).
EDITABLE_SUBMISSION_STATUSES = frozenset(
    {SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}
)


class Submission(OneQueryChecks, models.Model):
    """One agency's report in one cycle: progress per project and per task, the difficulties
    and proposals the plan asks for, and attachments; submitted by the agency's reporter,
    returned or accepted by the consolidating agency."""

    Status = SubmissionStatus

    cycle = models.ForeignKey(
        ReportingCycle, models.CASCADE, related_name="submissions", verbose_name=_("cycle")
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="submissions", verbose_name=_("agency")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.NOT_STARTED,
    )
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["cycle", "agency__name"]
        permissions = [("review_submission", _("Can return and accept agencies' submissions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agency"],
                name="submission_one_per_agency",
                violation_error_message=_("This agency already has a submission in this cycle."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values), name="submission_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "accepted"]) | Q(submitted_at__isnull=False),
                name="submission_submitted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.agency.code}"

    def get_absolute_url(self):
        return reverse(
            "report-submission", kwargs={"year": self.cycle.year, "agency": self.agency.code}
        )

    @property
    def is_editable(self) -> bool:
        return self.cycle.is_open and self.status in EDITABLE_SUBMISSION_STATUSES

    def is_late(self, today: datetime.date | None = None) -> bool:
        """The deadline has passed and the agency has not handed its report in (a submission
        returned for revision after the deadline is late again until resubmitted)."""
        if self.status in HANDED_IN_STATUSES:
            return False
        return self.cycle.days_left(today) < 0

    @property
    def submitted_late(self) -> bool:
        return bool(
            self.submitted_at and timezone.localdate(self.submitted_at) > self.cycle.deadline
        )


class TaskProgress(models.TextChoices):
    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    BLOCKED = "blocked", _("Blocked")


class SubmissionProject(OneQueryChecks, models.Model):
    """A project's progress as the agency reports it; on acceptance it joins the project's
    progress reports (the time series), dated the day of submission."""

    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="project_lines", verbose_name=_("submission")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="submission_lines", verbose_name=_("project")
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    progress_pct = models.DecimalField(
        _("physical progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project progress in a submission")
        verbose_name_plural = _("project progress in submissions")
        ordering = ["submission", "project__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "project"], name="submissionproject_unique"
            ),
            _percent_check("progress_pct"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="submissionproject_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.submission} {self.project.code}"

    def clean(self):
        if self.status in FINISHED_STATUSES and self.progress_pct not in (None, 100):
            raise ValidationError(
                {"progress_pct": _("A completed project is at 100 % progress (or leave it empty).")}
            )


class SubmissionTask(OneQueryChecks, models.Model):
    """Where a plan task stands, as the agency reports it."""

    Progress = TaskProgress

    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="task_lines", verbose_name=_("submission")
    )
    task = models.ForeignKey(
        PlanTask, models.CASCADE, related_name="submission_lines", verbose_name=_("plan task")
    )
    progress = models.CharField(_("progress"), max_length=16, choices=TaskProgress.choices)
    text = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("task progress in a submission")
        verbose_name_plural = _("task progress in submissions")
        ordering = ["submission", "task__sort_order", "task__code"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "task"], name="submissiontask_unique"),
            models.CheckConstraint(
                condition=Q(progress__in=TaskProgress.values),
                name="submissiontask_progress_known",
            ),
        ]

    def __str__(self):
        return f"{self.submission} {self.task.code}"


class SubmissionAttachment(OneQueryChecks, models.Model):
    """A file an agency attaches to its report, kept in private storage and served only to
    those who may read the submission (layers/reports.py)."""

    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="attachments", verbose_name=_("submission")
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/", storage=private_storage)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission", "uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "report-attachment",
            kwargs={
                "year": self.submission.cycle.year,
                "agency": self.submission.agency.code,
                "attachment": self.pk,
            },
        )


class ReportingCycleEvent(_event_model(ReportingCycle)):
    class Meta:
        verbose_name = _("reporting cycle event")
        verbose_name_plural = _("reporting cycle events")


class SubmissionEvent(_event_model(Submission, exclude=["updated_at"])):
    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")


class SubmissionProjectEvent(_event_model(SubmissionProject)):
    class Meta:
        verbose_name = _("submission project event")
        verbose_name_plural = _("submission project events")


class SubmissionTaskEvent(_event_model(SubmissionTask)):
    class Meta:
        verbose_name = _("submission task event")
        verbose_name_plural = _("submission task events")


class SubmissionAttachmentEvent(_event_model(SubmissionAttachment)):
    class Meta:
        verbose_name = _("attachment event")
        verbose_name_plural = _("attachment events")
