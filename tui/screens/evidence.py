"""Hashing a large evidence file without freezing the screen: a worker thread, a progress bar, and Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ProgressBar

from tui.i18n import N_, _
from tui.screens.base import TenkenModal
from tui.screens.plain import Label, Static

#: Files larger than this are hashed in the background with a progress bar (smaller ones take well under a second).
BACKGROUND_FROM = 32 << 20


class HashingDialog(TenkenModal[object]):
    """Reads the file in a worker; dismisses with the Evidence, or None when cancelled or refused (notified)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="hashing.cancel")]

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self.path = path
        self.file_size = size
        self.stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Recording evidence"), classes="dialog-title")
            yield Static(_("Computing the SHA-256 of {name}…").format(name=self.path.name), classes="dialog-prompt")
            yield ProgressBar(total=max(self.file_size, 1), id="hashing-progress")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.hash_file()

    @work(thread=True, exclusive=True, group="evidence-hash")
    def hash_file(self) -> None:
        from tui.workspace import HashCancelled, UserError

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._show_progress, done, total)

        try:
            evidence = self.tenken.ws.evidence_for_file(self.path, "", progress, self.stop.is_set)
        except HashCancelled:
            self.app.call_from_thread(self.dismiss, None)
            return
        except UserError as exc:
            message = str(exc)
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)
            self.app.call_from_thread(self.dismiss, None)
            return
        self.app.call_from_thread(self.dismiss, evidence)

    def _show_progress(self, done: int, total: int) -> None:
        for bar in self.query(ProgressBar):  # none for a moment while a language switch rebuilds the dialog
            bar.update(progress=done, total=max(total, 1))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.stop.set()


def large_file(path: Path | None) -> int | None:
    """The size of `path` when it is a regular file big enough to hash in the background, else None."""
    import os
    import stat

    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) and st.st_size >= BACKGROUND_FROM else None


def hash_in_background(screen, path: Path, size: int, attach: Callable[[object], None]) -> None:
    """Open the progress dialog; `attach(evidence)` runs on the screen's thread once the file is read."""

    def done(evidence: object) -> None:
        if evidence is not None:
            attach(evidence)
        else:
            screen.notify(_("Cancelled; nothing was recorded."), timeout=4)

    screen.app.push_screen(HashingDialog(path, size), done)
