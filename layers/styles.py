"""Symbology: on every map, swatch and chart, colour means status and nothing else.

Every status has a colour, a point shape and a line pattern (a dash; "in operation" is a
heavier solid line, drawn double with a white centre where the map draws GeoJSON), so that it
never relies on colour alone: shapes and patterns are unique per status, and the colours
(Okabe–Ito based) stay apart for the three common colour-vision deficiencies
(tests/layers/test_symbology.py computes the differences).
Sectors are chosen with the layer toggles and are never coloured. Clusters are white
bubbles with a count, a look no status has. The map script, the legend, the project page,
the chart and the HTML export all read this table.
"""

from projects.models import Status

LINE_WEIGHT = 4.5
CENTRE_WEIGHT = 1.8  # the white centre of a double line

# colour, point shape, line dash ("" solid), line weight, white centre line (a double line)
STATUS_STYLES = {
    Status.PROPOSED: {"color": "#8c8c8c", "shape": "circle-open", "dash": "1 8"},
    Status.PREPARING: {"color": "#cc79a7", "shape": "diamond", "dash": "8 8"},
    Status.SITE_CLEARANCE: {"color": "#e69f00", "shape": "triangle", "dash": "16 6 2 6"},
    Status.UNDER_CONSTRUCTION: {"color": "#0072b2", "shape": "square", "dash": "24 6"},
    Status.SUSPENDED: {"color": "#d55e00", "shape": "cross", "dash": "3 5"},
    Status.COMPLETED: {"color": "#009e73", "shape": "circle", "dash": ""},
    Status.IN_OPERATION: {"color": "#004d33", "shape": "star", "dash": "", "weight": 6.5,
                          "centre": True},
    Status.CANCELLED: {"color": "#1a1a1a", "shape": "x-open", "dash": "10 5 2 5 2 5"},
}  # fmt: skip
for _style in STATUS_STYLES.values():
    _style.setdefault("weight", LINE_WEIGHT)
    _style.setdefault("centre", False)

# A map as of a day draws a project with no report by then (no status: docs/as-of.md) as a small
# dashed ring and a thin dashed line, lighter than any status, and says so in the legend.
UNREPORTED = "unreported"
UNREPORTED_STYLE = {"color": "#5f6b73", "shape": "ring-dashed", "dash": "2 5", "weight": 2.5,
                    "centre": False}  # fmt: skip

# Cluster bubbles: white with a dark count, unlike any status symbol.
CLUSTER_STYLE = {"fill": "#ffffff", "border": "#44535c", "text": "#1d2a33"}

# SVG bodies of the point symbols, drawn in a 20 × 20 box (fill and stroke set by the caller).
SHAPES = {
    "circle": '<circle cx="10" cy="10" r="6.5"/>',
    "circle-open": '<circle cx="10" cy="10" r="6" fill="#fff" stroke-width="3"/>',
    "square": '<rect x="4" y="4" width="12" height="12"/>',
    "diamond": '<path d="M10 2.5 17.5 10 10 17.5 2.5 10Z"/>',
    "triangle": '<path d="M10 2.5 18 17H2Z"/>',
    "cross": '<path d="M7.5 2.5h5v5h5v5h-5v5h-5v-5h-5v-5h5Z"/>',
    "star": (
        '<path d="M10 1.8l2.5 5.3 5.8.7-4.3 4 1.1 5.8L10 14.8l-5.1 2.8 1.1-5.8-4.3-4 5.8-.7Z"/>'
    ),
    "x-open": '<path d="M4 4 16 16M16 4 4 16" fill="none" stroke-width="3.5"/>',
    "ring-dashed": '<circle cx="10" cy="10" r="6" fill="#fff" stroke-width="2.5" '
    'stroke-dasharray="3.1 2.2"/>',
}


def _style(status: str) -> dict:
    return UNREPORTED_STYLE if status == UNREPORTED else STATUS_STYLES[Status(status)]


def status_symbol_svg(status: str, size: int = 18) -> str:
    """A point symbol for the legend and pages, the same drawing the map uses."""
    style = _style(status)
    return (
        f'<svg class="status-symbol" width="{size}" height="{size}" viewBox="0 0 20 20" '
        f'aria-hidden="true" focusable="false" fill="{style["color"]}" '
        f'stroke="{style["color"]}" stroke-width="1.5">{SHAPES[style["shape"]]}</svg>'
    )


def status_line_svg(status: str, width: int = 40) -> str:
    """A line sample with the status's dash, weight and centre line, for the legend."""
    style = _style(status)
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    line = (
        f'<line x1="1" y1="6" x2="{width - 1}" y2="6" stroke="{style["color"]}" '
        f'stroke-width="{style["weight"]}"{dash}/>'
    )
    if style["centre"]:
        line += (
            f'<line x1="1" y1="6" x2="{width - 1}" y2="6" stroke="#fff" '
            f'stroke-width="{CENTRE_WEIGHT}"/>'
        )
    return (
        f'<svg class="status-line" width="{width}" height="12" aria-hidden="true" '
        f'focusable="false">{line}</svg>'
    )


def map_styles() -> dict:
    """The table as the map script wants it."""
    return {
        "statuses": {str(status): dict(style) for status, style in STATUS_STYLES.items()}
        | {UNREPORTED: dict(UNREPORTED_STYLE)},
        "shapes": SHAPES,
        "centreWeight": CENTRE_WEIGHT,
        "cluster": CLUSTER_STYLE,
    }
