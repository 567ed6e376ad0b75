"""Symbology: how each status is drawn, so that it never relies on colour alone.

Every status has a colour, a dash pattern for lines and outlines, and a marker shape for
points. The map script, the legend, the project page and the HTML export all read this table.
"""

from projects.models import Status

# colour (colour-blind-safe palette, Okabe–Ito based), dash pattern, point shape
STATUS_STYLES = {
    Status.PROPOSED: {"color": "#7a7a7a", "dash": "2 6", "shape": "circle-open"},
    Status.PREPARING: {"color": "#9b59b6", "dash": "10 6", "shape": "diamond"},
    Status.SITE_CLEARANCE: {"color": "#e69f00", "dash": "12 4 2 4", "shape": "triangle"},
    Status.UNDER_CONSTRUCTION: {"color": "#0072b2", "dash": "", "shape": "square"},
    Status.SUSPENDED: {"color": "#d55e00", "dash": "4 4", "shape": "cross"},
    Status.COMPLETED: {"color": "#009e73", "dash": "", "shape": "circle"},
    Status.IN_OPERATION: {"color": "#1b5e20", "dash": "", "shape": "star"},
    Status.CANCELLED: {"color": "#333333", "dash": "1 5", "shape": "x-open"},
}

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
}


def status_symbol_svg(status: str, size: int = 18) -> str:
    """A point symbol for the legend and pages, the same drawing the map uses."""
    style = STATUS_STYLES[Status(status)]
    return (
        f'<svg class="status-symbol" width="{size}" height="{size}" viewBox="0 0 20 20" '
        f'aria-hidden="true" fill="{style["color"]}" stroke="{style["color"]}" '
        f'stroke-width="1.5">{SHAPES[style["shape"]]}</svg>'
    )


def status_line_svg(status: str, width: int = 34) -> str:
    """A line sample with the status's dash, for the legend."""
    style = STATUS_STYLES[Status(status)]
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    return (
        f'<svg class="status-line" width="{width}" height="10" aria-hidden="true">'
        f'<line x1="1" y1="5" x2="{width - 1}" y2="5" stroke="{style["color"]}" '
        f'stroke-width="3.5"{dash}/></svg>'
    )


def map_styles() -> dict:
    """The table as the map script wants it."""
    return {
        "statuses": {str(status): dict(style) for status, style in STATUS_STYLES.items()},
        "shapes": SHAPES,
    }
