"""Writers that turn a Report into files. Every writer goes through `write_atomically`.

Each format is a module with one function `write_<fmt>(report, path)`; they all render the same `Report`
(tui.domain.report), never the database, with the same content, order and labels as the Markdown writer.
This module stays light (no domain or writer library imported until a report is written), because the
command line imports `FORMATS` at start-up.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.fsutil import ExportError, write_atomically  # re-exported: the writers and the CLI use them from here
from tui.i18n import N_, _

if TYPE_CHECKING:
    from tui.domain.report import Report

FORMATS = ("md", "html", "xlsx", "docx", "json")

#: format → (module, function): the writer `function(report, path)`, imported only when used.
WRITERS = {
    "md": ("tui.export.markdown", "write_markdown"),
    "html": ("tui.export.html", "write_html"),
    "xlsx": ("tui.export.xlsx", "write_xlsx"),
    "docx": ("tui.export.docx", "write_docx"),
    "json": ("tui.export.json", "write_json"),
}

#: One colour per status, shared by the HTML, xlsx and docx charts (hex RGB, no "#").
STATUS_COLORS = {
    "unanswered": "C8C8C8",
    "compliant": "4C9A5B",
    "partial": "E0A526",
    "noncompliant": "C8453B",
    "na": "8A8FA3",
}


#: Names Windows reserves for devices, also with an extension ("CON.txt").
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}


def safe_filename(name: str, default: str = "report") -> str:
    """A file name made from a firm or inspection name: no separators, controls or reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', "_", name).strip(" ._")
    name = re.sub(r"_+", "_", name)[:120].rstrip(" ._")
    if not name or name.split(".")[0].strip().upper() in _RESERVED:
        return default
    return name


#: What a spreadsheet may take for the start of a formula (CSV / DDE injection), also in full width.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell_value(value: object, cell: Any = None) -> object:
    """A value that a spreadsheet shows as the user's text and never evaluates as a formula.

    Text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return (or a full-width ＝ ＋ － ＠) could be
    run as a formula when the file is opened.

    - With an openpyxl `cell`: the value is stored in it, text always as a plain string cell (data_type "s",
      where openpyxl would otherwise make "=…" a formula), and risky text also gets Excel's quote prefix so that
      editing the cell later does not turn it into a formula either. The text itself is kept exactly; the
      stored value is returned.
    - Without a cell (CSV): risky text is returned with a leading apostrophe, the usual defence; anything
      else is returned unchanged.
    """
    risky = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
    if cell is None:
        return "'" + value if isinstance(value, str) and risky else value
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if risky:
            cell.quotePrefix = True
    return cell.value


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text without the control characters XML (xlsx, docx) cannot hold; tabs and line breaks stay."""
    return _XML_ILLEGAL.sub("", text)


def save_zipped(save: Callable[[Any], object], path: Path) -> None:
    """Write a Word or Excel file (`save` is the document's or workbook's save method) to `path` in one write.

    The zip file is built in memory first: saved straight to a file on a disk that fills, python-docx and
    openpyxl leave a half-closed zip whose clean-up fails again later and prints "Exception ignored …" with a
    traceback under the one sentence the user is given.
    """
    import io

    buffer = io.BytesIO()
    save(buffer)
    Path(path).write_bytes(buffer.getvalue())


def fit_cells(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (a Japanese character counts two), with an ellipsis when cut."""
    from rich.cells import cell_len

    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


def header_fields(report: Report) -> list[tuple[str, str | dt.date | None]]:
    """The report's header block as (label, value) in the report's language, in the Markdown writer's order.

    Dates stay dates (or None) so each writer formats them its own way (`report.date()` for text).
    """
    t = report.t
    rows: list[tuple[str, str | dt.date | None]] = [
        (t(N_("Report date")), report.document_date),
        (t(N_("To")), report.addressee or t(N_("(addressee not set)"))),
        (t(N_("From")), report.firm),
        (t(N_("Representative")), report.representative or "—"),
        (t(N_("Responsible officer")), report.responsible_officer or "—"),
    ]
    if report.answered_by:
        rows.append((t(N_("Answered by")), report.names(report.answered_by)))
    if report.reviewed_by:
        rows.append((t(N_("Reviewed by")), report.names(report.reviewed_by)))
    if not report.draft:
        signed = t(N_("{who} (revision {n})")).format(who=report.finalized_by or "—", n=report.revision)
        rows.append((t(N_("Signed off by")), signed))
        rows.append((t(N_("Signed off on")), report.finalized_at.date() if report.finalized_at else None))
    rows += [
        (t(N_("Notice received")), report.received_on),
        (t(N_("Due")), report.due_on),
        (t(N_("Submitted")), report.submitted_on),
    ]
    if report.open_points:
        rows.append((t(N_("Finalized with open points")), override_note(report)))
    if report.content_sha256:
        rows.append((t(N_("Fingerprint (SHA-256)")), report.content_sha256))
    return rows


def override_note(report: Report) -> str:
    """The cover's note when finalizing overrode the readiness check."""
    return report.t(N_("finalized although the readiness check found {n} open points (--allow-incomplete)")).format(
        n=report.open_points
    )


def report_heading(report: Report) -> str:
    """The report's title line, as in the Markdown writer: "<Response report…>: <inspection title>"."""
    heading = report.t(N_("Response report on the self-inspection"))
    return f"{heading}: {report.title}"


def short_title(report: Report, limit: int = 255) -> str:
    """A document title within Word's and Excel's limits (255 characters): heading, firm, cut with an ellipsis."""
    text = f"{report.t(N_('Response report on the self-inspection'))} — {report.firm}"
    text = xml_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The problems table's columns (msgids), the same in every format.
PROBLEM_COLUMNS = (
    N_("No."),
    N_("Item"),
    N_("Cited provisions"),
    N_("Status"),
    N_("Problems and vulnerabilities"),
    N_("Risk rating"),
    N_("Remediation plan"),
    N_("Owner"),
    N_("Target date"),
)

#: format → file name extensions it is written to (the first is the default).
EXTENSIONS = {
    "md": (".md", ".markdown", ".txt"),
    "html": (".html", ".htm"),
    "xlsx": (".xlsx",),
    "docx": (".docx",),
    "json": (".json",),
}


def check_extension(fmt: str, path: Path) -> None:
    """Refuse a file name whose extension names another format (`--format xlsx --out report.md`)."""
    suffix = Path(path).suffix.lower()
    if fmt in EXTENSIONS and suffix and suffix not in EXTENSIONS[fmt]:
        others = {ext for exts in EXTENSIONS.values() for ext in exts} | {".pdf", ".csv", ".xls", ".doc"}
        if suffix in others:
            raise ExportError(
                _("{path} ends in {suffix}, but the format is {fmt}; name the file {name}.").format(
                    path=path, suffix=suffix, fmt=fmt, name=Path(path).with_suffix(EXTENSIONS[fmt][0]).name
                )
            )


def render(report: Report, fmt: str) -> Callable[[Path], None]:
    """The function that writes `report` in format `fmt` to a given path."""
    if fmt not in WRITERS:
        raise ExportError(
            _("Unknown format {fmt}; choose one of: {formats}.").format(fmt=fmt, formats=", ".join(FORMATS))
        )
    module, name = WRITERS[fmt]
    writer = getattr(importlib.import_module(module), name)
    return lambda p: writer(report, p)


def export_report(report: Report, fmt: str, path: Path, force: bool = False) -> Path:
    writer = render(report, fmt)
    check_extension(fmt, path)
    return write_atomically(path, writer, force=force)
