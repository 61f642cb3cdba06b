"""A text of the inspection's detail pane (question, references, evidence, what good looks like).

When a layout gives such a text a new height, Textual lays the whole screen out once more for it: it records the
widget's new virtual size through a reactive that asks for layout, though the size came from that very layout. A
PgDn whose question is longer or shorter than the last one paid two or three full layouts for it; one is enough.
"""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll

from tui.screens.plain import Static


class DetailText(Static):
    def _size_updated(self, size: Any, virtual_size: Any, container_size: Any, layout: bool = True) -> bool:
        return bool(super()._size_updated(size, virtual_size, container_size, layout=False))


class DetailPane(VerticalScroll):
    """The detail pane itself: its scroll range follows its texts in the same layout (scroll bars are updated
    there too), without the second pass Textual asks for when its content height changes."""

    def _size_updated(self, size: Any, virtual_size: Any, container_size: Any, layout: bool = True) -> bool:
        return bool(super()._size_updated(size, virtual_size, container_size, layout=False))
