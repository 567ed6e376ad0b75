"""The consolidated annual report drawn from projects.annual_report's plain values: the Word
document in the layout of Decree 30/2020/NĐ-CP (appendix I: header, number, place and date,
title, body, recipients, signature), its Excel annex (one sheet per table) and the province
map drawn on the server (geopandas + matplotlib's Agg canvas: no browser, no tiles, no
network). docs/reporting.md, "The consolidated report", says what each part holds.

Text from the database goes in as text (python-docx and openpyxl escape it); characters XML
cannot hold at all (control characters) are dropped first, since either library refuses them.
"""

import datetime
import io
import re
from decimal import Decimal

from projects.annual_report import AnnualReport, ProjectRow
from projects.exports import FORMULA_STARTS
from projects.models import AgencyKind, Priority, Status, TaskProgress

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
NOT_REPORTED = "Chưa có báo cáo được chấp nhận"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text as it can be written into OOXML (markup stays literal: the libraries escape it)."""
    return _NOT_XML.sub("", "" if text is None else str(text))


def number(value: Decimal | None, digits: int = 1) -> str:
    """A figure as Vietnamese writes it (decimal comma)."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def day_text(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def date_line(place: str, day: datetime.date | None, year: int) -> str:
    """ "Place, ngày dd tháng mm năm yyyy" (Decree 30: a leading zero for days below 10 and
    for January and February); blanks for the clerk while the report is a draft."""
    where = f"{place}, " if place else ""
    if day is None:
        return f"{where}ngày      tháng      năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{where}ngày {day.day:02d} tháng {month} năm {day.year}"


def governing_line(name: str) -> str:
    """The governing body in capitals, "Ủy ban nhân dân" abbreviated as Decree 30 allows."""
    for long in ("Ủy ban nhân dân", "Uỷ ban nhân dân"):
        if name.startswith(long):
            name = "UBND" + name[len(long) :]
    return name.upper()


def summary_line(report: AnnualReport) -> str:
    return (
        f"Kết quả thực hiện nhiệm vụ phát triển kết cấu hạ tầng đồng bộ năm {report.year} "
        "theo Kế hoạch triển khai Kết luận số 72-KL/TW của Bộ Chính trị"
    )


def filename(report: AnnualReport, suffix: str) -> str:
    return f"bao-cao-tong-hop-{report.year}.{suffix}"


def _code(row: ProjectRow) -> str:
    return row.code + (" (*)" if row.is_illustrative else "")


def _reported_text(row: ProjectRow) -> str:
    """What the cycle says of a project, or that it said nothing (and the earlier figure)."""
    if row.reported is None:
        text = NOT_REPORTED
        if row.earlier:
            text += (
                f" (số liệu trước đó, ngày {day_text(row.earlier.date)}: "
                f"{row.earlier.status_label}, {number(row.earlier.progress)}%"
                f"{' (*)' if row.earlier.is_illustrative else ''})"
            )
        return text
    return row.reported.status_label


def _illustrative_note(report: AnnualReport) -> str | None:
    if report.is_illustrative:
        return (
            "Lưu ý: kỳ báo cáo này là số liệu minh họa (dữ liệu mẫu của hệ thống), không phải "
            "số liệu do các cơ quan, đơn vị báo cáo. Mọi giá trị đánh dấu (*) là giá trị minh "
            "họa."
        )
    if any(p.is_illustrative or (p.earlier and p.earlier.is_illustrative)
           for p in report.projects):  # fmt: skip
        return "Lưu ý: các giá trị đánh dấu (*) là số liệu minh họa, không phải số liệu thật."
    return None


def _approximate_note(report: AnnualReport) -> str | None:
    approximate = sum(1 for p in report.projects if p.location_approximate)
    if not approximate:
        return None
    return (
        f"Vị trí của {approximate}/{len(report.projects)} dự án là gần đúng (số hóa từ bản vẽ "
        "hoặc vẽ tay), chỉ thể hiện vị trí tương đối."
    )


# ---- the map ------------------------------------------------------------------------------

NOT_REPORTED_STYLE = {"color": "#b3b3b3", "marker": "h", "dash": (0, (1, 2))}
MARKERS = {"circle-open": "o", "diamond": "D", "triangle": "^", "square": "s", "cross": "P",
           "circle": "o", "star": "*", "x-open": "X"}  # fmt: skip


def _dash(pattern: str):
    if not pattern:
        return "solid"
    return (0, tuple(float(n) / 3 for n in pattern.split()))


def map_png(report: AnnualReport, *, dpi: int = 170) -> bytes:
    """The province's units valid on the deadline and the projects, coloured by the status
    the cycle reported (grey where it reported none), with a Vietnamese legend."""
    import geopandas
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from layers.styles import STATUS_STYLES

    figure = Figure(figsize=(7.0, 8.4), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.02, 0.2, 0.96, 0.72))
    units = [u for u in report.map_units if u.level != "province"]
    provinces = [u for u in report.map_units if u.level == "province"]
    if units or provinces:
        frame = geopandas.GeoDataFrame(
            {"name": [u.name for u in units + provinces], "level": [u.level for u in
             units + provinces]}, geometry=[u.geometry for u in units + provinces], crs=4326,
        )  # fmt: skip
        frame[frame["level"] != "province"].plot(
            ax=axes, facecolor="#f4f1ea", edgecolor="#8a8f94", linewidth=0.6
        )
        frame[frame["level"] == "province"].boundary.plot(ax=axes, color="#3d4a52", linewidth=1.4)
        for unit in units:
            point = unit.geometry.representative_point()
            axes.annotate(clean(unit.name), (point.x, point.y), parse_math=False,
                          ha="center", va="center",
                          fontsize=6.5, color="#5f6b73")  # fmt: skip
    handles, drawn = [], set()
    order = [None, *Status.values]  # unreported first, underneath
    for status in order:
        rows = [p for p in report.projects if p.status == status and p.geometry is not None]
        if not rows:
            continue
        if status is None:
            color, marker, dash, label = (NOT_REPORTED_STYLE["color"], NOT_REPORTED_STYLE[
                "marker"], NOT_REPORTED_STYLE["dash"], "Chưa báo cáo trong kỳ")  # fmt: skip
        else:
            style = STATUS_STYLES[Status(status)]
            color, marker = style["color"], MARKERS[style["shape"]]
            dash, label = _dash(style["dash"]), report.status_labels[status]
        frame = geopandas.GeoDataFrame(geometry=[p.geometry for p in rows], crs=4326)
        kinds = frame.geom_type.str.replace("Multi", "")
        if (kinds == "Polygon").any():
            frame[kinds == "Polygon"].plot(ax=axes, facecolor=color, alpha=0.45,
                                           edgecolor=color, linewidth=0.8)  # fmt: skip
        if (kinds == "LineString").any():
            frame[kinds == "LineString"].plot(ax=axes, color=color, linewidth=2.0,
                                              linestyle=dash)  # fmt: skip
        if (kinds == "Point").any():
            hollow = status == Status.PROPOSED or status is None
            frame[kinds == "Point"].plot(
                ax=axes, marker=marker, markersize=34, color="white" if hollow else color,
                edgecolor=color, linewidth=1.3, zorder=5,
            )  # fmt: skip
        drawn.add(status)
        handles.append(Line2D([], [], color=color, marker=marker, linestyle=dash, linewidth=1.8,
                              markersize=7, markerfacecolor="white" if status in (
                                  None, Status.PROPOSED) else color,
                              label=f"{label} ({len(rows)})"))  # fmt: skip
    axes.set_axis_off()
    figure.text(0.5, 0.975, f"Bản đồ các dự án theo tình trạng báo cáo năm {report.year}",
                ha="center", va="top", fontsize=12, weight="bold")  # fmt: skip
    day = day_text(report.deadline)
    ended = [u.valid_to for u in units if u.valid_to is not None and u.valid_to < report.deadline]
    if ended:  # the units of the day have no boundary yet: the map draws the former ones
        subtitle = (f"Chưa có ranh giới cấp xã có hiệu lực ngày {day}; bản đồ vẽ ranh giới "
                    f"cấp huyện cũ (hết hiệu lực ngày {day_text(max(ended))})")  # fmt: skip
    elif report.map_units:
        subtitle = f"Ranh giới hành chính có hiệu lực ngày {day}"
    else:
        subtitle = f"Chưa có ranh giới hành chính có hiệu lực ngày {day}"
    figure.text(0.5, 0.945, subtitle, ha="center", va="top", fontsize=9, color="#3d4a52")
    if handles:
        figure.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.03, 0.055),
                      ncol=2, fontsize=8, frameon=False, title="Tình trạng (số dự án)",
                      title_fontsize=8.5, alignment="left")  # fmt: skip
    notes = [n for n in (_approximate_note(report), _illustrative_note(report) and
             "Số liệu minh họa, không phải số liệu thật.") if n]  # fmt: skip
    figure.text(0.03, 0.02, "\n".join(notes), fontsize=7, color="#3d4a52", va="bottom",
                wrap=True)  # fmt: skip
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


# ---- the Word document --------------------------------------------------------------------

SIGNER = {
    AgencyKind.DEPARTMENT: ["GIÁM ĐỐC"],
    AgencyKind.BOARD: ["TRƯỞNG BAN"],
    AgencyKind.PROVINCIAL_COMMITTEE: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
}


class _Writer:
    """python-docx with the decree's type: Times New Roman, 13 pt body, A4, its margins."""

    def __init__(self):
        from docx import Document
        from docx.shared import Mm

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
        self.width_mm = 165
        for name in ("Normal", "Table Grid"):
            self._font(self.doc.styles[name], 13)
        normal = self.doc.styles["Normal"].paragraph_format
        normal.space_before, normal.space_after = 0, 0
        self._page_numbers(section)

    @staticmethod
    def _font(style, size):
        from docx.oxml.ns import qn
        from docx.shared import Pt

        style.font.name, style.font.size = FONT, Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)

    def _page_numbers(self, section):
        """The page number centred in the header, from page 2 (Decree 30, appendix I)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    def paragraph(self, text="", *, bold=False, italic=False, size=None, align=None,
                  indent=True, before=0, after=6, container=None, underline=False,
                  keep_with_next=False):  # fmt: skip
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        paragraph = (container or self.doc).add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.alignment = {None: WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                         "left": WD_ALIGN_PARAGRAPH.LEFT}[align]  # fmt: skip
        if indent and align is None:
            fmt.first_line_indent = Cm(1.27)
        fmt.keep_with_next = keep_with_next
        if text:
            self.run(paragraph, text, bold=bold, italic=italic, size=size, underline=underline)
        return paragraph

    @staticmethod
    def run(paragraph, text, *, bold=False, italic=False, size=None, underline=False):
        from docx.shared import Pt

        run = paragraph.add_run(clean(text))
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size:
            run.font.size = Pt(size)
        return run

    def rule(self, container, length_mm: float, box_mm: float):
        """A short centred line under a heading (the decree's line under the issuing body and
        under the title's summary): a bottom border between indents."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        paragraph = self.paragraph(container=container, after=0, align="center")
        side = max(0.0, (box_mm - length_mm) / 2)
        paragraph.paragraph_format.left_indent = Mm(side)
        paragraph.paragraph_format.right_indent = Mm(side)
        run = paragraph.add_run("")
        run.font.size = Pt(2)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                           ("w:color", "000000")):  # fmt: skip
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.line_spacing = Pt(3)  # the line hugs the text above
        return paragraph

    @staticmethod
    def _grid(table, widths_mm):
        """Column widths in the table's grid too: LibreOffice lays tables out by the grid,
        Word by the cells."""
        from docx.shared import Mm

        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)

    def layout_table(self, rows: int, widths_mm: list[float]):
        """A table without borders that places blocks side by side."""
        from docx.shared import Mm

        table = self.doc.add_table(rows=rows, cols=len(widths_mm))
        table.autofit = False
        self._grid(table, widths_mm)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
                cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        return table

    def data_table(self, header: list[str], rows: list[list[str]], widths_mm: list[float],
                   *, size=11, numeric=()):  # fmt: skip
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._grid(table, widths_mm)
        head = table.rows[0]
        flag = OxmlElement("w:tblHeader")  # repeat the header row on every page
        flag.set(qn("w:val"), "true")
        head._tr.get_or_add_trPr().append(flag)
        # One pass over the rows: python-docx rebuilds `table.rows` on every access, so indexing
        # it per row would be quadratic in the number of projects.
        for r, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Mm(widths_mm[c])
                lines = clean(value).split("\n")
                paragraph = cell.paragraphs[0]
                for i, line in enumerate(lines):
                    if i:
                        paragraph = cell.add_paragraph()
                    run = paragraph.add_run(line)
                    run.font.size = Pt(size)
                    run.bold = r == 0 or None
                    paragraph.alignment = (
                        WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c in numeric
                        else WD_ALIGN_PARAGRAPH.LEFT
                    )  # fmt: skip
        self.paragraph(after=6)
        return table

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _header(w: _Writer, report: AnnualReport) -> None:
    """Decree 30's two columns: governing and issuing body, the number (left); the national
    motto and the place and date (right)."""
    left, right = 68.0, w.width_mm - 68.0
    table = w.layout_table(2, [left, right])
    top_left, top_right = table.rows[0].cells
    if report.governing_body:
        w.paragraph(governing_line(report.governing_body.name), size=12, align="center", after=0,
                    container=top_left)  # fmt: skip
    w.paragraph(report.issuer.name.upper(), bold=True, size=12, align="center", after=0,
                container=top_left)  # fmt: skip
    w.rule(top_left, 24, left)
    w.paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align="center",
                after=0, container=top_right)  # fmt: skip
    # The motto's line is as long as the motto itself: an underline of its run.
    w.paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align="center", after=0,
                container=top_right, underline=True)  # fmt: skip
    bottom_left, bottom_right = table.rows[1].cells
    w.paragraph(f"Số:        /BC-{report.issuer_abbreviation}", size=13, align="center",
                before=6, after=0, container=bottom_left)  # fmt: skip
    w.paragraph(date_line(report.place, report.issued_on, report.issued_on.year
                          if report.issued_on else report.generated_on.year),
                italic=True, size=13, align="center", before=6, after=0,
                container=bottom_right)  # fmt: skip


def _title(w: _Writer, report: AnnualReport) -> None:
    w.paragraph("BÁO CÁO", bold=True, size=14, align="center", before=18, after=0)
    w.paragraph(summary_line(report), bold=True, size=14, align="center", after=0)
    w.rule(None, 45, w.width_mm)
    if report.is_open:
        w.paragraph(f"(Dự thảo: kỳ báo cáo năm {report.year} chưa kết thúc; số liệu tính đến "
                    f"ngày {day_text(report.generated_on)})", italic=True, size=12,
                    align="center", after=6)  # fmt: skip
    w.paragraph(after=6)


def _heading(w: _Writer, text: str) -> None:
    w.paragraph(text, bold=True, indent=False, before=6, after=6, keep_with_next=True)


def _summary(w: _Writer, report: AnnualReport) -> None:
    t = report.totals
    w.paragraph(
        f"Thực hiện nhiệm vụ được giao tại Kế hoạch, {report.issuer.name} tổng hợp báo cáo kết "
        f"quả thực hiện năm {report.year} của các cơ quan, đơn vị (hạn nộp trước ngày "
        f"{day_text(report.deadline)}) như sau:"
    )
    _heading(w, "I. TÌNH HÌNH TỔNG HỢP BÁO CÁO")
    waiting = t.agencies - t.handed_in
    w.paragraph(
        f"Có {t.agencies} cơ quan, đơn vị phải báo cáo; {t.handed_in} đã nộp báo cáo, trong đó "
        f"{t.accepted} báo cáo đã được chấp nhận và được tổng hợp tại báo cáo này"
        + (f"; {waiting} chưa nộp hoặc đang bổ sung theo yêu cầu" if waiting else "")
        + (f" ({t.late} quá hạn)" if t.late else "")
        + (f"; {t.submitted_late} báo cáo nộp sau hạn" if t.submitted_late else "")
        + "."
    )
    w.paragraph(
        f"Về dự án: {t.projects_reported}/{t.projects} dự án được báo cáo trong kỳ, tiến độ "
        f"thực hiện bình quân {number(t.average_progress)}% (trên các dự án có báo cáo tỷ lệ); "
        f"{t.projects - t.projects_reported} dự án chưa có báo cáo được chấp nhận."
    )
    lines = ", ".join(f"{report.task_progress_labels[k].lower()} {t.task_lines[k]}"
                      for k in TaskProgress.values)  # fmt: skip
    w.paragraph(
        f"Về nhiệm vụ: {t.tasks_reported}/{t.tasks} nhiệm vụ của Kế hoạch được báo cáo, qua "
        f"{sum(t.task_lines.values())} lượt báo cáo của các cơ quan, đơn vị (một nhiệm vụ có "
        f"thể do nhiều cơ quan cùng báo cáo): {lines}."
    )
    if note := _illustrative_note(report):
        w.paragraph(note, italic=True, bold=True)


def _map(w: _Writer, report: AnnualReport, png: bytes | None) -> None:
    from docx.shared import Mm

    if png is None:
        return
    w.paragraph(align="center", after=0).add_run().add_picture(io.BytesIO(png), width=Mm(150))
    w.paragraph(f"Hình 1. Bản đồ các dự án theo tình trạng báo cáo năm {report.year}, trên "
                f"ranh giới hành chính có hiệu lực ngày {day_text(report.deadline)}.",
                italic=True, size=12, align="center", after=6)  # fmt: skip
    if note := _approximate_note(report):
        w.paragraph(note, italic=True, size=12)


def _group_table(w: _Writer, groups, first: str) -> None:
    rows = [[str(i), clean(g.name), str(g.projects), str(g.reported), number(g.average_progress),
             "; ".join(f"{label}: {n}" for label, n in g.statuses.items()) or "–"]
            for i, g in enumerate(groups, start=1)]  # fmt: skip
    w.data_table(["STT", first, "Số dự án", "Đã báo cáo", "Tiến độ BQ (%)",
                  "Tình trạng theo báo cáo"], rows, [12, 45, 18, 18, 20, 52],
                 numeric={0, 2, 3, 4})  # fmt: skip


def _sectors(w: _Writer, report: AnnualReport, map_image: bytes | None) -> None:
    _heading(w, "II. KẾT QUẢ THỰC HIỆN THEO LĨNH VỰC")
    w.paragraph("Số dự án của từng lĩnh vực, số dự án được báo cáo trong kỳ, tiến độ bình quân "
                "theo báo cáo và tình trạng các dự án:")  # fmt: skip
    _group_table(w, report.sectors, "Lĩnh vực")
    _heading(w, "III. KẾT QUẢ THEO ĐỊA BÀN")
    _map(w, report, map_image)
    if report.units:
        w.paragraph(f"Theo đơn vị hành chính có hiệu lực ngày {day_text(report.deadline)} (dự án "
                    "nằm trên nhiều địa bàn được tính ở mỗi địa bàn):")  # fmt: skip
        _group_table(w, report.units, "Địa bàn")
        if report.outside_units:
            w.paragraph(f"{report.outside_units} dự án không thuộc đơn vị hành chính nào có "
                        "hiệu lực vào ngày này.", italic=True)  # fmt: skip
    else:
        w.paragraph(f"Hệ thống chưa có ranh giới đơn vị hành chính có hiệu lực ngày "
                    f"{day_text(report.deadline)}, nên chưa tổng hợp được theo địa "
                    "bàn.")  # fmt: skip


def _agencies(w: _Writer, report: AnnualReport) -> None:
    _heading(w, "IV. KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ")
    statuses = {g.code: g.statuses for g in report.agencies}
    for i, s in enumerate(report.submissions, start=1):
        paragraph = w.paragraph()
        w.run(paragraph, f"{i}. {s.agency.name}: ", bold=True)
        text = s.status_label.lower()
        if s.submitted_on:
            text += f", nộp ngày {day_text(s.submitted_on)}"
            if s.submitted_late:
                text += " (sau hạn)"
        if s.late:
            text += ", quá hạn chưa nộp"
        text += ". "
        if s.accepted:
            parts = []
            if s.projects_reported:
                part = f"báo cáo {s.projects_reported} dự án" + (
                    f" (tiến độ bình quân {number(s.average_progress)}%)"
                    if s.average_progress is not None else "")  # fmt: skip
                if statuses.get(s.agency.code):
                    part += ": " + ", ".join(f"{label.lower()} {n}" for label, n
                                             in statuses[s.agency.code].items())  # fmt: skip
                parts.append(part)
            if s.tasks:
                parts.append(
                    "nhiệm vụ: "
                    + ", ".join(
                        f"{report.task_progress_labels[k].lower()} {n}" for k, n in s.tasks.items()
                    )
                )
            summary = "; ".join(parts) or "không báo cáo số liệu dự án, nhiệm vụ"
            text += summary[0].upper() + summary[1:] + "."
        else:
            text += "Báo cáo chưa được chấp nhận nên chưa được tổng hợp."
        w.run(paragraph, text)


def _tasks(w: _Writer, report: AnnualReport) -> None:
    _heading(w, "V. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ CỦA KẾ HOẠCH")
    star = " (*)" if report.is_illustrative else ""
    rows = []
    for i, t in enumerate(report.tasks, start=1):
        done = "\n".join(f"{r.agency.short_name}: {r.progress_label}{star}"
                         + (f" – {r.text}" if r.text else "") for r in t.reports)  # fmt: skip
        lead = t.lead_agency + (" (phân công suy luận)" if t.assignment_inferred else "")
        rows.append([str(i), t.code, t.title, lead or "–", done or NOT_REPORTED])
    w.data_table(["STT", "Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Tình hình thực hiện"], rows,
                 [12, 16, 48, 34, 55], size=10, numeric={0})  # fmt: skip


def _projects(w: _Writer, report: AnnualReport) -> None:
    _heading(w, "VI. DANH MỤC DỰ ÁN ƯU TIÊN ĐẦU TƯ (PHỤ LỤC 01)")
    w.paragraph(
        "Tình trạng và tiến độ theo báo cáo được chấp nhận trong kỳ; dự án không có báo "
        "cáo được ghi rõ là chưa báo cáo, kèm số liệu gần nhất trước hạn nộp (nếu có)."
    )
    for horizon in Priority.values:
        rows = report.priority_projects(horizon)
        if not rows:
            continue
        w.paragraph(f"{rows[0].priority_label} ({len(rows)} dự án)",
                    bold=True, italic=True, indent=False, keep_with_next=True)  # fmt: skip
        table = [[str(i), _code(p), p.name, p.lead_agency, _reported_text(p),
                  number(p.reported.progress) if p.reported else "–",
                  p.reported.agency.short_name if p.reported else "–"]
                 for i, p in enumerate(rows, start=1)]  # fmt: skip
        w.data_table(["STT", "Mã", "Tên dự án", "Chủ trì", "Tình trạng", "Tiến độ (%)",
                      "Đơn vị báo cáo"], table, [12, 19, 44, 28, 34, 14, 14], size=10,
                     numeric={0, 5})  # fmt: skip


def _difficulties(w: _Writer, report: AnnualReport) -> None:
    _heading(w, "VII. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT")
    quoted = [s for s in report.submissions if s.accepted and (s.difficulties or s.proposals)]
    if not quoted:
        w.paragraph("Các báo cáo được chấp nhận không nêu khó khăn, vướng mắc hay kiến nghị.")
        return
    w.paragraph("Trích nguyên văn từ các báo cáo đã được chấp nhận:")
    for i, s in enumerate(quoted, start=1):
        w.paragraph(f"{i}. {s.agency.name}", bold=True, keep_with_next=True, after=0)
        for label, text in (("Khó khăn, vướng mắc", s.difficulties),
                            ("Kiến nghị, đề xuất", s.proposals)):  # fmt: skip
            if text:
                paragraph = w.paragraph(after=3)
                w.run(paragraph, f"{label}: ", italic=True)
                w.run(paragraph, f"“{text}”")


def _closing(w: _Writer, report: AnnualReport) -> None:
    w.paragraph(
        f"Trên đây là báo cáo tổng hợp kết quả thực hiện năm {report.year} của "
        f"{report.issuer.name}./.",
        before=6,
    )
    table = w.layout_table(1, [75.0, w.width_mm - 75.0])
    left, right = table.rows[0].cells
    w.paragraph("Nơi nhận:", bold=True, italic=True, size=12, align="left", indent=False,
                after=0, container=left)  # fmt: skip
    recipients = []
    if report.governing_body:
        recipients.append(f"- {report.governing_body.name} (để báo cáo);")
    recipients += ["- Các cơ quan, đơn vị tại Mục IV;", f"- Lưu: VT, {report.issuer_abbreviation}."]
    for line in recipients:
        w.paragraph(line, size=11, align="left", indent=False, after=0, container=left)
    for line in SIGNER.get(report.issuer.kind, ["THỦ TRƯỞNG CƠ QUAN"]):
        w.paragraph(line, bold=True, size=13, align="center", after=0, container=right)
    for _ in range(4):
        w.paragraph(size=13, align="center", after=0, container=right)


def docx_bytes(report: AnnualReport, *, map_image: bytes | None = None) -> bytes:
    w = _Writer()
    _header(w, report)
    _title(w, report)
    _summary(w, report)
    _sectors(w, report, map_image)
    _agencies(w, report)
    _tasks(w, report)
    _projects(w, report)
    _difficulties(w, report)
    _closing(w, report)
    return w.save()


# ---- the Excel annex ----------------------------------------------------------------------


def _float(value: Decimal | None):
    return None if value is None else float(value)


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def _sheets(report: AnnualReport) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, header, rows) for each table of the report; numbers stay numbers."""
    t = report.totals
    summary = [
        ["Năm báo cáo", report.year],
        ["Cơ quan tổng hợp", report.issuer.name],
        ["Hạn nộp", report.deadline],
        ["Kỳ báo cáo đã kết thúc", _yes(not report.is_open)],
        ["Số liệu minh họa", _yes(report.is_illustrative)],
        ["Cơ quan, đơn vị phải báo cáo", t.agencies],
        ["Đã nộp", t.handed_in],
        ["Đã được chấp nhận", t.accepted],
        ["Quá hạn chưa nộp", t.late],
        ["Nộp sau hạn", t.submitted_late],
        ["Số dự án", t.projects],
        ["Dự án được báo cáo", t.projects_reported],
        ["Tiến độ bình quân theo báo cáo (%)", _float(t.average_progress)],
        ["Số nhiệm vụ", t.tasks],
        ["Nhiệm vụ được báo cáo", t.tasks_reported],
        *([f"Báo cáo nhiệm vụ: {report.task_progress_labels[k]}", t.task_lines[k]]
          for k in TaskProgress.values),
    ]  # fmt: skip
    tasks = []
    for t_row in report.tasks:
        base = [t_row.code, t_row.section, t_row.heading, t_row.title, t_row.lead_agency,
                t_row.target_year, _yes(t_row.assignment_inferred)]  # fmt: skip
        for r in t_row.reports or [None]:
            tasks.append(base + ([r.agency.code, r.agency.name, r.progress_label, r.text,
                                  _yes(report.is_illustrative)] if r else
                                 ["", "", NOT_REPORTED, "", _yes(False)]))  # fmt: skip
    projects = [
        [i, p.code, p.name, p.sector_name, int(p.priority), p.lead_agency, _yes(bool(p.reported)),
         p.reported.agency.name if p.reported else "",
         p.reported.status_label if p.reported else NOT_REPORTED,
         _float(p.reported.progress) if p.reported else None,
         p.reported.note if p.reported else "", p.other_reports,
         p.earlier.date if p.earlier else None, p.earlier.status_label if p.earlier else "",
         _float(p.earlier.progress) if p.earlier else None,
         p.location_precision_label, ", ".join(p.units),
         _yes(p.is_illustrative or bool(p.earlier and p.earlier.is_illustrative))]
        for i, p in enumerate(report.projects, start=1)
    ]  # fmt: skip
    labels = [report.status_labels[s] for s in Status.values]

    def groups(rows):
        return [[g.code, g.name, g.projects, g.reported, _float(g.average_progress),
                 *(g.statuses.get(label, 0) for label in labels), g.illustrative]
                for g in rows]  # fmt: skip

    group_header = ["Số dự án", "Đã báo cáo", "Tiến độ BQ (%)", *labels, "Dự án minh họa"]
    return [
        ("Tổng hợp", ["Chỉ tiêu", "Giá trị"], summary),
        ("Nhiệm vụ", ["Mã", "Mục", "Nhóm nhiệm vụ", "Nhiệm vụ", "Cơ quan chủ trì", "Năm mục tiêu",
                      "Phân công suy luận", "Mã cơ quan báo cáo", "Cơ quan báo cáo",
                      "Tình hình", "Nội dung", "Minh họa"], tasks),
        ("Dự án ưu tiên", ["STT", "Mã", "Tên dự án", "Lĩnh vực", "Ưu tiên đến năm", "Chủ trì",
                           "Được báo cáo", "Đơn vị báo cáo", "Tình trạng theo báo cáo",
                           "Tiến độ (%)", "Ghi chú", "Số báo cáo khác", "Số liệu trước đó: ngày",
                           "Số liệu trước đó: tình trạng", "Số liệu trước đó: tiến độ (%)",
                           "Độ chính xác vị trí", "Địa bàn (mã)", "Minh họa"], projects),
        ("Theo lĩnh vực", ["Mã", "Lĩnh vực", *group_header], groups(report.sectors)),
        ("Theo địa bàn", ["Mã", "Địa bàn", *group_header], groups(report.units)),
        ("Theo cơ quan", ["Mã", "Cơ quan, đơn vị", "Trạng thái", "Dự án báo cáo",
                          "Tiến độ BQ (%)",
                          *(report.task_progress_labels[k] for k in TaskProgress.values)],
         [[s.agency.code, s.agency.name, s.status_label, s.projects_reported,
           _float(s.average_progress), *(s.tasks.get(k, 0) for k in TaskProgress.values)]
          for s in report.submissions]),
        ("Báo cáo các cơ quan", ["Mã", "Cơ quan, đơn vị", "Trạng thái", "Ngày nộp",
                                 "Ngày xem xét", "Nộp sau hạn", "Quá hạn chưa nộp"],
         [[s.agency.code, s.agency.name, s.status_label, s.submitted_on, s.reviewed_on,
           _yes(s.submitted_late), _yes(s.late)] for s in report.submissions]),
        ("Khó khăn, kiến nghị", ["Mã", "Cơ quan, đơn vị", "Khó khăn, vướng mắc",
                                 "Kiến nghị, đề xuất"],
         [[s.agency.code, s.agency.name, s.difficulties, s.proposals]
          for s in report.submissions if s.accepted and (s.difficulties or s.proposals)]),
    ]  # fmt: skip


def xlsx_bytes(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE3E8")
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, header, rows in _sheets(report):
        sheet = book.create_sheet(name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
        widths = [len(h) for h in header]
        for row in rows:
            values = [clean(v) if isinstance(v, str) else v for v in row]
            sheet.append(values)
            for c, value in enumerate(values):
                cell = sheet.cell(row=sheet.max_row, column=c + 1)
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"  # what an agency typed stays text, never a formula
                elif isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(value, float):
                    cell.number_format = "0.0"
                if isinstance(value, str) and len(value) > 50:
                    cell.alignment = wrap
                shown = 10 if isinstance(value, datetime.date) else len(str(value or ""))
                widths[c] = max(widths[c], shown)
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        if report.is_illustrative:
            sheet.sheet_properties.tabColor = "E69F00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- formats ------------------------------------------------------------------------------


def render(report: AnnualReport, suffix: str) -> bytes:
    """The report as `suffix` ("docx" with its map, or "xlsx")."""
    if suffix == "docx":
        return docx_bytes(report, map_image=map_png(report))
    if suffix == "xlsx":
        return xlsx_bytes(report)
    raise ValueError(suffix)


FORMATS = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE}
