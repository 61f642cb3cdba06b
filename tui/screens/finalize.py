"""Finalize an inspection: the readiness check as a list to jump through, the officer who signs off, the
submission date, and an explicit confirmation when finalizing with open points (recorded on the report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.finalize import ReadinessIssue
from tui.domain.inspection import parse_date
from tui.i18n import _
from tui.screens.dialogs import FormDialog


@dataclass(frozen=True, slots=True)
class FinalizeRequest:
    officer: str
    submitted_on: dt.date | None
    allow_incomplete: bool


@dataclass(frozen=True, slots=True)
class JumpTo:
    item_id: str


class FinalizeDialog(FormDialog):
    """Dismisses with a FinalizeRequest, a JumpTo (an open point chosen from the list) or None."""

    DEFAULT_CSS = """
    FinalizeDialog #issues { height: auto; max-height: 12; }
    FinalizeDialog #issues-title { color: $warning; }
    """

    def __init__(
        self,
        issues: list[ReadinessIssue],
        officer: str,
        received_on: dt.date,
        today: dt.date,
    ) -> None:
        super().__init__()
        self.issues = issues
        self.officer = officer
        self.received_on = received_on
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Finalize the inspection"), classes="dialog-title")
            if self.issues:
                yield Static(
                    _("{n} points are open. Choose one to go to it, or finalize anyway below.").format(
                        n=len(self.issues)
                    ),
                    id="issues-title",
                    markup=False,
                )
                yield OptionList(
                    *[
                        Option(RichText(issue.text(self.received_on)), id=f"issue-{n}")
                        for n, issue in enumerate(self.issues)
                    ],
                    id="issues",
                )
            else:
                yield Static(
                    _("Every item is answered and every problem has a plan, an owner and a date."), markup=False
                )
            yield Static(
                _("The answers are locked and the report is no longer a draft. Who signs off?"),
                classes="dialog-prompt",
                markup=False,
            )
            yield Input(self.officer, id="officer")
            yield Label(_("Submission date (YYYY-MM-DD; empty if not submitted yet)"), classes="field-label")
            yield Input(self.today.isoformat(), id="submitted")
            if self.issues:
                yield Checkbox(
                    _("Finalize anyway (the cover lists {n} open points)").format(n=len(self.issues)),
                    id="allow",
                )
            yield Static("", id="dialog-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Finalize"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#officer", Input).focus()

    @on(OptionList.OptionSelected, "#issues")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        issue = self.issues[int(str(event.option.id).removeprefix("issue-"))]
        if issue.item_id:
            self.dismiss(JumpTo(issue.item_id))
        else:
            self.query_one("#submitted", Input).focus()

    def _error(self, message: str) -> None:
        self.query_one("#dialog-error", Static).update(message)

    def accept(self) -> None:
        officer = self.query_one("#officer", Input).value.strip()
        if not officer:
            self._error(_("Write the name of the officer who signs off."))
            return
        try:
            submitted = parse_date(self.query_one("#submitted", Input).value)
        except ValueError:
            self._error(_("The submission date must be a date like 2026-12-23."))
            return
        if submitted is not None and submitted < self.received_on:
            self._error(_("The submission date is before the notice was received."))
            return
        if submitted is not None and submitted > self.today:
            self._error(_("The submission date is in the future."))
            return
        allow = bool(self.issues) and self.query_one("#allow", Checkbox).value
        if self.issues and not allow:
            self._error(_("Points are still open: go to them, or tick “Finalize anyway”."))
            return
        self.dismiss(FinalizeRequest(officer, submitted, allow))
