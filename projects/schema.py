"""JSON schemas of what the read side answers, written once for both API documents.

The REST API's OpenAPI document (drf-spectacular) gets them as components through
`add_components` (a post-processing hook); the OGC API's document embeds the same dicts. They
describe the real responses: Multi* geometries, nullable values, the error shape.
"""

from projects.models import (
    OC4IDS_STATUS,
    LocationPrecision,
    Priority,
    ProjectType,
    Publication,
    Status,
)


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}

PROJECT_PROPERTIES = {
    "code": {**STRING, "description": "Stable project code, e.g. GT-01."},
    "name": {**STRING, "description": "Name in Vietnamese."},
    "name_en": {**STRING, "description": "Name in English (may be empty)."},
    "sector": {**STRING, "description": "Sector code."},
    "sector_name": {**STRING, "description": "Sector name in the response's language."},
    "project_type": {"type": "string", "enum": list(ProjectType.values)},
    # Null only in an answer `as_of` a day before the project's first report (docs/as-of.md).
    "status": _nullable({"type": "string", "enum": [*Status.values, None]}),
    "status_label": {
        **STRING,
        "description": "Status in the response's language (with "
        "`as_of`: “No report by this date” when the status is null).",
    },
    "oc4ids_status": _nullable(
        {"type": "string", "enum": [*sorted(set(OC4IDS_STATUS.values())), None]}
    ),
    "progress_pct": _nullable({"type": "number", "minimum": 0, "maximum": 100}),
    "lead_agency": {**STRING, "description": "Lead agency code."},
    "lead_agency_name": STRING,
    "priority": {"type": "string", "enum": list(Priority.values)},
    "planned_start": _nullable(DATE),
    "planned_end": _nullable(DATE),
    "location_precision": {"type": "string", "enum": list(LocationPrecision.values)},
    "is_illustrative": {
        "type": "boolean",
        "description": "Status, progress and dates are illustrative demo values.",
    },
    "url": {**STRING, "description": "The project's page on this site (a path)."},
    "is_published": {"type": "boolean", "description": "Planners only."},
    "as_of": {**DATE, "description": "With `as_of` only: the day asked for."},
    "reported_on": _nullable(
        {
            **DATE,
            "description": "With `as_of` only: the date of the "
            "report whose status and progress are shown (null: none yet).",
        }
    ),
    "publication": {
        "type": "string",
        "enum": list(Publication.values),
        "description": "Planners only; read-only (publishers publish, GIS editors submit).",
    },
}

UNIT_PROPERTIES = {
    "code": STRING,
    "name": STRING,
    "name_en": STRING,
    "level": STRING,
    "kind": STRING,
    "valid_from": _nullable(DATE),
    "valid_to": _nullable(DATE),
    "location_precision": STRING,
}

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
LINE = {"type": "array", "minItems": 2, "items": POSITION}
RING = {"type": "array", "minItems": 4, "items": POSITION}


def _geometry(kind: str, coordinates: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {"type": {"type": "string", "enum": [kind]}, "coordinates": coordinates},
    }


MULTI_GEOMETRY = {
    "oneOf": [
        _geometry("MultiPoint", {"type": "array", "items": POSITION}),
        _geometry("MultiLineString", {"type": "array", "items": LINE}),
        _geometry("MultiPolygon", {"type": "array", "items": {"type": "array", "items": RING}}),
    ]
}

LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {"href": STRING, "rel": STRING, "type": STRING, "title": STRING},
}


def feature(properties: dict, geometry: dict = MULTI_GEOMETRY) -> dict:
    return {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": STRING,
            "geometry": geometry,
            "properties": {"type": "object", "properties": properties},
            "links": {"type": "array", "items": LINK},
        },
    }


def feature_collection(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": item},
            "links": {"type": "array", "items": LINK},
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    }


REST_ERROR = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {**STRING, "description": "What was wrong and how to fix it."},
        "code": STRING,
        "parameter": {**STRING, "description": "The query parameter at fault."},
        "errors": {
            "type": "object",
            "additionalProperties": STRING,
            "description": "Every parameter at fault, with its message.",
        },
        "current_version": {
            "type": "integer",
            "description": 'On 412: the project\'s version now (its ETag is "v<version>").',
        },
    },
}
OGC_EXCEPTION = {
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": STRING,
        "description": STRING,
        "status": {"type": "integer"},
        "parameter": STRING,
        "errors": {"type": "object", "additionalProperties": STRING},
    },
}

PROJECT_FEATURE = feature(PROJECT_PROPERTIES)
# A unit known by code and name only (the communes since 2025, until boundaries are loaded)
# has a null geometry.
UNIT_FEATURE = feature(
    UNIT_PROPERTIES,
    _nullable(
        _geometry("MultiPolygon", {"type": "array", "items": {"type": "array", "items": RING}})
    ),
)

# What a write sends: the shape a read gives (its read-only properties are ignored), with the
# writable fields besides; sector and lead agency by code.
NUMBER = {"type": "number"}
PROJECT_INPUT_PROPERTIES = {
    **{name: schema for name, schema in PROJECT_PROPERTIES.items()
       if name not in ("is_published", "publication")},
    "is_published": {"type": "boolean", "description": "Publishers only."},
    "description": STRING, "description_en": STRING,
    "disbursement_pct": _nullable({**NUMBER, "minimum": 0, "maximum": 100}),
    "actual_start": _nullable(DATE), "actual_end": _nullable(DATE),
    "total_investment_vnd": _nullable({**NUMBER, "minimum": 0}),
    "capital_sources": {"type": "array", "items": STRING},
    "location_note": STRING, "location_note_en": STRING, "plan_reference": STRING,
    "source_srid": {"type": "integer"},
}  # fmt: skip
PROJECT_INPUT = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": STRING,
        "geometry": {"type": "object", "description": (
            "WGS 84 longitude, latitude; a Point, LineString or Polygon becomes Multi*. "
            "Required on POST and PUT.")},
        "properties": {"type": "object", "properties": PROJECT_INPUT_PROPERTIES},
    },
}  # fmt: skip

COMPONENTS = {
    "ProjectFeature": PROJECT_FEATURE,
    "ProjectFeatureInput": PROJECT_INPUT,
    "ProjectFeatureCollection": feature_collection({"$ref": "#/components/schemas/ProjectFeature"}),
    "AdminUnitFeature": UNIT_FEATURE,
    "AdminUnitFeatureCollection": feature_collection(
        {"$ref": "#/components/schemas/AdminUnitFeature"}
    ),
    "ProjectSummary": {
        "type": "object",
        "required": ["numberMatched", "bbox"],
        "properties": {
            "numberMatched": {"type": "integer", "minimum": 0},
            "bbox": {
                **_nullable(
                    {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}
                ),
                "description": "West, south, east, north in WGS 84; null when nothing matches.",
            },  # fmt: skip
        },
    },
    "Error": REST_ERROR,
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def add_components(result, generator, request, public):
    """drf-spectacular post-processing hook: our hand-written components, and our collections
    described as what they are (drf-spectacular wraps any list action's answer in an array)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for item in result.get("paths", {}).values():
        for response in item.get("get", {}).get("responses", {}).values():
            for content in response.get("content", {}).values():
                schema = content.get("schema", {})
                if schema.get("type") == "array" and schema.get("items", {}).get(
                    "$ref", ""
                ).endswith("FeatureCollection"):
                    content["schema"] = schema["items"]
    return result
