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
from pathlib import Path
from typing import Any

from tui.domain.training import (
    COMPLETION_LABELS,
    EXERCISE,
    PASSED,
    Attempt,
    Completion,
    Module,
    Trainee,
    TrainingSession,
    critical_decisions,
)
from tui.export import ExportError, safe_cell_value, write_atomically, xml_text
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
    wb.save(path)


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
    if a.kind == EXERCISE:
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
    """A one-page certificate of completion for a trainee who passed a module."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
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
        doc.save(str(target))

    return write_atomically(Path(path), produce, force=force)
