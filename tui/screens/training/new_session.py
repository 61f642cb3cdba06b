"""The dialog that creates a trainer session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select

from tui.domain.training import (
    EXAM,
    PRACTICE,
    Module,
)
from tui.i18n import N_, _, get_language
from tui.screens.base import TenkenModal
from tui.screens.plain import Label, Static
from tui.screens.training.common import LANGUAGE_NAMES, _errors, _today


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
            yield Input(self.tenken.ws.default_trainer(), placeholder=_("the trainer's name"), id="session-trainer")
            yield Label(_("Language of the session"), classes="field-label")
            yield Select(
                [(LANGUAGE_NAMES["ja"], "ja"), (LANGUAGE_NAMES["en"], "en")],
                value=lang,
                allow_blank=False,
                id="session-lang",
            )
            yield Label(_("Mode"), classes="field-label")
            yield Select(
                [
                    (_("practice: the answer and its explanation after each question"), PRACTICE),
                    (_("exam: answers and explanations only at the end"), EXAM),
                ],
                value=PRACTICE,
                allow_blank=False,
                id="session-mode",
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
                mode=str(self.query_one("#session-mode", Select).value),
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
