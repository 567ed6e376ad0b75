"""The project page's progress chart and locator inset, read back as SVG: every label inside
the drawing, the planned line only when there is a plan, and the dots the map's symbols."""

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.gis.geos import GEOSGeometry

from layers.charts import FONT, ChartText, _text_width, planned_pct, progress_chart_svg
from layers.locator import locator_svg
from layers.styles import STATUS_STYLES

SVG = "{http://www.w3.org/2000/svg}"
TEXT = ChartText(
    title="Progress", actual="Reported", planned="Planned, assumed linear", dots="Marks:",
    summary="Latest report: 65 %.", status_labels={"under_construction": "Under construction",
                                                    "completed": "Completed"},
)  # fmt: skip


@dataclass
class Report:
    report_date: datetime.date
    progress_pct: Decimal | None
    status: str = "under_construction"


REPORTS = [
    Report(datetime.date(2024, 12, 5), Decimal("39")),
    Report(datetime.date(2025, 12, 5), Decimal("65")),
]


def chart(reports=REPORTS, **dates):
    figure = ET.fromstring(progress_chart_svg(reports, text=TEXT, **dates))
    return figure, figure.find(f"{SVG}svg")


def box(svg):
    return [float(v) for v in svg.get("viewBox").split()]


def test_every_label_lies_inside_the_drawing():
    for dates in ({}, {"planned_start": datetime.date(2023, 1, 1),
                       "planned_end": datetime.date(2026, 6, 30)}):  # fmt: skip
        _figure, svg = chart(**dates)
        _x0, _y0, width, height = box(svg)
        labels = svg.findall(f"{SVG}text")
        assert len(labels) >= 7  # five percentages and at least two dates
        for label in labels:
            x, y, anchor = float(label.get("x")), float(label.get("y")), label.get("text-anchor")
            w = _text_width(label.text)
            left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            assert left >= 0 and left + w <= width, (label.text, left, w)
            assert FONT * 0.8 <= y <= height, label.text


def test_the_last_report_date_is_labelled_in_full():
    _figure, svg = chart([Report(datetime.date(2025, 3, 1), Decimal("10")),
                          Report(datetime.date(2025, 12, 5), Decimal("30"))])  # fmt: skip
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert "05/12/2025" in texts or "2025" in texts


def test_a_planned_line_is_drawn_from_the_planned_dates():
    start, end = datetime.date(2023, 1, 1), datetime.date(2026, 6, 30)
    figure, svg = chart(planned_start=start, planned_end=end)
    (planned,) = svg.findall(f"{SVG}polyline[@class='planned']")
    points = [tuple(map(float, p.split(","))) for p in planned.get("points").split()]
    ys = [y for _x, y in points]
    assert max(ys) > min(ys)  # it rises from 0 % to 100 %
    assert "Planned, assumed linear" in "".join(figure.itertext())
    assert planned_pct(datetime.date(2024, 9, 30), start, end) == pytest.approx(50, abs=0.5)


@pytest.mark.parametrize(
    "dates",
    [{}, {"planned_start": datetime.date(2025, 1, 1)},
     {"planned_start": datetime.date(2026, 1, 1), "planned_end": datetime.date(2025, 1, 1)}],
)  # fmt: skip
def test_without_a_planned_period_there_is_no_planned_line(dates):
    figure, svg = chart(**dates)
    assert svg.findall(f"{SVG}polyline[@class='planned']") == []
    assert "Planned, assumed linear" not in "".join(figure.itertext())
    assert len(svg.findall(f"{SVG}polyline[@class='actual']")) == 1


def test_it_has_an_accessible_name_and_description():
    _figure, svg = chart()
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Progress"
    assert svg.find(f"{SVG}desc").text == "Latest report: 65 %."
    assert svg.get("aria-labelledby") == svg.find(f"{SVG}title").get("id")
    assert svg.get("aria-describedby") == svg.find(f"{SVG}desc").get("id")


def test_dots_are_the_maps_status_symbols_and_the_legend_explains_them():
    reports = [*REPORTS[:1], Report(datetime.date(2025, 12, 5), Decimal("100"), "completed")]
    figure, svg = chart(reports)
    marks = svg.findall(f"{SVG}g[@class]")
    colours = [STATUS_STYLES[s]["color"] for s in ("under_construction", "completed")]
    assert [m.get("fill") for m in marks] == colours
    assert "05/12/2025: 100 % (Completed)" in marks[1].find(f"{SVG}title").text
    legend = "".join(figure.find("figcaption").itertext())
    assert "Marks:" in legend and "Under construction" in legend and "Completed" in legend


def test_no_percentage_no_chart():
    assert progress_chart_svg([Report(datetime.date(2025, 1, 1), None)], text=TEXT) == ""


def test_the_locator_draws_the_province_and_the_project_inside_its_box():
    province = GEOSGeometry(
        "MULTIPOLYGON(((108.6 13.5, 109.3 13.5, 109.3 14.7, 108.6 14.7, 108.6 13.5)))", srid=4326
    )
    project = GEOSGeometry("MULTIPOINT((109.0 14.0))", srid=4326)
    svg = ET.fromstring(locator_svg(province, project, status="completed", title="Where"))
    _x0, _y0, width, height = box(svg)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Where"
    (ring,) = svg.findall(f"{SVG}circle")
    assert 0 < float(ring.get("cx")) < width and 0 < float(ring.get("cy")) < height
    assert locator_svg(None, project, status="completed", title="Where") == ""
