"""Export the response report: choose format, language and file.

The work runs off the event loop with a progress bar.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, ProgressBar, Select

from tui.i18n import N_, _, get_language
from tui.screens.dialogs import FormDialog
from tui.screens.plain import Label, Static

FORMAT_LABELS = {
    "docx": N_("Word (.docx)"),
    "xlsx": N_("Excel (.xlsx)"),
    "html": N_("Web page for printing (.html)"),
    "md": N_("Markdown (.md)"),
    "json": N_("JSON (.json)"),
}


class ExportDialog(FormDialog):
    """Dismisses with the written file's path, or None."""

    def __init__(self, inspection_id: int, firm_name: str) -> None:
        super().__init__()
        self.inspection_id = inspection_id
        self.firm_name = firm_name

    def _default(self, fmt: str, lang: str) -> str:
        from tui.export import safe_filename

        return str(Path.cwd() / f"tenken-{safe_filename(self.firm_name)}-{self.inspection_id}-{lang}.{fmt}")

    def compose(self) -> ComposeResult:
        lang = get_language()
        with Vertical(classes="dialog"):
            yield Label(_("Export the response report"), classes="dialog-title")
            yield Label(_("Format"), classes="field-label")
            yield Select(
                [(_(FORMAT_LABELS[f]), f) for f in FORMAT_LABELS], value="docx", allow_blank=False, id="format"
            )
            yield Label(_("Language of the report"), classes="field-label")
            yield Select([("日本語", "ja"), ("English", "en")], value=lang, allow_blank=False, id="lang")
            yield Label(
                _("Addressee (empty: the association whose rules the inspection answers)"), classes="field-label"
            )
            yield Input(id="addressee")
            yield Label(_("File"), classes="field-label")
            yield Input(self._default("docx", lang), id="path")
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.query_one("#format", Select).focus()
        self._show_addressee()

    def _show_addressee(self) -> None:
        """The stored addressee, or the default for the report's language as the field's placeholder."""
        from tui.workspace import StoreError, UserError

        ws = self.tenken.ws
        field = self.query_one("#addressee", Input)
        try:
            info = ws.inspection(self.inspection_id)
            text, default = ws.addressee(self.inspection_id, str(self.query_one("#lang", Select).value))
        except (StoreError, UserError):
            return
        field.placeholder = text if default else ""
        if not default and not field.value:
            field.value = text
        field.disabled = info.finalized  # a locked revision keeps its addressee

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        fmt = str(self.query_one("#format", Select).value)
        lang = str(self.query_one("#lang", Select).value)
        path = self.query_one("#path", Input)
        if path.value.startswith(str(Path.cwd() / "tenken-")):  # still our suggestion: follow the choice
            path.value = self._default(fmt, lang)
        if self.is_mounted:
            self._show_addressee()

    def accept(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.query_one("#dialog-error", Static).update(_("Give a file name."))
            return
        path = Path(text).expanduser()
        if path.is_file():  # a TUI user is asked, not told to add --force
            from tui.screens.dialogs import ConfirmDialog

            def answer(replace: bool | None) -> None:
                if replace:
                    self._start(path, force=True)

            self.app.push_screen(
                ConfirmDialog(_("Replace the file?"), _("{path} already exists. Replace it?").format(path=path)),
                answer,
            )
            return
        self._start(path)

    def _start(self, path: Path, force: bool = False) -> None:
        progress = self.query_one("#progress", ProgressBar)
        progress.display = True
        progress.update(total=None)
        self.query_one("#ok", Button).disabled = True
        addressee = self.query_one("#addressee", Input)
        self.export(
            path,
            str(self.query_one("#format", Select).value),
            str(self.query_one("#lang", Select).value),
            None if addressee.disabled else addressee.value,
            force,
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, path: Path, fmt: str, lang: str, addressee: str | None = None, force: bool = False) -> None:
        from tui.export import ExportError, export_report
        from tui.workspace import StoreError, UserError

        ws = self.tenken.ws
        try:
            ws.check_output(path)
            if addressee is not None and addressee.strip() != ws.inspection(self.inspection_id).addressee:
                ws.set_addressee(self.inspection_id, addressee)
            report = ws.report(self.inspection_id, lang)
            self.app.call_from_thread(self._progress, 1)
            written = export_report(report, fmt, path, force=force)
        except (ExportError, StoreError, UserError) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception:
            from tui.paths import append_error_log

            log = append_error_log(ws.data_dir, "export")
            message = (
                _("The report could not be written and no file was created; details are in {path}.").format(path=log)
                if log
                else _("The report could not be written and no file was created.")
            )
            self.app.call_from_thread(self._failed, message)
            return
        self.app.call_from_thread(self._done, written)

    # The dialog's widgets are looked up with query(), not query_one(): while a language switch rebuilds the
    # dialog they are briefly not there, and the report must still be reported written (or not) once they are.
    def _progress(self, done: int) -> None:
        for bar in self.query("#progress").results(ProgressBar):
            bar.update(total=2, progress=done)

    def _failed(self, message: str) -> None:
        for bar in self.query("#progress").results(ProgressBar):
            bar.display = False
        for button in self.query("#ok").results(Button):
            button.disabled = False
        for error in self.query("#dialog-error").results(Static):
            error.update(RichText(message))

    def _done(self, path: Path) -> None:
        self._progress(2)
        self.notify(_("Wrote {path}.").format(path=path))
        self.dismiss(path)
