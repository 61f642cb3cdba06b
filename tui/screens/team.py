"""Conflicts left by a merge (home, `c`), who is using tenken (home, `w`), my items (home, `m`) and assigning an
item (inspection, `A`). The rules live in tui.domain.sync and
tui.domain.people behind the Workspace."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header

from tui.domain.inspection import FIELD_LABELS
from tui.domain.people import ROLE_LABELS
from tui.i18n import N_, _, format_date
from tui.screens.base import STYLES, TenkenModal, TenkenScreen
from tui.screens.dialogs import FormDialog
from tui.screens.plain import DataTable, Label, Option, OptionList, Static
from tui.widgets.date_input import DateInput
from tui.widgets.footer import TenkenFooter

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
        yield TenkenFooter()

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


class AssignDialog(FormDialog):
    """Assign the current item: choose a person (or nobody) and a due date. Returns (name or "", due) or None."""

    def __init__(self, item_label: str, current: str, due: dt.date | None) -> None:
        super().__init__()
        self.item_label = item_label
        self.current = current
        self.due = due
        self.names: list[str] = []

    def compose(self) -> ComposeResult:
        people = self.tenken.ws.persons()
        self.names = [p.name for p in people]
        options = [Option(f"{p.name}  ({_(ROLE_LABELS[p.role])})", id=f"p{n}") for n, p in enumerate(people)]
        options.append(Option(_("Nobody (take the assignment away)"), id="nobody"))
        with Vertical(classes="dialog"):
            yield Label(_("Assign {item}").format(item=self.item_label), classes="dialog-title")
            yield OptionList(*options, id="assignee")
            yield Label(_("Due (e.g. 2026-12-23; blank for none)"), classes="dialog-prompt")
            yield DateInput(self.due.isoformat() if self.due else "", id="assign-due", placeholder="2026-12-23")
            yield Static("", id="dialog-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        chooser = self.query_one(OptionList)
        if self.current in self.names:
            chooser.highlighted = self.names.index(self.current)
        else:
            chooser.highlighted = 0
        chooser.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one(DateInput).focus()

    def accept(self) -> None:
        from tui.domain.inspection import date_problem, parse_date

        chooser = self.query_one(OptionList)
        index = chooser.highlighted
        text = self.query_one(DateInput).value
        problem = date_problem(text)
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            return
        name = self.names[index] if index is not None and index < len(self.names) else ""
        self.dismiss((name, parse_date(text) if name else None))


class MyItemsScreen(TenkenScreen[None]):
    """The items assigned to the person using tenken, across open inspections, earliest due first; Enter opens one."""

    CSS_PATH = STYLES / "planning.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="mine.back"),
        Binding("enter", "open", N_("Open"), id="mine.open", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("My items"), classes="screen-title")
        yield Static("", id="mine-summary")
        yield DataTable(id="mine", cursor_type="row", zebra_stripes=True)
        yield TenkenFooter()

    def on_mount(self) -> None:
        from tui.domain.inspection import STATUS_SHORT, today

        ws = self.tenken.ws
        person = ws.current_person()
        self.rows = ws.assigned_items(person.name) if person is not None else []
        table = self.query_one(DataTable)
        table.add_columns(_("Due"), _("Status"), _("Item"), _("Inspection"))
        day = today()
        overdue = 0
        for a in self.rows:
            note = a.due_note(day)
            due = (f"{format_date(a.due)} ({note})" if note else format_date(a.due)) if a.due else "—"
            if a.overdue(day):
                overdue += 1
                due = "⚠ " + due
            table.add_row(due, _(STATUS_SHORT[a.status]), a.number or a.item_id, a.inspection_title)
        if person is None:
            summary = _("Choose who you are first (home, w).")
        elif not self.rows:
            summary = _("No items are assigned to {name}.").format(name=person.name)
        else:
            summary = (
                _("{n} items assigned to {name}, {overdue} overdue.")
                if len(self.rows) != 1
                else _("1 item assigned to {name}, {overdue} overdue.")
            ).format(n=len(self.rows), name=person.name, overdue=overdue)
        self.query_one("#mine-summary", Static).update(summary)
        if table.row_count:
            table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or not table.row_count:
            return
        chosen = self.rows[table.cursor_row]
        self.tenken.open_inspection(chosen.inspection_id, item=chosen.item_id)

    def action_back(self) -> None:
        self.dismiss(None)
