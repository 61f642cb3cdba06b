"""The response report as an Excel workbook (openpyxl).

Sheets: Summary (header block, the summary table with totals, the problem count and a bar chart), Findings (the
problems table), Answers (every item with its citations and every answer field as labelled lines in one wide column)
and Customer damage (the plain statement, the cases and what was done). Every sheet prints on landscape A4, fitted
to the page width with columns a person can read, text wrapped and rows as tall as their wrapped text. Sheet and
column names are in the report's language. Every text cell goes through `safe_cell_value`, so text such as
"=cmd|…" or "+SUM(…)" is stored as text and never as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import (
    PROBLEM_COLUMNS,
    STATUS_COLORS,
    header_fields,
    safe_cell_value,
    save_zipped,
    short_title,
    xml_text,
)
from tui.i18n import N_

MAX_CELL = 32767  # Excel's limit on the characters in one cell

DATE_FORMATS = {"ja": 'yyyy"年"m"月"d"日"', "en": "mmmm d, yyyy"}
FONTS = {"ja": "Yu Gothic", "en": "Calibri"}

_THIN = Side(style="thin", color="C9CCD3")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", start_color="EEF0F4", end_color="EEF0F4")
_WRAP = Alignment(wrap_text=True, vertical="top")


class _Sheet:
    """One worksheet with the report's font and date format, writing every value safely."""

    def __init__(self, ws: Worksheet, report: Report):
        self.ws = ws
        self.font = FONTS.get(report.lang, "Calibri")
        self.date_format = DATE_FORMATS.get(report.lang, "yyyy-mm-dd")

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        *,
        bold: bool = False,
        size: float = 10,
        color: str | None = None,
        table: bool = False,
        head: bool = False,
    ) -> None:
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            safe_cell_value(xml_text(value)[:MAX_CELL], cell)
        elif isinstance(value, dt.date):
            cell.value = value
            cell.number_format = self.date_format
        elif value is not None:
            cell.value = value
        cell.font = Font(name=self.font, size=size, bold=bold or head, color=color)
        cell.alignment = _WRAP
        if table or head:
            cell.border = _BORDER
        if head:
            cell.fill = _HEAD_FILL

    def table(self, top: int, header: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "") -> int:
        """A table with a header row at `top`; returns the last row used."""
        for c, label in enumerate(header, 1):
            self.put(top, c, label, head=True)
        r = top
        for values in rows:
            r += 1
            for c, value in enumerate(values, 1):
                self.put(r, c, value, table=True)
        if not rows and empty:
            r += 1
            self.put(r, 1, empty)
        return r

    def data_sheet(
        self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], empty: str = ""
    ) -> None:
        """A sheet that is one table: frozen header row, autofilter, header repeated on every printed page."""
        last = self.table(1, header, rows, empty)
        self.ws.freeze_panes = "A2"
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(last, 1) if rows else 1}"
        self.ws.print_title_rows = "1:1"
        self.set_widths(widths)
        self.fit_rows(1, last)

    def set_widths(self, widths: Sequence[float]) -> None:
        for col, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(col)].width = width

    def fit_rows(self, first: int, last: int, skip: set[int] | None = None) -> None:
        """Row heights that show every wrapped line (Excel does not grow rows written by a program)."""
        ws = self.ws
        for r in range(first, last + 1):
            if skip and r in skip:
                continue
            lines = 1
            size = 10.0
            for cell in ws[r]:
                if cell.value is None:
                    continue
                size = max(size, float(cell.font.size or 10))
                if cell.coordinate in ws.merged_cells:
                    rng = next(m for m in ws.merged_cells.ranges if cell.coordinate in m)
                    width = sum(
                        ws.column_dimensions[get_column_letter(c)].width or 8.43
                        for c in range(rng.min_col, rng.max_col + 1)
                    )
                else:
                    width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
                lines = max(lines, wrapped_lines(_shown(cell.value), width))
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, round(lines * size * 1.32 + 4, 1))

    def page_setup(self, landscape: bool = True) -> None:
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "&P / &N"


MAX_ROW_HEIGHT = 409  # Excel's limit, in points


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return "2026年12月31日"
    return str(value)


def _line_width(line: str) -> float:
    """Width of a line in column units at 10 pt: a Latin letter about 0.8, a Japanese character about 1.8."""
    wide = cell_len(line) - len(line)  # characters that take two terminal cells
    return (len(line) - wide) * 0.8 + wide * 1.8


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide once wrapped."""
    import math

    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(_line_width(line) / usable)) for line in text.split("\n"))


def _sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\ and at most 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", "_", text).strip("' ")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cites(row: ReportRow) -> str:
    return "\n".join(c.label for c in row.citations)


def _or_none(text: str) -> str | None:
    return text or None


def _summary(sheet: _Sheet, report: Report) -> None:
    t = report.t
    ws = sheet.ws
    n = len(report.statuses)
    last_col = n + 2
    sheet.set_widths([44] + [13] * n + [10])
    sheet.put(1, 1, t(N_("Response report on the self-inspection")), bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(vertical="center", wrap_text=False)  # one line, over the empty cells
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.row_dimensions[1].height = 30
    sheet.put(2, 1, report.title, size=12)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    r = 3
    if report.draft:
        draft, why = t(N_("DRAFT")), t(N_("This inspection has not been finalized."))
        sheet.put(r, 1, f"{draft} — {why}", bold=True, color="B3261E")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        r += 1
    sheet.fit_rows(2, r - 1)
    r += 1
    first_header = r
    for label, value in header_fields(report):
        sheet.put(r, 1, label, head=True)
        sheet.put(r, 2, value if value is not None else "—", table=True)
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_col)
        r += 1
    if report.sources:
        sheet.put(r, 1, t(N_("Rules cited")), head=True)
        sheet.put(r, 2, "\n".join(f"{src.short}: {src.title}" for src in report.sources), table=True, size=9)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_col)
        r += 1
    sheet.fit_rows(first_header, r - 1)
    r += 1
    sheet.put(r, 1, t(N_("Summary by section and status")), bold=True, size=12)
    ws.row_dimensions[r].height = 20
    top = r + 1
    header = [t(N_("Section"))] + [report.status_short(s) for s in report.statuses] + [t(N_("Total"))]
    rows = [[s.section] + [s.counts.get(x, 0) for x in report.statuses] + [s.total] for s in report.summary]
    last = sheet.table(top, header, rows)
    totals = report.totals
    total_row = last + 1
    for c, total_value in enumerate([t(N_("Total"))] + [totals[x] for x in report.statuses] + [report.total], 1):
        sheet.put(total_row, c, total_value, bold=True, table=True)
    sheet.fit_rows(top, total_row)
    r = total_row + 1
    sheet.put(r, 1, t(N_("Problems and vulnerabilities found: {n}")).format(n=len(report.problems)), bold=True)
    r += 2
    if report.lang == "en":
        sheet.put(r, 1, t(UNOFFICIAL_NOTE), size=9, color="5B5F6B")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        sheet.fit_rows(r, r)
        r += 2
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.gapWidth = 60
        chart.title = t(N_("Summary by section and status"))
        data = Reference(ws, min_col=2, max_col=1 + len(report.statuses), min_row=top, max_row=last)
        cats = Reference(ws, min_col=1, min_row=top + 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        for series, status in zip(chart.series, report.statuses, strict=True):
            series.graphicalProperties.solidFill = STATUS_COLORS[status]
            series.graphicalProperties.line.solidFill = STATUS_COLORS[status]
        chart.x_axis.scaling.orientation = "maxMin"  # sections top to bottom, as in the table
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        chart.legend.position = "b"
        chart.width = 26
        chart.height = min(16.0, 4 + 1.1 * len(rows))  # fits one landscape page
        ws.row_breaks.append(Break(id=r - 1))  # the chart starts on a page of its own, never split
        ws.add_chart(chart, f"A{r}")
    sheet.page_setup()


def _answer_text(report: Report, row: ReportRow) -> str:
    """Every answer field of one item as labelled lines, in one wide column (the annex stays readable on paper)."""
    return "\n".join(report.answer_lines(row))


CHUNK = 1000  # characters of one answer per row: a row shows at most 409 pt of wrapped text when printed


def _chunks(text: str, size: int) -> list[str]:
    """Long text in pieces of at most `size` characters, cut at line ends where possible (continuation rows)."""
    if len(text) <= size:
        return [text]
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut + 1 if cut > size // 2 else size
        out.append(text[:cut].rstrip("\n"))
        text = text[cut:]
    if text:
        out.append(text)
    return out


def write_xlsx(report: Report, path: Path) -> None:
    t = report.t
    wb = Workbook()
    taken: set[str] = set()

    summary = wb.active
    summary.title = _sheet_title(t(N_("Summary")), taken)
    _summary(_Sheet(summary, report), report)

    findings = _Sheet(wb.create_sheet(_sheet_title(t(N_("Findings")), taken)), report)
    cols = list(PROBLEM_COLUMNS)
    findings.data_sheet(
        [t(c) for c in cols],
        [
            [
                row.number,
                row.question,
                _or_none(_cites(row)),
                row.status_label,
                _or_none(report.brief(row.answer.finding, row)),
                _or_none(row.risk_label),
                _or_none(report.brief(row.answer.remediation, row)),
                _or_none(row.answer.owner),
                row.answer.target_date,
            ]
            for row in report.problems
        ],
        [6, 30, 18, 12, 40, 8, 40, 14, 15],
        empty=t(N_("No problems or vulnerabilities were found.")),
    )
    findings.page_setup()

    answers = _Sheet(wb.create_sheet(_sheet_title(t(N_("Answers")), taken)), report)
    head = [t(N_("No.")), t(N_("Item")), t(N_("Cited provisions")), report.field_label("status"), t(N_("Answer"))]
    answer_rows: list[list[Any]] = []
    for row in report.annex:
        first, *rest = _chunks(_answer_text(report, row), CHUNK)
        answer_rows.append([row.number, row.question, _or_none(_cites(row)), row.status_label, _or_none(first)])
        answer_rows += [[row.number, t(N_("(continued)")), None, None, part] for part in rest]
    answers.data_sheet(head, answer_rows, [6, 46, 20, 14, 70])
    answers.page_setup()

    damage = _Sheet(wb.create_sheet(_sheet_title(t(N_("Customer damage")), taken)), report)
    d = report.damage
    head = [t(N_("Question")), report.field_label("status"), t(N_("Answer"))]
    rows: list[list[Any]] = []
    if d.present:
        rows.append([t(N_("Customer damage")), d.statement, None])
        rows += [[t(N_("What happened")), f"{n}. {case}", None] for n, case in enumerate(d.cases, 1)]
        rows += [[step.label, step.status_label, _or_none("\n".join(step.lines))] for step in d.steps]
    damage.data_sheet(head, rows, [40, 40, 70], empty=t(N_("This inspection has no customer-damage section.")))
    damage.page_setup()

    wb.properties.title = short_title(report)
    wb.properties.subject = xml_text(report.title)[:255]
    wb.properties.creator = "tenken"
    wb.properties.language = report.lang
    stamp = report.finalized_at or dt.datetime.combine(report.document_date, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    if report.content_sha256:
        wb.properties.identifier = f"sha256:{report.content_sha256}"
    save_zipped(wb.save, path)
