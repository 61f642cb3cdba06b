"""Home: firms and their inspections, with due dates and progress."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.domain.inspection import FirmInfo, days_left, days_left_text
from tui.i18n import N_, _, format_date, format_percent
from tui.screens.base import TenkenScreen
from tui.screens.plain import DataTable, Static
from tui.widgets.footer import TenkenFooter

# Cells are Rich Text, never strings: DataTable reads a string as Rich markup (a firm named "[b]…" would lose its
# brackets) and parsing it costs the first paint (the first markup loads Rich's emoji table).
COLUMNS = (
    (N_("ID"), "id"),
    (N_("Firm"), "firm"),
    (N_("Due"), "due"),
    (N_("Days left"), "left"),
    (N_("Progress"), "progress"),
    (N_("Received"), "received"),
    (N_("Inspection"), "title"),
)


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
        if not table.columns:  # columns once per compose: re-adding them garbles Textual's width cache
            for label, key in COLUMNS:
                table.add_column(RichText(_(label)), key=key)
        table.clear()
        self.row_keys.clear()
        target_row = 0
        for firm in self.firms:
            if not firm.inspections:
                key = f"f{firm.id}"
                blank = RichText()
                table.add_row(
                    blank,
                    RichText(firm.name),
                    blank,
                    blank,
                    blank,
                    blank,
                    RichText(_("no inspection yet — press n"), style="dim"),
                    key=key,
                )
                self.row_keys[key] = (firm.id, None)
            for i in firm.inspections:
                key = f"i{i.id}"
                left = days_left(i.due_on)
                style = "bold red" if left < 0 else ("yellow" if left <= 7 else "")
                status = _("finalized") if i.finalized else format_percent(i.progress.ratio)
                table.add_row(
                    RichText(str(i.id)),
                    RichText(firm.name),
                    RichText(format_date(i.due_on)),
                    RichText(days_left_text(i.due_on), style=style),
                    RichText(f"{i.progress.answered}/{i.progress.total} ({status})"),
                    RichText(format_date(i.received_on)),
                    RichText(self.tenken.ws.inspection_title(i)),
                    key=key,
                )
                if select == i.id:
                    target_row = table.row_count - 1
                self.row_keys[key] = (firm.id, i.id)
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
        return not (action in ("open", "new_inspection") and not self.firms)

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

    def action_conflicts(self) -> None:
        from tui.screens.team import ConflictsScreen

        self.app.push_screen(ConflictsScreen())

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

    def action_portfolio(self) -> None:
        from tui.screens.planning import PortfolioScreen

        self.app.push_screen(PortfolioScreen())

    async def on_language_changed(self) -> None:
        await self.recompose()  # reads the firms again
        self._fill()

    def on_screen_resume(self) -> None:
        if self._resumed_once:  # coming back from another screen: answers may have changed
            self.reload()
        self._resumed_once = True
