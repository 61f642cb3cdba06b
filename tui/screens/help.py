"""Help: every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen

from tui.i18n import N_, _
from tui.screens.base import TenkenModal, translate_bindings
from tui.screens.plain import Label, Static

OWN_PREFIXES = {
    "app",
    "home",
    "inspection",
    "firm",
    "article",
    "new_inspection",
    "dialog",
    "search",
    "browse",
    "equivalents",
    "lesson",
    "export",
    "training",
}
GENERAL_KEYS = (
    ("↑ ↓", N_("Move in a list")),
    ("Enter", N_("Open or choose")),
    ("Tab / Shift+Tab", N_("Next / previous field")),
    ("Esc", N_("Back, or close a dialog")),
    ("ctrl+p", N_("Command palette: search every command in Japanese or English")),
    ("ctrl+q", N_("Quit from anywhere")),
)


class HelpScreen(TenkenModal[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", N_("Close"), id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def _table(self) -> Table:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2, 0, 0))
        table.add_column(_("Key"), no_wrap=True, min_width=18)
        table.add_column(_("What it does"))
        seen = set()
        bindings = translate_bindings(dict(self.under.active_bindings))
        for _key, active in bindings.items():
            b = active.binding
            # tenken's own keys; the widgets' standard keys are summarised below.
            if not b.id or b.id.split(".")[0] not in OWN_PREFIXES or (b.action, b.description) in seen:
                continue
            seen.add((b.action, b.description))
            table.add_row(self.app.get_key_display(b), b.description)
        for keys, what in GENERAL_KEYS:
            table.add_row(keys, _(what))
        return table

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Keys"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._table())
                yield Static(
                    _("Answers are saved as you type; there is no save key. Press Escape to go back."),
                    classes="hint",
                )
                guide = self._guide_line()
                if guide is not None:
                    yield Static(guide, classes="hint", markup=False)

    def _guide_line(self) -> str | None:
        from tui.guide import guide_file, screen_key, section_for
        from tui.i18n import get_language

        lang = get_language()
        section = section_for(screen_key(type(self.under).__module__), lang)
        if section is None:
            return None
        return _("Guide for this screen: “{section}” in {file}").format(section=section, file=guide_file(lang))

    def action_close(self) -> None:
        self.dismiss(None)
