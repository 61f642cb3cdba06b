"""Home: firms and their inspections, with due dates and progress."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.domain.inspection import FirmInfo, by_urgency, days_left, days_left_text, distinct_names
from tui.i18n import N_, _, format_date, format_percent
from tui.screens.base import TenkenScreen
from tui.screens.plain import DataTable, Static
from tui.widgets.footer import TenkenFooter


class HomeScreen(TenkenScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="home.open", priority=True),
        Binding("n", "new_inspection", N_("New inspection"), id="home.new_inspection"),
        Binding("f", "new_firm", N_("New firm"), id="home.new_firm"),
        Binding("d", "demo", N_("Demo"), id="home.demo", show=False),
        Binding("r", "training", N_("Training"), id="home.training"),
        Binding("o", "due", N_("Remediation due"), id="home.due", show=False),
        Binding("p", "portfolio", N_("Portfolio"), id="home.portfolio", show=False),
        Binding("c", "conflicts", N_("Conflicts"), id="home.conflicts", show=False),
        Binding("w", "person", N_("Who is using tenken"), id="home.person", show=False),
        Binding("m", "mine", N_("My items"), id="home.mine", show=False),
        Binding("e", "edit_firm", N_("Edit firm"), id="home.edit_firm", show=False),
        Binding("R", "rename", N_("Rename inspection"), id="home.rename", show=False),
        Binding("delete,x", "delete", N_("Delete"), id="home.delete", show=False),
        Binding("D", "delete_firm", N_("Delete the firm"), id="home.delete_firm", show=False),
        Binding("z", "undo", N_("Undo delete"), id="home.undo", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="home")
        self.firms: list[FirmInfo] = []
        self.row_keys: dict[str, tuple[int, int | None]] = {}  # row key → (firm id, inspection id)
        self._resumed_once = False

    def compose(self) -> ComposeResult:
        self.firms = self.tenken.ws.firms()  # before the footer is drawn: it shows keys that need a firm
        yield Header(icon="")
        yield Static(_("Firms and inspections"), classes="screen-title")
        yield DataTable(id="inspections", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-empty", classes="hint")
        yield TenkenFooter()

    def on_mount(self) -> None:
        self._fill()  # the firms compose just read

    def reload(self, select: int | None = None) -> None:
        had_firms = bool(self.firms)
        self.firms = self.tenken.ws.firms()
        self._fill(select)
        if had_firms != bool(self.firms):  # Open / New inspection appear with the first firm
            self.refresh_bindings()

    def _fill(self, select: int | None = None) -> None:
        table = self.query_one(DataTable)
        width = self.app.size.width
        wide = width >= 110  # the received date only where there is room for it
        if not table.columns:  # columns once per compose: re-adding them garbles Textual's width cache
            table.add_column(_("ID"), key="id")
            table.add_column(_("Firm"), key="firm")
            table.add_column(_("Due"), key="due")
            table.add_column(_("Days left"), key="left")
            table.add_column(_("Progress"), key="progress")
            if wide:
                table.add_column(_("Received"), key="received")
            table.add_column(_("Inspection"), key="title")
        wide = "received" in table.columns
        table.clear()
        self.row_keys.clear()
        target_row = 0
        names = distinct_names(self.firms)
        rows: list[tuple[str, int, int | None, list[object], object, str]] = []
        for firm, i in by_urgency(self.firms):
            if i is None:
                rows.append(
                    (
                        f"f{firm.id}",
                        firm.id,
                        None,
                        ["", names[firm.id], "", "", ""],
                        RichText(_("no inspection yet — press n"), style="dim"),
                        "",
                    )
                )
                continue
            left = days_left(i.due_on)
            if i.finalized:
                state = RichText(_("finalized (revision {n})").format(n=i.revision), style="green")
            else:
                style = "bold red" if left < 0 else ("yellow" if left <= 7 else "")
                state = RichText(days_left_text(i.due_on), style=style)
            status = _("finalized") if i.finalized else format_percent(i.progress.ratio)
            progress = f"{i.progress.answered}/{i.progress.total}"
            cells = [
                str(i.id),
                names[firm.id],
                format_date(i.due_on),
                state,
                f"{progress} ({status})" if wide or i.finalized else progress,  # the percentage where there is room
            ]
            rows.append(
                (f"i{i.id}", firm.id, i.id, cells, self.tenken.ws.inspection_title(i), format_date(i.received_on))
            )
        # The title takes what is left of the width, cut on a character boundary (never half a wide character).
        headers = [str(c.label) for c in table.columns.values()]
        columns_cells = list(zip(*[r[3] for r in rows], strict=True)) if rows else []
        used = sum(max(cell_len(headers[n]), *(cell_len(str(c)) for c in col)) for n, col in enumerate(columns_cells))
        if wide:
            used += max(cell_len(headers[5]), *(cell_len(r[5]) for r in rows)) if rows else 0
        columns = 7 if wide else 6
        room = max(8, width - used - 2 * columns - 6)
        for key, firm_id, inspection_id, cells, title, received in rows:
            shown = title if isinstance(title, RichText) else RichText(str(title))
            shown.truncate(room, overflow="ellipsis")
            extra = [received] if wide else []
            table.add_row(*cells, *extra, shown, key=key)
            if select is not None and select == inspection_id:
                target_row = table.row_count - 1
            self.row_keys[key] = (firm_id, inspection_id)
        empty = self.query_one("#home-empty", Static)
        empty.update("" if self.firms else _("No firms yet. Press f to create a firm profile, or d to load the demo."))
        empty.display = not self.firms
        table.display = bool(self.firms)
        if table.row_count:
            table.move_cursor(row=target_row)
            table.focus()

    def selected(self) -> tuple[int, int | None] | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.row_keys.get(str(row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs_a_firm = ("open", "new_inspection", "edit_firm", "delete", "delete_firm", "rename")
        return not (action in needs_a_firm and not self.firms)

    def on_resize(self) -> None:
        if self.is_mounted and self.firms:
            self.call_after_refresh(self._refit)

    async def _refit(self) -> None:
        table = self.query_one(DataTable)
        if table.columns and (self.app.size.width >= 110) != ("received" in table.columns):
            await self.recompose()  # the received date comes or goes with the width
        self._fill(select=self._selected_inspection())

    def _selected_inspection(self) -> int | None:
        sel = self.selected()
        return sel[1] if sel else None

    def action_open(self) -> None:
        sel = self.selected()
        if sel is None:
            return
        firm_id, inspection_id = sel
        if inspection_id is None:
            self.tenken.new_inspection(firm_id)
        else:
            self.tenken.open_inspection(inspection_id)

    def action_new_inspection(self) -> None:
        sel = self.selected()
        if sel is None:
            self.notify(_("Create a firm first (press f)."), severity="warning")
            return
        self.tenken.new_inspection(sel[0])

    def action_new_firm(self) -> None:
        self.tenken.new_firm()

    def action_demo(self) -> None:
        self.tenken.action_demo()

    def action_training(self) -> None:
        self.tenken.open_training()

    def action_due(self) -> None:
        from tui.screens.planning import DueScreen

        self.app.push_screen(DueScreen())

    def action_portfolio(self) -> None:
        from tui.screens.planning import PortfolioScreen

        self.app.push_screen(PortfolioScreen())

    def action_conflicts(self) -> None:
        from tui.screens.team import ConflictsScreen

        self.app.push_screen(ConflictsScreen())

    def action_mine(self) -> None:
        from tui.screens.team import MyItemsScreen

        self.app.push_screen(MyItemsScreen())

    def action_person(self) -> None:
        from tui.screens.team import PersonDialog

        if not self.tenken.ws.persons():
            self.notify(_("No people yet: `tenken person add NAME --role officer` adds one."), markup=False)
            return

        def chosen(uid: str | None) -> None:
            if uid:
                person = self.tenken.ws.use_person(uid)
                self.notify(_("{name} is now using tenken on this login.").format(name=person.name), markup=False)

        self.app.push_screen(PersonDialog(), chosen)

    def action_edit_firm(self) -> None:
        sel = self.selected()
        if sel is not None:
            self.tenken.edit_firm(sel[0])

    def action_rename(self) -> None:
        sel = self.selected()
        if sel is None or sel[1] is None:
            return
        from tui.screens.dialogs import InputDialog

        inspection_id = sel[1]
        info = self.tenken.ws.inspection(inspection_id)

        def done(title: str | None) -> None:
            if title is not None:
                self.tenken.ws.rename_inspection(inspection_id, title)
                self.reload(select=inspection_id)

        self.app.push_screen(
            InputDialog(
                _("Rename inspection"),
                _("A title for inspection #{id} (blank: the names of its templates):").format(id=inspection_id),
                value=info.title,
            ),
            done,
        )

    def action_delete(self) -> None:
        """The selected inspection (or a firm that has none) to the trash, after asking."""
        sel = self.selected()
        if sel is None:
            return
        firm_id, inspection_id = sel
        ws = self.tenken.ws
        if inspection_id is None:
            name = ws.firm(firm_id).name
            self._trash(_("the firm {name} (it has no inspections)").format(name=name), lambda: ws.delete_firm(firm_id))
            return
        info = ws.inspection(inspection_id)
        what = _("inspection #{id} {title} of {firm}").format(
            id=info.id, title=ws.inspection_title(info), firm=info.firm_name
        )
        self._trash(what, lambda: ws.delete_inspection(inspection_id))

    def action_delete_firm(self) -> None:
        """The selected row's firm, with all its inspections, to the trash, after asking."""
        sel = self.selected()
        if sel is None:
            return
        ws = self.tenken.ws
        firm = ws.firm(sel[0])
        what = _("the firm {name} and its {n} inspections").format(name=firm.name, n=len(ws.firm_inspections(firm.id)))
        self._trash(what, lambda: ws.delete_firm(firm.id))

    def _trash(self, what: str, delete: Callable[[], object]) -> None:
        from tui.screens.dialogs import confirm_then

        def then() -> None:
            delete()
            self.reload()
            self.notify(_("Moved {what} to the trash; press z to undo.").format(what=what))

        confirm_then(self.app, _("Delete"), _("Move {what} to the trash? z brings it back.").format(what=what), then)

    def action_undo(self) -> None:
        from tui.workspace import UserError

        try:
            entry = self.tenken.ws.undo_delete()
        except UserError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.reload(select=entry.id if entry.kind == "inspection" else None)
        self.notify(_("Brought back {what}.").format(what=entry.describe()))

    async def on_language_changed(self) -> None:
        await self.recompose()  # reads the firms again
        self._fill()

    def on_screen_resume(self) -> None:
        if self._resumed_once:  # coming back from another screen: answers may have changed
            self.reload()
        self._resumed_once = True
