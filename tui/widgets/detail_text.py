"""The inspection's detail pane and its texts (question, references, evidence, what good looks like).

When a layout gives a widget a new size, Textual lays the whole screen out once more for it: it records the
widget's new virtual size through a reactive that asks for layout, though the size came from that very layout. A
PgDn whose question is longer or shorter than the last one paid two or three full layouts for it; one is enough
(the scroll bars are still updated in that same layout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll

from tui.screens.plain import Static

if TYPE_CHECKING:
    from textual.widget import Widget

    _Sized = Widget  # what the mixin is mixed into, for the type checker only
else:
    _Sized = object


class OneLayout(_Sized):
    """Mixin: a size found by a layout is recorded without asking for another layout."""

    def _size_updated(self, size: Any, virtual_size: Any, container_size: Any, layout: bool = True) -> bool:
        return bool(super()._size_updated(size, virtual_size, container_size, layout=False))


class DetailText(OneLayout, Static):
    pass


class DetailPane(OneLayout, VerticalScroll):
    pass
