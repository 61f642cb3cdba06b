"""What the training screens share: language names, table cells, errors, parsing a typed name."""

from __future__ import annotations

from rich.text import Text as RichText

from tui.domain.training import (
    COMPLETION_LABELS,
    EXERCISE,
    QUIZ,
    Completion,
)
from tui.i18n import N_, _
from tui.screens.plain import DataTable
from tui.workspace import StoreError

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}  # endonyms: the same in every interface language
MAX_CHOICES = 8


STATUS_STYLE = {"not_started": "dim", "in_progress": "yellow", "passed": "bold green", "failed": "bold red"}
KIND_LABELS = {QUIZ: N_("quiz"), EXERCISE: N_("exercise")}


def _errors():
    from tui.export import ExportError
    from tui.workspace import UserError

    return (StoreError, UserError, ExportError)


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, "—") if lang else _("the session's")


def status_cell(c: Completion) -> RichText:
    return RichText(_(COMPLETION_LABELS[c.status]), style=STATUS_STYLE.get(c.status, ""))


def score_cell(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def split_name(text: str) -> tuple[str, str]:
    """「山田太郎, 総務部」 → (name, department); a comma (also 、 or ，) separates the department."""
    for sep in (",", "，", "、"):
        if sep in text:
            name, _sep, dept = text.partition(sep)
            return name.strip(), dept.strip()
    return text.strip(), ""


def _table_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def _today():
    from tui.domain import inspection

    return inspection.today()


def prepost_cell(pp) -> str:
    """「50% → 94% (+44)」: a trainee's pre-test and post-test in a session, with the gain; a dash when neither."""
    if pp is None or (pp.pre is None and pp.post is None):
        return "—"
    pre = "—" if pp.pre is None else f"{pp.pre}%"
    post = "—" if pp.post is None else f"{pp.post}%"
    return f"{pre} → {post}" + ("" if pp.gain is None else f" ({pp.gain:+d})")
