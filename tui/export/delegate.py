"""The delegation workbook: one person's assigned items as an .xlsx to fill in a spreadsheet, and reading it back.

Sheet 1 lists the items: an id column, the item's number, question and rule text (verbatim), the assignment's due
date, then the answer cells (status and risk as lists, the target date validated as a date). Every cell but the
answer cells is locked and the sheet is protected. A very hidden sheet `tenken` holds what the workbook was
written from — the inspection, the person, each item's fields as they were (digests and change-row ids) — signed
with this database's key, so a workbook changed outside its answer cells is recognised (tui.domain.assignment).

Reading never evaluates anything: a formula is read as the text it is, no cached value is used, and the file is
checked for its size (packed and unpacked) before openpyxl opens it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tui.domain.assignment import (
    DELEGATED_FIELDS,
    FORMAT,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    VERSION,
    DelegationRefused,
    risk_choices,
    status_choices,
)
from tui.i18n import N_, gettext_in

META_SHEET = "tenken"
#: Columns before the answer cells: id, number, question, rule text, due.
FIXED_COLUMNS = 5
HEADINGS = (
    N_("ID (do not change)"),
    N_("No."),
    N_("Item"),
    N_("Rule text"),
    N_("Assignment due"),
    N_("Status"),
    N_("Note"),
    N_("Problems and vulnerabilities"),
    N_("Risk rating"),
    N_("Remediation plan"),
    N_("Owner"),
    N_("Target date"),
    N_("Justification (not applicable)"),
)
WIDTHS = (16, 7, 40, 60, 12, 22, 40, 40, 12, 40, 20, 14, 30)


@dataclass(frozen=True, slots=True)
class Row:
    """One item as the workbook shows it: what it asks, and the answer as it stands (history texts)."""

    item_id: str
    number: str
    question: str
    rule_text: str
    due: dt.date | None
    values: dict[str, str]  # field → history text (status/risk codes, ISO dates)


@dataclass
class Meta:
    workbook: str
    inspection: str
    person: str
    lang: str
    items: dict[str, dict[str, list[Any]]]  # item → field → [digest, [head uids]]
    signature: str = ""

    def lines(self) -> list[str]:
        """The signed part, one line each."""
        out = [FORMAT, str(VERSION), self.workbook, self.inspection, self.person, self.lang]
        out += [f"{item}\x1f{json.dumps(self.items[item], sort_keys=True)}" for item in sorted(self.items)]
        return out


@dataclass
class Filled:
    """What a workbook read back says: its hidden part, and per item the answer cells as text, with the row."""

    meta: Meta
    rows: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)


def _put(ws, row: int, col: int, value: object, *, locked: bool = True, wrap: bool = True, bold: bool = False):
    from openpyxl.styles import Alignment, Font, Protection

    from tui.export import safe_cell_value, xml_text

    cell = ws.cell(row=row, column=col)
    safe_cell_value(xml_text(value) if isinstance(value, str) else value, cell)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    if not locked:
        cell.protection = Protection(locked=False)
    return cell


def write_workbook(path: Path, meta: Meta, rows: Sequence[Row], force: bool = False) -> Path:
    """Write the workbook atomically (an existing file only with `force`)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tui.export import save_zipped
    from tui.fsutil import write_atomically

    lang = meta.lang
    wb = Workbook()
    ws = wb.active
    ws.title = gettext_in(lang, N_("Items"))[:31]
    for col, heading in enumerate(HEADINGS, start=1):
        _put(ws, 1, col, gettext_in(lang, heading), bold=True)
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    statuses = status_choices(lang)
    risks = ["", *risk_choices(lang)]
    status_of = dict(zip(("unanswered", "compliant", "partial", "noncompliant", "na"), statuses, strict=True))
    risk_of = dict(zip(("", "low", "medium", "high", "critical"), risks, strict=True))
    for n, r in enumerate(rows, start=2):
        _put(ws, n, 1, r.item_id, wrap=False).number_format = "@"
        _put(ws, n, 2, r.number, wrap=False).number_format = "@"
        _put(ws, n, 3, r.question)
        _put(ws, n, 4, r.rule_text)
        due = _put(ws, n, 5, r.due, wrap=False)
        due.number_format = "yyyy-mm-dd"
        for k, name in enumerate(DELEGATED_FIELDS, start=FIXED_COLUMNS + 1):
            text = r.values.get(name, "")
            value: object = text
            if name == "status":
                value = status_of.get(text, text)
            elif name == "risk":
                value = risk_of.get(text, text)
            elif name == "target_date":
                value = dt.date.fromisoformat(text) if text else None
            cell = _put(ws, n, k, value, locked=False)
            if name == "target_date":
                cell.number_format = "yyyy-mm-dd"
            elif name in ("status", "risk"):
                cell.number_format = "@"
    last = max(2, len(rows) + 1)

    def column(name: str) -> str:
        return get_column_letter(FIXED_COLUMNS + 1 + DELEGATED_FIELDS.index(name))

    def choice(values: list[str], title: str, col: str) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(v for v in values if v) + '"', allow_blank=True)
        dv.error = gettext_in(lang, N_("Choose a value from the list."))
        dv.errorTitle = gettext_in(lang, title)
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")

    choice(statuses, N_("Status"), column("status"))
    choice(risks, N_("Risk rating"), column("risk"))
    dates = DataValidation(
        type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)", allow_blank=True
    )
    dates.error = gettext_in(lang, N_("Write a date like 2026-12-23."))
    dates.showErrorMessage = True
    ws.add_data_validation(dates)
    dates.add(f"{column('target_date')}2:{column('target_date')}{last}")
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    ws.protection.formatRows = False  # rows may grow taller to read long text
    ws.protection.formatColumns = False

    hidden = wb.create_sheet(META_SHEET)
    hidden.sheet_state = "veryHidden"
    head = [
        ("format", FORMAT),
        ("version", str(VERSION)),
        ("workbook", meta.workbook),
        ("inspection", meta.inspection),
        ("person", meta.person),
        ("lang", meta.lang),
        ("signature", meta.signature),
    ]
    for n, (key, value) in enumerate(head, start=1):
        _put(hidden, n, 1, key, wrap=False)
        _put(hidden, n, 2, value, wrap=False)
    for n, item in enumerate(sorted(meta.items), start=len(head) + 1):
        _put(hidden, n, 1, "item", wrap=False)
        _put(hidden, n, 2, item, wrap=False)
        _put(hidden, n, 3, json.dumps(meta.items[item], sort_keys=True), wrap=False)
    hidden.protection.sheet = True

    return write_atomically(path, partial(save_zipped, wb.save), force=force)


# --- reading a filled workbook back ---------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell's value as text, never evaluated: a formula is its own text ("=A1"), a date its ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unpacked_size_ok(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
            return len(infos) <= 500 and sum(i.file_size for i in infos) <= MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DelegationRefused(N_("it is not an Excel workbook, or it is damaged")) from None


def read_workbook(path: Path) -> Filled:
    """The workbook's hidden part and its answer cells, or DelegationRefused (a msgid fragment, formatted with
    `row` and `limit` by the caller)."""
    from openpyxl import load_workbook

    from tui.content.files import FileRefused, read_limited

    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise DelegationRefused(exc.reason) from None
    if not _unpacked_size_ok(raw):
        raise DelegationRefused(N_("it unpacks to more than a delegation workbook can hold"))
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise DelegationRefused(N_("it is not an Excel workbook, or it is damaged")) from None
    try:
        if META_SHEET not in wb.sheetnames or len(wb.sheetnames) < 2:
            raise DelegationRefused(N_("it is not a tenken delegation workbook"))
        meta = _read_meta(wb[META_SHEET])
        items = wb[wb.sheetnames[0]]
        if items.title == META_SHEET:
            raise DelegationRefused(N_("it is not a tenken delegation workbook"))
        filled = Filled(meta)
        expected = [gettext_in(meta.lang, h) for h in HEADINGS]
        heading = next(items.iter_rows(min_row=1, max_row=1, values_only=True), ())
        if [cell_text(v) for v in heading[: len(HEADINGS)]] != expected:
            raise DelegationRefused(N_("its columns were changed"), 1)
        for n, cells in enumerate(items.iter_rows(min_row=2, values_only=True), start=2):
            texts = [cell_text(v) for v in cells[: FIXED_COLUMNS + len(DELEGATED_FIELDS)]]
            extra = [v for v in cells[FIXED_COLUMNS + len(DELEGATED_FIELDS) :] if v not in (None, "")]
            if not any(t.strip() for t in texts) and not extra:
                continue
            if n > MAX_ROWS + 1 or len(filled.rows) >= len(meta.items):
                raise DelegationRefused(N_("it has more rows than items given to the person"), n)
            if extra:
                raise DelegationRefused(N_("row {row} has text outside the answer columns"), n)
            texts += [""] * (FIXED_COLUMNS + len(DELEGATED_FIELDS) - len(texts))
            item_id = texts[0].strip()
            if item_id not in meta.items:
                raise DelegationRefused(N_("row {row} has an id that was not given to the person"), n)
            if item_id in filled.rows:
                raise DelegationRefused(N_("row {row} repeats an item"), n)
            values = dict(zip(DELEGATED_FIELDS, texts[FIXED_COLUMNS:], strict=True))
            filled.rows[item_id] = (n, values)
        return filled
    finally:
        wb.close()


def _read_meta(sheet) -> Meta:
    found: dict[str, str] = {}
    items: dict[str, dict[str, list[Any]]] = {}
    for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if n > MAX_ROWS + 20:
            raise DelegationRefused(N_("it is not a tenken delegation workbook"))
        values = [cell_text(v) for v in cells[:3]] + ["", "", ""]
        key = values[0]
        if key == "item":
            try:
                parsed = json.loads(values[2])
            except (ValueError, RecursionError):
                raise DelegationRefused(N_("its hidden part was changed")) from None
            if not isinstance(parsed, dict):
                raise DelegationRefused(N_("its hidden part was changed"))
            items[values[1]] = parsed
        elif key:
            found[key] = values[1]
    if found.get("format") != FORMAT:
        raise DelegationRefused(N_("it is not a tenken delegation workbook"))
    if found.get("version") != str(VERSION):
        raise DelegationRefused(N_("it was written by another version of tenken"))
    return Meta(
        found.get("workbook", ""),
        found.get("inspection", ""),
        found.get("person", ""),
        found.get("lang", ""),
        items,
        found.get("signature", ""),
    )
