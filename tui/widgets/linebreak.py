"""Where to break a line of mixed Japanese and English text for a terminal of a given width (pure text logic)."""

from __future__ import annotations

from rich.cells import cell_len

# --- Japanese-aware wrapping -------------------------------------------------------------------
# Rich and Textual wrap at spaces only, so 「交換業規則 第9条第3項第3号は…」 breaks after 交換業規則 and leaves the
# line half empty. Here a line may break between any two wide characters, Latin words stay whole, and closing
# punctuation (、。」) never starts a line.

NO_LINE_START = set("、。，．,.)）」』】〕〉》｝!！?？:：;；ー・…ゝゞヽヾぁぃぅぇぉっゃゅょァィゥェォッャュョ")


def _tokens(line: str) -> list[tuple[int, int]]:
    """(start, end) of each unbreakable piece: a run of spaces, a run of narrow characters, or one wide character."""
    out, i, n = [], 0, len(line)
    while i < n:
        j = i + 1
        if line[i] == " ":
            while j < n and line[j] == " ":
                j += 1
        elif cell_len(line[i]) == 1:
            while j < n and line[j] != " " and cell_len(line[j]) == 1:
                j += 1
        out.append((i, j))
        i = j
    return out


def wrap_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newlines) so that no piece is wider than `width` cells."""
    width = max(width, 2)
    breaks: list[int] = []
    col, line_start = 0, 0
    tokens = _tokens(line)
    for k, (a, b) in enumerate(tokens):
        piece = line[a:b]
        w = cell_len(piece)
        if piece[0] == " ":
            if col + w > width:  # spaces at the end of a line disappear; the next line starts after them
                breaks.append(b)
                col, line_start = 0, b
            else:
                col += w
            continue
        if col + w <= width:
            col += w
            continue
        start = a
        if piece[0] in NO_LINE_START and k > 0 and tokens[k - 1][0] > line_start and line[tokens[k - 1][0]] != " ":
            start = tokens[k - 1][0]  # take the character before along, so the line does not start with 」 or 。
        if start > line_start:
            breaks.append(start)
            col, line_start = cell_len(line[start:b]), start
        if col > width or (start == line_start and cell_len(line[line_start:b]) > width):
            # A piece wider than the line (a long URL): fold it character by character.
            col = 0
            for pos in range(line_start, b):
                cw = cell_len(line[pos])
                if col + cw > width and pos > line_start:
                    breaks.append(pos)
                    line_start, col = pos, 0
                col += cw
    return breaks
