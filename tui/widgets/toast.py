"""Notifications whose Japanese breaks between phrases, like the rest of tenken's text.

Textual's Toast wraps at spaces only, so a toast broke 「…自主点検（20」 / 「20年周知文）をごみ箱に移しました」. The
toast rack builds its toasts by the module's name `Toast`; `install()` points that name at this subclass, which
renders the same title and message through `Wrapped` (the message stays as it was sent, only its lines differ).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text as RichText
from textual.widgets import _toast

from tui.widgets.wrapped import Wrapped


class WrappedToast(_toast.Toast):
    def render(self) -> Any:
        notification = self._notification
        if notification.markup:  # tenken never sends markup; anything else is left to Textual
            return super().render()
        text = RichText(notification.message)
        if notification.title:
            title = RichText(notification.title, style=self.get_visual_style("toast--title").rich_style)
            text = RichText.assemble(title, "\n", text)
        return Wrapped(text)


def install() -> None:
    _toast.Toast = WrappedToast  # type: ignore[misc]  # the rack looks the class up by this name
