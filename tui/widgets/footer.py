"""A footer that fits the terminal: when the keys do not fit, the least needed go first, never help and quit."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget (not exported by textual.widgets)

#: Kept whatever the width: a user who sees nothing else can still ask for help and leave.
ESSENTIAL = ("app.help", "app.quit")
#: Dropped first, in this order, when the keys do not fit (the command palette and `?` list them all).
EXPENDABLE = ("app.theme", "app.browse", "app.search", "<palette>", "app.language")


def _width(key_display: str, description: str) -> int:
    """Cells a compact FooterKey takes: a space either side of key, space and description."""
    return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 2


class TenkenFooter(Footer):
    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
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
        self.call_after_refresh(self.recompose)
