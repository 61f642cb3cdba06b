"""The training home: modules, sessions and trainees; Tab moves between the lists, Enter opens a row."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.domain.training import (
    PASSED,
    Module,
)
from tui.i18n import N_, _, format_date, get_language
from tui.screens.base import TenkenScreen
from tui.screens.dialogs import InputDialog
from tui.screens.plain import DataTable, Label, Static, add_columns
from tui.screens.training.common import LANGUAGE_NAMES, _errors, _table_key, _today, language_name, split_name
from tui.screens.training.module import ModuleScreen
from tui.screens.training.new_session import NewSessionDialog
from tui.screens.training.session import SessionScreen
from tui.screens.training.trainee import TraineeScreen
from tui.widgets.footer import TenkenFooter


class TrainingScreen(TenkenScreen[None]):
    """The training home: modules, sessions, trainees."""

    DEFAULT_CSS = """
    TrainingScreen #training-modules { height: auto; max-height: 10; }
    TrainingScreen #training-sessions, TrainingScreen #training-trainees { height: 1fr; }
    TrainingScreen .list-title { margin: 1 0 0 0; padding: 0 1; text-style: bold; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.back"),
        Binding("enter", "open", N_("Open"), id="training.open", priority=True),
        Binding("n", "new_session", N_("New session"), id="training.new_session"),
        Binding("a", "new_trainee", N_("New trainee"), id="training.new_trainee"),
    ]

    def __init__(self) -> None:
        super().__init__(id="training")
        self.modules: list[Module] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Training"), classes="screen-title")
        yield Label(_("Modules"), classes="list-title")
        yield DataTable(id="training-modules", cursor_type="row", zebra_stripes=True)
        yield Label(_("Sessions"), classes="list-title")
        yield DataTable(id="training-sessions", cursor_type="row", zebra_stripes=True)
        yield Label(_("Trainees"), classes="list-title")
        yield DataTable(id="training-trainees", cursor_type="row", zebra_stripes=True)
        yield Static(_("Tab: next list · Enter: open · n: new session · a: new trainee"), classes="hint")
        yield TenkenFooter()

    def on_mount(self) -> None:
        self._columns()
        if self._loaded:
            self.reload()
        else:
            self.load_modules()

    @work(thread=True, exclusive=True, group="training-load")
    def load_modules(self) -> None:
        """The modules need the corpus (to check their citations): read them off the event loop."""
        modules = self.tenken.ws.training_modules()
        self.app.call_from_thread(self._loaded_modules, modules)

    def _loaded_modules(self, modules: list[Module]) -> None:
        self.modules = modules
        self._loaded = True
        # Not while the screen is rebuilt (a language switch): its on_mount fills the new tables.
        if self.is_attached and self.query("#training-modules"):
            self.reload()
            self.query_one("#training-modules", DataTable).focus()

    def _columns(self) -> None:
        t = self.query_one("#training-modules", DataTable)
        add_columns(
            t,
            (
                ("title", _("Module")),
                ("lessons", _("Lessons")),
                ("questions", _("Questions")),
                ("minutes", _("Minutes")),
                ("pass", _("Pass mark")),
                ("exercise", _("Exercise")),
            ),
        )
        t = self.query_one("#training-sessions", DataTable)
        add_columns(
            t,
            (
                ("id", _("ID")),
                ("date", _("Date")),
                ("module", _("Module")),
                ("trainer", _("Trainer")),
                ("lang", _("Language")),
                ("roster", _("Trainees")),
                ("passed", _("Passed")),
            ),
        )
        t = self.query_one("#training-trainees", DataTable)
        add_columns(
            t,
            (
                ("name", _("Name")),
                ("dept", _("Department")),
                ("lang", _("Language")),
                ("passed", _("Modules passed")),
                ("due", _("Reviews due")),
            ),
        )

    def reload(self) -> None:
        if not self._loaded:
            return
        ws = self.tenken.ws
        lang = get_language()
        try:
            sessions = ws.training_sessions()
            records = ws.training_records()
            session_passed = ws.session_passed_counts()
            due = ws.training.due_counts(_today())
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        status = {(c.trainee.id, c.module_id): c.status for c in records}
        titles = {m.id: m.title.get(lang) for m in self.modules}

        t = self.query_one("#training-modules", DataTable)
        keep = t.cursor_row
        t.clear()
        for m in self.modules:
            ex = m.exercise
            t.add_row(
                m.title.get(lang),
                str(len(m.lessons)),
                str(len(m.quiz)),
                str(m.minutes),
                f"{m.pass_mark}%",
                _("{n} injects").format(n=len(ex.injects)) if ex else "—",
                key=m.id,
            )
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))

        t = self.query_one("#training-sessions", DataTable)
        keep = t.cursor_row
        t.clear()
        for s in sessions:
            passed = session_passed.get(s.id, 0)  # in this session, not some earlier year
            t.add_row(
                str(s.id),
                format_date(s.held_on),
                titles.get(s.module_id, s.module_id),
                s.trainer,
                LANGUAGE_NAMES.get(s.lang, s.lang),
                str(len(s.roster)),
                f"{passed}/{len(s.roster)}",
                key=f"s{s.id}",
            )
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))

        t = self.query_one("#training-trainees", DataTable)
        keep = t.cursor_row
        t.clear()
        for tr in ws.trainees():
            passed = sum(1 for m in self.modules if status.get((tr.id, m.id)) == PASSED)
            t.add_row(
                tr.name,
                tr.department,
                language_name(tr.lang),
                f"{passed}/{len(self.modules)}",
                str(due.get(tr.id, 0)) if due.get(tr.id) else "—",
                key=f"t{tr.id}",
            )
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        self.reload()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self._columns()
        self.reload()
        self.query_one("#training-modules", DataTable).focus()

    # --- actions --------------------------------------------------------------------------

    def action_open(self) -> None:
        focused = self.focused
        if not isinstance(focused, DataTable):
            return
        key = _table_key(focused)
        if key is None:
            return
        if focused.id == "training-modules":
            self.app.push_screen(ModuleScreen(key))
        elif focused.id == "training-sessions":
            self.app.push_screen(SessionScreen(int(key[1:])))
        elif focused.id == "training-trainees":
            self.app.push_screen(TraineeScreen(int(key[1:])))

    def action_new_session(self) -> None:
        if not self.modules:
            return

        def done(session_id: int | None) -> None:
            if session_id is not None:
                self.reload()
                self.app.push_screen(SessionScreen(session_id))

        self.app.push_screen(NewSessionDialog(self.modules), done)

    def action_new_trainee(self) -> None:
        def done(text: str | None) -> None:
            if not text:
                return
            name, dept = split_name(text)
            try:
                trainee = self.tenken.ws.add_trainee(name, dept)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("Added {name}.").format(name=trainee.name))
            self.reload()

        self.app.push_screen(
            InputDialog(
                _("New trainee"),
                _("Name, and the department after a comma (e.g. 山田太郎, 総務部):"),
                check=lambda v: None if v.strip() else _("Type a name."),
            ),
            done,
        )

    def action_back(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "new_session"):
            return self._loaded
        return True
