"""GeoJSON as RFC 7946 wants it, checked by geojson-validator (its structure lint and its
geometry criteria: closed rings, exterior rings counter-clockwise, holes clockwise, ...) and
cross-checked with shapely (ring orientation, OGC validity), on every GeoJSON we serve."""

import json

import pytest
import shapely
from shapely.geometry import shape

from tests.standards.support import fail_if

pytestmark = pytest.mark.django_db

SOURCES = [
    "/api/v1/projects/?limit=10000",
    "/api/v1/projects/?limit=10000&simplify=0.01",
    "/api/v1/projects/YT-01/",  # a polygon drawn clockwise
    "/api/v1/admin-units/",
    "/api/v1/admin-units/540/",
    "/api/v1/projects/export.geojson",
    "/ogc/collections/projects/items?limit=10000",
    "/ogc/collections/admin-units/items?limit=10000",
    "/ogc/collections/admin-units/items/540",
]
# geojson-validator's "problematic" criteria that are errors for us too.
PROBLEMATIC = ["self_intersection", "inner_and_exterior_ring_intersect",
               "outside_lat_lon_boundaries"]  # fmt: skip


def body(client, url) -> dict:
    response = client.get(url, HTTP_ACCEPT="application/geo+json, application/json")
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def as_features(document: dict) -> list[dict]:
    if document.get("type") == "FeatureCollection":
        return document["features"]
    if document.get("type") == "Feature":
        return [document]
    return [{"type": "Feature", "id": None, "geometry": document, "properties": {}}]


def polygons(geometry: dict):
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "GeometryCollection":
        for part in geometry["geometries"]:
            yield from polygons(part)


def shapely_problems(feature: dict) -> list[str]:
    """Orientation and validity, independently of geojson-validator."""
    geometry = feature.get("geometry")
    if not geometry:
        return []
    found, clockwise, holes = [], [], []
    for n, rings in enumerate(polygons(geometry)):
        if not shapely.is_ccw(shapely.LinearRing(rings[0])):
            clockwise.append(n)
        holes += [f"{n}.{h}" for h, ring in enumerate(rings[1:], 1)
                  if shapely.is_ccw(shapely.LinearRing(ring))]  # fmt: skip
    if clockwise:
        found.append(f"exterior ring clockwise in polygon(s) {clockwise}")
    if holes:
        found.append(f"hole(s) counter-clockwise: {holes}")
    geom = shape(geometry)
    if not geom.is_valid:
        found.append(f"invalid: {shapely.is_valid_reason(geom)}")
    return found


@pytest.mark.parametrize("url", SOURCES)
def test_geojson_is_rfc_7946_valid_with_right_hand_winding(client, url):
    from geojson_validator import validate_geometries, validate_structure
    from loguru import logger

    logger.disable("geojson_validator")
    document = body(client, url)
    features = as_features(document)
    ids = [f.get("id") or (f.get("properties") or {}).get("code") for f in features]
    problems = [f"structure: {message} at {where}"
                for message, where in validate_structure(document).items()]  # fmt: skip
    results = validate_geometries(document, criteria_problematic=PROBLEMATIC)
    for group in ("invalid", "problematic"):
        for criterion, hits in (results.get(group) or {}).items():
            for hit in hits:
                # {feature index: [part indices]} for multi-part geometries, else an index.
                for index, parts in hit.items() if isinstance(hit, dict) else [(hit, None)]:
                    where = ids[int(index)] if int(index) < len(ids) else index
                    suffix = f" (parts {parts})" if parts else ""
                    problems.append(f"geojson-validator {criterion}: feature {where}{suffix}")
    for feature, fid in zip(features, ids, strict=True):
        problems += [f"shapely: feature {fid}: {p}" for p in shapely_problems(feature)]
    fail_if(problems, f"RFC 7946 problems in {url} ({len(features)} features)")
