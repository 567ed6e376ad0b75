"""Progress over time as an inline SVG chart: drawn on the server, no script, no CDN.

Actual progress is the reports' percentages; planned progress is assumed linear from 0 % at
the planned start to 100 % at the planned end (the plan gives no schedule), and the legend
says so. Dots are the map's status symbols (layers.styles), so a dot reads like a map marker.
"""

import datetime
import math
from dataclasses import dataclass
from html import escape

from layers.styles import SHAPES, STATUS_STYLES, status_symbol_svg

# A small viewBox and large type: the chart scales down to a phone's 360 px and its labels
# must stay at least 11 px there (14 × 360 / 440 ≈ 11.5).
WIDTH, HEIGHT = 440, 236
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 34
FONT = 14
ACTUAL_COLOUR, PLANNED_COLOUR, GRID, INK = "#12436d", "#5f6b73", "#dde3e8", "#3d4a52"
PLANNED_DASH = "7 5"


@dataclass
class ChartText:
    """The chart's words, translated by the caller."""

    title: str
    actual: str  # legend: the solid line
    planned: str  # legend: the dashed line (names the assumption and the dates)
    dots: str  # legend: what a dot's shape and colour mean
    summary: str  # <desc>: the latest figures in a sentence
    status_labels: dict  # status value → label


def _text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of a label's width (no font metrics on the server)."""
    return len(text) * size * 0.62


def _date_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """1 January of each year inside the span (thinned to at most six), or the span's two
    ends as dates when it covers less than two new years."""
    years = [datetime.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    if start.month == 1 and start.day == 1:
        years.insert(0, start)
    if len(years) < 2:
        return [(start, f"{start:%d/%m/%Y}"), (end, f"{end:%d/%m/%Y}")]
    step = math.ceil(len(years) / 6)
    return [(day, str(day.year)) for day in years[::step]]


def _anchored(x: float, label: str) -> tuple[float, str]:
    """Keep a label inside the viewBox: centred where it fits, else flush with the edge."""
    half = _text_width(label) / 2
    if x - half < 2:
        return 2, "start"
    if x + half > WIDTH - 2:
        return WIDTH - 2, "end"
    return x, "middle"


def planned_pct(day, start, end) -> float | None:
    """The assumed plan: linear from 0 % at the start to 100 % at the end."""
    if not start or not end or end <= start:
        return None
    share = (day - start).days / (end - start).days
    return max(0.0, min(100.0, 100 * share))


def progress_chart_svg(reports, *, text: ChartText, planned_start=None, planned_end=None) -> str:
    """A figure: the SVG chart and its legend. Empty when no report gives a percentage.

    `reports` are objects with report_date, progress_pct, status (oldest first).
    """
    points = [r for r in reports if r.progress_pct is not None]
    if not points:
        return ""
    planned = planned_pct(points[0].report_date, planned_start, planned_end) is not None
    days = [r.report_date for r in points] + ([planned_start, planned_end] if planned else [])
    first, last = min(days), max(days)
    if first == last:
        first, last = first - datetime.timedelta(days=30), last + datetime.timedelta(days=30)
    span = (last - first).days
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        return LEFT + plot_w * (day - first).days / span

    def y(value):
        return TOP + plot_h * (1 - float(value) / 100)

    parts = [
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" aria-describedby="chart-desc" '
        f'xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="chart-title">{escape(text.title)}</title>',
        f'<desc id="chart-desc">{escape(text.summary)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 5:.1f}" text-anchor="end" '
            f'fill="{INK}">{tick} %</text>'
        )
    for day, label in _date_ticks(first, last):
        tx, anchor = _anchored(x(day), label)
        parts.append(
            f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM + 4}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{tx:.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    if planned:
        line = [(first, 0), (planned_start, 0), (planned_end, 100), (last, 100)]
        path = " ".join(f"{x(day):.1f},{y(pct):.1f}" for day, pct in line)
        parts.append(
            f'<polyline class="planned" points="{path}" fill="none" stroke="{PLANNED_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="{PLANNED_DASH}"/>'
        )
    path = " ".join(f"{x(r.report_date):.1f},{y(r.progress_pct):.1f}" for r in points)
    parts.append(
        f'<polyline class="actual" points="{path}" fill="none" stroke="{ACTUAL_COLOUR}" '
        f'stroke-width="2.5"/>'
    )
    for report in points:
        style = STATUS_STYLES[report.status]
        cx, cy = x(report.report_date), y(report.progress_pct)
        status = text.status_labels.get(report.status, report.status)
        label = f"{report.report_date:%d/%m/%Y}: {float(report.progress_pct):g} % ({status})"
        # The map's 20 × 20 symbol, centred on the point and drawn 18 units wide.
        parts.append(
            f'<g class="report status-{report.status}" '
            f'transform="translate({cx - 9:.1f} {cy - 9:.1f}) scale(0.9)" '
            f'fill="{style["color"]}" stroke="{style["color"]}" stroke-width="1.5">'
            f"<title>{escape(label)}</title>{SHAPES[style['shape']]}</g>"
        )
    parts.append("</svg>")
    return f'<figure class="chart">{"".join(parts)}{_legend(points, text, planned)}</figure>'


def _legend(points, text: ChartText, planned: bool) -> str:
    def sample(colour, width, dash=""):
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg class="legend-line" width="34" height="10" aria-hidden="true">'
            f'<line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" stroke-width="{width}"'
            f"{dashed}/></svg>"
        )

    items = [f"<li>{sample(ACTUAL_COLOUR, 2.5)} {escape(text.actual)}</li>"]
    if planned:
        items.append(f"<li>{sample(PLANNED_COLOUR, 2, PLANNED_DASH)} {escape(text.planned)}</li>")
    statuses = list(dict.fromkeys(r.status for r in points))
    symbols = "".join(
        f'<span class="legend-status">{status_symbol_svg(s, 16)} '
        f"{escape(str(text.status_labels.get(s, s)))}</span>"
        for s in statuses
    )
    items.append(f"<li>{escape(text.dots)} {symbols}</li>")
    return f'<figcaption><ul class="chart-legend">{"".join(items)}</ul></figcaption>'


# ---- the dashboard's charts (docs/dashboard.md) ------------------------------------------------
#
# Plain functions returning an <svg> string: every text escaped, a <title> the svg is labelled
# by, and the numbers drawn as they are printed in the table that follows each chart. Colours
# pass WCAG AA against white (#12436d: 10.3:1; ink #3d4a52: 9.3:1).

BAR_COLOUR, BAR_ILLUSTRATIVE = "#12436d", "#5b7fa6"  # 10.3:1 and 4.3:1 (non-text, ≥ 3:1)
BAR_ROW = 44  # label line, then the bar


@dataclass
class Bar:
    label: str
    value: float
    shown: str  # the value as printed, e.g. "12" or "45,5 %"
    illustrative: bool = False


def _svg_open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="dash-chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="{FONT}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _fit(label: str, room: float) -> str:
    """Cut a label to the room it has (the table after the chart holds it in full)."""
    most = max(4, int(room / (FONT * 0.62)))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def bar_chart_svg(bars: list[Bar], *, chart_id: str, title: str, desc: str = "",
                  illustrative_mark: str = "") -> str:  # fmt: skip
    """Horizontal bars, one per row, the label above its bar and the value after it. Bars of
    illustrative values are lighter and their label ends with `illustrative_mark`."""
    width = WIDTH
    height = max(BAR_ROW * len(bars), BAR_ROW) + 8
    parts = _svg_open(chart_id, width, height, title, desc)
    top = max((b.value for b in bars), default=0) or 1
    value_room = max((_text_width(b.shown) for b in bars), default=0) + 8
    plot = width - 4 - value_room
    for i, bar in enumerate(bars):
        y = 4 + i * BAR_ROW
        # Cut the name, never the mark: the mark is what says the values are illustrative.
        mark = f" {illustrative_mark}" if bar.illustrative and illustrative_mark else ""
        length = max(plot * bar.value / top, 1 if bar.value else 0)
        colour = BAR_ILLUSTRATIVE if bar.illustrative else BAR_COLOUR
        parts.append(
            f'<g class="bar"><text x="2" y="{y + FONT:.1f}" fill="{INK}">'
            f"{escape(_fit(bar.label, width - 4 - _text_width(mark)) + mark)}</text>"
            f'<rect x="2" y="{y + FONT + 6:.1f}" width="{length:.1f}" height="16" '
            f'fill="{colour}"/>'
            f'<text x="{2 + length + 6:.1f}" y="{y + FONT + 19:.1f}" fill="{INK}">'
            f"{escape(bar.shown)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(points: list[tuple[str, float, str]], *, chart_id: str, title: str,
                   desc: str = "", top: float = 100) -> str:  # fmt: skip
    """A line over labelled periods: `points` are (period label, value, value as printed),
    oldest first; the y axis runs from 0 to `top` in percent."""
    width, height = WIDTH, HEIGHT
    parts = _svg_open(chart_id, width, height, title, desc)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(i):
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value):
        return TOP + plot_h * (1 - float(value) / top)

    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 5:.1f}" text-anchor="end" '
            f'fill="{INK}">{tick} %</text>'
        )
    # At most six period labels, always the first and the last.
    step = max(1, math.ceil(len(points) / 6))
    shown = set(range(0, len(points), step)) | ({len(points) - 1} if points else set())
    for i, (label, _value, _printed) in enumerate(points):
        if i in shown and not (i != len(points) - 1 and len(points) - 1 - i < step):
            tx, anchor = _anchored(x(i), label)
            parts.append(
                f'<text x="{tx:.1f}" y="{height - 10}" text-anchor="{anchor}" '
                f'fill="{INK}">{escape(label)}</text>'
            )
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_l, v, _p) in enumerate(points))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACTUAL_COLOUR}" stroke-width="2.5"/>'
        )
    for i, (label, value, printed) in enumerate(points):
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{ACTUAL_COLOUR}">'
            f"<title>{escape(label)}: {escape(printed)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Segment:
    """One part of a stacked bar: what it counts, how many, and its colour."""

    label: str
    value: int
    colour: str


@dataclass
class Stack:
    label: str
    segments: list[Segment]
    shown: str  # printed after the bar, e.g. "14 / 20 handed in"
    illustrative: bool = False


def stacked_bar_chart_svg(stacks: list[Stack], *, chart_id: str, title: str, desc: str = "",
                          illustrative_mark: str = "") -> str:  # fmt: skip
    """Horizontal stacked bars, one per row (label above, total after), on a common scale, and
    a legend of the segments under them. Each segment says what it is in a <title>; a segment's
    colour alone never carries the meaning, the legend and the table after the chart do."""
    width = WIDTH
    legend = stacks[0].segments if stacks else []
    legend_rows = math.ceil(len(legend) / 2)
    height = max(BAR_ROW * len(stacks), BAR_ROW) + 8 + legend_rows * 22 + 6
    parts = _svg_open(chart_id, width, height, title, desc)
    top = max((sum(s.value for s in stack.segments) for stack in stacks), default=0) or 1
    value_room = max((_text_width(s.shown) for s in stacks), default=0) + 8
    plot = width - 4 - value_room
    for i, stack in enumerate(stacks):
        y = 4 + i * BAR_ROW
        mark = f" {illustrative_mark}" if stack.illustrative and illustrative_mark else ""
        parts.append(
            f'<g class="stack"><text x="2" y="{y + FONT:.1f}" fill="{INK}">'
            f"{escape(_fit(stack.label, width - 4 - _text_width(mark)) + mark)}</text>"
        )
        x = 2.0
        for segment in stack.segments:
            if not segment.value:
                continue
            length = plot * segment.value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + FONT + 6:.1f}" width="{length:.1f}" height="16" '
                f'fill="{segment.colour}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(segment.label)}: {segment.value}</title></rect>"
            )
            x += length
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + FONT + 19:.1f}" fill="{INK}">'
            f"{escape(stack.shown)}</text></g>"
        )
    legend_top = max(BAR_ROW * len(stacks), BAR_ROW) + 14
    for i, segment in enumerate(legend):
        lx, ly = 2 + (i % 2) * (width / 2), legend_top + (i // 2) * 22
        parts.append(
            f'<g class="legend"><rect x="{lx:.1f}" y="{ly:.1f}" width="14" height="14" '
            f'fill="{segment.colour}"/><text x="{lx + 20:.1f}" y="{ly + 12:.1f}" '
            f'fill="{INK}">{escape(_fit(segment.label, width / 2 - 24))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
