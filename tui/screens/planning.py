"""The month's plan (from an inspection, `p`), remediation due after submission (home, `o`) and the consultant's
portfolio (home, `p`). The rules live in tui.domain.plan / tui.domain.portfolio behind Workspace.planning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from tui.domain.inspection import today
from tui.domain.plan import MILESTONE_LABELS, REMEDIATION_LABELS, Plan, next_remediation_state
from tui.i18n import N_, _, format_date, format_percent, get_language
from tui.screens.base import STYLES, TenkenScreen
from tui.screens.plain import DataTable, Static, add_columns
from tui.widgets.footer import TenkenFooter


def _plain(text: str, style: str = "") -> RichText:
    """User and content text as text, never as markup."""
    return RichText(text, style=style)


def _ask_and_write(
    screen: TenkenScreen[None], title: str, default_name: str, produce: Callable[[Path], object]
) -> None:
    """Ask where to write (a file in the user's home folder by default), write it atomically, say what happened."""
    from tui.screens.dialogs import InputDialog

    def write(path: str | None) -> None:
        if not path:
            return
        from tui.export import ExportError, write_atomically

        try:
            written = write_atomically(Path(path).expanduser(), produce)
        except ExportError as exc:
            screen.notify(str(exc), severity="error", markup=False)
            return
        screen.notify(_("Written to {path}.").format(path=written), markup=False)

    screen.app.push_screen(InputDialog(title, _("File"), str(Path.home() / default_name)), write)


class PlanScreen(TenkenScreen[None]):
    """A timeline: milestones worked back from the due date, then each week's items by owner."""

    CSS_PATH = STYLES / "planning.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="plan.back"),
        Binding("i", "calendar", N_("Write calendar (.ics)"), id="plan.calendar"),
    ]

    def __init__(self, inspection_id: int) -> None:
        super().__init__()
        self.inspection_id = inspection_id

    def compose(self) -> ComposeResult:
        ws = self.tenken.ws
        info = ws.inspection(self.inspection_id)
        self.title_text = f"{info.firm_name} — {ws.inspection_title(info)}"
        self.plan: Plan = ws.planning.plan(self.inspection_id)
        yield Header(icon="")
        yield Static(_plain(self.title_text), classes="screen-title")
        yield Static(
            _("{done} of {total} items answered").format(done=self.plan.done, total=self.plan.total),
            id="plan-progress",
        )
        with VerticalScroll(id="plan-body"):
            yield DataTable(id="milestones", cursor_type="row", show_cursor=False)
            yield DataTable(id="weeks", cursor_type="row", zebra_stripes=True)
            for warning in self.plan.warnings:
                yield Static(_plain("⚠ " + _(warning), "yellow"), classes="hint")
        yield TenkenFooter()

    def on_mount(self) -> None:
        milestones = self.query_one("#milestones", DataTable)
        milestones.add_column(_("When"), key="when")
        milestones.add_column(_("Milestone"), key="what")
        on = today()
        for m in self.plan.milestones:
            when = format_date(m.start) if m.start == m.end else f"{format_date(m.start)} – {format_date(m.end)}"
            style = "dim" if m.end < on else ("bold" if m.start <= on <= m.end else "")
            milestones.add_row(_plain(when, style), _plain(_(MILESTONE_LABELS[m.kind]), style))
        weeks = self.query_one("#weeks", DataTable)
        weeks.add_column(_("Week"), key="week")
        weeks.add_column(_("Owner"), key="owner")
        weeks.add_column(_("Items"), key="items")
        for w in self.plan.weeks:
            label = f"{format_date(w.start)} – {format_date(w.end)}"
            for n, (owner, items) in enumerate(w.by_owner.items()):
                weeks.add_row(
                    _plain(label if n == 0 else ""),
                    _plain(owner or _("(no owner)"), "" if owner else "yellow"),
                    _plain(", ".join(i.number for i in items)),
                )
        weeks.focus()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()  # the tables are new after a recompose: fill them again, in the new language

    def action_back(self) -> None:
        self.dismiss(None)

    def action_calendar(self) -> None:
        from tui.export.ics import plan_calendar

        data = plan_calendar(self.plan, self.inspection_id, self.title_text, get_language())
        _ask_and_write(
            self,
            _("Write the plan as a calendar (.ics)"),
            f"tenken-plan-{self.inspection_id}.ics",
            lambda tmp: tmp.write_bytes(data),
        )


class DueScreen(TenkenScreen[None]):
    """Remediation promised for the problems found, overdue first; progress recorded here after submission."""

    CSS_PATH = STYLES / "planning.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="due.back"),
        Binding("s", "next_state", N_("Next progress state"), id="due.state"),
        Binding("o", "toggle_overdue", N_("Only overdue"), id="due.overdue"),
        Binding("i", "calendar", N_("Write calendar (.ics)"), id="due.calendar"),
        Binding("x", "report", N_("Progress report (xlsx)"), id="due.report"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overdue_only = False
        self.lines: list = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Remediation due"), classes="screen-title")
        yield Static("", id="due-summary")
        yield DataTable(id="due", cursor_type="row", zebra_stripes=True)
        yield TenkenFooter()

    def on_mount(self) -> None:
        self._fill()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()  # the tables are new after a recompose: fill them again, in the new language

    def _fill(self, keep: int = 0) -> None:
        on = today()
        self.lines = self.tenken.ws.planning.remediations(on, overdue_only=self.overdue_only)
        table = self.query_one(DataTable)
        columns = [("mark", ""), ("firm", _("Firm")), ("no", _("No.")), ("target", _("Target date"))]
        columns += [("state", _("Progress")), ("owner", _("Owner")), ("fix", _("Remediation plan"))]
        add_columns(table, columns)
        table.clear()
        for r in self.lines:
            overdue = r.overdue(on)
            table.add_row(
                _plain("!" if overdue else ("✓" if r.state == "done" else "·"), "bold red" if overdue else ""),
                _plain(r.firm_name),
                _plain(r.number),
                _plain(format_date(r.target_date) if r.target_date else "—", "bold red" if overdue else ""),
                _plain(_(REMEDIATION_LABELS[r.state])),
                _plain(r.owner),
                _plain(r.remediation.splitlines()[0] if r.remediation else ""),
            )
        n_over = sum(1 for r in self.lines if r.overdue(on))
        summary = _("{n} problems with a remediation; {over} overdue.").format(n=len(self.lines), over=n_over)
        if not self.lines:
            summary = _("Nothing is overdue.") if self.overdue_only else _("No problems with a remediation to track.")
        self.query_one("#due-summary", Static).update(_plain(summary))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
            table.focus()

    def _current(self):
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.lines[table.cursor_row]

    def action_back(self) -> None:
        self.dismiss(None)

    def action_next_state(self) -> None:
        r = self._current()
        if r is None:
            return
        from tui.workspace import UserError

        state = next_remediation_state(r.state)
        try:
            self.tenken.ws.planning.set_progress(r.inspection_id, r.item_id, state, note=r.progress_note)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._fill(keep=self.query_one(DataTable).cursor_row)

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self._fill()

    def action_calendar(self) -> None:
        from tui.export.ics import remediation_calendar

        data = remediation_calendar(self.lines, get_language())
        _ask_and_write(
            self,
            _("Write the target dates as a calendar (.ics)"),
            "tenken-remediation.ics",
            lambda p: p.write_bytes(data),
        )

    def action_report(self) -> None:
        from tui.export.progress import write_progress_xlsx

        lines, lang, on = list(self.lines), get_language(), today()
        _ask_and_write(
            self,
            _("Write the remediation progress report"),
            "tenken-remediation.xlsx",
            lambda p: write_progress_xlsx(p, lines, lang, on),
        )


class PortfolioScreen(TenkenScreen[None]):
    """Across the firms in this data folder: provisions most often not met, each firm against the rest, cycles."""

    CSS_PATH = STYLES / "planning.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="portfolio.back"),
        Binding("x", "workbook", N_("Workbook (xlsx)"), id="portfolio.workbook"),
    ]

    def compose(self) -> ComposeResult:
        self.portfolio = self.tenken.ws.planning.portfolio()
        yield Header(icon="")
        yield Static(_("Portfolio"), classes="screen-title")
        with VerticalScroll():
            yield Static(_("Provisions most often not met across the portfolio"), classes="section-title")
            yield DataTable(id="provisions", cursor_type="row", zebra_stripes=True)
            yield Static(
                _("Portfolio average: {rate} of answered items with a problem").format(
                    rate=format_percent(self.portfolio.average_rate)
                ),
                classes="section-title",
            )
            yield DataTable(id="firms", cursor_type="row")
            yield Static(_("Problems cycle by cycle"), classes="section-title")
            yield DataTable(id="cycles", cursor_type="row")
        yield TenkenFooter()

    def on_mount(self) -> None:
        p = self.portfolio
        t = self.query_one("#provisions", DataTable)
        t.add_column(_("Provision"), key="ref", width=60)
        t.add_column(_("Non-compliant"), key="nc")
        t.add_column(_("Partial"), key="partial")
        t.add_column(_("Firms asked"), key="firms")
        for line in [x for x in p.provisions if x.noncompliant + x.partial][:30]:
            label = line.label if len(line.label) <= 60 else line.label[:59] + "…"
            t.add_row(_plain(label), str(line.noncompliant), str(line.partial), str(line.firms))
        f = self.query_one("#firms", DataTable)
        add_columns(f, (("firm", _("Firm")), ("rate", _("Share with a problem")), ("n", _("Problems"))))
        for firm in p.firms:
            style = "bold red" if firm.rate > p.average_rate else ""
            f.add_row(
                _plain(firm.firm_name), _plain(format_percent(firm.rate), style), f"{firm.problems}/{firm.answered}"
            )
        c = self.query_one("#cycles", DataTable)
        add_columns(c, (("firm", _("Firm")), ("cycle", _("Cycle")), ("n", _("Problems"))))
        for cycle in p.cycles:
            c.add_row(_plain(cycle.firm_name), cycle.cycle, f"{cycle.problems}/{cycle.answered}")
        t.focus()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()  # the tables are new after a recompose: fill them again, in the new language

    def action_back(self) -> None:
        self.dismiss(None)

    def action_workbook(self) -> None:
        from tui.export.progress import write_portfolio_xlsx

        portfolio, lang = self.portfolio, get_language()
        _ask_and_write(
            self,
            _("Write the portfolio workbook"),
            "tenken-portfolio.xlsx",
            lambda p: write_portfolio_xlsx(p, portfolio, lang),
        )


def this_week_message(week) -> str | None:
    """The start-up line: what is due this week, what is overdue (None when there is nothing to say)."""
    if week.empty:
        return None
    parts = []
    if week.items:
        one = _("1 item planned for this week")
        parts.append(one if week.items == 1 else _("{n} items planned for this week").format(n=week.items))
    for title, kind, day in week.milestones[:3]:
        parts.append(f"{format_date(day)} {_(MILESTONE_LABELS[kind])} ({title})")
    if week.overdue:
        one = _("1 remediation overdue")
        parts.append(one if week.overdue == 1 else _("{n} remediations overdue").format(n=week.overdue))
    if week.due_soon:
        one = _("1 remediation due within a week")
        parts.append(one if week.due_soon == 1 else _("{n} remediations due within a week").format(n=week.due_soon))
    return " · ".join(parts)
