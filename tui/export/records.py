"""Training records as evidence of the firm's training plan: one row per trainee × module.

Three formats, each written through `write_atomically` (never over an existing file without `force`):

- ``csv``: UTF-8 with a byte-order mark so Excel opens Japanese correctly; every text cell through
  `safe_cell_value`, so a name such as "=cmd|…" is never run as a formula.
- ``xlsx``: one sheet with a frozen header row, an autofilter and column widths measured in terminal cells
  (a Japanese character is two), text stored as text.
- ``json``: a list of xAPI 1.0.3 statements, one per attempt (verb passed / failed / attempted, the module or its
  exercise, score, registration = the attempt's id, the language it was taken in, the trainer as instructor, the
  time it finished); trainees who have not started a module have none. `tenken train send` posts the same
  statements to a Learning Record Store (tui/export/lrs.py).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tui.domain.training import (
    COMPLETION_LABELS,
    EXERCISE,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    PASSED,
    REPORT_LABELS,
    Attempt,
    Completion,
    Module,
    SessionReport,
    Trainee,
    TrainingSession,
    critical_decisions,
)
from tui.export import ExportError, safe_cell_value, save_zipped, write_atomically, xml_text
from tui.i18n import N_, _, gettext_in

RECORD_FORMATS = ("csv", "xlsx", "json")

#: Column key → header msgid, in the order of every format's table.
COLUMNS = (
    ("trainee", N_("Trainee")),
    ("department", N_("Department")),
    ("module_id", N_("Module ID")),
    ("module", N_("Module")),
    ("status", N_("Completion")),
    ("best_percent", N_("Best score (%)")),
    ("attempts", N_("Attempts")),
    ("first_on", N_("First date")),
    ("last_on", N_("Last date")),
    ("minutes", N_("Total minutes")),
    ("passed_on", N_("Passed on")),
    ("exercise_percent", N_("Exercise score (%)")),
)

HOME_PAGE = "https://tenken.example"
VERBS = {
    "passed": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"ja": "合格", "en": "passed"}},
    "failed": {"id": "http://adlnet.gov/expapi/verbs/failed", "display": {"ja": "不合格", "en": "failed"}},
    "attempted": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"ja": "受講開始", "en": "attempted"}},
}
COURSE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"


def record_row(c: Completion, lang: str) -> dict[str, Any]:
    """One record as column key → value (text in `lang`, dates as dates, numbers as numbers, None for blank)."""
    return {
        "trainee": c.trainee.name,
        "department": c.trainee.department,
        "module_id": c.module_id,
        "module": c.module_title.get(lang),
        "status": gettext_in(lang, COMPLETION_LABELS[c.status]),
        "best_percent": c.best_percent,
        "attempts": c.attempts,
        "first_on": c.first_on,
        "last_on": c.last_on,
        "minutes": c.minutes,
        "passed_on": c.passed_on,
        "exercise_percent": c.exercise_percent,
    }


def _headers(lang: str) -> list[str]:
    return [gettext_in(lang, label) for _key, label in COLUMNS]


# --- csv -------------------------------------------------------------------------------------


def write_csv(rows: Sequence[Completion], path: Path, lang: str) -> None:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(_headers(lang))
        for c in rows:
            values = record_row(c, lang)
            out.writerow([_csv_cell(values[key]) for key, _label in COLUMNS])


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell_value(value)


# --- xlsx ------------------------------------------------------------------------------------

MAX_WIDTH, MIN_WIDTH = 50, 8


def write_xlsx(rows: Sequence[Completion], path: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from rich.cells import cell_len

    font = "Yu Gothic" if lang == "ja" else "Calibri"
    wb = Workbook()
    ws = wb.active
    ws.title = gettext_in(lang, N_("Training records"))[:31]
    headers = _headers(lang)
    widths = [cell_len(h) for h in headers]
    fill = PatternFill("solid", start_color="EEF0F4", end_color="EEF0F4")
    for col, label in enumerate(headers, 1):
        cell = ws.cell(row=1, column=col)
        safe_cell_value(label, cell)
        cell.font = Font(name=font, bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, c in enumerate(rows, 2):
        values = record_row(c, lang)
        for col, (key, _label) in enumerate(COLUMNS, 1):
            value = values[key]
            cell = ws.cell(row=r, column=col)
            if isinstance(value, str):
                safe_cell_value(xml_text(value), cell)
                widths[col - 1] = max(widths[col - 1], cell_len(value))
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
                widths[col - 1] = max(widths[col - 1], 10)
            elif value is not None:
                cell.value = value
                widths[col - 1] = max(widths[col - 1], len(str(value)))
            cell.font = Font(name=font)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    save_zipped(wb.save, path)


# --- json (xAPI) -----------------------------------------------------------------------------


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 75 → "PT1H15M", 0 → "PT0M"."""
    hours, rest = divmod(max(0, minutes), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
ACTORS = ("account", "mbox")


@dataclass(frozen=True, slots=True)
class XapiOptions:
    """How trainees are identified: an account (their stable id) on the firm's own home page, or their e-mail
    (mbox) where one is recorded. Set with `tenken train send --actor … --home-page …` (kept in the settings)."""

    actor: str = "account"
    home_page: str = HOME_PAGE


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt with what its statement needs: who, which module, which session (trainer, language)."""

    attempt: Attempt
    trainee: Trainee
    module: Module
    session: TrainingSession | None = None


def verb_of(c: Completion) -> str | None:
    """passed, failed (finished the quiz without passing), attempted (started, nothing finished), None (not started)."""
    if c.attempts == 0:
        return None
    if c.status == PASSED:
        return "passed"
    return "failed" if c.failed else "attempted"


def _stamp(when: dt.datetime) -> str:
    return when.astimezone().isoformat(timespec="seconds")


def agent(trainee: Trainee, options: XapiOptions) -> dict[str, Any]:
    """The trainee as an xAPI Agent with exactly one identifier: mbox when asked for and known, else the account."""
    out: dict[str, Any] = {"objectType": "Agent", "name": trainee.name}
    if options.actor == "mbox" and trainee.email:
        out["mbox"] = f"mailto:{trainee.email}"
    else:
        out["account"] = {"homePage": options.home_page, "name": trainee.uid or f"trainee-{trainee.id}"}
    return out


def attempt_statement(r: AttemptRecord, options: XapiOptions) -> dict[str, Any]:
    """The xAPI 1.0.3 statement of one attempt: passed / failed when finished, attempted while open.

    Its id comes from the attempt's registration and the verb, so sending it twice sends the same statement.
    """
    a, module = r.attempt, r.module
    verb = ("passed" if a.passed else "failed") if a.finished else "attempted"
    module_iri = f"{HOME_PAGE}/modules/{module.id}"
    if a.kind == EXERCISE and module.exercise is not None:
        ex = module.exercise
        object_iri = f"{module_iri}/exercises/{ex.id}"
        definition = {"name": {"ja": ex.title.ja, "en": ex.title.en}, "type": SIMULATION}
    elif a.phase == "pre":  # a pre-test measures what was known before: never a pass or fail of the course itself
        object_iri = f"{module_iri}/pre-test"
        definition = {
            "name": {"ja": f"事前テスト: {module.title.ja}", "en": f"Pre-test: {module.title.en}"},
            "type": ASSESSMENT,
        }
    else:
        object_iri, definition = module_iri, {"name": {"ja": module.title.ja, "en": module.title.en}, "type": COURSE}
    result: dict[str, Any] = {"completion": a.finished, "duration": f"PT{a.seconds}S"}
    if a.finished and a.total > 0:
        result["score"] = {"scaled": round(a.score / a.total, 4), "raw": a.score, "min": 0, "max": a.total}
        result["success"] = a.passed
    if a.kind == EXERCISE and module.exercise is not None and a.finished:
        chosen = {k: str(v) for k, v in a.answers.items() if isinstance(v, str)}
        result["extensions"] = {
            f"{HOME_PAGE}/xapi/decisions": chosen,
            f"{HOME_PAGE}/xapi/critical": [i.id for i, _d in critical_decisions(module.exercise, chosen)],
        }
    context: dict[str, Any] = {
        "registration": a.uid or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{object_iri}/attempts/{a.id}")),
        "language": a.lang,
        "extensions": {f"{HOME_PAGE}/xapi/department": r.trainee.department, f"{HOME_PAGE}/xapi/mode": a.mode},
    }
    if a.phase:
        context["extensions"][f"{HOME_PAGE}/xapi/phase"] = a.phase  # pre | post: a session's pre- or post-test
    if a.kind == EXERCISE or a.phase == "pre":
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": module_iri}]}
        if a.roles:  # who played which role around the laptop: role → the player's account name (uid)
            context["extensions"][f"{HOME_PAGE}/xapi/roles"] = dict(sorted(a.roles.items()))
    if r.session is not None and r.session.trainer:
        context["instructor"] = {
            "objectType": "Agent",
            "name": r.session.trainer,
            "account": {"homePage": options.home_page, "name": f"trainer:{r.session.trainer}"},
        }
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{object_iri}/registration/{context['registration']}/{verb}")),
        "actor": agent(r.trainee, options),
        "verb": VERBS[verb],
        "object": {"objectType": "Activity", "id": object_iri, "definition": definition},
        "result": result,
        "context": context,
        "timestamp": _stamp(a.finished_at or a.started_at),
    }


def statements(records: Sequence[AttemptRecord], options: XapiOptions | None = None) -> list[dict[str, Any]]:
    options = options or XapiOptions()
    return [attempt_statement(r, options) for r in records]


def write_statements(items: list[dict[str, Any]], path: Path, force: bool = False) -> Path:
    def produce(target: Path) -> None:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(items, fh, ensure_ascii=False, indent=2)
            fh.write("\n")

    return write_atomically(Path(path), produce, force=force)


WRITERS: dict[str, Callable[[Sequence[Completion], Path, str], None]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
}


def export_records(rows: Sequence[Completion], fmt: str, path: Path, lang: str, force: bool = False) -> Path:
    if fmt not in WRITERS:  # json: the workspace writes xAPI statements per attempt
        raise ExportError(
            _("Unknown format {fmt}; choose one of: {formats}.").format(fmt=fmt, formats=", ".join(RECORD_FORMATS))
        )
    writer = WRITERS[fmt]
    return write_atomically(Path(path), lambda p: writer(rows, p, lang), force=force)


# --- certificate (docx) ---------------------------------------------------------------------------


def write_certificate(
    path: Path,
    lang: str,
    trainee: Trainee,
    module: Module,
    passed_on: dt.date,
    score: str,
    trainer: str,
    firm: str = "",
    force: bool = False,
) -> Path:
    """A one-page certificate of completion for a trainee who passed a module: a PDF when `path` ends in .pdf
    (through LibreOffice, tui.export.pdf), else a docx."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from tui.i18n import format_date

    def produce(target: Path) -> None:
        doc = Document()
        font = "Yu Mincho" if lang == "ja" else "Times New Roman"
        for text, size, bold in (
            (gettext_in(lang, N_("Certificate of completion")), 28, True),
            ("", 12, False),
            (xml_text(trainee.name), 22, True),
            (xml_text(trainee.department), 14, False),
            ("", 12, False),
            (
                gettext_in(lang, N_("has completed the training module “{module}”.")).format(
                    module=module.title.get(lang)
                ),
                14,
                False,
            ),
            (gettext_in(lang, N_("Score: {score}")).format(score=score), 12, False),
            (gettext_in(lang, N_("Date passed: {date}")).format(date=format_date(passed_on, lang)), 12, False),
            (gettext_in(lang, N_("Trainer: {name}")).format(name=xml_text(trainer)), 12, False),
            (xml_text(firm), 12, False),
        ):
            para = doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(text)
            run.bold = bold
            run.font.size = Pt(size)
            run.font.name = font
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        save_zipped(doc.save, target)

    if Path(path).suffix.lower() == ".pdf":
        from tui.export.pdf import write_pdf

        return write_pdf(produce, Path(path), force=force)
    return write_atomically(Path(path), produce, force=force)


# --- the session's completion report (docx, xlsx) ------------------------------------------------------------

REPORT_FORMATS = ("docx", "xlsx")


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def _gain(value: int | None) -> str:
    return "—" if value is None else f"{value:+d}"


def report_table(report: SessionReport, lang: str) -> tuple[list[str], list[list[str]]]:
    """(headings, rows) of the roster table, as text, in `lang`: the same cells in the docx and the xlsx."""
    from tui.i18n import format_date

    t = partial(gettext_in, lang)
    headings = [t(N_("No.")), t(N_("Name")), t(N_("Department")), t(N_("Result")), t(N_("Score"))]
    if report.shows_prepost:
        headings += [t(N_("Pre-test")), t(N_("Post-test")), t(N_("Gain (points)"))]
    headings.append(t(N_("Date completed")))
    rows = []
    for n, r in enumerate(report.rows, 1):
        score = "—" if r.best_percent is None else f"{r.best_score}/{r.best_total} ({r.best_percent}%)"
        name = r.trainee.name if not r.trainee.deleted else t(N_("(deleted trainee)"))
        cells = [str(n), name, r.trainee.department, t(REPORT_LABELS[r.status]), score]
        if report.shows_prepost:
            cells += [_percent(r.prepost.pre), _percent(r.prepost.post), _gain(r.prepost.gain)]
        cells.append(format_date(r.completed_on, lang) if r.completed_on else "—")
        rows.append(cells)
    return headings, rows


def report_facts(report: SessionReport, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the session: what, when, who taught, for whom, the summary."""
    from tui.i18n import format_date

    t = partial(gettext_in, lang)
    s = report.session
    facts = [
        (t(N_("Session")), f"{s.id}"),
        (t(N_("Date")), format_date(s.held_on, lang)),
        (t(N_("Module")), report.module.title.get(lang)),
        (t(N_("Trainer")), s.trainer),
    ]
    if report.firm:
        facts.append((t(N_("Firm")), report.firm))
    facts.append((t(N_("Pass mark")), f"{report.module.pass_mark}%"))
    if report.written_on is not None:
        facts.append((t(N_("Report written on")), format_date(report.written_on, lang)))
    facts.append(
        (
            t(N_("Outcome of the session")),
            t(N_("{n} trainees: {passed} passed, {failed} failed, {open} in progress, {absent} not attended")).format(
                n=len(report.rows),
                passed=report.count(PASSED),
                failed=report.count(FAILED),
                open=report.count(IN_PROGRESS),
                absent=report.count(NOT_STARTED),
            ),
        )
    )
    return facts


def write_session_report(report: SessionReport, fmt: str, path: Path, lang: str, force: bool = False) -> Path:
    if fmt not in REPORT_FORMATS:
        raise ExportError(_("The report must end in .docx or .xlsx."))
    writer = _report_docx if fmt == "docx" else _report_xlsx
    return write_atomically(Path(path), lambda p: writer(report, p, lang), force=force)


def _report_docx(report: SessionReport, path: Path, lang: str) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from tui.export.docx import a4_landscape

    font = "Yu Gothic" if lang == "ja" else "Calibri"
    doc = Document()
    a4_landscape(doc, margin_mm=15)
    style = doc.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    heading = doc.add_paragraph()
    run = heading.add_run(gettext_in(lang, N_("Training completion report")))
    run.bold, run.font.size = True, Pt(16)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    facts.autofit = False
    for label, value in report_facts(report, lang):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, xml_text(value)
        cells[0].paragraphs[0].runs[0].bold = True
        cells[0].width, cells[1].width = Mm(50), Mm(217)
    facts.columns[0].width, facts.columns[1].width = Mm(50), Mm(217)
    doc.add_paragraph()
    headings, rows = report_table(report, lang)
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.autofit = False
    # millimetres per column: the number narrow, the name wide, the rest shared (267 mm between the margins)
    widths = [12, 50, 40, 24, 32] + ([24, 24, 24] if report.shows_prepost else []) + [37]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = xml_text(text)
    for column, width in zip(table.columns, widths, strict=True):  # the grid LibreOffice lays out by …
        column.width = Mm(width)
    for row_cells in table.rows:  # … and the cells Word lays out by
        for cell, width in zip(row_cells.cells, widths, strict=True):
            cell.width = Mm(width)
    if report.shows_prepost:
        doc.add_paragraph(
            gettext_in(
                lang,
                N_(
                    "Pre-test: the first pre-test taken before the lessons; post-test: the best post-test after them; "
                    "gain in percentage points."
                ),
            )
        )
    save_zipped(doc.save, path)


def _report_xlsx(report: SessionReport, path: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from rich.cells import cell_len

    font = "Yu Gothic" if lang == "ja" else "Calibri"
    wb = Workbook()
    ws = wb.active
    ws.title = gettext_in(lang, N_("Training completion report"))[:31]
    ws.cell(row=1, column=1, value=gettext_in(lang, N_("Training completion report"))).font = Font(
        name=font, bold=True, size=14
    )
    r = 2
    for label, value in report_facts(report, lang):
        ws.cell(row=r, column=1, value=label).font = Font(name=font, bold=True)
        cell = ws.cell(row=r, column=2)
        safe_cell_value(xml_text(value), cell)
        cell.font = Font(name=font)
        r += 1
    r += 1
    headings, rows = report_table(report, lang)
    widths = [cell_len(h) for h in headings]
    fill = PatternFill("solid", start_color="EEF0F4", end_color="EEF0F4")
    for col, text in enumerate(headings, 1):
        cell = ws.cell(row=r, column=col, value=text)
        cell.font, cell.fill = Font(name=font, bold=True), fill
    header_row = r
    for row in rows:
        r += 1
        for col, text in enumerate(row, 1):
            cell = ws.cell(row=r, column=col)
            safe_cell_value(xml_text(text), cell)
            cell.font = Font(name=font)
            widths[col - 1] = max(widths[col - 1], cell_len(text))
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width, 30)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headings))}{r}"
    save_zipped(wb.save, path)
