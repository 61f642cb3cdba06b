"""Training: modules and their lessons, trainer sessions with rosters, trainees, their history and reviews.

The training home lists modules, sessions and trainees; Tab moves between the three lists and Enter opens the
highlighted row. Quizzes, reviews and exercises run in tui/screens/quiz.py. Every rule and every write goes
through the Workspace's training methods.
"""

from __future__ import annotations

from rich.text import Text as RichText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Select

from tui.domain.training import (
    COMPLETION_LABELS,
    EXERCISE,
    PASSED,
    QUIZ,
    Completion,
    Module,
    Trainee,
    TrainingSession,
)
from tui.i18n import N_, _, format_date, get_language, other_language
from tui.screens.base import TenkenModal, TenkenScreen
from tui.screens.dialogs import InputDialog
from tui.screens.plain import DataTable, Label, Option, OptionList, Static
from tui.screens.quiz import LANGUAGE_NAMES, ExerciseScreen, QuizScreen, Wrapped, open_cited
from tui.workspace import StoreError

STATUS_STYLE = {"not_started": "dim", "in_progress": "yellow", "passed": "bold green"}
KIND_LABELS = {QUIZ: N_("quiz"), EXERCISE: N_("exercise")}


def _errors():
    from tui.workspace import UserError

    return (StoreError, UserError)


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


def run_attempt(
    screen: TenkenScreen, trainee: Trainee, module: Module, kind: str, session: TrainingSession | None = None, done=None
) -> None:
    """Start (or resume) the trainee's quiz or exercise and show it in the trainee's language."""
    ws = screen.tenken.ws
    try:
        attempt = ws.start_attempt(trainee.id, module.id, kind, session.id if session else None)
    except _errors() as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return
    lang = ws.trainee_language(trainee, session)
    if kind == EXERCISE:
        screen.app.push_screen(ExerciseScreen(trainee, lang, attempt, module), done)
    else:
        screen.app.push_screen(QuizScreen(trainee, lang, attempt=attempt, module=module), done)


def run_review(screen: TenkenScreen, trainee: Trainee, done=None) -> None:
    ws = screen.tenken.ws
    try:
        due = ws.due_reviews(trainee.id)
    except _errors() as exc:
        screen.notify(str(exc), severity="error")
        return
    if not due:
        screen.notify(_("No review is due for {name}.").format(name=trainee.name))
        return
    items = [(module, question) for module, question, _card in due]
    screen.app.push_screen(QuizScreen(trainee, ws.trainee_language(trainee), review=items), done)


def _table_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


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
        yield Footer()

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
        if self.is_attached:
            self.reload()
            self.query_one("#training-modules", DataTable).focus()

    def _columns(self) -> None:
        t = self.query_one("#training-modules", DataTable)
        if not t.columns:
            for key, label in (
                ("title", _("Module")),
                ("lessons", _("Lessons")),
                ("questions", _("Questions")),
                ("minutes", _("Minutes")),
                ("pass", _("Pass mark")),
                ("exercise", _("Exercise")),
            ):
                t.add_column(label, key=key)
        t = self.query_one("#training-sessions", DataTable)
        if not t.columns:
            for key, label in (
                ("id", _("ID")),
                ("date", _("Date")),
                ("module", _("Module")),
                ("trainer", _("Trainer")),
                ("lang", _("Language")),
                ("roster", _("Trainees")),
                ("passed", _("Passed")),
            ):
                t.add_column(label, key=key)
        t = self.query_one("#training-trainees", DataTable)
        if not t.columns:
            for key, label in (
                ("name", _("Name")),
                ("dept", _("Department")),
                ("lang", _("Language")),
                ("passed", _("Modules passed")),
                ("due", _("Reviews due")),
            ):
                t.add_column(label, key=key)

    def reload(self) -> None:
        if not self._loaded:
            return
        ws = self.tenken.ws
        lang = get_language()
        try:
            sessions = ws.training_sessions()
            records = ws.training_records()
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
            passed = sum(1 for tr in s.roster if status.get((tr.id, s.module_id)) == PASSED)
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


def _today():
    from tui.domain import inspection

    return inspection.today()


class ModuleScreen(TenkenScreen[None]):
    """A module: summary, objectives, its lessons; start the quiz or the exercise for a trainee."""

    DEFAULT_CSS = """
    ModuleScreen #module-body { height: 1fr; padding: 0 1; }
    ModuleScreen #module-lessons { height: auto; max-height: 12; margin: 1 0; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.module.back"),
        Binding("s", "quiz", N_("Take the quiz"), id="training.module.quiz"),
        Binding("x", "exercise", N_("Tabletop exercise"), id="training.module.exercise"),
    ]

    def __init__(self, module_id: str) -> None:
        super().__init__()
        self.module_id = module_id

    @property
    def module(self) -> Module:
        return self.tenken.ws.training_module(self.module_id)

    def compose(self) -> ComposeResult:
        m = self.module
        lang = get_language()
        yield Header(icon="")
        yield Static(m.title.get(lang), classes="screen-title")
        with VerticalScroll(id="module-body"):
            info = RichText()
            info.append(m.summary.get(lang) + "\n\n")
            info.append(_("Audience:") + " ", style="bold")
            info.append(m.audience.get(lang) + "\n")
            info.append(_("Objectives:") + "\n", style="bold")
            for o in m.objectives:
                info.append(f"  • {o.get(lang)}\n")
            info.append(
                _("{lessons} lessons, {questions} questions, {minutes} min, pass mark {mark}%").format(
                    lessons=len(m.lessons), questions=len(m.quiz), minutes=m.minutes, mark=m.pass_mark
                ),
                style="dim",
            )
            if m.exercise is not None:
                info.append(
                    "\n"
                    + _("Tabletop exercise: {title} ({n} injects, pass at {score} of {max})").format(
                        title=m.exercise.title.get(lang),
                        n=len(m.exercise.injects),
                        score=m.exercise.pass_score,
                        max=m.exercise.max_score,
                    ),
                    style="dim",
                )
            yield Static(Wrapped(info))
            yield Label(_("Lessons (Enter to read)"), classes="field-label")
            yield OptionList(
                *[
                    Option(
                        f"{n}. {lesson.title.get(lang)}  (" + _("{n} min").format(n=lesson.minutes) + ")", id=lesson.id
                    )
                    for n, lesson in enumerate(m.lessons, 1)
                ],
                id="module-lessons",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#module-lessons", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.push_screen(LessonViewer(self.module_id, event.option_index))

    def _ask_trainee(self, title: str, then) -> None:
        def done(text: str | None) -> None:
            if not text:
                return
            name, dept = split_name(text)
            try:
                trainee = self.tenken.ws.trainee_named(name, dept)
            except _errors() as exc:
                self.notify(str(exc), severity="error")
                return
            then(trainee)

        self.app.push_screen(
            InputDialog(
                title,
                _("The trainee's name (a new name adds the trainee; a department may follow a comma):"),
                placeholder="山田太郎, 総務部",
                check=lambda v: None if v.strip() else _("Type a name."),
            ),
            done,
        )

    def action_quiz(self) -> None:
        self._ask_trainee(_("Who takes the quiz?"), lambda t: run_attempt(self, t, self.module, QUIZ))

    def action_exercise(self) -> None:
        self._ask_trainee(_("Who takes part in the exercise?"), lambda t: run_attempt(self, t, self.module, EXERCISE))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "exercise":
            return self.module.exercise is not None
        return True

    def action_back(self) -> None:
        self.dismiss(None)


class LessonViewer(TenkenScreen[None]):
    """One lesson's Markdown; → and ← page through the module's lessons, `o` shows the other language."""

    DEFAULT_CSS = """
    LessonViewer #lesson-body { height: 1fr; padding: 0 2; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.lesson.back"),
        Binding("right,n", "step(1)", N_("Next lesson"), id="training.lesson.next", priority=True, key_display="→"),
        Binding(
            "left,p", "step(-1)", N_("Previous lesson"), id="training.lesson.previous", priority=True, key_display="←"
        ),
        Binding("o", "other_language", N_("Other language"), id="training.lesson.language"),
        Binding("a", "article", N_("Cited article"), id="training.lesson.article"),
    ]

    def __init__(self, module_id: str, index: int = 0, lang: str | None = None) -> None:
        super().__init__()
        self.module_id = module_id
        self.index = index
        self.lang = lang

    @property
    def module(self) -> Module:
        return self.tenken.ws.training_module(self.module_id)

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        yield Header(icon="")
        yield Static("", id="lesson-head", classes="screen-title")
        with VerticalScroll(id="lesson-body"):
            yield Markdown("", id="lesson-markdown")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#lesson-body", VerticalScroll).focus()
        await self.show()

    async def show(self) -> None:
        from textual.widgets import Markdown

        lang = self.lang or get_language()
        m = self.module
        lesson = m.lessons[self.index]
        self.query_one("#lesson-head", Static).update(
            _("Lesson {n} of {total}: {title} ({minutes} min)").format(
                n=self.index + 1, total=len(m.lessons), title=lesson.title.get(lang), minutes=lesson.minutes
            )
        )
        await self.query_one("#lesson-markdown", Markdown).update(lesson.body.get(lang))
        self.query_one("#lesson-body", VerticalScroll).scroll_home(animate=False)

    async def action_step(self, step: int) -> None:
        new = self.index + step
        if 0 <= new < len(self.module.lessons):
            self.index = new
            await self.show()
        else:
            self.notify(_("This is the last lesson.") if step > 0 else _("This is the first lesson."))

    async def action_other_language(self) -> None:
        self.lang = other_language(self.lang or get_language())
        await self.show()

    def action_article(self) -> None:
        open_cited(self, self.module.lessons[self.index].cites, self.lang or get_language())

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        await self.on_mount()


class NewSessionDialog(TenkenModal[int | None]):
    """Module, date, trainer and language of a new trainer session; returns its id."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="training.dialog.cancel")]

    def __init__(self, modules: list[Module]) -> None:
        super().__init__()
        self.modules = modules

    def compose(self) -> ComposeResult:
        lang = get_language()
        with Vertical(classes="dialog"):
            yield Label(_("New training session"), classes="dialog-title")
            yield Label(_("Module"), classes="field-label")
            yield Select(
                [(m.title.get(lang), m.id) for m in self.modules],
                value=self.modules[0].id,
                allow_blank=False,
                id="session-module",
            )
            yield Label(_("Date"), classes="field-label")
            yield Input(_today().isoformat(), placeholder="2026-11-23", id="session-date")
            yield Label(_("Trainer"), classes="field-label")
            yield Input(self.tenken.ws.user_name(), id="session-trainer")
            yield Label(_("Language of the session"), classes="field-label")
            yield Select(
                [(LANGUAGE_NAMES["ja"], "ja"), (LANGUAGE_NAMES["en"], "en")],
                value=lang,
                allow_blank=False,
                id="session-lang",
            )
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#session-module", Select).focus()

    def _accept(self) -> None:
        from tui.domain.inspection import parse_date

        error = self.query_one("#dialog-error", Static)
        try:
            held_on = parse_date(self.query_one("#session-date", Input).value)
        except ValueError:
            held_on = None
        if held_on is None:
            error.update(_("Type the date like 2026-11-23."))
            return
        try:
            session = self.tenken.ws.create_training_session(
                str(self.query_one("#session-module", Select).value),
                held_on,
                self.query_one("#session-trainer", Input).value,
                str(self.query_one("#session-lang", Select).value),
            )
        except _errors() as exc:
            error.update(str(exc))
            return
        self.dismiss(session.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
    ]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: TrainingSession | None = None
        self.results: list[Completion] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="session-head", classes="screen-title")
        yield DataTable(id="session-roster", cursor_type="row", zebra_stripes=True)
        yield Static("", id="session-empty", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        if not t.columns:
            for key, label in (
                ("name", _("Name")),
                ("dept", _("Department")),
                ("lang", _("Language")),
                ("status", _("Completion")),
                ("best", _("Best score")),
                ("attempts", _("Attempts")),
                ("last", _("Last date")),
                ("exercise", _("Exercise")),
            ):
                t.add_column(label, key=key)
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
        trainee = self.selected()
        if trainee is not None:
            run_attempt(self, trainee, self.module, QUIZ, self.session, lambda _r: self.reload(select=trainee.id))

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

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()


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
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#trainee-modules", DataTable)
        if not t.columns:
            for key, label in (
                ("module", _("Module")),
                ("status", _("Completion")),
                ("best", _("Best score")),
                ("attempts", _("Attempts")),
                ("first", _("First date")),
                ("last", _("Last date")),
                ("minutes", _("Minutes")),
            ):
                t.add_column(label, key=key)
        t = self.query_one("#trainee-history", DataTable)
        if not t.columns:
            for key, label in (
                ("when", _("Started")),
                ("module", _("Module")),
                ("kind", _("Kind")),
                ("session", _("Session")),
                ("score", _("Score")),
                ("result", _("Result")),
                ("minutes", _("Minutes")),
            ):
                t.add_column(label, key=key)
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
                _(KIND_LABELS[a.kind]),
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

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()
