"""What the quiz and the exercise share: a trainee, their language, a cursor over numbered options."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from tui.domain.training import (
    Attempt,
    Trainee,
)
from tui.i18n import N_, _, other_language
from tui.screens.base import TenkenScreen
from tui.screens.plain import Static
from tui.screens.training.common import LANGUAGE_NAMES, MAX_CHOICES
from tui.widgets.footer import TenkenFooter
from tui.widgets.wrapped import Wrapped
from tui.workspace import StoreError


def _number_bindings(prefix: str) -> list[Binding]:
    return [
        Binding(str(n), f"pick({n})", N_("Choose by number"), id=f"{prefix}.pick{n}", show=False, priority=True)
        for n in range(1, MAX_CHOICES + 1)
    ]


class _Runner(TenkenScreen[int | None]):
    attempt: Attempt | None  # set by each runner
    """What the quiz and the exercise share: a trainee, their language, a cursor over numbered options."""

    DEFAULT_CSS = """
    _Runner #run-body { height: 1fr; padding: 0 2; }
    _Runner #run-question { margin: 1 0 0 0; }
    _Runner #run-options { margin: 1 0 0 0; }
    _Runner #run-feedback { margin: 1 0 0 0; height: auto; }
    _Runner #run-after { margin: 1 0 0 0; }
    """

    def __init__(self, trainee: Trainee, lang: str) -> None:
        super().__init__()
        self.trainee = trainee
        self.lang = lang
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="run-head", classes="screen-title")
        with VerticalScroll(id="run-body"):
            yield Static("", id="run-question")
            yield Static("", id="run-feedback")
            yield Static("", id="run-options")
            yield Static("", id="run-after")
        yield Static("", id="run-hint", classes="hint")
        yield TenkenFooter()

    def on_mount(self) -> None:
        self.query_one("#run-body", VerticalScroll).focus()
        self.render_all()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()

    def render_all(self) -> None:
        """Draw the current state; the quiz and the exercise each override it."""

    def _finish(self) -> None:
        """Close the attempt (its score is computed from the answers saved so far) and show the result."""
        if self.attempt is not None:
            try:
                self.attempt = self.tenken.ws.finish_attempt(self.attempt.id)
            except StoreError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
        self.stage = "result"

    def _set(self, widget_id: str, content: RichText | Table | str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        shown = True if isinstance(content, Table) else bool(content)
        widget.update(Wrapped(content) if isinstance(content, RichText) and shown else content)
        if widget.display != shown:  # setting it restyles the whole screen, even when unchanged
            widget.display = shown

    def _top(self) -> None:
        self.query_one("#run-body", VerticalScroll).scroll_home(animate=False)

    def action_trainee_language(self) -> None:
        new = other_language(self.lang)
        try:
            self.trainee = self.tenken.ws.set_trainee_language(self.trainee.id, new)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.lang = new
        self.notify(
            _("{name} now takes training in {language}.").format(name=self.trainee.name, language=LANGUAGE_NAMES[new])
        )
        self.render_all()
