"""Trainer mode: one session's roster with each trainee's results; run their quizzes and exercises."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.domain.training import (
    EXAM,
    EXERCISE,
    QUIZ,
    Completion,
    Module,
    PrePost,
    Trainee,
    TrainingSession,
)
from tui.i18n import N_, _, format_date, get_language, other_language
from tui.screens.base import TenkenScreen
from tui.screens.dialogs import InputDialog
from tui.screens.plain import DataTable, Static, add_columns
from tui.screens.training.common import (
    LANGUAGE_NAMES,
    _errors,
    _table_key,
    prepost_cell,
    score_cell,
    split_name,
    status_cell,
)
from tui.screens.training.launch import run_attempt, run_review
from tui.screens.training.trainee import TraineeScreen
from tui.widgets.footer import TenkenFooter


class SessionScreen(TenkenScreen[None]):
    """Trainer mode: one session's roster with each trainee's score, pass and completion; run their quizzes."""

    DEFAULT_CSS = """
    SessionScreen #session-roster { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.session.back"),
        Binding("enter", "quiz", N_("Run the quiz"), id="training.session.quiz", priority=True),
        Binding("x", "exercise", N_("Exercise"), id="training.session.exercise"),
        Binding("a", "add", N_("Add trainee"), id="training.session.add"),
        Binding("d", "remove", N_("Remove from roster"), id="training.session.remove", show=False),
        Binding("h", "history", N_("History"), id="training.session.history"),
        Binding("r", "review", N_("Review"), id="training.session.review"),
        Binding("g", "trainee_language", N_("Trainee language"), id="training.session.language", show=False),
        Binding("i", "import_roster", N_("Import roster"), id="training.session.import"),
        Binding("o", "export", N_("Export records"), id="training.session.export"),
        Binding("E", "edit_session", N_("Edit session"), id="training.session.edit"),
        Binding("c", "certificate", N_("Certificate"), id="training.session.certificate"),
        Binding("p", "report", N_("Completion report"), id="training.session.report"),
        Binding("e", "prepost", N_("Pre/post-test"), id="training.session.prepost", show=False),
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: TrainingSession | None = None
        self.results: list[Completion] = []
        self.pre_post: dict[int, PrePost] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="session-head", classes="screen-title")
        yield DataTable(id="session-roster", cursor_type="row", zebra_stripes=True)
        yield Static("", id="session-empty", classes="hint")
        yield TenkenFooter()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        add_columns(
            t,
            (
                ("name", _("Name")),
                ("dept", _("Department")),
                ("lang", _("Language")),
                ("status", _("Completion")),
                ("best", _("Best score")),
                ("attempts", _("Attempts")),
                ("last", _("Last date")),
                ("exercise", _("Exercise")),
                ("prepost", _("Pre → post")),
            ),
        )
        self.reload()
        t.focus()

    @property
    def module(self) -> Module:
        assert self.session is not None
        return self.tenken.ws.training_module(self.session.module_id)

    def reload(self, select: int | None = None) -> None:
        ws = self.tenken.ws
        try:
            self.session = ws.training_session(self.session_id)
            self.results = ws.session_results(self.session_id)
            self.pre_post = ws.session_pre_post(self.session_id)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        lang = get_language()
        s = self.session
        self.query_one("#session-head", Static).update(
            _("Session {id}: {module} — {date}, trainer {trainer}, in {language}").format(
                id=s.id,
                module=self.module.title.get(lang),
                date=format_date(s.held_on),
                trainer=s.trainer,
                language=LANGUAGE_NAMES.get(s.lang, s.lang),
            )
            + (" — " + _("exam") if s.mode == EXAM else "")
            + (" — " + _("with a pre-test and a post-test") if s.prepost else "")
        )
        t = self.query_one(DataTable)
        keep = t.cursor_row
        t.clear()
        for c in self.results:
            tr = c.trainee
            ex = (
                "—"
                if self.module.exercise is None
                else (score_cell(c.exercise_percent) + (" ✓" if c.exercise_passed else ""))
            )
            t.add_row(
                tr.name,
                tr.department,
                LANGUAGE_NAMES.get(ws.trainee_language(tr, s), "—"),
                status_cell(c),
                score_cell(c.best_percent),
                str(c.attempts),
                format_date(c.last_on) if c.last_on else "—",
                ex,
                prepost_cell(self.pre_post.get(tr.id)),
                key=f"t{tr.id}",
            )
            if select == tr.id:
                keep = t.row_count - 1
        if t.row_count:
            t.move_cursor(row=min(max(keep, 0), t.row_count - 1))
        empty = self.query_one("#session-empty", Static)
        empty.update(
            _("No trainees on the roster yet. Press a to add one.")
            if not self.results
            else _("Enter: run the selected trainee's quiz · h: history · r: review · g: trainee language · d: remove")
        )
        self.refresh_bindings()

    def selected(self) -> Trainee | None:
        key = _table_key(self.query_one(DataTable))
        if key is None:
            return None
        return next((c.trainee for c in self.results if c.trainee.id == int(key[1:])), None)

    def on_screen_resume(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("quiz", "remove", "history", "review", "trainee_language", "exercise") and not self.results:
            return False
        if action == "exercise" and self.session is not None:
            return self.module.exercise is not None
        return True

    def action_add(self) -> None:
        def done(text: str | None) -> None:
            if not text:
                return
            name, dept = split_name(text)
            try:
                trainee = self.tenken.ws.add_to_roster(self.session_id, name, dept)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.reload(select=trainee.id)

        self.app.push_screen(
            InputDialog(
                _("Add a trainee to the roster"),
                _("Name, and the department after a comma; a new name adds the trainee:"),
                check=lambda v: None if v.strip() else _("Type a name."),
            ),
            done,
        )

    def action_remove(self) -> None:
        trainee = self.selected()
        if trainee is None:
            return
        try:
            self.tenken.ws.remove_from_roster(self.session_id, trainee.id)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Took {name} off the roster; their attempts stay in the records.").format(name=trainee.name))
        self.reload()

    def action_quiz(self) -> None:
        """The selected trainee's quiz; in a session with a pre-test and a post-test, the pre-test first."""
        trainee = self.selected()
        if trainee is None:
            return
        try:
            phase = self.tenken.ws.next_phase(self.session_id, trainee.id)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        run_attempt(
            self, trainee, self.module, QUIZ, self.session, lambda _r: self.reload(select=trainee.id), phase=phase
        )

    def action_prepost(self) -> None:
        """Switch the session's pre-test and post-test on or off (attempts already taken stay as they are)."""
        s = self.session
        if s is None:
            return
        try:
            self.tenken.ws.edit_training_session(s.id, prepost=not s.prepost)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(
            _("Pre-test and post-test on: Enter runs the pre-test first, then the post-test.")
            if not s.prepost
            else _("Pre-test and post-test off.")
        )
        self.reload()

    def action_report(self) -> None:
        """The session's completion report (.docx or .xlsx), in the session's language."""
        from pathlib import Path

        s = self.session
        if s is None:
            return
        default = str(Path.home() / f"tenken-report-{s.id}-{s.held_on.isoformat()}.docx")

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                written = self.tenken.ws.export_session_report(s.id, Path(text.strip()).expanduser(), force=True)
            except _errors() as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Wrote {path}.").format(path=written), timeout=10)

        self.app.push_screen(
            InputDialog(
                _("Completion report"),
                _("File to write (.docx or .xlsx):"),
                value=default,
                check=lambda v: (
                    None
                    if Path(v.strip()).suffix.lower() in (".docx", ".xlsx")
                    else _("The report must end in .docx or .xlsx.")
                ),
            ),
            done,
        )

    def action_exercise(self) -> None:
        trainee = self.selected()
        if trainee is not None:
            run_attempt(self, trainee, self.module, EXERCISE, self.session, lambda _r: self.reload(select=trainee.id))

    def action_history(self) -> None:
        trainee = self.selected()
        if trainee is not None:
            self.app.push_screen(TraineeScreen(trainee.id))

    def action_review(self) -> None:
        trainee = self.selected()
        if trainee is not None:
            run_review(self, trainee)

    def action_trainee_language(self) -> None:
        trainee = self.selected()
        if trainee is None or self.session is None:
            return
        new = other_language(self.tenken.ws.trainee_language(trainee, self.session))
        try:
            self.tenken.ws.set_trainee_language(trainee.id, new)
        except _errors() as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(
            _("{name} now takes training in {language}.").format(name=trainee.name, language=LANGUAGE_NAMES[new])
        )
        self.reload(select=trainee.id)

    def action_edit_session(self) -> None:
        """Date and trainer in one line: 「2026-11-23, 佐藤花子」."""
        s = self.session
        if s is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            from tui.domain.inspection import parse_date

            day, _sep, trainer = text.partition(",")
            try:
                held_on = parse_date(day)
            except ValueError:
                held_on = None
            if held_on is None:
                self.notify(_("Type the date like 2026-11-23."), severity="error")
                return
            try:
                self.tenken.ws.edit_training_session(s.id, held_on=held_on, trainer=trainer.strip() or None)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            self.reload()

        self.app.push_screen(
            InputDialog(
                _("Edit session"),
                _("Date and trainer, separated by a comma:"),
                value=f"{s.held_on.isoformat()}, {s.trainer}",
                check=lambda v: None if v.strip() else _("Type the date like 2026-11-23."),
            ),
            done,
        )

    def action_certificate(self) -> None:
        """A certificate of completion (docx) for the selected trainee, in the session's language."""
        from pathlib import Path

        trainee, s = self.selected(), self.session
        if trainee is None or s is None:
            return
        ws = self.tenken.ws
        path, note = ws.certificate_path(Path.home() / f"tenken-certificate-{s.id}-{trainee.id}.pdf")
        try:
            written = ws.training_certificate(s.id, trainee.id, path, force=True)
        except _errors() as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(((note + " ") if note else "") + _("Wrote {path}.").format(path=written), timeout=10)

    def action_import_roster(self) -> None:
        def done(text: str | None) -> None:
            if not text:
                return
            from pathlib import Path

            try:
                added, known = self.tenken.ws.import_roster(Path(text.strip()).expanduser(), self.session_id)
            except _errors() as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(
                _("Roster imported: {added} new trainees, {known} already known.").format(added=added, known=known)
            )
            self.reload()

        self.app.push_screen(
            InputDialog(
                _("Import a roster"),
                _("Path of a .csv or .xlsx file with the columns name (氏名), department (部署), email (メール):"),
                check=lambda v: None if v.strip() else _("Type a path."),
            ),
            done,
        )

    def action_export(self) -> None:
        """This session's records (roster and attempts in this session) as xlsx, csv or json (xAPI)."""
        from pathlib import Path

        s = self.session
        if s is None:
            return
        default = str(Path.home() / f"tenken-session-{s.id}-{s.held_on.isoformat()}.xlsx")

        def done(text: str | None) -> None:
            if not text:
                return
            path = Path(text.strip()).expanduser()
            fmt = path.suffix.lower().lstrip(".")
            try:
                written = self.tenken.ws.export_training_records(fmt, path, session_id=s.id)
            except _errors() as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Wrote {path}.").format(path=written), timeout=10)

        self.app.push_screen(
            InputDialog(
                _("Export this session's records"),
                _("File to write (.xlsx, .csv, or .json for xAPI statements):"),
                value=default,
                check=lambda v: (
                    None
                    if Path(v.strip()).suffix.lower() in (".xlsx", ".csv", ".json")
                    else _("The file must end in .xlsx, .csv or .json.")
                ),
            ),
            done,
        )

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()
