"""Widgets that show text as text: what users type, what files and bundles bring, what the rulebooks say.

Textual reads a plain string as markup in a Static, a Label, a DataTable cell, an option or a tree node: a note
with ``[/]`` crashed the history dialog, ``[WIP]`` vanished and ``[link=…]`` became a hidden link. Screens import
these instead of Textual's own; they take the same arguments and never interpret markup. Styling is done with
Rich Text / Textual Content objects, which are shown as they are.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import DataTable as _DataTable
from textual.widgets import Label as _Label
from textual.widgets import OptionList as _OptionList
from textual.widgets import Static as _Static
from textual.widgets.option_list import Option as _Option

from tui.textsafe import plain, strip_controls

__all__ = ["Content", "DataTable", "Label", "Option", "OptionList", "Static", "plain", "plain_content"]


def plain_content(text: object) -> Content:
    """Text for Textual APIs that read strings as markup (command palette hits and help)."""
    return Content(strip_controls(str(text)))


def plain_help(text: object) -> str:
    """Help text for the command palette, which reads it as markup: escaped, so it shows as typed."""
    from textual.markup import escape

    return escape(strip_controls(str(text)))


def _cell(value: object) -> object:
    return plain(value) if isinstance(value, str) else value


class Static(_Static):
    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class Label(_Label):
    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class OptionList(_OptionList):
    def __init__(self, *content: Any, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(*content, markup=markup, **kwargs)


class Option(_Option):
    def __init__(self, prompt: Any, id: str | None = None, disabled: bool = False) -> None:
        super().__init__(plain(prompt) if isinstance(prompt, str) else prompt, id=id, disabled=disabled)


class DataTable(_DataTable):
    """Cells given as strings are shown as they are (Rich Text), never parsed as markup."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(_cell(c) for c in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, _cell(value), **kwargs)

    def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell_at(coordinate, _cell(value), **kwargs)
