"""Text from users, files and other laptops stays text: no terminal escapes, no Rich/Textual markup.

- `strip_controls` removes C0 and C1 control characters (but newline and tab) and DEL: what text keeps when it
  enters tenken (typed, profile files, bundles, templates, CSV). An escape sequence such as ``ESC ] 52`` (set the
  clipboard) or ``ESC [2J`` (clear the screen) then has no ESC left to act on.
- `plain` wraps user or content text for a Textual widget so that ``[/]``, ``[link=…]`` or ``[b]`` are shown as
  typed, never read as markup.
- `printable` escapes what is left of control characters when the command line prints (for text stored before
  the cleaning existed), so nothing reaches the terminal as a command; `one_line` also escapes newline and tab, for
  the one sentence of an error.

Kept light: imported at start-up, Rich only when `plain` is first called.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

#: C0 controls but tab (09) and newline (0A), DEL, and the C1 controls (80-9F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without control characters (C0 and C1, DEL); newline and tab stay. A CR LF becomes LF."""
    if not text or ("\r" not in text and not _CONTROLS.search(text)):
        return text  # the usual case, without building a copy
    return _CONTROLS.sub("", text.replace("\r\n", "\n"))


def has_controls(text: str) -> bool:
    return bool(_CONTROLS.search(text))


def printable(text: str) -> str:
    """`text` with every control character but newline and tab shown as an escape (``\\x1b``)."""
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


def one_line(text: str) -> str:
    """`text` as `printable` shows it, with newlines and tabs escaped too: an error message stays one line even when
    it quotes a file name or an argument that holds a newline."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


def plain(text: object, style: str = "") -> Text:
    """User or content text as a Rich Text: shown exactly as written (markup characters are just characters)."""
    from rich.text import Text

    return Text(strip_controls(str(text)), style=style, end="")
