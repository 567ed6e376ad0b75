"""GeoJSON FeatureCollections built by PostGIS, fast on large lists.

PostGIS writes each geometry as GeoJSON text (ST_AsGeoJSON, 6 decimals ≈ 0.1 m) and that text is
passed through orjson untouched (orjson.Fragment): no GEOS objects, no parsing. The features and
properties are the same as ProjectSerializer's (a test compares them).
"""

import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils.translation import get_language

from geo.crs import STORAGE_SRID
from geo.db import FlipCoordinates, SimplifyPreserveTopology
from projects.models import OC4IDS_STATUS, Status

PRECISION = 6
COLUMNS = (
    "code", "name", "name_en", "sector__code", "sector__name", "sector__name_en",
    "project_type", "status", "progress_pct", "lead_agency__code", "lead_agency__name",
    "lead_agency__name_en", "priority", "planned_start", "planned_end", "location_precision",
    "is_illustrative", "is_published",
)  # fmt: skip


# The properties of every feature, in order (planners also get "is_published").
PROPERTIES = [
    "code", "name", "name_en", "sector", "sector_name", "project_type", "status", "status_label",
    "oc4ids_status", "progress_pct", "lead_agency", "lead_agency_name", "priority",
    "planned_start", "planned_end", "location_precision", "is_illustrative", "url",
]  # fmt: skip


def geometry_json(geom="geom", *, simplify=None, srid=STORAGE_SRID, flip=False):
    """GeoJSON text of a geometry expression, built by PostGIS: generalised, reprojected and
    axis-swapped as asked; 6 decimals for degrees (~0.1 m), 3 for metres."""
    if simplify:
        geom = SimplifyPreserveTopology(geom, simplify)
    if srid != STORAGE_SRID:
        geom = Transform(geom, srid)
    if flip:
        geom = FlipCoordinates(geom)
    return AsGeoJSON(geom, precision=PRECISION if srid == STORAGE_SRID else 3)


def features(
    queryset, *, internal: bool, simplify: float | None = None, srid: int = STORAGE_SRID,
    flip: bool = False,
) -> list[dict]:  # fmt: skip
    """The queryset's projects as GeoJSON Feature dicts, geometries as raw JSON fragments.

    `internal` adds the fields only planners see; `simplify` (degrees) generalises geometries
    for small-scale maps; `srid`/`flip` give them in another CRS and axis order (OGC API).
    """
    english = (get_language() or "vi").startswith("en")
    status_labels = {value: str(label) for value, label in Status.choices}
    url = reverse("project-page", kwargs={"code": "CODE"})
    rows = queryset.values_list(*COLUMNS, geometry_json(simplify=simplify, srid=srid, flip=flip))
    result = []
    for (code, name, name_en, sector, sector_vi, sector_en, project_type, status, progress,
         lead, lead_vi, lead_en, priority, start, end, precision, illustrative, published,
         geojson) in rows:  # fmt: skip
        properties = {
            "code": code,
            "name": name,
            "name_en": name_en,
            "sector": sector,
            "sector_name": sector_en if english and sector_en else sector_vi,
            "project_type": project_type,
            "status": status,
            "status_label": status_labels[status],
            "oc4ids_status": OC4IDS_STATUS[status],
            "progress_pct": float(progress) if progress is not None else None,
            "lead_agency": lead,
            "lead_agency_name": lead_en if english and lead_en else lead_vi,
            "priority": priority,
            "planned_start": start,
            "planned_end": end,
            "location_precision": precision,
            "is_illustrative": illustrative,
            "url": url.replace("CODE", code),
        }
        if internal:
            properties["is_published"] = published
        result.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": orjson.Fragment(geojson),
                "properties": properties,
            }
        )
    return result


_FEATURES = """
SELECT coalesce(string_agg(
    '{{"type":"Feature","id":' || to_json(q.p_code)::text
    || ',"geometry":' || q.p_geometry
    || ',"properties":' || json_build_object(
        'code', q.p_code, 'name', q.p_name, 'name_en', q.p_name_en, 'sector', q.p_sector,
        'sector_name',
            CASE WHEN %s AND q.p_sector_en <> '' THEN q.p_sector_en ELSE q.p_sector_vi END,
        'project_type', q.p_type, 'status', q.p_status,
        'status_label', %s::json ->> q.p_status, 'oc4ids_status', %s::json ->> q.p_status,
        'progress_pct', q.p_progress::float8, 'lead_agency', q.p_lead,
        'lead_agency_name',
            CASE WHEN %s AND q.p_lead_en <> '' THEN q.p_lead_en ELSE q.p_lead_vi END,
        'priority', q.p_priority, 'planned_start', q.p_start, 'planned_end', q.p_end,
        'location_precision', q.p_precision, 'is_illustrative', q.p_illustrative,
        'url', %s || q.p_code || %s {published}
    )::text || '}}',
    ',' ORDER BY q.p_code), '')
FROM ({rows}) AS q
"""


def feature_collection(queryset, *, internal: bool, simplify=None, srid=STORAGE_SRID,
                       flip=False, **members) -> bytes:  # fmt: skip
    """A FeatureCollection as JSON bytes, each feature written by PostgreSQL in one pass (no
    Python object per feature); the same features as features(). `members` are extra
    top-level members (counts, links)."""
    english = (get_language() or "vi").startswith("en")
    prefix, _code, suffix = reverse("project-page", kwargs={"code": "CODE"}).partition("CODE")
    rows = queryset.values(
        p_code=F("code"), p_name=F("name"), p_name_en=F("name_en"), p_sector=F("sector__code"),
        p_sector_vi=F("sector__name"), p_sector_en=F("sector__name_en"),
        p_type=F("project_type"), p_status=F("status"), p_progress=F("progress_pct"),
        p_lead=F("lead_agency__code"), p_lead_vi=F("lead_agency__name"),
        p_lead_en=F("lead_agency__name_en"), p_priority=F("priority"), p_start=F("planned_start"),
        p_end=F("planned_end"), p_precision=F("location_precision"),
        p_illustrative=F("is_illustrative"), p_published=F("is_published"),
        p_geometry=geometry_json(simplify=simplify, srid=srid, flip=flip),
    )  # fmt: skip
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = _FEATURES.format(
        rows=rows_sql, published=", 'is_published', q.p_published" if internal else ""
    )
    labels = orjson.dumps({value: str(label) for value, label in Status.choices}).decode()
    oc4ids = orjson.dumps({str(k): v for k, v in OC4IDS_STATUS.items()}).decode()
    params = [english, labels, oc4ids, english, prefix, suffix, *rows_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        body = cursor.fetchone()[0]
    head = orjson.dumps({"type": "FeatureCollection", **members})[:-1]
    return head + b',"features":[' + body.encode() + b"]}"
