"""One trainee: completion per module and the history of every attempt across sessions."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.domain.training import (
    PHASE_LABELS,
    Trainee,
)
from tui.i18n import N_, _, format_date, get_language, other_language
from tui.screens.base import TenkenScreen
from tui.screens.dialogs import InputDialog
from tui.screens.plain import DataTable, Label, Static, add_columns
from tui.screens.training.common import (
    KIND_LABELS,
    LANGUAGE_NAMES,
    _errors,
    language_name,
    score_cell,
    split_name,
    status_cell,
)
from tui.screens.training.launch import run_review
from tui.widgets.footer import TenkenFooter


class TraineeScreen(TenkenScreen[None]):
    """One trainee: completion per module and the history of every attempt across sessions."""

    DEFAULT_CSS = """
    TraineeScreen #trainee-modules { height: auto; max-height: 10; }
    TraineeScreen #trainee-history { height: 1fr; }
    TraineeScreen .list-title { margin: 1 0 0 0; padding: 0 1; text-style: bold; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.trainee.back"),
        Binding("r", "review", N_("Review"), id="training.trainee.review"),
        Binding("g", "trainee_language", N_("Trainee language"), id="training.trainee.language"),
        Binding("e", "edit", N_("Edit"), id="training.trainee.edit"),
        Binding("m", "merge", N_("Merge a duplicate"), id="training.trainee.merge"),
        Binding("D", "delete", N_("Erase personal data"), id="training.trainee.delete"),
    ]

    def __init__(self, trainee_id: int) -> None:
        super().__init__()
        self.trainee_id = trainee_id
        self.trainee: Trainee | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="trainee-head", classes="screen-title")
        yield Label(_("Modules"), classes="list-title")
        yield DataTable(id="trainee-modules", cursor_type="row", zebra_stripes=True)
        yield Label(_("History"), classes="list-title")
        yield DataTable(id="trainee-history", cursor_type="row", zebra_stripes=True)
        yield TenkenFooter()

    def on_mount(self) -> None:
        t = self.query_one("#trainee-modules", DataTable)
        add_columns(
            t,
            (
                ("module", _("Module")),
                ("status", _("Completion")),
                ("best", _("Best score")),
                ("attempts", _("Attempts")),
                ("first", _("First date")),
                ("last", _("Last date")),
                ("minutes", _("Minutes")),
            ),
        )
        t = self.query_one("#trainee-history", DataTable)
        add_columns(
            t,
            (
                ("when", _("Started")),
                ("module", _("Module")),
                ("kind", _("Kind")),
                ("session", _("Session")),
                ("score", _("Score")),
                ("result", _("Result")),
                ("minutes", _("Minutes")),
            ),
        )
        self.reload()
        self.query_one("#trainee-history", DataTable).focus()

    def reload(self) -> None:
        from tui.i18n import format_datetime

        ws = self.tenken.ws
        lang = get_language()
        try:
            self.trainee = trainee = ws.trainee(self.trainee_id)
            records = ws.training_records(trainee_ids=[trainee.id])
            history = ws.trainee_history(trainee.id)
            due = len(ws.due_reviews(trainee.id))
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        head = _("{name} ({department}) — content language: {language} — reviews due: {n}").format(
            name=trainee.name, department=trainee.department or "—", language=language_name(trainee.lang), n=due
        )
        self.query_one("#trainee-head", Static).update(head)
        t = self.query_one("#trainee-modules", DataTable)
        t.clear()
        for c in records:
            t.add_row(
                c.module_title.get(lang),
                status_cell(c),
                score_cell(c.best_percent),
                str(c.attempts),
                format_date(c.first_on) if c.first_on else "—",
                format_date(c.last_on) if c.last_on else "—",
                str(c.minutes),
                key=c.module_id,
            )
        titles = {m.id: m.title.get(lang) for m in ws.training_modules()}
        t = self.query_one("#trainee-history", DataTable)
        t.clear()
        for a, s in reversed(history):
            if a.finished:
                result = (
                    RichText(_("passed"), style="bold green") if a.passed else RichText(_("not passed"), style="red")
                )
                score = f"{a.score}/{a.total} ({a.percent}%)"
            else:
                result, score = RichText(_("unfinished"), style="dim"), "—"
            where = (
                _("session {id} ({date}, {trainer})").format(id=s.id, date=format_date(s.held_on), trainer=s.trainer)
                if s is not None
                else _("self-study")
            )
            t.add_row(
                format_datetime(a.started_at),
                titles.get(a.module_id, a.module_id),
                _(PHASE_LABELS[a.phase]) if a.phase in PHASE_LABELS else _(KIND_LABELS[a.kind]),
                where,
                score,
                result,
                str(a.minutes) if a.finished else "—",
                key=f"a{a.id}",
            )
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_review(self) -> None:
        if self.trainee is not None:
            run_review(self, self.trainee)

    def action_trainee_language(self) -> None:
        if self.trainee is None:
            return
        new = other_language(self.tenken.ws.trainee_language(self.trainee))
        try:
            self.trainee = self.tenken.ws.set_trainee_language(self.trainee.id, new)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(
            _("{name} now takes training in {language}.").format(name=self.trainee.name, language=LANGUAGE_NAMES[new])
        )
        self.reload()

    def action_edit(self) -> None:
        """Name, department and e-mail in one line: 「山田太郎, 総務部, yamada@example.co.jp」."""
        t = self.trainee
        if t is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            parts = [p.strip() for p in text.replace("，", ",").split(",")]
            name, dept, email = (parts + ["", "", ""])[:3]
            try:
                self.trainee = self.tenken.ws.edit_trainee(t.id, name=name, department=dept, email=email)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("Saved {name}.").format(name=self.trainee.name))
            self.reload()

        self.app.push_screen(
            InputDialog(
                _("Edit trainee"),
                _("Name, department and e-mail, separated by commas:"),
                value=", ".join((t.name, t.department, t.email)),
                check=lambda v: None if v.split(",")[0].strip() else _("Type a name."),
            ),
            done,
        )

    def action_merge(self) -> None:
        t = self.trainee
        if t is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            name, dept = split_name(text)
            ws = self.tenken.ws
            other = ws.training.find_trainee(name, dept or None)
            if other is None or other.id == t.id:
                self.notify(_("There is no other trainee called {name}.").format(name=name), severity="warning")
                return
            try:
                self.trainee = ws.merge_trainees(t.id, other.id)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("Merged {other} into {name}.").format(other=other.name, name=t.name))
            self.reload()

        self.app.push_screen(
            InputDialog(
                _("Merge a duplicate"),
                _("The duplicate's name (and department after a comma); its records move to {name}:").format(
                    name=t.name
                ),
                check=lambda v: None if v.strip() else _("Type a name."),
            ),
            done,
        )

    def action_delete(self) -> None:
        t = self.trainee
        if t is None:
            return

        def done(text: str | None) -> None:
            if text is None:
                return
            try:
                self.tenken.ws.delete_trainee(t.id)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("Erased the personal data of {name}; anonymous counts remain.").format(name=t.name))
            self.dismiss(None)

        self.app.push_screen(
            InputDialog(
                _("Erase personal data"),
                _(
                    "This erases {name}'s name, department and e-mail for good; attempts stay as anonymous counts. "
                    "Type the name to confirm:"
                ).format(name=t.name),
                check=lambda v: None if v.strip() == t.name else _("Type the name exactly as shown."),
            ),
            done,
        )

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()
