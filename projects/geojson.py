"""GeoJSON FeatureCollections built by PostGIS, fast on large lists.

PostGIS writes each geometry as GeoJSON text (ST_AsGeoJSON, about 1 cm: 7 decimals in degrees,
2 in metres) with polygons wound as RFC 7946 asks (exterior rings counter-clockwise), and that
text is passed through orjson untouched (orjson.Fragment): no GEOS objects, no parsing. The
features and properties are the same as ProjectSerializer's (a test compares them).
"""

from functools import lru_cache

import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID, decimals
from geo.db import FlipCoordinates, ForcePolygonCCW, PgCast, SimplifyPreserveTopology
from projects.models import OC4IDS_STATUS, Agency, DataVersion, Sector, Status

# The properties of every feature, in order (planners also get INTERNAL).
PROPERTIES = [
    "code", "name", "name_en", "sector", "sector_name", "project_type", "status", "status_label",
    "oc4ids_status", "progress_pct", "lead_agency", "lead_agency_name", "priority",
    "planned_start", "planned_end", "location_precision", "is_illustrative", "url",
]  # fmt: skip
# What planners see besides: whether the public sees it, and where it is on its way there.
INTERNAL = ["is_published", "publication"]
# What a selection `as_of` a day adds (docs/as-of.md): that day, and the date of the report
# whose status and progress are shown (null when the project had no report by then).
AS_OF = ["as_of", "reported_on"]


def geometry_json(geom="geom", *, simplify=None, srid=STORAGE_SRID, flip=False):
    """GeoJSON text of a geometry expression, built by PostGIS: generalised, reprojected and
    axis-swapped as asked, exterior rings counter-clockwise in the output's axis order, about
    1 cm of precision whatever the unit (geo.crs.decimals)."""
    source = geom
    if simplify:
        geom = SimplifyPreserveTopology(geom, simplify)
    if srid != STORAGE_SRID:
        geom = Transform(geom, srid)
    if flip:
        geom = FlipCoordinates(geom)
    return AsGeoJSON(ForcePolygonCCW(geom, source), precision=decimals(srid))


@lru_cache(maxsize=8)
def _names(stamp: tuple, english: bool) -> tuple[dict, dict]:
    """Sector and agency codes and names by id, read once per data stamp (version and time of
    the last write, so a rolled-back change cannot alias a later one) and language."""
    sectors = {
        pk: (code, name_en if english and name_en else name)
        for pk, code, name, name_en in Sector.objects.values_list("pk", "code", "name", "name_en")
    }
    agencies = {
        pk: (code, name_en if english and name_en else name)
        for pk, code, name, name_en in Agency.objects.values_list("pk", "code", "name", "name_en")
    }
    return sectors, agencies


# Properties read straight from a column, already in JSON's types (PostgreSQL casts numbers and
# dates, so no Decimal or date object is made per row).
DIRECT = {
    "code": F("code"),
    "name": F("name"),
    "name_en": F("name_en"),
    "project_type": F("project_type"),
    "status": F("status"),
    "progress_pct": PgCast("progress_pct", "float8"),
    "priority": F("priority"),
    "planned_start": PgCast("planned_start", "text"),
    "planned_end": PgCast("planned_end", "text"),
    "location_precision": F("location_precision"),
    "is_illustrative": F("is_illustrative"),
    "is_published": F("is_published"),
    "publication": F("publication"),
}
# The same properties read from a selection's state on a day (ProjectQuerySet.as_of): status
# and progress as reported then, and illustrative when the project or that report is.
DIRECT_AS_OF = {
    **DIRECT,
    "status": F("as_of_status"),
    "progress_pct": PgCast("as_of_progress", "float8"),
    "is_illustrative": Case(
        When(Q(is_illustrative=True) | Q(as_of_illustrative=True), then=Value(True)),
        default=Value(False),
    ),
    "as_of": PgCast("as_of_day", "text"),
    "reported_on": PgCast("as_of_reported", "text"),
}


def is_as_of(queryset) -> bool:
    """Whether the queryset carries its projects' state on a day (ProjectQuerySet.as_of)."""
    return "as_of_status" in queryset.query.annotations


def unreported_label() -> str:
    """What a project with no report by the day asked for shows instead of a status."""
    return _("No report by this date")


def features(
    queryset, *, internal: bool, simplify: float | None = None, srid: int = STORAGE_SRID,
    flip: bool = False, properties: list[str] | None = None, stamp: tuple | None = None,
) -> list[dict]:  # fmt: skip
    """The queryset's projects as GeoJSON Feature dicts, geometries as raw JSON fragments.

    `internal` adds the fields only planners see; `simplify` (degrees) generalises geometries
    for small-scale maps; `srid`/`flip` give them in another CRS and axis order (OGC API);
    `properties` keeps only those; `stamp` (DataVersion.current()) lets small lookups be reused.
    Direct columns are zipped into each dict in C; derived ones are added only when wanted.
    """
    as_of = is_as_of(queryset)
    columns = DIRECT_AS_OF if as_of else DIRECT
    allowed = PROPERTIES + (AS_OF if as_of else []) + (INTERNAL if internal else [])
    wanted = [p for p in properties if p in allowed] if properties else allowed
    direct = [p for p in wanted if p in columns]
    derived = set(wanted) - set(direct)
    english = (get_language() or "vi").startswith("en")
    sectors, agencies = _names(stamp or DataVersion.current(), english)
    status_labels = {value: str(label) for value, label in Status.choices}
    status_labels[None] = unreported_label()
    prefix, _code, suffix = reverse("project-page", kwargs={"code": "CODE"}).partition("CODE")
    rows = queryset.values_list(
        *(columns[p] for p in direct), "code", columns["status"], "sector_id", "lead_agency_id",
        geometry_json(simplify=simplify, srid=srid, flip=flip),
    )  # fmt: skip
    count = len(direct)
    result = []
    for row in rows:
        values = dict(zip(direct, row[:count], strict=False))
        code, status, sector_id, lead_id, geojson = row[count : count + 5]
        if derived:
            if "sector" in derived or "sector_name" in derived:
                values["sector"], values["sector_name"] = sectors[sector_id]
            if "lead_agency" in derived or "lead_agency_name" in derived:
                values["lead_agency"], values["lead_agency_name"] = agencies[lead_id]
            if "status_label" in derived:
                values["status_label"] = status_labels[status]
            if "oc4ids_status" in derived:
                values["oc4ids_status"] = OC4IDS_STATUS[status] if status else None
            if "url" in derived:
                values["url"] = f"{prefix}{code}{suffix}"
            if properties:  # "sector" alone must not bring "sector_name" along
                values = {key: values[key] for key in wanted}
        result.append(
            {"type": "Feature", "id": code, "geometry": orjson.Fragment(geojson),
             "properties": values}
        )  # fmt: skip
    return result


def collection(rows: list[dict], **members) -> bytes:
    """A FeatureCollection as JSON bytes; `members` are extra top-level members (counts, links)."""
    return orjson.dumps({"type": "FeatureCollection", **members, "features": rows})


# ---- administrative units -------------------------------------------------------------------

UNIT_PROPERTIES = ["code", "name", "name_en", "level", "kind", "valid_from", "valid_to",
                   "location_precision"]  # fmt: skip


def unit_features(queryset, *, srid: int = STORAGE_SRID, flip: bool = False) -> list[dict]:
    """Administrative units as GeoJSON features, built like the projects' (PostGIS, CCW).
    A unit known by code and name only (no boundary loaded) has a null geometry."""
    rows = queryset.values_list(
        "code", "name", "name_en", "level", "kind", PgCast("valid_from", "text"),
        PgCast("valid_to", "text"), "location_precision", geometry_json(srid=srid, flip=flip),
    )  # fmt: skip
    return [
        {"type": "Feature", "id": row[0],
         "geometry": None if row[-1] is None else orjson.Fragment(row[-1]),
         "properties": dict(zip(UNIT_PROPERTIES, row[:-1], strict=True))}
        for row in rows
    ]  # fmt: skip
