"""Small typed dialogs that return their answer through `dismiss`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input

from tui.i18n import N_, _
from tui.screens.base import TenkenModal
from tui.screens.plain import Label, Prose, Static

if TYPE_CHECKING:
    from textual.app import App


class FormDialog(TenkenModal):
    """A dialog with an OK button (id "ok"), a cancel button and Escape: Enter in a field or OK calls `accept()`."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def accept(self) -> None:
        """What OK does; dialogs override it (plain OK closes)."""
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.accept()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)


class InputDialog(FormDialog):
    """Ask for one line of text; Enter accepts, Escape cancels. `check` returns an error or None."""

    def __init__(
        self,
        title: str,
        prompt: str,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Prose(self.prompt, classes="dialog-prompt")
            yield Input(self.value, placeholder=self.placeholder, id="dialog-input")
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def accept(self) -> None:
        text = self.query_one(Input).value
        problem = self.check(text) if self.check else None
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            return
        self.dismiss(text)


class ConfirmDialog(TenkenModal[bool]):
    """Ask a yes/no question: y or the first button says yes; n, Escape or the second button says no."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Prose(self.question, classes="dialog-prompt")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes or _("Yes (y)"), variant="warning", id="yes")
                yield Button(self.no or _("No (n)"), variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer is the default

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def confirm_then(app: App, title: str, question: str, then: Callable[[], object]) -> None:
    """Ask a yes/no question; `then()` runs only on yes."""

    def answer(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(ConfirmDialog(title, question), answer)


class MessageDialog(TenkenModal[None]):
    BINDINGS = [Binding("escape,enter", "close", N_("Close"), id="dialog.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Prose(self.message, classes="dialog-prompt")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
