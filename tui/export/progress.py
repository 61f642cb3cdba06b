"""After submission: the remediation progress report (xlsx, docx) for when the association asks how the fixes went,
and the consultant's portfolio workbook (xlsx with a chart).

Sheets and tables are laid out for A4 landscape with wrapped text and readable column widths; every text cell goes
through `safe_cell_value` (text, never a formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tui.domain.plan import REMEDIATION_LABELS, Remediation
from tui.domain.portfolio import Portfolio
from tui.export import save_zipped
from tui.i18n import N_, format_date, format_percent, gettext_in

PROGRESS_FORMATS = ("xlsx", "docx")

COLUMNS = [  # (label msgid, width in characters)
    (N_("Firm"), 16),
    (N_("No."), 6),
    (N_("Item"), 36),
    (N_("Problems and vulnerabilities"), 36),
    (N_("Remediation plan"), 36),
    (N_("Owner"), 14),
    (N_("Target date"), 13),
    (N_("Progress"), 11),
    (N_("Completed on"), 13),
    (N_("Progress note"), 28),
]


def _row(r: Remediation, lang: str, on: dt.date) -> list[str]:
    t = partial(gettext_in, lang)
    state = t(REMEDIATION_LABELS[r.state])
    if r.overdue(on):
        state = t(N_("overdue")) + " / " + state
    return [
        r.firm_name,
        r.number,
        r.question,
        r.finding,
        r.remediation,
        r.owner,
        format_date(r.target_date, lang) if r.target_date else "—",
        state,
        format_date(r.done_on, lang) if r.done_on else "—",
        r.progress_note,
    ]


def _title(lang: str, on: dt.date) -> tuple[str, str]:
    t = partial(gettext_in, lang)
    return t(N_("Remediation progress report")), t(N_("As of {date}")).format(date=format_date(on, lang))


def _counts(lines: Sequence[Remediation], on: dt.date) -> dict[str, int]:
    return {
        "done": sum(1 for r in lines if r.state == "done"),
        "in_progress": sum(1 for r in lines if r.state == "in_progress"),
        "planned": sum(1 for r in lines if r.state == "planned"),
        "overdue": sum(1 for r in lines if r.overdue(on)),
    }


def write_progress_xlsx(path: Path, lines: Sequence[Remediation], lang: str, on: dt.date) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from tui.export import safe_cell_value

    t = partial(gettext_in, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t(N_("Remediation"))
    title, subtitle = _title(lang, on)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.cell(2, 1, subtitle)
    counts = _counts(lines, on)
    ws.cell(3, 1, t(N_("{done} done, {progress} in progress, {planned} planned; {overdue} overdue")).format(
        done=counts["done"], progress=counts["in_progress"], planned=counts["planned"], overdue=counts["overdue"]
    ))  # fmt: skip
    head = 5
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, (label, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(head, col, t(label))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="EEF0F4", end_color="EEF0F4")
        cell.alignment = wrap
        ws.column_dimensions[cell.column_letter].width = width
    for n, r in enumerate(lines, start=head + 1):
        values = _row(r, lang, on)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(n, col)
            cell.value = safe_cell_value(value, cell)
            cell.alignment = wrap
        # enough height for the longest wrapped cell (15 points a line)
        lines_needed = max(
            1, *(len(str(v)) * (2 if lang == "ja" else 1) // max(1, COLUMNS[i][1]) + 1 for i, v in enumerate(values))
        )
        ws.row_dimensions[n].height = min(409, 15 * lines_needed)
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    save_zipped(wb.save, path)


def write_progress_docx(path: Path, lines: Sequence[Remediation], lang: str, on: dt.date) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    from tui.export.docx import a4_landscape

    t = partial(gettext_in, lang)
    doc = Document()
    a4_landscape(doc, margin_mm=15)
    title, subtitle = _title(lang, on)
    doc.core_properties.title = title[:255]
    doc.core_properties.created = dt.datetime.now()
    doc.add_heading(title, level=1)
    doc.add_paragraph(subtitle)
    counts = _counts(lines, on)
    doc.add_paragraph(t(N_("{done} done, {progress} in progress, {planned} planned; {overdue} overdue")).format(
        done=counts["done"], progress=counts["in_progress"], planned=counts["planned"], overdue=counts["overdue"]
    ))  # fmt: skip
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    usable = 29.7 - 3.0
    total = sum(w for _l, w in COLUMNS)
    widths = [Cm(usable * w / total) for _l, w in COLUMNS]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table's grid: LibreOffice lays the columns out from it, not from the cells
    for cell, (label, _w), width in zip(table.rows[0].cells, COLUMNS, widths, strict=True):
        cell.text = t(label)
        cell.width = width
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    for r in lines:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, _row(r, lang, on), widths, strict=True):
            cell.text = _clean(value)
            cell.width = width
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    save_zipped(doc.save, path)


def _clean(text: str) -> str:
    """Word refuses control characters other than tab and newline."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def _heads(sheet: Any, row: int, heads: Sequence[tuple[str, int]]) -> None:
    """Bold column headings on `row`, each column as wide as given (characters)."""
    from openpyxl.styles import Font

    for col, (text, width) in enumerate(heads, start=1):
        cell = sheet.cell(row, col, text)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width


def write_portfolio_xlsx(path: Path, portfolio: Portfolio, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    from tui.export import safe_cell_value

    t = partial(gettext_in, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t(N_("Provisions"))
    ws.cell(1, 1, t(N_("Provisions most often not met across the portfolio"))).font = Font(bold=True, size=14)
    heads = [
        t(N_("Provision")),
        t(N_("Firms asked")),
        t(N_("Non-compliant")),
        t(N_("Partial")),
        t(N_("Share with a problem")),
    ]
    for col, (h, w) in enumerate(zip(heads, (48, 12, 14, 10, 16), strict=True), start=1):
        c = ws.cell(3, col, h)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
        ws.column_dimensions[c.column_letter].width = w
    for n, p in enumerate(portfolio.provisions, start=4):
        cell = ws.cell(n, 1)
        cell.value = safe_cell_value(p.label, cell)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(n, 2, p.firms)
        ws.cell(n, 3, p.noncompliant)
        ws.cell(n, 4, p.partial)
        ws.cell(n, 5, p.rate).number_format = "0%"
    shown = min(10, len(portfolio.provisions))
    if shown:
        chart = BarChart()
        chart.type = "bar"
        chart.title = t(N_("Provisions most often not met across the portfolio"))
        chart.y_axis.title = t(N_("Firms"))
        data = Reference(ws, min_col=3, max_col=4, min_row=3, max_row=3 + shown)
        cats = Reference(ws, min_col=1, min_row=4, max_row=3 + shown)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.height, chart.width = 10, 22
        ws.add_chart(chart, "G3")

    firms = wb.create_sheet(t(N_("Firms")))
    firms.cell(1, 1, t(N_("Each firm against the portfolio"))).font = Font(bold=True, size=14)
    firms.cell(2, 1, t(N_("Portfolio average: {rate} of answered items with a problem")).format(
        rate=format_percent(portfolio.average_rate, lang)
    ))  # fmt: skip
    _heads(
        firms,
        4,
        ((t(N_("Firm")), 32), (t(N_("Answered")), 12), (t(N_("Problems")), 12), (t(N_("Share with a problem")), 16)),
    )
    for n, f in enumerate(portfolio.firms, start=5):
        cell = firms.cell(n, 1)
        cell.value = safe_cell_value(f.firm_name, cell)
        firms.cell(n, 2, f.answered)
        firms.cell(n, 3, f.problems)
        firms.cell(n, 4, f.rate).number_format = "0%"

    cycles = wb.create_sheet(t(N_("Cycles")))
    cycles.cell(1, 1, t(N_("Problems cycle by cycle"))).font = Font(bold=True, size=14)
    _heads(cycles, 3, ((t(N_("Firm")), 32), (t(N_("Cycle")), 10), (t(N_("Answered")), 12), (t(N_("Problems")), 12)))
    for n, cy in enumerate(portfolio.cycles, start=4):
        cell = cycles.cell(n, 1)
        cell.value = safe_cell_value(cy.firm_name, cell)
        cycles.cell(n, 2, cy.cycle)
        cycles.cell(n, 3, cy.answered)
        cycles.cell(n, 4, cy.problems)
    for sheet in (ws, firms, cycles):
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    save_zipped(wb.save, path)
