"""Conflicts left by a merge (home, `c`) and who is using tenken (home, `w`). The rules live in tui.domain.sync and
tui.domain.people behind the Workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header

from tui.domain.inspection import FIELD_LABELS
from tui.domain.people import ROLE_LABELS
from tui.i18n import N_, _
from tui.screens.base import STYLES, TenkenModal, TenkenScreen
from tui.screens.plain import DataTable, Label, Option, OptionList, Static

if TYPE_CHECKING:
    from tui.domain.sync import Conflict


class ConflictsScreen(TenkenScreen[None]):
    """Every field two laptops changed without seeing each other's change; 1–9 keeps that value."""

    CSS_PATH = STYLES / "planning.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="conflicts.back"),
        *[
            Binding(str(n), f"pick({n})", N_("Keep this value"), id=f"conflicts.pick{n}", show=n == 1)
            for n in range(1, 10)
        ],
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Conflicts to settle"), classes="screen-title")
        yield Static("", id="conflicts-summary")
        yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        ws = self.tenken.ws
        self.rows: list[tuple[int, Conflict]] = []
        for firm in ws.firms():
            for info in firm.inspections:
                for c in ws.conflicts(info.id):
                    self.rows.append((info.id, c))
        table = self.query_one(DataTable)
        if not table.columns:
            for key, label in (("item", _("Item")), ("field", _("Field")), ("values", _("Values (1–9 keeps one)"))):
                table.add_column(label, key=key)
        table.clear()
        for _iid, c in self.rows:
            values = "   ".join(f"{n}: {h.value or '—'} ({h.person or '—'})" for n, h in enumerate(c.heads, start=1))
            table.add_row(c.item_id, _(FIELD_LABELS.get(c.field, c.field)), values)
        summary = _("{n} conflicts.").format(n=len(self.rows)) if self.rows else _("No conflicts.")
        self.query_one("#conflicts-summary", Static).update(summary)
        if table.row_count:
            table.focus()

    def action_pick(self, n: int) -> None:
        table = self.query_one(DataTable)
        if not self.rows or not table.row_count:
            return
        inspection_id, conflict = self.rows[table.cursor_row]
        heads = conflict.heads
        if not 1 <= n <= len(heads):
            self.notify(_("Choose a value from 1 to {n}.").format(n=len(heads)), severity="warning", markup=False)
            return
        self.tenken.ws.resolve_conflict(inspection_id, conflict.item_id, conflict.field, heads[n - 1].value)
        self.notify(_("Settled: {item} {field}.").format(item=conflict.item_id, field=conflict.field), markup=False)
        self._fill()

    def action_back(self) -> None:
        self.dismiss(None)


class PersonDialog(TenkenModal[str | None]):
    """Who is using tenken on this login: pick a person (remembered for this login on this machine)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="person.cancel")]

    def compose(self) -> ComposeResult:
        people = self.tenken.ws.persons()
        with Vertical(classes="dialog"):
            yield Label(_("Who is using tenken?"), classes="dialog-title")
            yield OptionList(*[Option(f"{p.name}  ({_(ROLE_LABELS[p.role])})", id=p.uid) for p in people], id="people")
            yield Static(_("`tenken person add NAME --role officer` adds a person."), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
