"""The response report as an Excel workbook (openpyxl).

Sheets: Summary (header block, the summary table and a bar chart of it), Findings (the problems table),
Answers (every item of the annex with every answer field and its citations) and Customer damage. Sheet and
column names are in the report's language. Every text cell goes through `safe_cell_value`, so text such as
"=cmd|…" or "+SUM(…)" is stored as text and never as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import STATUS_COLORS, header_fields, safe_cell_value, xml_text
from tui.i18n import N_

MAX_WIDTH = 60  # columns never get wider than this many characters; longer text wraps
MIN_WIDTH = 6
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

    def data_sheet(self, header: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "") -> None:
        """A sheet that is one table: frozen header row, autofilter, header repeated on every printed page."""
        last = self.table(1, header, rows, empty)
        self.ws.freeze_panes = "A2"
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(last, 1) if rows else 1}"
        self.ws.print_title_rows = "1:1"
        self.fit_columns()

    def fit_columns(self, skip_rows: set[int] | None = None) -> None:
        """Column widths from the widest line of text in terminal cells (so Japanese counts double), capped."""
        widths: dict[int, int] = {}
        for row in self.ws.iter_rows():
            for cell in row:
                if cell.value is None or (skip_rows and cell.row in skip_rows):
                    continue
                if isinstance(cell.value, dt.date):
                    n = 18 if self.font != "Calibri" else 20
                else:
                    n = max((cell_len(line) for line in str(cell.value).splitlines()), default=0)
                widths[cell.column] = max(widths.get(cell.column, 0), n)
        for col, n in widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(MIN_WIDTH, n + 2))

    def page_setup(self, landscape: bool) -> None:
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "&P / &N"


def _sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\ and at most 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", "_", text).strip("' ")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cites(row: ReportRow, with_refs: bool) -> str:
    if with_refs:
        return "\n".join(f"{c.label} ({c.ref})" for c in row.citations)
    return "\n".join(c.label for c in row.citations)


def _evidence(row: ReportRow) -> str:
    lines = []
    for ev in row.evidence:
        lines.append(ev.text)
    return "\n".join(lines)


def _or_none(text: str) -> str | None:
    return text or None


def _summary(sheet: _Sheet, report: Report) -> None:
    t = report.t
    ws = sheet.ws
    sheet.put(1, 1, t(N_("Response report on the self-inspection")), bold=True, size=16)
    sheet.put(2, 1, report.title, size=12)
    ws.cell(1, 1).alignment = ws.cell(2, 1).alignment = Alignment(vertical="top")
    r = 3
    if report.draft:
        draft, why = t(N_("DRAFT")), t(N_("This inspection has not been finalized."))
        sheet.put(r, 1, f"{draft} — {why}", bold=True, color="B3261E")
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        r += 1
    titles = set(range(1, r))
    r += 1
    for label, value in header_fields(report):
        sheet.put(r, 1, label, head=True)
        sheet.put(r, 2, value if value is not None else "—", table=True)
        r += 1
    r += 1
    sheet.put(r, 1, t(N_("Summary by section and status")), bold=True, size=12)
    ws.cell(r, 1).alignment = Alignment(vertical="top")
    titles.add(r)
    top = r + 1
    header = [t(N_("Section"))] + [report.status_label(s) for s in report.statuses] + [t(N_("Total"))]
    rows = [[s.section] + [s.counts.get(x, 0) for x in report.statuses] + [s.total] for s in report.summary]
    last = sheet.table(top, header, rows)
    r = last + 2
    if report.lang == "en":
        sheet.put(r, 1, t(UNOFFICIAL_NOTE), size=9, color="5B5F6B")
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        titles.add(r)
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
        chart.width = 24
        chart.height = 4 + 1.3 * len(rows)
        ws.add_chart(chart, f"A{r}")
    sheet.fit_columns(skip_rows=titles)
    sheet.page_setup(landscape=False)


_ANSWER_COLUMNS: list[tuple[str, Callable[[Report, ReportRow], Any]]] = [
    (N_("Note"), lambda r, row: _or_none(row.answer.note)),
    (N_("Problems and vulnerabilities"), lambda r, row: _or_none(row.answer.finding)),
    (N_("Risk rating"), lambda r, row: _or_none(row.risk_label)),
    (N_("Remediation plan"), lambda r, row: _or_none(row.answer.remediation)),
    (N_("Owner"), lambda r, row: _or_none(row.answer.owner)),
    (N_("Target date"), lambda r, row: row.answer.target_date),
    (N_("Justification (not applicable)"), lambda r, row: _or_none(row.answer.justification)),
    (N_("Evidence"), lambda r, row: _or_none(_evidence(row))),
]


def write_xlsx(report: Report, path: Path) -> None:
    t = report.t
    wb = Workbook()
    taken: set[str] = set()

    summary = wb.active
    summary.title = _sheet_title(t(N_("Summary")), taken)
    _summary(_Sheet(summary, report), report)

    findings = _Sheet(wb.create_sheet(_sheet_title(t(N_("Findings")), taken)), report)
    cols = [
        N_("No."),
        N_("Item"),
        N_("Cited provisions"),
        N_("Status"),
        N_("Problems and vulnerabilities"),
        N_("Risk rating"),
        N_("Remediation plan"),
        N_("Owner"),
        N_("Target date"),
    ]
    findings.data_sheet(
        [t(c) for c in cols],
        [
            [
                row.number,
                row.question,
                _or_none(_cites(row, with_refs=False)),
                row.status_label,
                _or_none(row.answer.finding),
                _or_none(row.risk_label),
                _or_none(row.answer.remediation),
                _or_none(row.answer.owner),
                row.answer.target_date,
            ]
            for row in report.problems
        ],
        empty=t(N_("No problems or vulnerabilities were found.")),
    )
    findings.page_setup(landscape=True)

    answers = _Sheet(wb.create_sheet(_sheet_title(t(N_("Answers")), taken)), report)
    head = [
        t(N_("No.")),
        t(N_("ID")),
        t(N_("Section")),
        t(N_("Item")),
        t(N_("Scope")),
        t(N_("Cited provisions")),
        report.field_label("status"),
    ] + [t(label) for label, _get in _ANSWER_COLUMNS]
    answers.data_sheet(
        head,
        [
            [
                row.number,
                row.item_id,
                row.section,
                row.question,
                row.level,
                _or_none(_cites(row, with_refs=True)),
                row.status_label,
            ]
            + [get(report, row) for _label, get in _ANSWER_COLUMNS]
            for row in report.annex
        ],
    )
    answers.page_setup(landscape=True)

    damage = _Sheet(wb.create_sheet(_sheet_title(t(N_("Customer damage")), taken)), report)
    head = [t(N_("No.")), t(N_("Item")), t(N_("Cited provisions")), report.field_label("status")] + [
        t(label) for label, _get in _ANSWER_COLUMNS
    ]
    damage.data_sheet(
        head,
        [
            [row.number, row.question, _or_none(_cites(row, with_refs=True)), row.status_label]
            + [get(report, row) for _label, get in _ANSWER_COLUMNS]
            for row in report.customer_damage
        ],
        empty=t(N_("This inspection has no customer-damage section.")),
    )
    damage.page_setup(landscape=True)

    wb.properties.title = report.title
    wb.properties.creator = "tenken"
    wb.properties.language = report.lang
    wb.save(path)
