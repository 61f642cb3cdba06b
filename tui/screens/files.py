"""Files and long text: the evidence dialog with its file picker, and the larger editor behind ctrl+e."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DirectoryTree, Input, TextArea

from tui.i18n import N_, _
from tui.screens.base import TenkenModal, TenkenScreen
from tui.screens.dialogs import InputDialog, confirm_then
from tui.screens.plain import Label, Static
from tui.widgets.footer import TenkenFooter

if TYPE_CHECKING:
    from textual.app import App


class EvidenceDialog(InputDialog):
    """A file path, a description or a training module id; ctrl+o chooses a file."""

    BINDINGS = [Binding("ctrl+o", "pick", N_("Choose a file"), id="evidence.pick", priority=True)]

    def __init__(self, modules: list[str]) -> None:
        super().__init__(
            _("Add evidence"),
            _(
                "A file path (its SHA-256 is recorded; ctrl+o to choose the file), a description, "
                "or a training module id for its records ({ids}):"
            ).format(ids=", ".join(modules)),
        )

    def on_mount(self) -> None:
        super().on_mount()
        buttons = self.query_one(".dialog-buttons", Horizontal)
        buttons.mount(Button(_("Choose a file…"), id="pick"), before=0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pick":
            event.stop()
            self.action_pick()
            return
        super().on_button_pressed(event)

    def action_pick(self) -> None:
        field = self.query_one(Input)

        def chosen(path: str | None) -> None:
            if path:
                field.value = path
            field.focus()

        start = Path(field.value).expanduser() if field.value.strip() else Path.home()
        self.app.push_screen(FilePicker(start), chosen)


class FilePicker(TenkenModal[str | None]):
    """Pick a file from a folder tree, or type its path; Enter takes it."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="picker.cancel")]

    def __init__(self, start: Path) -> None:
        super().__init__()
        folder = start if start.is_dir() else start.parent
        self.folder = folder if folder.is_dir() else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Choose an evidence file"), classes="dialog-title")
            yield Input(str(self.folder), id="picker-path")
            yield Static("", id="dialog-error", classes="error")
            yield DirectoryTree(self.folder, id="picker-tree")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        # Closed again before it mounted (Esc typed right after the key that opened it): nothing left to focus.
        for field in self.query("#picker-path").results(Input):
            field.focus()

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(str(event.path))

    @on(DirectoryTree.DirectorySelected)
    def _folder(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#picker-path", Input).value = str(event.path)

    @on(Input.Submitted, "#picker-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._take()

    def _take(self) -> None:
        path = Path(self.query_one("#picker-path", Input).value.strip()).expanduser()
        if path.is_file():
            self.dismiss(str(path))
        elif path.is_dir():
            self.query_one("#picker-tree", DirectoryTree).path = path
        else:
            self.query_one("#dialog-error", Static).update(_("There is no file at {path}.").format(path=path))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._take()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditorScreen(TenkenScreen[str | None]):
    """A full-screen text area for a long answer: ctrl+s keeps the text, Escape leaves (asking if it changed)."""

    BINDINGS = [
        Binding("ctrl+s", "keep", N_("Keep the text"), id="editor.keep", priority=True),
        Binding("escape", "leave", N_("Back"), id="editor.back"),
    ]

    def __init__(self, label: str, text: str) -> None:
        super().__init__()
        self.label = label
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="screen-title", markup=False)
        yield TextArea(self.text, id="long-text", soft_wrap=True)
        yield TenkenFooter()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.styles.height = "1fr"
        area.focus()

    def action_keep(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_leave(self) -> None:
        text = self.query_one(TextArea).text
        if text == self.text:
            self.dismiss(None)
            return

        confirm_then(
            self.app,
            _("Discard the changes?"),
            _("The text you changed here is not kept. Leave anyway?"),
            lambda: self.dismiss(None),
        )

    async def on_language_changed(self) -> None:
        self.refresh_bindings()  # no recompose: the text being written stays as it is


def _external_editor() -> list[str] | None:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        return None
    try:
        return shlex.split(command) or None
    except ValueError:
        return None


def edit_text(app: App, label: str, text: str, done: Callable[[str | None], None]) -> None:
    """Edit `text` in the user's $VISUAL / $EDITOR (the TUI steps aside), else in the full-screen text area."""
    from textual.app import SuspendNotSupported

    editor = _external_editor()
    if editor is not None:
        fd, name = tempfile.mkstemp(prefix="tenken-", suffix=".txt")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            with app.suspend():
                code = subprocess.call([*editor, str(path)])
            edited = path.read_text(encoding="utf-8") if code == 0 else None  # non-zero: the user gave up
            if edited is not None and not text.endswith("\n"):
                edited = edited.removesuffix("\n")  # editors add a final newline the field never had
            done(edited)
            return
        except (SuspendNotSupported, OSError, UnicodeDecodeError):
            pass  # no terminal to hand over, or no such editor: the built-in editor instead
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
    app.push_screen(EditorScreen(label, text), done)
