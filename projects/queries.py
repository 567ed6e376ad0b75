"""One query layer: "which projects?" asked once and answered the same on every surface.

A surface (the REST list and its exports, OC4IDS, OGC API items, vector tiles, the map pages
and their HTML export) reads its query string with `Parameters`, which knows its spelling
(REST's `year_from`, OGC's `datetime` and `bbox-crs`), and gets a `ProjectQuery`. Then
`select(user, query)` is the queryset — visibility included — and `page(...)` a page of
GeoJSON features with the number matched. Nothing else filters projects.

Every bad value becomes one error of geo.errors naming the parameter and what it allows; all
bad parameters of a request are reported together. Unknown parameters are refused, except the
cache-busters and link-tracking tags in `IGNORED` (a shared link must still open).
"""

import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import crs as crs_table
from geo.errors import BadRequest, UnknownParameter
from projects import search
from projects.access import visible_layer_slugs, visible_projects
from projects.geojson import features
from projects.models import (
    AdminUnit,
    Agency,
    LocationPrecision,
    Priority,
    ProjectAgency,
    ProjectType,
    Sector,
    Status,
)

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_OFFSET = 10**9
MAX_TEXT = 200
FIRST_YEAR, LAST_YEAR = 1900, 2200
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")  # planned dates are Vietnamese calendar dates
PROJECT_CODE = re.compile(r"[A-Z]{2,4}-[0-9]{2,6}", re.ASCII)

# Query parameters that are never an error and never change the answer: cache-busters, and the
# tags social networks and newsletters add to shared links (Facebook, Google, Zalo, UTM).
IGNORED = {"_", "fbclid", "gclid", "zarsrc", "zarsrc_id"}
IGNORED_PREFIXES = ("utm_",)

# The project filters every surface takes, with what they mean (for the API documents).
FILTERS = {
    "bbox": "Bounding box minLon,minLat,maxLon,maxLat (WGS 84; OGC API: in `bbox-crs`). Works "
    "crossing the box count. Six numbers (with heights) are accepted; a box whose west edge is "
    "east of its east edge crosses the antimeridian.",
    "layer": "Map layer identifiers, comma-separated (e.g. transport,health).",
    "sector": "Sector codes, comma-separated (e.g. GT,YT).",
    "status": "Statuses, comma-separated (e.g. under_construction,site_clearance).",
    "agency": "Agency code, leading or coordinating, including the bodies it succeeded in the "
    "2025 mergers.",
    "lead_agency": "Lead agency code, including the bodies it succeeded.",
    "admin_unit": "Administrative unit code (GSO) the work touches.",
    "q": "Words to find, best matches first: every word must match the code, name, description "
    "or a commune or district the work touches. Accents and case are ignored; a word of three "
    "letters or more may be the start of a word; letters and digits are read apart (ql19 = ql "
    "19); abbreviations and their long forms find each other (QL = quốc lộ, KCN = khu công "
    "nghiệp, TP = thành phố…). No typo tolerance: a word found nowhere finds nothing.",
    "priority": "Priority horizons, comma-separated (2030, 2045).",
    "project_type": "Project types, comma-separated (construction, expansion, rehabilitation).",
    "location_precision": "Location precisions, comma-separated (surveyed, digitised, "
    "approximate).",
    "min_progress": "Minimum physical progress, 0–100 %.",
    "max_progress": "Maximum physical progress, 0–100 %.",
    "published": "true or false: published projects only, or unpublished only (planners).",
    "code": "Project codes, comma-separated (e.g. GT-01,GT-02).",
    "as_of": "A past date, YYYY-MM-DD (Vietnamese calendar, today at the latest): each "
    "project's status and progress as reported on that day (its latest progress report dated "
    "then or before; null when it had none, never a guessed value), `status` and the progress "
    "filters read against them, and `admin_unit` must name a unit in force that day. Without "
    "it, the projects' current record. See docs/as-of.md.",
}
REST_PERIOD = {
    "year_from": "Planned to end in or after this year (undated projects are kept).",
    "year_to": "Planned to start in or before this year (undated projects are kept).",
}
# The filters of the surfaces that spell a period with years (REST, tiles, the HTML export).
REST_FILTERS = {**FILTERS, **REST_PERIOD}
OGC_PERIOD = {
    "datetime": "RFC 3339 instant or interval (start/end, `..` open) meeting the planned "
    "period (the collections' temporal extent); dates without an offset are Vietnamese dates; "
    "undated ends are open. To see the projects as reported on a date, use `as_of`.",
}


def _list(items: dict | None = None) -> dict:
    return {"type": "array", "items": items or {"type": "string"}}


# JSON schemas of the parameters, for both API documents (a list is comma-separated, or the
# parameter repeated).
PARAMETER_SCHEMAS = {
    "bbox": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
    "layer": _list(),
    "sector": _list(),
    "status": _list({"type": "string", "enum": list(Status.values)}),
    "agency": {"type": "string", "maxLength": 32},
    "lead_agency": {"type": "string", "maxLength": 32},
    "admin_unit": {"type": "string", "maxLength": 16},
    "q": {"type": "string", "maxLength": MAX_TEXT},
    "priority": _list({"type": "string", "enum": list(Priority.values)}),
    "project_type": _list({"type": "string", "enum": list(ProjectType.values)}),
    "location_precision": _list({"type": "string", "enum": list(LocationPrecision.values)}),
    "min_progress": {"type": "number", "minimum": 0, "maximum": 100},
    "max_progress": {"type": "number", "minimum": 0, "maximum": 100},
    "published": {"type": "boolean"},
    "code": _list({"type": "string", "pattern": PROJECT_CODE.pattern}),
    "year_from": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    "year_to": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    "datetime": {"type": "string"},
    "as_of": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
}


@dataclass(frozen=True)
class ProjectQuery:
    """A validated question about projects. Empty members do not filter."""

    bbox: tuple[float, float, float, float] | None = None  # lon/lat; west > east wraps
    layers: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    project_types: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()  # lineage codes: the agency and those it succeeded
    lead_agency: tuple[str, ...] = ()
    admin_unit: str | None = None
    words: tuple[str, ...] = ()
    period: tuple[datetime.date | None, datetime.date | None] | None = None
    min_progress: Decimal | None = None
    max_progress: Decimal | None = None
    published: bool | None = None
    # The day whose reported state is asked for (status, progress, units); None: the record.
    as_of: datetime.date | None = None


@dataclass
class Page:
    features: list[dict]
    matched: int
    limit: int
    offset: int

    @property
    def returned(self) -> int:
        return len(self.features)

    def neighbours(self) -> dict[str, int]:
        """rel → offset of the next and previous pages that exist."""
        result = {}
        if self.offset + self.limit < self.matched:
            result["next"] = self.offset + self.limit
        if self.offset > 0:
            result["prev"] = max(0, self.offset - self.limit)
        return result


# ---- reading a query string -----------------------------------------------------------------


def _allowed_list(values: Iterable[str]) -> str:
    return ", ".join(values)


@dataclass
class Parameters:
    """A query string read against the parameters one surface accepts."""

    data: object  # a QueryDict
    accepted: Iterable[str]
    errors: dict[str, str] = field(default_factory=dict)
    # The APIs refuse an empty value for a typed parameter (`limit=`), as their documents say;
    # pages treat it as absent (a form submits its empty fields).
    strict: bool = True

    def __post_init__(self):
        self.accepted = set(self.accepted)
        unknown = [
            name
            for name in self.data
            if name not in self.accepted
            and name not in IGNORED
            and not name.startswith(IGNORED_PREFIXES)
        ]
        for name in sorted(unknown)[:5]:
            self.errors[name[:40]] = _(
                "Unknown parameter “%(name)s”. This address takes: %(list)s."
            ) % {"name": name[:40], "list": _allowed_list(sorted(self.accepted))}

    # -- raw access --

    def raw(self, name: str, *, typed: bool = False) -> str | None:
        """The parameter's value (the last one if repeated), stripped; None when absent or
        empty. A `typed` parameter given empty is an error in strict mode."""
        given = self.data.getlist(name)
        values = [v.strip() for v in given if v is not None and v.strip()]
        if not values:
            if given and typed and self.strict:
                self.fail(name, _("“%(name)s” is empty: give a value or leave it out.") % {
                    "name": name})  # fmt: skip
            return None
        if len(set(values)) > 1:
            self.errors[name] = _("“%(name)s” is given more than once with different values.") % {
                "name": name
            }
            return None
        if len(values[0]) > MAX_TEXT * 10:
            self.errors[name] = _("“%(name)s” is too long.") % {"name": name}
            return None
        return values[0]

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self) -> None:
        """Raise the collected errors, if any, as one 400."""
        if self.errors:
            unknown_only = all(name not in self.accepted for name in self.errors)
            raise (UnknownParameter if unknown_only else BadRequest).collect(self.errors)

    # -- typed readers --

    def text(self, name: str, max_length: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if value is None:
            return ""
        if len(value) > max_length:
            self.fail(name, _("“%(name)s” takes at most %(n)s characters.") % {
                "name": name, "n": max_length})  # fmt: skip
            return ""
        return value

    def values(self, name: str) -> list[str]:
        """Comma-separated values, repeated parameters merged (status=a,b or status=a&status=b)."""
        found = []
        for value in self.data.getlist(name):
            found.extend(part.strip() for part in value.split(",") if part.strip())
        if len(found) > 100 or any(len(v) > 64 for v in found):
            self.fail(name, _("“%(name)s” holds too many or too long values.") % {"name": name})
            return []
        return list(dict.fromkeys(found))

    def choices(self, name: str, allowed, what: str) -> tuple[str, ...]:
        """Values checked against `allowed` (an iterable, or a callable giving one, so that a
        lookup in the database runs only when the parameter is given)."""
        chosen = self.values(name)
        if not chosen:
            return ()
        allowed = list(allowed() if callable(allowed) else allowed)
        unknown = [value for value in chosen if value not in allowed]
        if unknown:
            self.fail(
                name,
                _("No %(what)s “%(value)s”. Allowed: %(list)s.")
                % {"what": what, "value": ", ".join(unknown[:3]), "list": _allowed_list(allowed)},
            )
            return ()
        return tuple(chosen)

    def number(self, name: str, low: float, high: float, *, integer=False) -> float | int | None:
        value = self.raw(name, typed=True)
        if value is None:
            return None
        kind = _("a whole number") if integer else _("a number")
        try:
            number = int(value) if integer else float(value)
        except ValueError:
            number = None
        if number is None or (not integer and not math.isfinite(number)):
            self.fail(name, _("“%(name)s” must be %(kind)s from %(low)s to %(high)s.") % {
                "name": name, "kind": kind, "low": low, "high": high})  # fmt: skip
            return None
        if not low <= number <= high:
            self.fail(name, _("“%(name)s” must be from %(low)s to %(high)s.") % {
                "name": name, "low": low, "high": high})  # fmt: skip
            return None
        return number

    def boolean(self, name: str) -> bool | None:
        value = self.raw(name, typed=True)
        if value is None:
            return None
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        self.fail(name, _("“%(name)s” must be true or false.") % {"name": name})
        return None

    def srid(self, name: str) -> tuple[int, bool]:
        """(srid, swap axes) of a CRS parameter; storage and lon/lat when absent."""
        value = self.raw(name, typed=True)
        if value is None:
            return crs_table.STORAGE_SRID, False
        try:
            crs, swap = crs_table.parse(value)
        except ValueError:
            self.fail(name, _("Unsupported coordinate system “%(value)s”: use one of %(list)s.") % {
                "value": value[:60], "list": crs_table.supported_codes()})  # fmt: skip
            return crs_table.STORAGE_SRID, False
        return crs.srid, swap

    def bbox(self, name: str = "bbox", crs_name: str | None = None):
        """A bbox in lon/lat WGS 84 (west > east when it crosses the antimeridian), read in the
        CRS named by `crs_name` when given (OGC API's bbox-crs)."""
        value = self.raw(name, typed=True)
        srid, swap = self.srid(crs_name) if crs_name else (crs_table.STORAGE_SRID, False)
        if value is None:
            if crs_name and self.raw(crs_name) is not None:
                self.fail(crs_name, _("“%(name)s” needs a bbox.") % {"name": crs_name})
            return None
        usage = _(
            "Give four numbers west,south,east,north (or six with heights), e.g. "
            "108.9,13.7,109.3,14.0."
        )
        try:
            numbers = [float(part) for part in value.split(",")]
        except ValueError:
            numbers = []
        if len(numbers) not in (4, 6) or not all(math.isfinite(v) for v in numbers):
            self.fail(name, usage)
            return None
        if len(numbers) == 6:  # minx,miny,minz,maxx,maxy,maxz: heights do not filter
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        xmin, ymin, xmax, ymax = (
            (numbers[1], numbers[0], numbers[3], numbers[2]) if swap else numbers
        )
        geographic = crs_table.SUPPORTED[srid].unit == "degree"
        inside = min(xmin, xmax) >= -180 and max(xmin, xmax) <= 180
        inside = inside and min(ymin, ymax) >= -90 and max(ymin, ymax) <= 90
        if geographic and not inside:
            self.fail(name, _(
                "The box is outside longitude −180…180 / latitude −90…90: longitude comes "
                "first (or check %(crs)s).") % {"crs": crs_name or "bbox"})  # fmt: skip
            return None
        if ymin > ymax or (xmin > xmax and not geographic):
            self.fail(name, _("The box's south edge must not be north of its north edge, nor "
                              "its west edge east of its east edge.") + " " + usage)  # fmt: skip
            return None
        if srid == crs_table.STORAGE_SRID:
            return (xmin, ymin, xmax, ymax)
        try:
            return tuple(crs_table.transform_bbox((xmin, ymin, xmax, ymax), srid))
        except ValueError:
            self.fail(name, _("The box cannot be expressed in WGS 84 from %(crs)s.") % {
                "crs": f"EPSG:{srid}"})  # fmt: skip
            return None

    # -- dates --

    def day(self, name: str = "as_of") -> datetime.date | None:
        """A past calendar date written YYYY-MM-DD (today in Việt Nam at the latest)."""
        value = self.raw(name, typed=True)
        if value is None:
            return None
        match = _DAY.fullmatch(value)
        day = None
        if match:
            try:
                day = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                self.fail(name, _("“%(name)s”: %(value)s is not a real date.") % {
                    "name": name, "value": value[:20]})  # fmt: skip
                return None
        if day is None:
            self.fail(name, _("“%(name)s” must be a date written YYYY-MM-DD, e.g. 2025-06-30.") % {
                "name": name})  # fmt: skip
            return None
        today = timezone.localdate()
        if day > today:
            self.fail(name, _("“%(name)s” is in the future (%(day)s): reports are known up to "
                              "today, %(today)s.") % {
                "name": name, "day": f"{day:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"})  # fmt: skip
            return None
        if day.year < FIRST_YEAR:
            self.fail(name, _("“%(name)s” must be in %(year)s or later.") % {
                "name": name, "year": FIRST_YEAR})  # fmt: skip
            return None
        return day

    # -- periods --

    def years(self) -> tuple[datetime.date | None, datetime.date | None] | None:
        """REST's spelling of a period: year_from, year_to."""
        first = self.number("year_from", FIRST_YEAR, LAST_YEAR, integer=True)
        last = self.number("year_to", FIRST_YEAR, LAST_YEAR, integer=True)
        if first is None and last is None:
            return None
        start = datetime.date(first, 1, 1) if first is not None else None
        end = datetime.date(last, 12, 31) if last is not None else None
        return start, end

    def interval(self, name: str = "datetime"):
        """OGC API's spelling: an RFC 3339 instant or interval → (first day, last day)."""
        value = self.raw(name)
        if value is None:
            return None
        try:
            return parse_interval(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None


_DATE = r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
_DAY = re.compile(_DATE, re.ASCII)
_INSTANT = re.compile(
    _DATE + r"(?:[Tt](?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})(?:\.\d{1,9})?"
    r"(?P<tz>[Zz]|[+-]\d{2}:\d{2}))?",
    re.ASCII,
)


def parse_instant(text: str) -> datetime.date:
    """An RFC 3339 date or date-time as the Vietnamese calendar date it falls on."""
    usage = _(
        "“%(value)s” is not an RFC 3339 date or date-time: write 2025-01-01, "
        "2025-01-01T00:00:00Z or 2025-01-01T07:00:00+07:00, and two of them separated by / "
        "for an interval (.. leaves a side open)."
    ) % {"value": text[:60]}
    # An unencoded "+" in a query string arrives as a space: read "…T07:00:00 07:00" as +07:00.
    text = re.sub(r"(:\d{2}(?:\.\d+)?) (\d{2}:\d{2})$", r"\1+\2", text)
    match = _INSTANT.fullmatch(text)
    if not match:
        raise ValueError(usage)
    try:
        if match["H"] is None:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        zone = datetime.UTC if match["tz"] in "Zz" else datetime.timezone(
            datetime.timedelta(hours=int(match["tz"][1:3]), minutes=int(match["tz"][4:6]))
            * (-1 if match["tz"][0] == "-" else 1)
        )  # fmt: skip
        moment = datetime.datetime(
            int(match["y"]), int(match["m"]), int(match["d"]),
            int(match["H"]), int(match["M"]), min(int(match["S"]), 59), tzinfo=zone,
        )  # fmt: skip
        return moment.astimezone(LOCAL_TIME).date()
    except (ValueError, OverflowError):
        raise ValueError(
            _("“%(value)s” is not a real date or time.") % {"value": text[:60]}
        ) from None


def parse_interval(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    if "/" in text:
        start_text, _sep, end_text = text.partition("/")
        if "/" in end_text:
            raise ValueError(_("An interval has one / between its start and its end."))
        start = None if start_text in ("", "..") else parse_instant(start_text)
        end = None if end_text in ("", "..") else parse_instant(end_text)
        if start_text in ("", "..") and end_text in ("", ".."):
            raise ValueError(_("An interval needs at least one end (“../..” says nothing)."))
    else:
        start = end = parse_instant(text)
    if start and end and start > end:
        raise ValueError(_("The interval ends before it starts."))
    return start, end


def read_query(params: Parameters, *, user, bbox_crs: str | None = None, period="years"):
    """The shared project filters of `params` as a ProjectQuery (errors collected in params).

    `bbox_crs` names the parameter giving the bbox's CRS (OGC API); `period` is "years"
    (REST's year_from/year_to) or "datetime" (OGC API)."""
    agency = _agency(params, "agency")
    lead = _agency(params, "lead_agency")
    codes = params.values("code")
    bad_codes = [code for code in codes if not PROJECT_CODE.fullmatch(code)]
    if bad_codes:
        params.fail("code", _("“%(value)s” is not a project code like GT-01.") % {
            "value": bad_codes[0][:40]})  # fmt: skip
    as_of = params.day("as_of")
    unit = params.text("admin_unit", max_length=16) or None
    if unit:
        _check_unit(params, unit, as_of)
    low = params.number("min_progress", 0, 100)
    high = params.number("max_progress", 0, 100)
    words = tuple(params.text("q").split())
    span = params.years() if period == "years" else params.interval("datetime")
    return ProjectQuery(
        bbox=params.bbox("bbox", bbox_crs),
        layers=params.choices("layer", lambda: visible_layer_slugs(user), _("layer")),
        sectors=params.choices(
            "sector", lambda: Sector.objects.values_list("code", flat=True), _("sector")
        ),  # fmt: skip
        statuses=params.choices("status", Status.values, _("status")),
        priorities=params.choices("priority", Priority.values, _("priority horizon")),
        project_types=params.choices("project_type", ProjectType.values, _("project type")),
        precisions=params.choices(
            "location_precision", LocationPrecision.values, _("location precision")
        ),  # fmt: skip
        codes=tuple(codes) if not bad_codes else (),
        agency=agency,
        lead_agency=lead,
        admin_unit=unit,
        words=words[:20],
        period=span,
        min_progress=Decimal(str(low)) if low is not None else None,
        max_progress=Decimal(str(high)) if high is not None else None,
        published=params.boolean("published"),
        as_of=as_of,
    )


def _check_unit(params: Parameters, code: str, day: datetime.date | None) -> None:
    """A unit filter names a unit that exists, and on `as_of`, one in force that day."""
    units = AdminUnit.objects.filter(code=code)
    if not units.exists():
        params.fail("admin_unit", _("No administrative unit has the code “%(code)s”.") % {
            "code": code})  # fmt: skip
    elif day is not None and not units.valid_on(day).exists():
        params.fail("admin_unit", _(
            "The administrative unit “%(code)s” was not in force on %(day)s (the 2025 reform "
            "replaced the districts with communes on 1 July 2025): choose a unit of that day.")
            % {"code": code, "day": f"{day:%d/%m/%Y}"})  # fmt: skip


def _agency(params: Parameters, name: str) -> tuple[str, ...]:
    code = params.text(name, max_length=32)
    if not code:
        return ()
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        params.fail(name, _("No agency has the code “%(code)s”; see /api/v1/agencies/.") % {
            "code": code})  # fmt: skip
        return ()
    return tuple(agency.lineage_codes())


# ---- answering ------------------------------------------------------------------------------


def bbox_area(bbox) -> MultiPolygon:
    """The area of a lon/lat bbox to intersect with, split in two across the antimeridian."""
    west, south, east, north = bbox
    # A zero-width box (a line or point) still selects what touches it.
    if east == west:
        east, west = east + 1e-9, west - 1e-9
    if north == south:
        north, south = north + 1e-9, south - 1e-9
    parts = [(west, south, east, north)] if west <= east else [
        (west, south, 180.0, north), (-180.0, south, east, north)]  # fmt: skip
    return MultiPolygon(*(Polygon.from_bbox(part) for part in parts), srid=crs_table.STORAGE_SRID)


def apply(projects, query: ProjectQuery):
    """Narrow a queryset of projects by a query (visibility is the caller's: see select()).

    With `as_of`, the projects carry their reported state of that day (ProjectQuerySet.as_of)
    and the status and progress filters read that day's reports (ProjectQuerySet.reported_on);
    every surface's output reads it too."""
    if query.as_of:
        projects = projects.as_of(query.as_of)
        if query.statuses or query.min_progress is not None or query.max_progress is not None:
            projects = projects.reported_on(
                query.as_of, statuses=query.statuses, min_progress=query.min_progress,
                max_progress=query.max_progress,
            )  # fmt: skip
    if query.bbox:
        # && uses the spatial index; ST_Intersects keeps works that cross the box.
        projects = projects.filter(geom__intersects=bbox_area(query.bbox))
    if query.layers:
        projects = projects.filter(sector__layer__slug__in=query.layers)
    for values, lookup in (
        (query.sectors, "sector__code__in"),
        (() if query.as_of else query.statuses, "status__in"),
        (query.priorities, "priority__in"),
        (query.project_types, "project_type__in"),
        (query.precisions, "location_precision__in"),
        (query.codes, "code__in"),
        (query.lead_agency, "lead_agency__code__in"),
    ):
        if values:
            projects = projects.filter(**{lookup: values})
    if query.agency:
        projects = projects.filter(
            Q(lead_agency__code__in=query.agency)
            | Exists(ProjectAgency.objects.filter(project=OuterRef("pk"),
                                                  agency__code__in=query.agency))
        )  # fmt: skip
    if query.admin_unit:
        through = projects.model.admin_units.through
        units = AdminUnit.objects.filter(code=query.admin_unit)
        if query.as_of:
            units = units.valid_on(query.as_of)
        projects = projects.filter(
            Exists(through.objects.filter(project=OuterRef("pk"), adminunit__in=units))
        )
    if query.words:
        projects = search.narrow(projects, query.words)
    if query.period:
        start, end = query.period
        # Undated ends are open: a project without a planned end has not ended.
        if start:
            projects = projects.filter(Q(planned_end__gte=start) | Q(planned_end__isnull=True))
        if end:
            projects = projects.filter(Q(planned_start__lte=end) | Q(planned_start__isnull=True))
    if query.min_progress is not None and not query.as_of:
        projects = projects.filter(progress_pct__gte=query.min_progress)
    if query.max_progress is not None and not query.as_of:
        projects = projects.filter(progress_pct__lte=query.max_progress)
    if query.published is not None:
        projects = projects.filter(is_published=query.published)
    return projects


def select(user, query: ProjectQuery, projects=None):
    """The projects `user` may see that answer `query`: the best matches first when it has
    words (projects.search), otherwise by code. A caller's own order_by() replaces this one."""
    base = visible_projects(user) if projects is None else projects
    selected = apply(base, query)
    return search.rank(selected, query.words) if query.words else selected.order_by("code")


def paging(params: Parameters, *, default: int = DEFAULT_LIMIT) -> tuple[int, int]:
    limit = params.number("limit", 1, MAX_LIMIT, integer=True)
    offset = params.number("offset", 0, MAX_OFFSET, integer=True)
    return (default if limit is None else limit), (offset or 0)


def page(projects, *, limit: int, offset: int, **options) -> Page:
    """A page of the queryset's features (projects.geojson.features options), and the number
    matched: known from the page itself unless the page is full, counted otherwise. (A window
    count in the same query made PostgreSQL walk the code index through every row of a large
    view: 340 ms where the page and the count take 2 and 170 ms.)"""
    rows = features(projects[offset : offset + limit], **options)
    # An empty page past the end says nothing of the number before it.
    known = len(rows) < limit and (rows or not offset)
    matched = offset + len(rows) if known else projects.count()
    return Page(features=rows, matched=matched, limit=limit, offset=offset)
