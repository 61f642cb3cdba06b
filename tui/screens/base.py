"""Shared screen behaviour: footer and help show binding descriptions in the active language."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen

from tui.i18n import N_, _

# Descriptions of Textual's own bindings that tenken shows in its footer.
TEXTUAL_DESCRIPTIONS = (N_("palette"), N_("Dismiss menu"))

if TYPE_CHECKING:
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

    def on_language_changed(self) -> Any:
        """Called after a language switch; screens re-render their text."""
        return self.recompose()

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """A notification whose text (often a user's or a file's) is shown as text, never read as markup."""
        super().notify(message, markup=markup, **kwargs)


R = TypeVar("R")
# Each screen brings its own stylesheet, read when it is first shown: start-up matches only the home screen's rules.
STYLES = Path(__file__).resolve().parent.parent / "styles"


class TenkenScreen(TranslatedBindings, Screen[R], Generic[R]):
    pass


class TenkenModal(TranslatedBindings, ModalScreen[R], Generic[R]):
    CSS_PATH = STYLES / "dialogs.tcss"
