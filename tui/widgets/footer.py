"""The footer: it fits the terminal, and it is built once per change of the keys it shows.

Fitting: when the keys do not fit, the least needed go first, never help and quit (nothing is cut mid-character).
Speed: Textual's Footer starts empty and builds its key widgets only after the screen's first frame, again after
every "bindings updated" notice of its screen (the home screen's footer was built three times and the screen was
complete only in its fourth frame). This one shows its keys from the start, queues at most one rebuild at a time and
skips it when the keys, their labels and states are what it shows already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget (not exported by textual.widgets)

if TYPE_CHECKING:
    from textual.screen import Screen

#: Kept whatever the width: a user who sees nothing else can still ask for help and leave.
ESSENTIAL = ("app.help", "app.quit")
#: Dropped first, in this order, when the keys do not fit (the command palette and `?` list them all).
EXPENDABLE = ("app.theme", "app.browse", "app.search", "<palette>", "app.language")


def _width(key_display: str, description: str) -> int:
    """Cells a compact FooterKey takes: a space either side of key, space and description."""
    return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 2


Shown = tuple[object, ...]


class TenkenFooter(Footer):
    def __init__(self, *, show_command_palette: bool = True, compact: bool = False) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=compact)
        self.set_reactive(Footer._bindings_ready, True)  # the keys in the screen's first frame
        self._queued = False
        self._shown: Shown | None = None

    def _keys(self) -> Shown:
        """Everything of the screen's bindings that compose reads, and the width, to compare with what is shown."""
        app = self.app
        return (
            self.show_command_palette,
            app.size.width,
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
        if not self.is_attached or not self.is_mounted:  # its screen was closed meanwhile
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        active = self.screen.active_bindings
        seen: set[str] = set()
        keys: list[tuple[Binding, bool, str]] = []
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((binding, enabled, tooltip))
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                palette = found
        budget = self.app.size.width

        def total() -> int:
            used = sum(_width(self.app.get_key_display(b), b.description) for b, _e, _t in keys)
            if palette is not None:
                used += _width(self.app.get_key_display(palette[1]), palette[1].description) + 1  # its border
            return used

        for victim in EXPENDABLE:
            if total() <= budget:
                break
            if victim == "<palette>":
                palette = None
            else:
                keys = [k for k in keys if k[0].id != victim]
        # Still too wide: drop the screen's own keys from the end (help lists them), never the essential ones.
        while total() > budget and any(k[0].id not in ESSENTIAL for k in keys):
            last = max(i for i, k in enumerate(keys) if k[0].id not in ESSENTIAL)
            del keys[last]
        self.styles.grid_size_columns = len(keys)
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        if not self._queued:
            self._queued = True
            self.call_after_refresh(self._recompose_if_changed)
