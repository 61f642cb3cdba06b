"""A long list moved through item by item (the inspection's items): each move repaints what changed.

Textual's OptionList repaints every visible line whenever the highlight moves (`highlighted` repaints the whole
widget) and keeps a highlight that leaves the view on its edge, scrolling one line per move; with PgDn through a
150-item inspection that was a full repaint of the list, and of its scroll bar, at every item. Here a move
repaints the option the highlight leaves and the one it reaches, and an option out of view is brought to the middle
of the list, so the next moves do not scroll at all.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.reactive import reactive

from tui.screens.plain import OptionList


class ItemList(OptionList):
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def _watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            self._repaint_option(index)

    def _repaint_option(self, index: int | None) -> None:
        if index is None or not self.is_mounted:
            return
        try:
            y = self._index_to_line[index]
            height = self._heights[index]
        except KeyError:
            self.refresh()
            return
        self.refresh(Region(0, y - self.scroll_offset.y, self.scrollable_content_region.width, height))

    def scroll_to_highlight(self, top: bool = False) -> None:
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted:
            return
        try:
            y = self._index_to_line[highlighted]
            height = self._heights[highlighted]
        except KeyError:
            return
        view = self.scroll_offset.y
        if not top and view <= y and y + height <= view + self.scrollable_content_region.height:
            return  # in view already
        self.scroll_to_region(
            Region(0, y, self.scrollable_content_region.width, height),
            force=True,
            animate=False,
            top=top,
            center=not top,
            immediate=True,
        )
