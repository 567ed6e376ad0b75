"""The planners' dashboard page (/dashboard/): its charts parse as SVG, escape markup in names,
carry a title and are followed by a table holding the same numbers; each table comes as CSV;
filters are the planner map's; the number of queries does not grow with the projects."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import lxml.html
import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layers.charts import Bar, bar_chart_svg, line_chart_svg
from projects.models import Agency, Project, Sector
from tests.world import HOSTILE_NAME

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def charts(html: str) -> dict[str, ET.Element]:
    """Every inline chart of the page, parsed as XML, by its id."""
    found = {}
    for markup in re.findall(r'<svg class="dash-chart".*?</svg>', html, re.S):
        svg = ET.fromstring(markup)
        found[svg.get("id")] = svg
    return found


def section_table(html: str, name: str) -> list[list[str]]:
    doc = lxml.html.fromstring(html)
    rows = doc.xpath(f'//section[@id="by-{name}"]//table/tbody/tr')
    # A row's heading is its own text (a badge after it marks illustrative values).
    return [[(cell.text if cell.tag == "th" else cell.text_content()).strip() for cell in row]
            for row in rows]  # fmt: skip


def test_a_chart_is_well_formed_escaped_and_titled():
    svg = bar_chart_svg(
        [Bar(HOSTILE_NAME, 3, "3", illustrative=True), Bar("Sở Y tế", 1, "1")],
        chart_id="chart-x", title='Dự án <theo> "cơ quan"', desc="a & b", illustrative_mark="*",
    )  # fmt: skip
    root = ET.fromstring(svg)  # raises on unescaped markup
    assert root.find(f"{SVG}title").text == 'Dự án <theo> "cơ quan"'
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.get("role") == "img"
    assert root.findall(f".//{SVG}script") == [] and "<img" not in svg
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[0].startswith("<img src=x")  # the name as text, cut to fit, never as markup
    assert labels[0].endswith("… *")  # the name is cut, not its illustrative mark
    assert labels[1:] == ["3", "Sở Y tế", "1"]  # only illustrative groups are marked
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)


def test_a_line_chart_is_well_formed_and_labels_its_periods():
    points = [("Q1/2025", 17.5, "17,5 %"), ("Q2/2025", 35.0, "35 %"), ("Q3/<b>", 40.0, "40 %")]
    root = ET.fromstring(line_chart_svg(points, chart_id="chart-p", title="Tiến độ"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Q1/2025", "Q2/2025", "Q3/<b>"} <= set(texts)
    assert len(root.findall(f"{SVG}circle")) == 3
    assert len(root.findall(f"{SVG}polyline")) == 1


def test_the_page_shows_every_breakdown_with_a_table_of_the_same_numbers(planner_client, world):
    response = planner_client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    found = charts(html)
    assert set(found) == {"chart-sector", "chart-status", "chart-lead_agency"}  # no unit today
    for name in ("sector", "status", "lead_agency"):
        svg = found[f"chart-{name}"]
        drawn = [t.text for t in svg.iter(f"{SVG}text")][1::2]  # label, value, label, value…
        table = section_table(html, name)
        assert drawn == [row[1] for row in table], name  # the counts, in the same order
    agencies = {row[0]: row[1] for row in section_table(html, "lead_agency")}
    assert agencies["Sở Công Thương"] == "2" and agencies["Sở Y tế"] == "2"
    # Illustrative values are said, in Vietnamese.
    assert "số liệu minh họa" in html.lower()
    # No unit is valid today in the world (its districts ended on 30 June 2025): said so.
    assert "7 dự án không thuộc đơn vị nào" in html


def test_behind_schedule_links_to_the_project_pages(planner_client, world):
    html = planner_client.get("/dashboard/").content.decode()
    doc = lxml.html.fromstring(html)
    links = doc.xpath('//table[@class="behind-table"]//a/@href')
    # GT-02 (2024–2026 at 10 %) is behind on any day from 2025 on.
    assert "/projects/GT-02/" in links
    assert all(re.fullmatch(r"/projects/[A-Z]{2}-\d{2}/", link) for link in links)


def test_the_filters_are_the_planner_maps(planner_client, world):
    html = planner_client.get("/dashboard/?status=completed,in_operation").content.decode()
    status = section_table(html, "status")
    assert [row[1] for row in status] == ["1", "1"]
    response = planner_client.get("/dashboard/?status=finished")
    assert response.status_code == 400
    assert "status" in response.content.decode()
    assert planner_client.get("/dashboard/?interval=month").status_code == 400


def test_hostile_agency_and_sector_names_stay_text(planner_client, world):
    Agency.objects.filter(code="SCT").update(name=HOSTILE_NAME)
    Sector.objects.filter(code="TM").update(name='<script>window.__x=1</script>"&')
    html = planner_client.get("/dashboard/").content.decode()
    assert "<img src=x" not in html and "<script>window.__x" not in html
    for svg in charts(html).values():
        assert svg.find(f"{SVG}title") is not None
    labels = [t.text for t in charts(html)["chart-lead_agency"].iter(f"{SVG}text")]
    assert any(label.startswith("<img src=x") for label in labels)


def test_each_table_downloads_as_csv(planner_client, world):
    Project.objects.filter(code="GT-01").update(total_investment_vnd=Decimal(10**12))
    Agency.objects.filter(code="SCT").update(name="=HYPERLINK(1)")
    response = planner_client.get("/dashboard/?format=csv&table=lead_agency")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'=HYPERLINK(1)"][1] == "2"  # a formula stays text
    assert by_name["Sở Giao thông vận tải"][1:6] == ["1", "1", "35.0", "1", "1000000000000"]
    for table in ("sector", "status", "admin_unit", "behind", "progress"):
        assert planner_client.get(f"/dashboard/?format=csv&table={table}").status_code == 200
    assert planner_client.get("/dashboard/?format=csv").status_code == 400  # which table?
    behind = planner_client.get("/dashboard/?format=csv&table=behind&status=site_clearance")
    assert "GT-02" in behind.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_projects(planner_client, world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert planner_client.get("/dashboard/").status_code == 200
        return len(queries)

    few = count()
    sector, agency = Sector.objects.get(code="GT"), Agency.objects.get(code="SYT")
    Project.objects.bulk_create(
        Project(code=f"GT-{n}", name=f"Đường {n}", sector=sector, lead_agency=agency,
                status="under_construction", progress_pct=Decimal(5),
                planned_start=world.projects["GT-02"].planned_start,
                planned_end=world.projects["GT-02"].planned_end,
                geom=GEOSGeometry("MULTIPOINT((109.2 13.8))", srid=4326))
        for n in range(100, 140)
    )  # fmt: skip
    assert count() == few


def test_submissions_per_cycle_chart_table_and_csv_agree(planner_client, world):
    from projects import actions
    from tests.world import open_reporting_cycle

    cycle = open_reporting_cycle(world, 2025)
    first = cycle.submissions.order_by("agency__code").first()
    actions.save_submission(first, expected_version=first.version, difficulties="<b>Vốn</b>")
    html = planner_client.get("/dashboard/").content.decode()
    svg = charts(html)["chart-submissions"]
    assert svg.find(f"{SVG}title").text.startswith("Báo cáo của các cơ quan")
    # One segment per status present, each saying what it counts.
    segments = sorted(r.find(f"{SVG}title").text for r in svg.iter(f"{SVG}rect")
                      if r.find(f"{SVG}title") is not None)  # fmt: skip
    total = cycle.submissions.count()
    assert segments == sorted([f"Chưa bắt đầu: {total - 1}", "Bản nháp: 1"])
    doc = lxml.html.fromstring(html)
    (row,) = doc.xpath('//section[@id="submissions"]//table/tbody/tr')
    cells = [cell.text_content().strip() for cell in row]
    # The 2025 deadline (10 December 2025) has passed: whatever is not handed in is late.
    late = str(total)
    assert cells[0] == "2025" and cells[2:] == [
        "0",
        "0",
        "0",
        "1",
        str(total - 1),
        late,
        str(total),
    ]
    response = planner_client.get("/dashboard/?format=csv&table=submissions")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows[0][:3] == ["Kỳ báo cáo", "Hạn nộp", "Số cơ quan"]
    assert rows[1][:9] == ["2025", "10/12/2025", str(total),
                           "0", "0", "0", "1", str(total - 1), late]  # fmt: skip


def test_without_cycles_the_section_says_so(planner_client, world):
    html = planner_client.get("/dashboard/").content.decode()
    assert "chart-submissions" not in html
    assert "Chưa có kỳ báo cáo nào được mở." in html
