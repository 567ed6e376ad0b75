"""Geometries drawn side by side as SVG path data, for a page that compares them without a map
(no tiles, no script: the admin's conflict page). Coordinates are lon/lat scaled by
cos(latitude), close enough to a conformal map at this size.
"""

import math
from dataclasses import dataclass

SIZE = 320  # the longer side of the viewBox
MARGIN = 12


@dataclass(frozen=True)
class Shape:
    path: str  # SVG path data of the lines and polygon rings ("" for points only)
    points: list[tuple[float, float]]  # point parts, in the viewBox
    polygonal: bool  # rings to fill (a line's path must not be filled)


@dataclass(frozen=True)
class Sketch:
    width: int
    height: int
    shapes: list[Shape | None]  # in the order given; None for a missing geometry


def rings(geom) -> list:
    """Every ring (polygons) or line (lines) of a geometry, as lists of coordinates."""
    kind = geom.geom_type
    if kind == "Polygon":
        return [list(ring.coords) for ring in geom]
    if kind == "LineString":
        return [list(geom.coords)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [ring for part in geom for ring in rings(part)]
    return []


def _points(geom) -> list:
    if geom.geom_type == "Point":
        return [geom.coords[:2]]
    if geom.geom_type.startswith("Multi") or geom.geom_type == "GeometryCollection":
        return [pt for part in geom for pt in _points(part)]
    return []


def sketch(*geoms) -> Sketch | None:
    """Each geometry (lon/lat GEOS, or None) as path data in one shared frame; None when there
    is nothing to draw."""
    present = [g for g in geoms if g is not None and not g.empty]
    if not present:
        return None
    extents = [g.extent for g in present]
    west, south = min(e[0] for e in extents), min(e[1] for e in extents)
    east, north = max(e[2] for e in extents), max(e[3] for e in extents)
    k = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * k, north - south
    scale = (SIZE - 2 * MARGIN) / max(span_x, span_y, 1e-9)
    width = round(span_x * scale + 2 * MARGIN)
    height = round(span_y * scale + 2 * MARGIN)

    def xy(lon, lat):
        return MARGIN + (lon - west) * k * scale, MARGIN + (north - lat) * scale

    def path(geom):
        parts = []
        for ring in rings(geom):
            coords = " L".join("{:.1f},{:.1f}".format(*xy(*pt[:2])) for pt in ring)
            closed = len(ring) > 2 and ring[0] == ring[-1]
            parts.append("M" + coords + ("Z" if closed else ""))
        return " ".join(parts)

    shapes = [
        None
        if g is None or g.empty
        else Shape(path(g), [xy(*pt) for pt in _points(g)], "Polygon" in g.geom_type)
        for g in geoms
    ]
    return Sketch(max(width, 2 * MARGIN), max(height, 2 * MARGIN), shapes)
