"""A module: summary, objectives, its lessons; start the quiz or the exercise for a trainee."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from tui.domain.training import (
    EXERCISE,
    QUIZ,
    Module,
)
from tui.i18n import N_, _, get_language
from tui.screens.base import TenkenScreen
from tui.screens.dialogs import InputDialog
from tui.screens.plain import Label, Option, OptionList, Static
from tui.screens.training.common import _errors, split_name
from tui.screens.training.launch import run_attempt
from tui.screens.training.lesson import LessonViewer
from tui.widgets.footer import TenkenFooter
from tui.widgets.wrapped import Wrapped


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
                title = m.exercise.title.get(lang)
                # Most exercises are titled 「机上演習：…」 already: said twice, it read 「机上演習：机上演習：…」.
                line = (
                    _("{title} ({n} injects, pass at {mark}% with no critical decision)")
                    if title.startswith(_("Tabletop exercise"))
                    else _("Tabletop exercise: {title} ({n} injects, pass at {mark}% with no critical decision)")
                )
                info.append(
                    "\n" + line.format(title=title, n=len(m.exercise.injects), mark=m.exercise.pass_mark),
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
        yield TenkenFooter()

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
