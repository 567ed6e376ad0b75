"""The consolidated annual report (docs/reporting.md, "The consolidated report") of the demo's
2024 cycle (tests/layers/test_annual_report.py builds a small one), read back with python-docx
and openpyxl, and every figure checked against the database; the Decree 30 header; the map is
a real picture; the command writes both formats and refuses what it cannot do."""

import datetime
import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from layers import annual_report as annual
from projects.annual_report import abbreviation, gather
from projects.demo import load_demo_data
from projects.models import (
    Project,
    ReportingCycle,
    Submission,
    SubmissionProject,
    SubmissionStatus,
    SubmissionTask,
)
from tests.projects.test_demo_data import DOMAIN_TABLES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo_data()
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DOMAIN_TABLES}")


def docx_text(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return document, "\n".join(parts)


def project_tables(document) -> list[list[str]]:
    """The rows of the appendix 01 tables (their header starts STT, Mã, Tên dự án)."""
    rows = []
    for table in document.tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells[:3] == ["STT", "Mã", "Tên dự án"]:
            rows += [[c.text for c in row.cells] for row in table.rows[1:]]
    return rows


def accepted_lines(cycle) -> dict[str, SubmissionProject]:
    """Per project code, the accepted line the report must show: its lead agency's (or a
    successor's) when there is one, else the latest submitted."""
    found = {}
    lines = SubmissionProject.objects.filter(
        submission__cycle=cycle, submission__status=SubmissionStatus.ACCEPTED
    ).select_related("project__lead_agency", "submission__agency")
    for line in lines.order_by("-submission__submitted_at", "submission__agency__code"):
        code = line.project.code
        lead = line.project.lead_agency.code in line.submission.agency.lineage_codes()
        if code not in found or (lead and not found[code][1]):
            found[code] = (line, lead)
    return {code: line for code, (line, _lead) in found.items()}


def pct(value) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


# ---- the demo's 2024 cycle ------------------------------------------------------------------


@pytest.fixture
def demo_2024(demo):
    return ReportingCycle.objects.select_related("consolidating_agency").get(year=2024)


def test_the_demo_report_reads_back_with_the_databases_figures(demo_2024):
    report = gather(demo_2024)
    document, text = docx_text(annual.docx_bytes(report))
    submissions = Submission.objects.filter(cycle=demo_2024)
    accepted = submissions.filter(status=SubmissionStatus.ACCEPTED).count()
    assert accepted == submissions.count() > 0  # the demo's completed cycle
    assert (
        f"Có {submissions.count()} cơ quan, đơn vị phải báo cáo; {accepted} đã nộp báo cáo, "
        f"trong đó {accepted} báo cáo đã được chấp nhận"
    ) in text
    lines = accepted_lines(demo_2024)
    projects = Project.objects.count()
    assert f"Về dự án: {len(lines)}/{projects} dự án được báo cáo trong kỳ" in text
    mean = sum(x.progress_pct for x in lines.values() if x.progress_pct is not None) / len(
        [x for x in lines.values() if x.progress_pct is not None]
    )
    mean = mean.quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f"tiến độ thực hiện bình quân {pct(mean)}%" in text
    # Appendix 01: every project once, with the status and progress its accepted line gave.
    rows = project_tables(document)
    assert len(rows) == projects
    by_code = {row[1].removesuffix(" (*)"): row for row in rows}
    assert set(by_code) == set(Project.objects.values_list("code", flat=True))
    for code, row in by_code.items():
        line = lines.get(code)
        if line is None:
            assert row[4].startswith(annual.NOT_REPORTED) and row[5] == "–", row
        else:
            assert row[4] == report.status_labels[line.status] and row[5] == pct(
                line.progress_pct
            ), row
            assert row[6] == (line.submission.agency.short_name or line.submission.agency.name)
        assert row[1].endswith(" (*)")  # every demo value is illustrative
    assert "Đang thi công" in text
    # Difficulties and proposals, quoted with their agency.
    quoted = submissions.exclude(difficulties="").first()
    assert f"“{quoted.difficulties}”" in text and quoted.agency.name in text
    assert "số liệu minh họa" in text


def test_the_header_follows_decree_30(demo_2024):
    report = gather(demo_2024)
    document, text = docx_text(annual.docx_bytes(report))
    header = document.tables[0]
    left, right = header.rows[0].cells
    issuer = demo_2024.consolidating_agency
    assert issuer.name.upper() in left.text  # from the agency record
    assert "UBND TỈNH BÌNH ĐỊNH" in left.text  # the committee in force when the cycle closed
    motto = [p for p in right.paragraphs if p.text]
    assert [p.text for p in motto] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                       "Độc lập - Tự do - Hạnh phúc"]  # fmt: skip
    assert all(run.bold for p in motto for run in p.runs)
    assert all(run.underline for run in motto[1].runs)  # the line as long as the motto
    assert not any(run.underline for run in motto[0].runs)
    number, date = header.rows[1].cells
    assert number.text == f"Số:        /BC-{abbreviation(issuer)}" and "SKHĐT" in number.text
    closed = timezone.localdate(demo_2024.closed_at)
    assert closed.month == 1  # the demo closes its 2024 cycle in January 2025
    assert date.text == f"Bình Định, ngày {closed.day:02d} tháng 01 năm {closed.year}"
    assert date.paragraphs[0].runs[0].italic
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]
    assert "Nơi nhận:" in text and "Ủy ban nhân dân tỉnh Bình Định (để báo cáo)" in text
    assert "GIÁM ĐỐC" in text
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14


def test_the_annex_has_one_sheet_per_table_with_real_numbers(demo_2024):
    report = gather(demo_2024)
    book = load_workbook(io.BytesIO(annual.xlsx_bytes(report)))
    assert book.sheetnames == ["Tổng hợp", "Nhiệm vụ", "Dự án ưu tiên", "Theo lĩnh vực",
                               "Theo địa bàn", "Theo cơ quan", "Báo cáo các cơ quan",
                               "Khó khăn, kiến nghị"]  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1] if c.value)
    projects = book["Dự án ưu tiên"]
    header = [c.value for c in projects[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in projects.iter_rows(min_row=2)]  # fmt: skip
    assert len(rows) == Project.objects.count()
    lines = accepted_lines(demo_2024)
    for row in rows:
        line = lines.get(row["Mã"])
        progress = row["Tiến độ (%)"]
        if line is None or line.progress_pct is None:
            assert progress is None
        else:
            assert isinstance(progress, int | float) and progress == float(line.progress_pct)
        assert row["Ưu tiên đến năm"] in (2030, 2045)
    assert projects.column_dimensions["C"].width > projects.column_dimensions["A"].width
    # Per sector: the counts add up to the projects, as numbers.
    sectors = list(book["Theo lĩnh vực"].iter_rows(min_row=2, values_only=True))
    assert sum(r[2] for r in sectors) == Project.objects.count()
    assert sum(r[3] for r in sectors) == len(lines)
    # The submissions and the tasks, against the database.
    statuses = [r[2] for r in book["Báo cáo các cơ quan"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["Đã chấp nhận"] * Submission.objects.filter(cycle=demo_2024).count()
    submitted = book["Báo cáo các cơ quan"]["D2"].value
    assert isinstance(submitted, datetime.datetime)  # a date cell, not text
    tasks = list(book["Nhiệm vụ"].iter_rows(min_row=2, values_only=True))
    assert len(tasks) == SubmissionTask.objects.filter(submission__cycle=demo_2024).count()
    summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert summary["Năm báo cáo"] == 2024 and summary["Số dự án"] == Project.objects.count()


def test_the_map_is_a_real_picture(demo_2024):
    png = annual.map_png(gather(demo_2024))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 1000 and image.height >= 1000
    grey = image.convert("L")
    dark = sum(1 for v in grey.getdata() if v < 200)
    assert dark > 0.02 * image.width * image.height  # boundaries, projects, legend drawn
    colours = {pixel for pixel in image.convert("RGB").getdata()}
    assert (0, 114, 178) in colours  # under construction, the map's own blue (layers.styles)


def test_the_command_writes_both_formats_and_refuses_the_rest(demo_2024, tmp_path, capsys):
    call_command("annual_report", "2024", output=str(tmp_path / "report.docx"))
    assert "Wrote the 2024 report" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "report.docx") as archive:
        assert "word/document.xml" in archive.namelist()
        assert any(name.endswith(".png") for name in archive.namelist())  # the map
    call_command("annual_report", "2024", output=str(tmp_path / "report.XLSX"))
    assert load_workbook(tmp_path / "report.XLSX").sheetnames[0] == "Tổng hợp"
    with pytest.raises(CommandError, match=r"\.docx or \.xlsx file, not 'report\.pdf'"):
        call_command("annual_report", "2024", output=str(tmp_path / "report.pdf"))
    with pytest.raises(CommandError, match=r"no 2031 reporting cycle \(cycles: 2024, 2025\)"):
        call_command("annual_report", "2031", output=str(tmp_path / "report.docx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.XLSX", "report.docx"]
