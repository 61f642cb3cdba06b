"""Guards around Textual where a fast keystroke reaches a widget before it is laid out.

`OptionList._move_page` (PgUp/PgDn in any option list, the command palette's included) reads the line of the
highlighted option from a table that is filled only once the list has a size. Ctrl+P then PgDn typed quickly
reached the palette's list in that gap: KeyError, and Textual closed the app with a traceback. Paging a list that
has no lines yet now does nothing, as paging an empty list already did.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    from textual.widgets import _option_list

    original = _option_list.OptionList._move_page
    if getattr(original, "tenken_guard", False):
        return

    def _move_page(self: Any, direction: Any) -> None:
        if (self.highlighted or 0) not in self._index_to_line:  # not laid out yet: no page to move by
            return
        original(self, direction)

    _move_page.tenken_guard = True  # type: ignore[attr-defined]
    _option_list.OptionList._move_page = _move_page  # type: ignore[method-assign]
