"""Widgets that show text as text: what users type, what files and bundles bring, what the rulebooks say.

Textual reads a plain string as markup in a Static, a Label, a DataTable cell, an option or a tree node: a note
with ``[/]`` crashed the history dialog, ``[WIP]`` vanished and ``[link=…]`` became a hidden link. Screens import
these instead of Textual's own; they take the same arguments and never interpret markup. Styling is done with
Rich Text / Textual Content objects, which are shown as they are.

Each class is built when a screen first imports it (module `__getattr__`), so the home screen pays only for the
widgets it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.textsafe import plain, strip_controls

if TYPE_CHECKING:
    from textual.content import Content
    from textual.widgets import DataTable, Label, OptionList, Static
    from textual.widgets import Static as Prose
    from textual.widgets.option_list import Option

__all__ = [
    "Content",
    "DataTable",
    "Label",
    "Option",
    "OptionList",
    "Prose",
    "Static",
    "plain",
    "plain_content",
    "plain_help",
    "add_columns",
    "show_in_place",
]


def plain_content(text: object) -> Content:
    """Text for Textual APIs that read strings as markup (command palette hits and help)."""
    from textual.content import Content

    return Content(strip_controls(str(text)))


def plain_help(text: object) -> str:
    """Help text for the command palette, which reads it as markup: escaped, so it shows as typed."""
    from textual.markup import escape

    return escape(strip_controls(str(text)))


def add_columns(table: Any, columns: Any) -> None:
    """Give `table` its (key, label) columns once: adding them again garbles Textual's width cache."""
    if not table.columns:
        for key, label in columns:
            table.add_column(label, key=key)


def show_in_place(widget: Static, content: Any) -> None:
    """Show `content` in `widget` at the cost of what changed: nothing when it shows that already, a repaint of the
    widget alone when the new content takes as many lines, and a layout of the screen only when its height changes
    (Static.update lays the whole screen out again every time; for the panes that change at every keystroke, that
    layout was most of the time between the key and the paint)."""
    if _same(widget.content, content):
        return
    widget.update(content, layout=_height_changes(widget, content))


def _same(old: Any, new: Any) -> bool:
    """The same content, styles included (Rich's Text compares its text and spans only, not its own style)."""
    if type(old) is not type(new) or old != new:
        return False
    keys = ("style", "justify", "overflow", "no_wrap", "end")
    return all(getattr(old, k, None) == getattr(new, k, None) for k in keys)


def _height_changes(widget: Static, content: Any) -> bool:
    styles = widget.styles
    if not widget.is_mounted or not widget.display or not widget.size.height or styles.height is None:
        return True
    if not styles.height.is_auto or (styles.width is not None and styles.width.is_auto):
        return True  # a fixed height needs no layout, but let Textual decide; an auto width follows the text
    from textual.visual import visualize

    visual = visualize(widget, content, markup=False)
    rules: Any = styles  # the styles are the rules map Textual itself measures the content with
    height = visual.get_height(rules, widget.content_size.width) + styles.gutter.height
    return height != widget.size.height


def _cell(value: object) -> object:
    return plain(value) if isinstance(value, str) else value


def _static() -> type:
    from textual.widgets import Static as _Static

    class Static(_Static):
        def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
            super().__init__(content, markup=markup, **kwargs)

    return Static


def _label() -> type:
    from textual.widgets import Label as _Label

    class Label(_Label):
        def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
            super().__init__(content, markup=markup, **kwargs)

        def render(self) -> Any:
            if self.has_class("field-label"):
                # A label as wide as its field wraps the Japanese way (「対応期限（例:」 / 「2027-02-15、…」 broke at
                # the spaces only); a label that fits on one line shows as before.
                from tui.widgets.wrapped import Wrapped

                return Wrapped(str(self.content))
            return super().render()

    return Label


def _option_list() -> type:
    from textual.widgets import OptionList as _OptionList

    class OptionList(_OptionList):
        def __init__(self, *content: Any, markup: bool = False, **kwargs: Any) -> None:
            super().__init__(*content, markup=markup, **kwargs)

    return OptionList


def _option() -> type:
    from textual.widgets.option_list import Option as _Option

    class Option(_Option):
        def __init__(self, prompt: Any, id: str | None = None, disabled: bool = False) -> None:
            super().__init__(plain(prompt) if isinstance(prompt, str) else prompt, id=id, disabled=disabled)

    return Option


def _data_table() -> type:
    from textual.widgets import DataTable as _DataTable

    class DataTable(_DataTable):
        """Cells given as strings are shown as they are (Rich Text), never parsed as markup."""

        def add_row(self, *cells: Any, **kwargs: Any) -> Any:
            shown = [_cell(c) for c in cells]
            key = super().add_row(*shown, **kwargs)
            self._fit_columns(shown)
            return key

        def _fit_columns(self, cells: list[Any]) -> None:
            """Widen the columns to the new row at once. Textual measures new rows only when the table next idles,
            and a table filled while its screen was still starting sometimes never did: a roster showed 「テス」
            for a name until a key was pressed."""
            from textual.render import measure

            console = self.app.console
            for column, cell in zip(self.ordered_columns, cells, strict=False):
                if column.auto_width:
                    column.content_width = max(column.content_width, measure(console, cell, 1))

        def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
            super().update_cell(row_key, column_key, _cell(value), **kwargs)

        def update_cell_at(self, coordinate: Any, value: Any, **kwargs: Any) -> None:
            super().update_cell_at(coordinate, _cell(value), **kwargs)

    return DataTable


def _prose() -> type:
    from textual.widgets import Static as _Static

    from tui.widgets.wrapped import Wrapped

    class Prose(_Static):
        """A paragraph of text (a dialog's message, a prompt) wrapped the Japanese way: between phrases, no line
        starting with 、。」 and the like (Textual wraps at spaces only, so Japanese broke anywhere)."""

        def __init__(self, content: str = "", **kwargs: Any) -> None:
            super().__init__(markup=False, **kwargs)
            self._prose = strip_controls(str(content))

        def render(self) -> Any:
            return Wrapped(self._prose)

        def update(self, content: Any = "", **kwargs: Any) -> None:
            self._prose = strip_controls(str(content))
            self.refresh(layout=True)

    return Prose


def _content() -> type:
    from textual.content import Content

    return Content


_BUILDERS = {
    "Static": _static,
    "Label": _label,
    "OptionList": _option_list,
    "Option": _option,
    "DataTable": _data_table,
    "Content": _content,
    "Prose": _prose,
}


def __getattr__(name: str) -> Any:
    builder = _BUILDERS.get(name)
    if builder is None:
        raise AttributeError(name)
    made = globals()[name] = builder()
    if name != "Content":  # Textual's own class stays as it is
        made.__module__ = __name__
    return made
