"""The response report as a Word document (python-docx).

A4, page numbers in the footer, a DRAFT marking in the header and under the title while the inspection is not
finalized, Japanese fonts set as the East Asian font of every style (w:eastAsia), the summary with a bar chart
drawn as a table of coloured blocks, the problems table on a landscape page, the customer-damage section and
the annex with every answer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import (
    PROBLEM_COLUMNS,
    STATUS_COLORS,
    fit_cells,
    header_fields,
    save_zipped,
    short_title,
    xml_text,
)
from tui.i18n import N_

EAST_ASIAN_FONT = "Yu Gothic"  # 游ゴシック: on every Windows since 8.1 and in Office for Mac
LATIN_FONTS = {"ja": EAST_ASIAN_FONT, "en": "Calibri"}
DRAFT_RED = RGBColor(0xB3, 0x26, 0x1E)
MUTED = RGBColor(0x5B, 0x5F, 0x6B)
HEAD_FILL = "EEF0F4"
ANNEX_KEEP_CHARS = 1200  # an annex item up to this long is kept on one page (a longer one may break)
BAR_BLOCKS = 26  # the widest bar of the chart, in blocks (fits its column on one line)
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --- document set-up ------------------------------------------------------------------------------


def _set_fonts(document, lang: str) -> None:
    """Explicit fonts in every style (theme fonts would win over them), Japanese as the East Asian font."""
    latin = LATIN_FONTS.get(lang, "Calibri")
    root = document.styles.element
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
        if rfonts.get(qn("w:ascii")) is None:  # keep deliberate Latin fonts such as Courier for code
            rfonts.set(qn("w:ascii"), latin)
            rfonts.set(qn("w:hAnsi"), latin)
            rfonts.set(qn("w:cs"), latin)
        rfonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", EAST_ASIAN_FONT)):
        rfonts.set(qn(attr), value)
    for lang_el in root.iter(qn("w:lang")):
        lang_el.set(qn("w:val"), "ja-JP" if lang == "ja" else "en-US")
        lang_el.set(qn("w:eastAsia"), "ja-JP")
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 11), ("Heading 3", 10.5)):
        style = document.styles[name]
        style.font.color.rgb = RGBColor(0x1D, 0x1D, 0x1F)
        style.font.size = Pt(size)


def _field(paragraph: Paragraph, instr: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word fills in; "1" shows until it does."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _page_setup(document, report: Report) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    if report.draft:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(report.t(N_("DRAFT")))
        run.bold = True
        run.font.color.rgb = DRAFT_RED


def _new_section(document, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(297), Mm(210)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def a4_landscape(document, margin_mm: float) -> None:
    """The document's first section as an A4 landscape page with the same margin on every side (the training
    completion report and the remediation progress report)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin_mm))


# --- small writers ----------------------------------------------------------------------------------


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
):
    run = paragraph.add_run(xml_text(text))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(table: Table) -> None:
    """The header row repeats on every page; no row is split across two pages."""
    trpr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    for row in table.rows:
        keep = OxmlElement("w:cantSplit")
        keep.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(keep)


def _set_cell(
    cell: _Cell, text: str, *, bold: bool = False, size: float | None = None, right: bool = False
) -> Paragraph:
    paragraph = cell.paragraphs[0]
    _run(paragraph, text, bold=bold, size=size)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _table(
    document,
    header: list[str],
    rows: list[list[str]],
    widths_mm: list[float],
    size: float | None = None,
    right: set[int] | None = None,
) -> Table:
    table = document.add_table(rows=1 + len(rows), cols=len(header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    right = right or set()
    # Each row's cells fetched once: table.cell(r, c) walks the whole grid on every call.
    grid = [row.cells for row in table.rows]
    for c, label in enumerate(header):
        cell = grid[0][c]
        _set_cell(cell, label, bold=True, size=size, right=c in right)
        _shade(cell, HEAD_FILL)
    for r, values in enumerate(rows, 1):
        cells = grid[r]
        for c, value in enumerate(values):
            _set_cell(cells[c], value, size=size, right=c in right)
    _widths(table, widths_mm, grid)
    _repeat_header(table)
    return table


def _widths(table: Table, widths_mm: list[float], grid: list | None = None) -> None:
    """Column widths in the table grid (what Word and LibreOffice lay out by) and in every cell."""
    widths = [Mm(w) for w in widths_mm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cells in grid if grid is not None else [row.cells for row in table.rows]:
        for c, width in enumerate(widths):
            cells[c].width = width
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


#: Left and right cell margins of "Table Grid" (0.19 cm each), in mm.
CELL_MARGINS_MM = 3.8


def _header_mm(text: str, size_pt: float) -> float:
    """The width a bold header needs on one line, in mm: generous for wide fallback fonts (DejaVu Sans where
    Calibri is missing, as on a LibreOffice without Microsoft's fonts), a Japanese character one em."""
    import unicodedata

    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.72 for ch in text)
    return ems * size_pt * 25.4 / 72 + CELL_MARGINS_MM + 1.5  # 1.5 mm of slack: 「未回答」 broke at exactly its width


def _label_value(document, label: str, value: str, sep: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    _run(paragraph, label + sep, bold=True)
    _run(paragraph, value)
    return paragraph


# --- the parts of the report ------------------------------------------------------------------------------


def _title_and_header(document, report: Report) -> None:
    t = report.t
    document.add_heading(xml_text(t(N_("Response report on the self-inspection"))), level=0)
    subtitle = document.add_paragraph()
    _run(subtitle, report.title, size=13, color=MUTED)
    if report.draft:
        p = document.add_paragraph()
        _run(p, t(N_("DRAFT")), bold=True, color=DRAFT_RED, size=12)
        _run(p, " — " + t(N_("This inspection has not been finalized.")), color=DRAFT_RED)
    rows = [[label, value if isinstance(value, str) else report.date(value)] for label, value in header_fields(report)]
    table = document.add_table(rows=len(rows), cols=2, style="Table Grid")
    table.autofit = False
    for r, (label, value) in enumerate(rows):
        _set_cell(table.cell(r, 0), label, bold=True)
        _shade(table.cell(r, 0), HEAD_FILL)
        _set_cell(table.cell(r, 1), value)
    _widths(table, [45, 125])
    if report.sources:
        p = document.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        _run(p, t(N_("Rules cited")), bold=True, size=9)
        for src in report.sources:
            item = document.add_paragraph()
            item.paragraph_format.space_after = Pt(0)
            item.paragraph_format.left_indent = Mm(4)
            _run(item, f"{src.short}: {src.title}", size=8, color=MUTED)


def _summary(document, report: Report) -> None:
    t = report.t
    document.add_heading(xml_text(t(N_("Summary by section and status"))), level=1)
    header = [t(N_("Section"))] + [report.status_short(s) for s in report.statuses] + [t(N_("Total"))]
    rows = [[s.section] + [str(s.counts.get(x, 0)) for x in report.statuses] + [str(s.total)] for s in report.summary]
    totals = report.totals
    rows.append([t(N_("Total"))] + [str(totals[x]) for x in report.statuses] + [str(report.total)])
    n = len(report.statuses)
    counts = [max(12.0, _header_mm(label, 8)) for label in header[1:]]  # "unanswered" never breaks mid-word
    table = _table(document, header, rows, [170 - sum(counts), *counts], size=8, right=set(range(1, n + 2)))
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(4)
    _run(p, t(N_("Problems and vulnerabilities found: {n}")).format(n=len(report.problems)), bold=True)
    _chart(document, report)


def _chart(document, report: Report) -> None:
    """The summary as bars: one row per section, one coloured run of blocks per status, and a legend."""
    if not report.summary:
        return
    legend = document.add_paragraph()
    legend.paragraph_format.space_before = Pt(8)
    gap = "　" if report.lang == "ja" else "   "
    for s in report.statuses:
        _run(legend, "■ ", color=RGBColor.from_string(STATUS_COLORS[s]), size=9)
        _run(legend, report.status_label(s) + gap, size=8)
    biggest = max(row.total for row in report.summary) or 1
    table = document.add_table(rows=len(report.summary), cols=3)
    table.autofit = False
    for r, row in enumerate(report.summary):
        # whole names (up to three lines of Japanese, four of English in its 60 mm at 8 pt); only a freak is cut
        _set_cell(table.cell(r, 0), fit_cells(row.section, 108 if report.lang == "ja" else 128), size=8)
        bar = table.cell(r, 1).paragraphs[0]
        for s in report.statuses:
            count = row.counts.get(s, 0)
            if count:
                blocks = max(1, round(count * BAR_BLOCKS / biggest))
                _run(bar, "█" * blocks, size=7, color=RGBColor.from_string(STATUS_COLORS[s]))
        _set_cell(table.cell(r, 2), str(row.total), size=8, right=True)
    _widths(table, [60, 98, 12])


def _cites(row: ReportRow) -> str:
    return "\n".join(c.label for c in row.citations) or "—"


def _problems(document, report: Report) -> None:
    t = report.t
    document.add_heading(xml_text(t(N_("Problems and vulnerabilities found"))), level=1)
    if not report.problems:
        document.add_paragraph(xml_text(t(N_("No problems or vulnerabilities were found."))))
        return
    cols = list(PROBLEM_COLUMNS)
    rows = []
    for row in report.problems:
        a = row.answer
        rows.append(
            [
                row.number,
                row.question,
                _cites(row),
                row.status_label,
                report.brief(a.finding, row) or "—",
                row.risk_label or "—",
                report.brief(a.remediation, row) or "—",
                a.owner or "—",
                report.date(a.target_date),
            ]
        )
    # landscape A4 less margins: 257 mm; 「リスク評価」 and 「2027年12月31日」 each on one line
    _table(document, [t(c) for c in cols], rows, [13, 40, 35, 20, 42, 19, 41, 19, 28], size=8)


def _customer_damage(document, report: Report) -> None:
    t = report.t
    d = report.damage
    document.add_heading(xml_text(t(N_("Status of customer damage"))), level=1)
    if not d.present:
        document.add_paragraph(xml_text(t(N_("This inspection has no customer-damage section."))))
        return
    p = document.add_paragraph()
    _run(p, d.statement, bold=True, size=12, color=DRAFT_RED if d.state == "found" else None)
    if d.cases:
        document.add_paragraph(xml_text(t(N_("What happened"))), style=document.styles["Heading 3"])
        for case in d.cases:
            item = document.add_paragraph(style="List Number")
            _run(item, case)
    table = document.add_table(rows=len(d.steps), cols=2, style="Table Grid")
    table.autofit = False
    for r, step in enumerate(d.steps):
        _set_cell(table.cell(r, 0), step.label, bold=True, size=9)
        _shade(table.cell(r, 0), HEAD_FILL)
        cell = table.cell(r, 1)
        _set_cell(cell, step.status_label, bold=True, size=9)
        for line in step.lines:
            _run(cell.add_paragraph(), line, size=9)
    _widths(table, [55, 115])


def _annex(document, report: Report) -> None:
    t = report.t
    sep = "：" if report.lang == "ja" else ": "
    document.add_heading(xml_text(t(N_("Annex: all answers"))), level=1)
    heading = document.styles["Heading 2"]  # looked up once: a lookup by name scans every style
    for row in report.annex:
        a = row.answer
        document.add_paragraph(xml_text(f"{row.number} {row.question}"), style=heading)
        lines = [
            _label_value(
                document,
                t(N_("Cited provisions")),
                "、".join(c.label for c in row.citations)
                if report.lang == "ja"
                else "; ".join(c.label for c in row.citations) or "—",
                sep,
            ),
            _label_value(document, t(N_("Scope")), row.level, sep),
            _label_value(document, report.field_label("status"), row.status_label, sep),
        ]
        for name in ("note", "finding", "remediation", "owner", "justification"):
            value = getattr(a, name)
            if value:
                lines.append(_label_value(document, report.field_label(name), value, sep))
        if a.risk:
            lines.append(_label_value(document, report.field_label("risk"), row.risk_label, sep))
        if a.target_date:
            lines.append(_label_value(document, report.field_label("target_date"), report.date(a.target_date), sep))
        for ev in row.evidence:
            lines.append(_label_value(document, report.field_label("evidence"), ev.text, sep))
        for label, names in report.people_lines(row):
            lines.append(_label_value(document, label, names, sep))
        if sum(len(p.text) for p in lines) <= ANNEX_KEEP_CHARS:  # an item is not split over two pages
            for paragraph in lines[:-1]:
                paragraph.paragraph_format.keep_with_next = True


def build_docx(report: Report):
    document = Document()
    _set_fonts(document, report.lang)
    _page_setup(document, report)
    props = document.core_properties
    props.title = short_title(report)  # Word keeps at most 255 characters
    props.subject = xml_text(report.title)[:255]
    props.author = props.last_modified_by = "tenken"
    props.language = "ja-JP" if report.lang == "ja" else "en-US"
    props.comments = ""
    props.revision = report.revision
    stamp = report.finalized_at or dt.datetime.combine(report.document_date, dt.time())
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.identifier = f"sha256:{report.content_sha256}" if report.content_sha256 else ""
    props.content_status = report.t(N_("DRAFT")) if report.draft else report.t(N_("Final"))
    _title_and_header(document, report)
    _summary(document, report)
    _new_section(document, landscape=True)
    _problems(document, report)
    _new_section(document, landscape=False)
    _customer_damage(document, report)
    _annex(document, report)
    if report.lang == "en":
        p = document.add_paragraph()
        p.paragraph_format.space_before = Pt(18)
        _run(p, report.t(UNOFFICIAL_NOTE), italic=True, size=9, color=MUTED)
    if report.content_sha256:  # `tenken verify` tells text edited afterwards (tui.export.verify)
        from tui.export.verify import TEXT_MARK, docx_text_sha256

        props.comments = TEXT_MARK + docx_text_sha256(document.element.body)
    return document


def write_docx(report: Report, path: Path) -> None:
    save_zipped(build_docx(report).save, path)
