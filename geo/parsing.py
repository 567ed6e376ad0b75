"""Geometries typed or pasted by a person: coordinate lists, WKT or GeoJSON, in WGS 84 or a
VN-2000 zone, turned into a GEOS geometry in storage coordinates (EPSG:4326).

The transform uses geo.crs's transformer (EPSG:6960 for VN-2000), never the browser. The result
is not yet checked: the caller passes it through the geometry gate (geo.validation).
"""

import json
import re

import numpy as np
import shapely
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID, SUPPORTED, transformer

# The systems a person may type coordinates in (the editor's choice list).
TYPED_SRIDS = (STORAGE_SRID, 9217, 3406)
KINDS = ("point", "line", "polygon")

_WKT_START = re.compile(
    r"^\s*(SRID=\d+;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|"
    r"GEOMETRYCOLLECTION)\b",
    re.IGNORECASE,
)
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*$")
# Northings in Bình Định are about 1 500 000 m, eastings below 1 000 000 (TM-3: ~600 000,
# UTM 49N: ~300 000): Vietnamese survey sheets list X (northing) first, GIS lists easting first.
_NORTHING_MIN = 1_000_000


def _bad(message: str) -> ValidationError:
    return ValidationError(message, code="unreadable")


def detect_format(text: str) -> str:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return "geojson"
    if _WKT_START.match(stripped):
        return "wkt"
    return "coordinates"


def _number(text: str) -> float:
    # A decimal comma (1523071,51) is common in Vietnamese spreadsheets; a pair then needs a
    # space, semicolon or tab between the two numbers.
    return float(text.replace(",", "."))


def _pair(line: str, srid: int) -> tuple[float, float]:
    match = _PAIR.match(line)
    if not match:
        raise _bad(
            _(
                "“%(line)s” is not a coordinate pair: write two numbers per line, e.g. "
                "“109.22 13.77” (longitude latitude) or “1523071.5 604695.4” (VN-2000 X Y)."
            )
            % {"line": line.strip()[:60]}
        )
    a, b = _number(match[1]), _number(match[2])
    if SUPPORTED[srid].unit == "metre" and a > _NORTHING_MIN > b:
        a, b = b, a  # X (northing) Y (easting), the survey order
    return a, b


def _parts(text: str, srid: int) -> list[list[tuple[float, float]]]:
    """Coordinate pairs, one per line; a blank line starts a new part."""
    parts, current = [], []
    for line in text.splitlines():
        if not line.strip():
            if current:
                parts.append(current)
                current = []
            continue
        current.append(_pair(line, srid))
    if current:
        parts.append(current)
    if not parts:
        raise _bad(_("Type or paste some coordinates first."))
    return parts


def _from_coordinates(text: str, kind: str, srid: int) -> GEOSGeometry:
    parts = _parts(text, srid)
    if kind == "point":
        return MultiPoint([Point(xy) for part in parts for xy in part], srid=srid)
    if kind == "line":
        if any(len(part) < 2 for part in parts):
            raise _bad(_("A line needs at least two coordinate pairs."))
        return MultiLineString([LineString(part) for part in parts], srid=srid)
    rings = []
    for part in parts:
        if part[0] != part[-1]:
            part = [*part, part[0]]  # close the ring for the person
        if len(part) < 4:
            raise _bad(_("A polygon needs at least three corners."))
        rings.append(LinearRing(part))
    # Each part is a polygon of its own; holes are drawn or given as WKT/GeoJSON.
    return MultiPolygon([Polygon(ring) for ring in rings], srid=srid)


def _from_geojson(text: str, srid: int) -> GEOSGeometry:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _bad(_("This is not valid GeoJSON: %(error)s.") % {"error": error}) from None
    if not isinstance(data, dict):
        raise _bad(_("GeoJSON must be an object with a “type”."))
    if data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
        data = {"type": "GeometryCollection", "geometries": [g for g in geometries if g]}
    elif data.get("type") == "Feature":
        data = data.get("geometry") or {}
    try:
        geom = GEOSGeometry(json.dumps(data))
    except (GDALException, GEOSException, ValueError, TypeError):
        raise _bad(_("This GeoJSON holds no geometry that can be read.")) from None
    geom.srid = srid
    return geom


def _from_wkt(text: str, srid: int) -> GEOSGeometry:
    try:
        geom = GEOSGeometry(text.strip())
    except (GDALException, GEOSException, ValueError, TypeError):
        raise _bad(_("This WKT cannot be read; check the brackets and the commas.")) from None
    geom.srid = geom.srid or srid
    return geom


def to_storage(geom: GEOSGeometry) -> GEOSGeometry:
    """`geom` in EPSG:4326 through geo.crs's transformer (the pinned VN-2000 datum shift)."""
    if geom.srid in (None, STORAGE_SRID):
        geom.srid = STORAGE_SRID
        return geom
    if geom.srid not in SUPPORTED:
        raise _bad(_("EPSG:%(srid)s is not offered here.") % {"srid": geom.srid})
    forward = transformer(geom.srid, STORAGE_SRID)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = forward.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    moved = shapely.transform(shapely.from_wkb(bytes(geom.wkb)), project)
    if not np.isfinite(shapely.get_coordinates(moved)).all():
        raise _bad(_("These coordinates are outside the chosen zone."))
    return GEOSGeometry(memoryview(shapely.to_wkb(moved)), srid=STORAGE_SRID)


def parse_geometry(text: str, *, srid: int = STORAGE_SRID, kind: str = "polygon") -> GEOSGeometry:
    """A typed or pasted geometry in EPSG:4326.

    `text` is GeoJSON (an object), WKT (or EWKT, whose SRID wins), or coordinate pairs one per
    line with a blank line between parts, read as `kind` (point, line or polygon). `srid` is the
    system the numbers are in: WGS 84 lon/lat, VN-2000 TM-3 (EPSG:9217) or UTM 49N (EPSG:3406);
    VN-2000 pairs may come X-first (northing, the survey order) or easting-first.
    Raises ValidationError with a message for a person."""
    if srid not in TYPED_SRIDS:
        raise _bad(_("Choose one of the offered coordinate systems."))
    if kind not in KINDS:
        raise _bad(_("Choose points, a line or a polygon."))
    if len(text) > 1_000_000:
        raise _bad(_("The text is too long; import large files instead."))
    fmt = detect_format(text)
    if fmt == "geojson":
        geom = _from_geojson(text, srid)
    elif fmt == "wkt":
        geom = _from_wkt(text, srid)
    else:
        geom = _from_coordinates(text, kind, srid)
    return to_storage(geom)
