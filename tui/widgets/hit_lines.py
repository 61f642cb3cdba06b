"""A search hit as the result list draws it: `[kind] title`, then the snippet indented, matched characters marked.

The list is redrawn at every keystroke, so a hit is laid out once per width and that layout serves both questions
the list asks of it — how many lines it needs, and what they show. (Textual's own text wrapped each hit twice, once
for its height and once to draw it, and a Rich Text prompt was converted to Content on the way: together most of a
keystroke's time.) Lines break with `quick_offsets` (spaces, wide characters, kinsoku); text is shown as text, never
parsed as markup; control characters are drawn as spaces.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RulesMap, Visual

from tui.widgets.linebreak import quick_offsets

KIND = RichStyle(dim=True)
TITLE = RichStyle(bold=True)
TITLE_MATCH = RichStyle(bold=True, reverse=True)
MATCH = RichStyle(color="yellow", reverse=True)
INDENT = "  "
#: Every control character, newline and tab included (a hit is laid out on its own lines).
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Run = tuple[str, RichStyle | None]


def _runs(text: str, spans: tuple[tuple[int, int], ...], base: RichStyle | None, marked: RichStyle) -> list[Run]:
    """`text` cut into runs of one style: `marked` inside the spans, `base` elsewhere."""
    runs: list[Run] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            runs.append((text[pos:start], base))
        runs.append((text[start:end], marked))
        pos = end
    if pos < len(text):
        runs.append((text[pos:], base))
    return runs


def _cut(runs: list[Run], offsets: list[int]) -> list[list[Run]]:
    """The runs of each line, cutting at the character offsets."""
    lines: list[list[Run]] = [[]]
    bounds = iter([*offsets, -1])
    next_cut = next(bounds)
    pos = 0
    for text, style in runs:
        while next_cut != -1 and pos + len(text) > next_cut:
            head, text = text[: next_cut - pos], text[next_cut - pos :]
            if head:
                lines[-1].append((head, style))
            lines.append([])
            pos, next_cut = next_cut, next(bounds)
        if text:
            lines[-1].append((text, style))
        pos += len(text)
    return lines


def _trimmed(line: list[Run], first: bool) -> list[Run]:
    """A line without the spaces it was cut at (trailing; leading too on a continuation line)."""
    out = list(line)
    while out and not out[-1][0].rstrip(" "):
        out.pop()
    if out:
        out[-1] = (out[-1][0].rstrip(" "), out[-1][1])
    if not first:
        while out and not out[0][0].lstrip(" "):
            out.pop(0)
        if out:
            out[0] = (out[0][0].lstrip(" "), out[0][1])
    return out


class HitLines(Visual):
    def __init__(
        self,
        kind: str,
        title: str,
        snippet: str,
        title_highlights: tuple[tuple[int, int], ...] = (),
        highlights: tuple[tuple[int, int], ...] = (),
    ) -> None:
        # Controls become spaces, one for one, so the highlight offsets still point at the same characters.
        kind, title, snippet = (CONTROLS.sub(" ", t) for t in (kind, title, snippet))
        head = f"[{kind}] "
        self._head: list[Run] = [(head, KIND)]
        self._head += _runs(title, tuple((s, e) for s, e in title_highlights), TITLE, TITLE_MATCH)
        self._head_text = head + title
        self._snippet = _runs(snippet, highlights, None, MATCH)
        self._snippet_text = snippet
        self._layout: tuple[int, list[list[Run]]] | None = None

    @property
    def plain(self) -> str:
        """The text as shown, before wrapping."""
        return self._head_text + (f"\n{INDENT}{self._snippet_text}" if self._snippet_text else "")

    def lines(self, width: int) -> list[list[Run]]:
        """The hit's lines at `width` cells, laid out once per width."""
        if self._layout is None or self._layout[0] != width:
            width = max(width, len(INDENT) + 2)
            head = _cut(self._head, quick_offsets(self._head_text, width))
            lines = [_trimmed(line, n == 0) for n, line in enumerate(head)]
            if self._snippet_text:
                body = _cut(self._snippet, quick_offsets(self._snippet_text, width - len(INDENT)))
                lines += [[(INDENT, None), *_trimmed(line, n == 0)] for n, line in enumerate(body)]
            self._layout = (width, lines)
        return self._layout[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        base = style.rich_style
        strips = []
        for line in self.lines(width)[:height]:
            segments = [Segment(text, base + run_style if run_style else base) for text, run_style in line]
            length = sum(cell_len(text) for text, _ in line)
            if length > width:  # a grapheme measured wider as a whole than as characters: never past the edge
                text = set_cell_size("".join(t for t, _ in line), width)
                segments, length = [Segment(text, base)], width
            strips.append(Strip(segments, length))
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(cell_len(self._head_text), len(INDENT) + cell_len(self._snippet_text))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))
