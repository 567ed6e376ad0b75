"""Progress over time as an inline SVG chart: drawn on the server, no script, no CDN."""

from html import escape

from layers.styles import STATUS_STYLES

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 34


def progress_chart_svg(reports, *, title: str = "", empty: str = "") -> str:
    """A line of physical progress (%) against report dates, one status-coloured dot per report.

    `reports` are objects with report_date, progress_pct, status (oldest first). Returns `empty`
    when fewer than one report gives a percentage.
    """
    points = [r for r in reports if r.progress_pct is not None]
    if not points:
        return empty
    first, last = points[0].report_date, points[-1].report_date
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y(value):
        return TOP + plot_h * (1 - float(value) / 100)

    parts = [
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#dde3e8" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#52616b">{tick} %</text>'
        )
    path = " ".join(f"{x(r.report_date):.1f},{y(r.progress_pct):.1f}" for r in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#12436d" stroke-width="2.5"/>')
    for report in points:
        colour = STATUS_STYLES[report.status]["color"]
        cx, cy = x(report.report_date), y(report.progress_pct)
        label = f"{report.report_date:%d/%m/%Y}: {float(report.progress_pct):g} %"
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}" stroke="#fff" '
            f'stroke-width="1.5"><title>{escape(label)}</title></circle>'
            f'<text x="{cx:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11" '
            f'fill="#52616b">{report.report_date:%d/%m/%Y}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
