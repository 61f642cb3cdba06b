"""Where to break a line of mixed Japanese and English text for a terminal of a given width (pure text logic).

Rich and Textual wrap at spaces only, so 「交換業規則第9条第3項第3号は…」 breaks after 交換業規則 and leaves the line
half empty, or be cut anywhere. Here Japanese breaks between phrases, as BudouX (Google's phrase segmenter, a small
model with no dictionary) finds them, so 「緊急時対応」 is never cut into 「緊急時対」/「応」. English words stay whole
(breaks only at spaces between narrow characters), kinsoku rules hold (no line starts with 、。」） and the like, no
line ends with 「（), a wide character is never split, and a piece wider than the whole line (a long URL, a very
long phrase at a narrow width) is folded character by character.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

NO_LINE_START = frozenset(
    "、。，．,.)）」』】〕〉》｝]］!！?？:：;；ー・…‥ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜"
)
NO_LINE_END = frozenset("（(「『【〔〈《｛[［")


@lru_cache(maxsize=1)
def _parser():  # loaded on first use: nothing on the start path
    import budoux

    return budoux.load_default_japanese_parser()


def _narrow(ch: str) -> bool:
    return ch != " " and cell_len(ch) == 1


@lru_cache(maxsize=2048)
def _pieces(line: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each unbreakable piece: a run of spaces, or the text between two allowed breaks."""
    if not line:
        return ()
    cuts: set[int] = set()
    pos = 0
    for phrase in _parser().parse(line):
        pos += len(phrase)
        cuts.add(pos)
    for k in range(1, len(line)):
        if (line[k] == " ") != (line[k - 1] == " "):
            cuts.add(k)  # the edges of every run of spaces
    allowed = sorted(
        k
        for k in cuts
        if 0 < k < len(line)
        and (line[k] == " " or line[k - 1] == " " or not (_narrow(line[k]) and _narrow(line[k - 1])))
        and line[k] not in NO_LINE_START
        and line[k - 1] not in NO_LINE_END
    )
    bounds = [0, *allowed, len(line)]
    return tuple((a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b)


def _fold(line: str, start: int, end: int, width: int, breaks: list[int]) -> int:
    """Fold line[start:end] (which starts a line) character by character; returns the cells used on its last line."""
    col, line_start = 0, start
    pos = start
    while pos < end:
        cw = cell_len(line[pos])
        if col + cw > width and pos > line_start:
            cut = pos
            # kinsoku: pull one character along rather than start a line with 」 or end one with 「
            if (line[cut] in NO_LINE_START or line[cut - 1] in NO_LINE_END) and cut - 1 > line_start:
                cut -= 1
            breaks.append(cut)
            line_start, col, pos = cut, 0, cut
            continue
        col += cw
        pos += 1
    return col


def wrap_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newlines) so that no line is wider than `width` cells."""
    width = max(width, 2)
    breaks: list[int] = []
    col = 0
    for a, b in _pieces(line):
        piece = line[a:b]
        w = cell_len(piece)
        if not piece.strip(" "):
            if col + w > width:  # spaces at the end of a line disappear; the next line starts after them
                breaks.append(b)
                col = 0
            else:
                col += w
            continue
        if col + w <= width:
            col += w
            continue
        if col > 0:
            breaks.append(a)
            col = 0
        col = w if w <= width else _fold(line, a, b, width, breaks)
    return [b for b in breaks if 0 < b < len(line)]


def quick_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newlines) without the phrase model: after a run of spaces, or next to a wide
    character; kinsoku rules hold where a choice exists, a wide character is never split, and a word wider than
    the line is folded. For text drawn at every keystroke (search hits), where the phrase model's 0.1–0.3 ms a line
    is too dear. Spaces where a line is cut belong to the earlier line (drawn trimmed)."""
    width = max(width, 2)
    cells = list(map(get_character_cell_size, line))
    if sum(cells) <= width:
        return []
    breaks: list[int] = []
    start, col = 0, 0  # where the current line starts, and the cells it holds so far
    last, last_col = -1, 0  # the latest place the current line may be cut, and the cells before it
    before, before_cells = "", 0
    for i, ch in enumerate(line):
        w = cells[i]
        if (
            i > start
            and ch != " "
            and (before == " " or w == 2 or before_cells == 2)
            and ch not in NO_LINE_START
            and before not in NO_LINE_END
        ):
            last, last_col = i, col
        if col + w > width and ch != " " and i > start and last > start:
            breaks.append(last)  # break at the latest place allowed
            start, col, last = last, col - last_col, -1
        if col + w > width and ch != " " and i > start:  # still too wide: fold here, pulling one character along
            cut = i
            if (ch in NO_LINE_START or before in NO_LINE_END) and i - 1 > start and cells[i - 1] + w <= width:
                cut = i - 1
            breaks.append(cut)
            start, col, last = cut, sum(cells[cut:i]), -1
        col += w
        before, before_cells = ch, w
    return breaks
