"""Shared screen behaviour: footer and help show binding descriptions in the active language."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen

from tui.i18n import N_, _

# Descriptions of Textual's own bindings that tenken shows in its footer.
TEXTUAL_DESCRIPTIONS = (N_("palette"), N_("Dismiss menu"))

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete

    from tui.app import TenkenApp

    _MixedInto = Screen[Any]  # what the mixin below is mixed into, for the type checker only
else:
    _MixedInto = object


def translate_bindings(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    out = {}
    for key, active in bindings.items():
        b = active.binding
        translated = dataclasses.replace(b, description=_(b.description) if b.description else b.description)
        out[key] = active._replace(binding=translated, tooltip=_(active.tooltip) if active.tooltip else active.tooltip)
    return out


class TranslatedBindings(_MixedInto):
    """Mixin: binding descriptions are msgids, translated each time the footer asks for them."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_bindings(super().active_bindings)

    @property
    def tenken(self) -> TenkenApp:
        return cast("TenkenApp", self.app)

    async def on_language_changed(self) -> Any:
        """Called after a language switch; screens re-render their text and keep what was typed and chosen (a
        dialog's path, the officer's name, a date) and where the focus was."""
        kept = form_state(self)
        focused = self.focused.id if self.focused is not None else None
        await self.recompose()
        restore_form_state(self, kept)
        if focused and self.query(f"#{focused}"):
            self.query_one(f"#{focused}").focus()

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """A notification whose text (often a user's or a file's) is shown as text, never read as markup."""
        super().notify(message, markup=markup, **kwargs)


def form_state(screen: Any) -> list[tuple[str, str, Any]]:
    """(id, kind, value) of every field with an id: choices first, then what was typed (a choice may fill in a
    field, such as the export path from the format, and what was typed must win)."""
    from textual.widgets import Checkbox, Input, Select, SelectionList, Switch, TextArea

    choices, typed = [], []
    for widget in screen.query("*"):
        if not widget.id:
            continue
        if isinstance(widget, (Select, Checkbox, Switch)):
            choices.append((widget.id, "value", widget.value))
        elif isinstance(widget, SelectionList):
            choices.append((widget.id, "selected", list(widget.selected)))
        elif isinstance(widget, Input):
            typed.append((widget.id, "value", widget.value))
        elif isinstance(widget, TextArea):
            typed.append((widget.id, "text", widget.text))
    return choices + typed


def restore_form_state(screen: Any, state: list[tuple[str, str, Any]]) -> None:
    from textual.widgets import Select, SelectionList, TextArea

    for widget_id, kind, value in state:
        found = screen.query(f"#{widget_id}")
        if not found:
            continue
        widget = found.first()
        if kind == "selected" and isinstance(widget, SelectionList):
            widget.deselect_all()
            for v in value:
                widget.select(v)
        elif kind == "text" and isinstance(widget, TextArea):
            if widget.text != value:
                widget.load_text(value)
        elif isinstance(widget, Select) and value is not Select.NULL:
            with contextlib.suppress(Exception):  # a choice the recomposed list no longer offers
                widget.value = value
        elif getattr(widget, kind, value) != value:
            setattr(widget, kind, value)


R = TypeVar("R")
# Each screen brings its own stylesheet, read when it is first shown: start-up matches only the home screen's rules.
STYLES = Path(__file__).resolve().parent.parent / "styles"


class TenkenScreen(TranslatedBindings, Screen[R], Generic[R]):
    pass


class TenkenModal(TranslatedBindings, ModalScreen[R], Generic[R]):
    CSS_PATH = STYLES / "dialogs.tcss"

    _dismissed = False

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        """Close with `result`, once: a second Enter or click that arrives before the dialog has gone (a double
        press) is ignored, and the first answer stands. Textual passed the second one on as well, and the result
        was set twice (InvalidStateError: the app closed)."""
        from textual.await_complete import AwaitComplete

        if self._dismissed:
            return AwaitComplete()
        self._dismissed = True
        return super().dismiss(result)
