"""A locator inset: the province outline with the project on it, as a small inline SVG.

Drawn on the server from the province geometry in the database, so it needs no tiles, no
network and no script, and it prints. Coordinates are lon/lat scaled by cos(latitude), which
is close enough to a conformal map at this size and latitude.
"""

import math
from html import escape

from geo.sketch import rings
from layers.styles import SHAPES, STATUS_STYLES

SIZE = 160  # the longer side of the viewBox
MARGIN = 8
TOLERANCE = 0.004  # degrees (~400 m): invisible at this size, and a few hundred vertices


def locator_svg(province, project, *, status: str, title: str) -> str:
    """`province` and `project` are GEOS geometries in lon/lat; empty without a province."""
    if province is None or project is None:
        return ""
    outline = province.simplify(TOLERANCE, preserve_topology=True)
    west, south, east, north = outline.extent
    pw, ps, pe, pn = project.extent
    west, south, east, north = min(west, pw), min(south, ps), max(east, pe), max(north, pn)
    k = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * k, north - south
    scale = (SIZE - 2 * MARGIN) / max(span_x, span_y)
    width = round(span_x * scale + 2 * MARGIN)
    height = round(span_y * scale + 2 * MARGIN)

    def xy(lon, lat):
        return f"{MARGIN + (lon - west) * k * scale:.1f},{MARGIN + (north - lat) * scale:.1f}"

    def path(parts, close):
        end = "Z" if close else ""
        return " ".join("M" + " L".join(xy(*pt[:2]) for pt in ring) + end for ring in parts)

    style = STATUS_STYLES[status]
    colour = style["color"]
    parts = [
        f'<svg class="locator" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="locator-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="locator-title">{escape(title)}</title>',
        f'<path class="province" d="{path(rings(outline), True)}" fill="#eef1ea" '
        f'stroke="#52616b" stroke-width="1.2" fill-rule="evenodd"/>',
    ]
    shape = project.simplify(TOLERANCE / 2)
    if shape.geom_type in ("MultiLineString", "LineString"):
        parts.append(
            f'<path d="{path(rings(shape), False)}" fill="none" stroke="{colour}" '
            f'stroke-width="3" stroke-linecap="round"/>'
        )
    elif shape.geom_type in ("MultiPolygon", "Polygon"):
        parts.append(
            f'<path d="{path(rings(shape), True)}" fill="{colour}" fill-opacity=".35" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    points = list(project) if project.geom_type == "MultiPoint" else [project.point_on_surface]
    for point in points:
        x, y = (float(v) for v in xy(point.x, point.y).split(","))
        # A ring that stands out from the outline, and the map's status symbol inside it.
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#fff" stroke="#1c2529" '
            f'stroke-width="1.5"/>'
            f'<g transform="translate({x - 7:.1f} {y - 7:.1f}) scale(0.7)" fill="{colour}" '
            f'stroke="{colour}" stroke-width="1.5">{SHAPES[style["shape"]]}</g>'
        )
    parts.append("</svg>")
    return "".join(parts)
