"""Rich renderables that wrap Japanese text with `wrap_offsets`, and the numbered option grid."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text as RichText

from tui.widgets.linebreak import wrap_offsets


class Wrapped:
    """A Rich renderable: `text` wrapped with `wrap_offsets`, styles kept."""

    def __init__(self, text: RichText | str, style: str = "") -> None:
        self.text = RichText(text, style=style) if isinstance(text, str) else text

    def __str__(self) -> str:
        return self.text.plain

    def __eq__(self, other: object) -> bool:  # the same text and styles: show_in_place leaves the widget alone
        return isinstance(other, Wrapped) and self.text == other.text and self.text.style == other.text.style

    __hash__ = None  # type: ignore[assignment]  # mutable text inside

    def lines(self, width: int) -> list[RichText]:
        out: list[RichText] = []
        for para in self.text.split("\n", allow_blank=True):
            for piece in para.divide(wrap_offsets(para.plain, width)):
                piece.rstrip()
                out.append(piece)
        return out

    def __rich_console__(self, console, options):
        for line in self.lines(options.max_width):
            line.end = "\n"
            line.no_wrap = True
            line.overflow = "crop"
            yield line

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        paras = self.text.plain.split("\n")
        widest = max((cell_len(p) for p in paras), default=0)
        return Measurement(min(widest, 2), min(widest, options.max_width))


def option_grid(rows: Sequence[tuple[RichText, RichText | Wrapped]]) -> Table:
    """Numbered options with a hanging indent: wrapped lines stay under their text, not under the number."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for marker, text in rows:
        grid.add_row(marker, text if isinstance(text, Wrapped) else Wrapped(text))
    return grid
