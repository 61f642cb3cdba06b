"""Application services for the month's plan, remediation after submission, carried-over problems and the
consultant's portfolio. Reached through `Workspace.planning`; the CLI (`tenken plan|due|remediation|portfolio`)
and the TUI's plan, due and portfolio screens call these methods and hold no rule of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.domain.inspection import InspectionInfo, today
from tui.domain.plan import (
    BOARD_TERMS,
    REMEDIATION_STATES,
    Plan,
    PlanItem,
    Remediation,
    check_remediation_change,
    propose_plan,
    sort_remediations,
)
from tui.i18n import _, get_language

if TYPE_CHECKING:
    from tui.domain.portfolio import Portfolio
    from tui.store.planning import CarriedProblem, PlanningStore
    from tui.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ThisWeek:
    """What tenken tells a user when it starts: this week's planned items and milestones, overdue fixes."""

    items: int
    milestones: tuple[tuple[str, str, dt.date], ...]  # (inspection title, milestone label msgid, date)
    overdue: int
    due_soon: int

    @property
    def empty(self) -> bool:
        return not (self.items or self.milestones or self.overdue or self.due_soon)


class Planning:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self._store: PlanningStore | None = None

    @property
    def store(self) -> PlanningStore:
        if self._store is None:
            from tui.store.planning import PlanningStore

            self._store = PlanningStore(self.ws.store)
        return self._store

    # --- the month's plan ---------------------------------------------------------------------

    def plan(self, inspection_id: int, on: dt.date | None = None, lang: str | None = None) -> Plan:
        info = self.ws.inspection(inspection_id)
        report = self.ws.report(inspection_id, lang or get_language(), on, check_evidence=False)
        corpus = self.ws.corpus
        items = [
            PlanItem(
                row.item_id,
                row.number,
                row.question,
                # who answers the item: the person it is assigned to, else the owner written on it
                row.answer.assignee.strip() or row.answer.owner.strip(),
                row.answer.answered,
                # the rules' own (Japanese) words decide, whatever language the plan is shown in
                any(
                    term in corpus.full_text(c.ref, "ja")
                    for c in row.citations
                    if c.ref in corpus
                    for term in BOARD_TERMS
                ),
                row.answer.assignee_due if row.answer.assignee.strip() else None,
            )
            for row in report.annex
        ]
        return propose_plan(info.received_on, info.due_on, items, on or today())

    def open_inspections(self) -> list[InspectionInfo]:
        """Inspections still being answered: not finalized, not replaced by a later revision."""
        return [i for f in self.ws.firms() for i in f.inspections if not i.finalized and i.id not in self._replaced()]

    def _replaced(self) -> set[int]:
        rows = self.ws.store.db.execute_sql("SELECT previous_id FROM inspection WHERE previous_id IS NOT NULL")
        return {r[0] for r in rows.fetchall()}

    def this_week(self, on: dt.date | None = None) -> ThisWeek:
        on = on or today()
        monday = on - dt.timedelta(days=on.weekday())
        sunday = monday + dt.timedelta(days=6)
        items = 0
        milestones: list[tuple[str, str, dt.date]] = []
        for info in self.open_inspections():
            plan = self.plan(info.id, on)
            items += len(plan.due_between(on, sunday))
            title = f"{info.firm_name} — {self.ws.inspection_title(info)}"
            milestones += [(title, m.kind, m.start) for m in plan.milestones if on <= m.start <= sunday]
        lines = self.remediations(on)
        overdue = sum(1 for r in lines if r.overdue(on))
        due_soon = sum(1 for r in lines if not r.overdue(on) and r.state != "done" and r.days_left(on) in range(0, 7))
        return ThisWeek(items, tuple(milestones), overdue, due_soon)

    # --- remediation after submission ---------------------------------------------------------------

    def remediations(
        self,
        on: dt.date | None = None,
        firm_id: int | None = None,
        inspection_id: int | None = None,
        overdue_only: bool = False,
        lang: str | None = None,
    ) -> list[Remediation]:
        """Every problem (non-compliant or partial) of the current revision of each inspection, with its promise."""
        on = on or today()
        replaced = self._replaced()
        infos = [
            i
            for f in self.ws.firms()
            if firm_id is None or f.id == firm_id
            for i in f.inspections
            if i.id not in replaced and (inspection_id is None or i.id == inspection_id) and i.progress.problems
        ]
        progress = self.store.progress(i.id for i in infos)
        out: list[Remediation] = []
        for info in infos:
            report = self.ws.report(info.id, lang or get_language(), on, check_evidence=False)
            title = self.ws.inspection_title(info, lang)
            for row in report.annex:
                a = row.answer
                if not a.is_problem:
                    continue
                p = progress.get((info.id, row.item_id))
                out.append(
                    Remediation(
                        info.id,
                        info.firm_name,
                        title,
                        row.item_id,
                        row.number,
                        row.question,
                        a.finding,
                        a.remediation,
                        a.owner,
                        a.target_date,
                        a.risk,
                        p.state if p else "planned",
                        p.done_on if p else None,
                        p.note if p else "",
                        info.finalized,
                    )
                )
        lines = sort_remediations(out, on)
        return [r for r in lines if r.overdue(on)] if overdue_only else lines

    def set_progress(
        self,
        inspection_id: int,
        item_id: str,
        state: str,
        done_on: dt.date | None = None,
        note: str = "",
        on: dt.date | None = None,
    ) -> None:
        from tui.workspace import UserError

        info = self.ws.inspection(inspection_id)
        problems = {r.item_id for r in self.remediations(on, inspection_id=info.id)}
        if item_id not in problems:
            raise UserError(
                _("Item {item} of inspection {id} is not a problem: only problems have a remediation to track.").format(
                    item=item_id, id=inspection_id
                )
            )
        if state == "done" and done_on is None:
            done_on = on or today()
        try:
            check_remediation_change(state, done_on, on or today())
        except ValueError as exc:
            raise UserError(_(str(exc)).format(value=state)) from None
        self.store.set_progress(inspection_id, item_id, state, done_on, note.strip(), self.ws.store.user_name())

    # --- the next cycle ----------------------------------------------------------------------------

    def carry_over(self, new: InspectionInfo, on: dt.date | None = None) -> int:
        """Carry the open problems of the firm's last cycle into `new`, linked to the items that ask about them."""
        from tui.store.planning import CarriedProblem

        earlier = [
            i
            for f in self.ws.firms()
            if f.id == new.firm_id
            for i in f.inspections
            if i.id != new.id and i.received_on <= new.received_on
        ]
        replaced = self._replaced()
        earlier = [i for i in earlier if i.id not in replaced]
        if not earlier:
            return 0
        last = max(earlier, key=lambda i: (i.received_on, i.id))
        in_scope = {item_id for item_id, _s, _l in self.ws.inspection_items(new.id)}
        carried: list[CarriedProblem] = []
        for r in self.remediations(on, inspection_id=last.id):
            if r.state == "done" or r.item_id not in in_scope:
                continue
            carried.append(
                CarriedProblem(
                    r.item_id,
                    last.id,
                    r.inspection_title,
                    "noncompliant",
                    r.finding,
                    r.remediation,
                    r.owner,
                    r.target_date,
                    r.state,
                )
            )
        return self.store.carry(new.id, carried)

    def carried(self, inspection_id: int) -> dict[str, CarriedProblem]:
        return self.store.carried(inspection_id)

    def carried_elsewhere(self, inspection_id: int) -> list[Remediation]:
        """Open problems of the last cycle whose item is not in this inspection (the scope changed): listed, so
        nothing promised is forgotten."""
        info = self.ws.inspection(inspection_id)
        carried = self.carried(inspection_id)
        from_ids = {c.from_inspection_id for c in carried.values() if c.from_inspection_id}
        out = []
        for fid in from_ids:
            out += [r for r in self.remediations(inspection_id=fid) if r.state != "done" and r.item_id not in carried]
        return [r for r in out if r.inspection_id != info.id]

    # --- portfolio ----------------------------------------------------------------------------------

    def portfolio(self, lang: str | None = None) -> Portfolio:
        from tui.domain.portfolio import AnswerFact, build_portfolio

        facts: list[AnswerFact] = []
        replaced = self._replaced()
        for firm in self.ws.firms():
            for info in firm.inspections:
                if info.id in replaced:
                    continue
                report = self.ws.report(info.id, lang or get_language(), check_evidence=False)
                for row in report.annex:
                    facts += [
                        AnswerFact(
                            firm.id,
                            firm.name,
                            info.id,
                            info.received_on,
                            row.item_id,
                            c.ref,
                            c.label,
                            row.answer.status,
                        )
                        for c in row.citations
                    ]
        return build_portfolio(facts)


STATES = REMEDIATION_STATES
