"""The footer: Textual's, recomposed once per change of the keys it shows rather than once per notice.

Textual's Footer starts empty and builds its key widgets only after the screen's first frame, again after every
"bindings updated" notice of its screen, and a screen sends several while it opens (mount, focus, the first data):
the home screen's footer of ten keys was built three times, and the screen was complete only in its fourth frame.
This one shows its keys from the start, queues at most one rebuild at a time and skips it when the keys, their
labels and states are what it shows already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

Shown = tuple[object, ...]


class TenkenFooter(Footer):
    def __init__(self, *, show_command_palette: bool = True, compact: bool = False) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=compact)
        self.set_reactive(Footer._bindings_ready, True)  # the keys in the screen's first frame
        self._queued = False
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    def _keys(self) -> Shown:
        """Everything of the screen's bindings that Footer.compose reads, to compare with what is shown."""
        app = self.app
        return (
            self.show_command_palette,
            tuple(
                (binding, app.get_key_display(binding), enabled, tooltip)
                for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show or binding.action == "command_palette"
            ),
        )

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._queued:
            return
        self._queued = True
        self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._queued = False
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
