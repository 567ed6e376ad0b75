"""Geometry checks with messages a person can act on.

`clean_geometry` is the one gate every project geometry passes (admin, API, importers): it
reprojects to storage, rejects what cannot be stored, and returns a typed Multi* geometry.
The helpers take and return GEOS geometries and import nothing from the apps.
"""

import contextlib
import re

from django.contrib.gis.geos import (
    GEOSGeometry,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Polygon,
    WKBWriter,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID
from geo.region import PROVINCE_BBOX

MULTI_TYPES = {
    "Point": MultiPoint,
    "LineString": MultiLineString,
    "Polygon": MultiPolygon,
}
ALLOWED_TYPES = {"MultiPoint", "MultiLineString", "MultiPolygon"}

# How far outside the province outline a work may lie and still be accepted (degrees, ~5.5 km):
# approximate drawings and works that continue into a neighbouring province touch it.
OUTSIDE_MARGIN_DEG = 0.05

# More vertices than any surveyed work needs: an unsimplified export (a traced river, a whole
# cadastral sheet), which would make the editor and the tiles crawl. Surveyed works of 10,000
# vertices and more are kept whole (imports of agencies' files must not cut them).
MAX_VERTICES = 100_000

_VALID_REASON = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.e]+) (?P<y>[-\d.e]+)\]")


def _where(x: float, y: float) -> str:
    return _("near %(lat).5f° N, %(lon).5f° E") % {"lat": y, "lon": x}


def to_multi(geom: GEOSGeometry) -> GEOSGeometry:
    """Promote Point/LineString/Polygon to their Multi* type; merge a one-type collection."""
    if geom.geom_type in ALLOWED_TYPES:
        return geom
    if geom.geom_type in MULTI_TYPES:
        return MULTI_TYPES[geom.geom_type](geom, srid=geom.srid)
    if geom.geom_type == "GeometryCollection":
        kinds = {part.geom_type.removeprefix("Multi") for part in geom}
        if len(kinds) == 1 and kinds <= set(MULTI_TYPES):
            parts = [single for part in geom for single in to_multi(part)]
            return MULTI_TYPES[kinds.pop()](*parts, srid=geom.srid)
        raise ValidationError(
            _(
                "A project's geometry must be all points, all lines or all polygons; this one "
                "mixes %(kinds)s. Split it into separate projects or keep one kind."
            )
            % {"kinds": ", ".join(sorted(kinds))},
            code="mixed_types",
        )
    raise ValidationError(
        _("Unsupported geometry type %(type)s: draw points, lines or polygons.")
        % {"type": geom.geom_type},
        code="wrong_type",
    )


def explain_invalid(geom: GEOSGeometry) -> str:
    """Turn GEOS's terse validity reason into a sentence with the place to look."""
    match = _VALID_REASON.match(geom.valid_reason)
    if not match:
        return _("The geometry is not valid (%(reason)s).") % {"reason": geom.valid_reason}
    reason = match["reason"].strip()
    where = _where(float(match["x"]), float(match["y"]))
    if reason in {"Self-intersection", "Ring Self-intersection"}:
        return _(
            "The outline crosses itself %(where)s. Redraw the polygon so its edges do not cross."
        ) % {"where": where}
    if reason == "Too few points in geometry component":
        return _(
            "A line or ring has too few distinct points %(where)s: a line needs two, a polygon "
            "three corners."
        ) % {"where": where}
    if reason in {"Hole lies outside shell", "Nested shells", "Interior is disconnected"}:
        return _("The polygon's holes or parts overlap wrongly %(where)s.") % {"where": where}
    return _("The geometry is not valid: %(reason)s %(where)s.") % {
        "reason": reason,
        "where": where,
    }


def drop_z(geom: GEOSGeometry) -> GEOSGeometry:
    """Storage is 2D: heights from GPS or CAD sources are dropped, not rejected."""
    writer = WKBWriter()
    writer.outdim = 2
    return GEOSGeometry(writer.write(geom), srid=geom.srid)


def _extent_polygon(extent: tuple[float, float, float, float]) -> Polygon:
    return Polygon.from_bbox(extent)


def check_coordinates(geom: GEOSGeometry) -> None:
    """Reject coordinates that cannot be degrees: usually VN-2000 metres sent as lon/lat."""
    xmin, ymin, xmax, ymax = geom.extent
    if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
        return
    if xmin >= -90 and xmax <= 90 and ymin >= -180 and ymax <= 180:
        raise _swapped_axes()
    raise ValidationError(
        _(
            "The coordinates (e.g. %(x).0f, %(y).0f) are not longitude/latitude degrees. They "
            "look like projected metres, such as VN-2000 TM-3 (EPSG:9217): state the source "
            "coordinate system instead of WGS 84."
        )
        % {"x": xmax, "y": ymax},
        code="not_degrees",
    )


def _swapped_axes() -> ValidationError:
    return ValidationError(
        _(
            "Longitude and latitude look swapped: in Bình Định longitude is about 109 and "
            "latitude about 14, and longitude comes first."
        ),
        code="swapped_axes",
    )


def check_vertex_count(geom: GEOSGeometry) -> None:
    if geom.num_coords > MAX_VERTICES:
        raise ValidationError(
            _(
                "The geometry has %(count)s vertices; a project holds at most %(max)s. Simplify "
                "it (e.g. in QGIS: Vector › Geometry Tools › Simplify) and try again."
            )
            % {"count": geom.num_coords, "max": MAX_VERTICES},
            code="too_many_vertices",
        )


def check_inside(geom: GEOSGeometry, area: GEOSGeometry | None) -> None:
    """Reject a geometry lying wholly outside the province (or its extent, if no outline)."""
    region = area if area is not None else _extent_polygon(PROVINCE_BBOX)
    if region.srid and region.srid != geom.srid:
        region = region.transform(geom.srid, clone=True)
    if geom.distance(region) <= OUTSIDE_MARGIN_DEG:
        return
    centre = geom.centroid
    raise ValidationError(
        _(
            "The geometry lies outside Bình Định (%(where)s). Check the coordinate system of the "
            "source and where it was drawn."
        )
        % {"where": _where(centre.x, centre.y)},
        code="outside_province",
    )


def clean_geometry(
    geom: GEOSGeometry | None,
    *,
    area: GEOSGeometry | None = None,
    source_srid: int | None = None,
) -> GEOSGeometry:
    """Return `geom` as a valid Multi* geometry in EPSG:4326, or raise ValidationError.

    `source_srid` applies when the geometry carries no SRID of its own; `area` is the province
    outline (the extent of Bình Định is used when it is None).
    """
    if geom is None or geom.empty:
        raise ValidationError(
            _("The geometry is empty: draw the project on the map."), code="empty"
        )
    geom = drop_z(geom) if geom.hasz else geom.clone()
    if not geom.srid:
        geom.srid = source_srid or STORAGE_SRID
    if geom.srid != STORAGE_SRID:
        geom.transform(STORAGE_SRID)
    check_coordinates(geom)
    geom = to_multi(geom)
    check_vertex_count(geom)
    if not geom.valid:
        raise ValidationError(explain_invalid(geom), code="invalid")
    check_inside(geom, area)
    return geom


def invalid_location(geom: GEOSGeometry) -> tuple[float, float] | None:
    """Where GEOS finds the geometry invalid (e.g. the crossing point), or None."""
    match = _VALID_REASON.match(geom.valid_reason)
    return (float(match["x"]), float(match["y"])) if match else None


def repair(geom: GEOSGeometry) -> GEOSGeometry | None:
    """The geometry made valid (GEOS MakeValid), keeping only parts of its own kind (a bow-tie
    polygon becomes two triangles; the point where it crossed is dropped). None when nothing
    of that kind is left."""
    kind = geom.geom_type.removeprefix("Multi")
    fixed = geom.make_valid()
    parts = fixed if fixed.geom_type == "GeometryCollection" else [fixed]
    singles = [
        single
        for part in parts
        if part.geom_type.removeprefix("Multi") == kind
        for single in (part if part.geom_type.startswith("Multi") else [part])
    ]
    if not singles or kind not in MULTI_TYPES:
        return None
    return MULTI_TYPES[kind](*singles, srid=geom.srid)


def diagnose(
    geom: GEOSGeometry | None,
    *,
    area: GEOSGeometry | None = None,
    source_srid: int | None = None,
) -> dict | None:
    """What is wrong with `geom` for a person at a map: None when `clean_geometry` accepts it,
    else {code, message, location: [lon, lat] | None, repaired: GEOS geometry | None}. A
    repair is offered only when the repaired geometry passes the gate itself."""
    try:
        clean_geometry(geom, area=area, source_srid=source_srid)
        return None
    except ValidationError as rejection:
        error = rejection
        problem = {
            "code": error.code,
            "message": " ".join(error.messages),
            "location": None,
            "repaired": None,
        }
    if error.code == "invalid":
        stored = geom.clone()
        stored.srid = stored.srid or source_srid or STORAGE_SRID
        if stored.srid != STORAGE_SRID:
            stored.transform(STORAGE_SRID)
        stored = to_multi(drop_z(stored))
        problem["location"] = invalid_location(stored)
        fixed = repair(stored)
        if fixed is not None:
            with contextlib.suppress(ValidationError):  # offered only when it passes
                problem["repaired"] = clean_geometry(fixed, area=area)
    elif error.code == "outside_province":
        centre = geom.centroid
        if centre.srid and centre.srid != STORAGE_SRID:
            centre.transform(STORAGE_SRID)
        problem["location"] = (centre.x, centre.y)
    return problem
