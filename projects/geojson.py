"""GeoJSON FeatureCollections built by PostGIS, fast on large lists.

PostGIS writes each geometry as GeoJSON text (ST_AsGeoJSON, 6 decimals ≈ 0.1 m) and that text is
passed through orjson untouched (orjson.Fragment): no GEOS objects, no parsing. The features and
properties are the same as ProjectSerializer's (a test compares them).
"""

import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
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


def feature_collection(queryset, *, internal: bool, simplify=None, srid=STORAGE_SRID,
                       flip=False, **members):  # fmt: skip
    """A FeatureCollection as JSON bytes; `members` are extra top-level members (counts, links)."""
    collection = {
        "type": "FeatureCollection",
        **members,
        "features": features(queryset, internal=internal, simplify=simplify, srid=srid, flip=flip),
    }
    return orjson.dumps(collection)
