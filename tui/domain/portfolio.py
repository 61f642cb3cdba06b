"""A consultant's portfolio: across the firms in one data folder, which provisions are most often not met, how
each firm compares with the rest, and how the problems move from one cycle to the next. Nothing leaves the laptop.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AnswerFact:
    """One answer as it bears on one cited provision."""

    firm_id: int
    firm_name: str
    inspection_id: int
    received_on: dt.date
    item_id: str
    ref: str
    label: str
    status: str


@dataclass(frozen=True, slots=True)
class ProvisionLine:
    ref: str
    label: str
    firms: int  # firms whose current cycle asked about it
    noncompliant: int  # firms with a problem on it
    partial: int

    @property
    def rate(self) -> float:
        return (self.noncompliant + self.partial) / self.firms if self.firms else 0.0


@dataclass(frozen=True, slots=True)
class FirmLine:
    firm_id: int
    firm_name: str
    answered: int
    problems: int

    @property
    def rate(self) -> float:
        return self.problems / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class CycleLine:
    firm_id: int
    firm_name: str
    cycle: str  # the year the notice was received in
    answered: int
    problems: int


@dataclass(frozen=True, slots=True)
class Portfolio:
    provisions: tuple[ProvisionLine, ...]  # most often not met first
    firms: tuple[FirmLine, ...]
    cycles: tuple[CycleLine, ...]

    @property
    def average_rate(self) -> float:
        answered = sum(f.answered for f in self.firms)
        return sum(f.problems for f in self.firms) / answered if answered else 0.0


PROBLEM = ("noncompliant", "partial")


def build_portfolio(facts: Iterable[AnswerFact]) -> Portfolio:
    facts = list(facts)
    # The current cycle of each firm is its latest inspection with an answer (a cycle just started, nothing
    # answered yet, does not wipe the firm's problems from the ranking); provisions and firm rates speak of that one.
    with_answers = {f.inspection_id for f in facts if f.status != "unanswered"}
    latest: dict[int, tuple[bool, dt.date, int]] = {}
    for f in facts:
        key = (f.inspection_id in with_answers, f.received_on, f.inspection_id)
        if f.firm_id not in latest or key > latest[f.firm_id]:
            latest[f.firm_id] = key
    current = [f for f in facts if f.inspection_id == latest[f.firm_id][2]]

    per_ref: dict[str, dict[int, str]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for f in current:
        labels[f.ref] = f.label
        seen = per_ref[f.ref].get(f.firm_id)
        # a firm counts once per provision: its worst answer on it
        order = {"noncompliant": 0, "partial": 1}
        if seen is None or order.get(f.status, 9) < order.get(seen, 9):
            per_ref[f.ref][f.firm_id] = f.status
    provisions = [
        ProvisionLine(
            ref,
            labels[ref],
            len(by_firm),
            sum(1 for s in by_firm.values() if s == "noncompliant"),
            sum(1 for s in by_firm.values() if s == "partial"),
        )
        for ref, by_firm in per_ref.items()
    ]
    provisions.sort(key=lambda p: (-(p.noncompliant + p.partial), -p.noncompliant, -p.rate, p.ref))

    def count(rows: list[AnswerFact]) -> tuple[int, int]:
        # an answer cites one or more provisions: count answers, not citations
        by_answer = {(f.inspection_id, f.item_id): f.status for f in rows}
        answered = sum(1 for s in by_answer.values() if s != "unanswered")
        return answered, sum(1 for s in by_answer.values() if s in PROBLEM)

    names = {f.firm_id: f.firm_name for f in facts}
    firms = []
    for firm_id in sorted(latest, key=lambda i: names[i]):
        answered, problems = count([f for f in current if f.firm_id == firm_id])
        firms.append(FirmLine(firm_id, names[firm_id], answered, problems))
    cycles = []
    by_cycle: dict[tuple[int, int], list[AnswerFact]] = defaultdict(list)
    for f in facts:
        by_cycle[(f.firm_id, f.received_on.year)].append(f)
    for (firm_id, year), rows in sorted(by_cycle.items(), key=lambda kv: (names[kv[0][0]], kv[0][1])):
        answered, problems = count(rows)
        cycles.append(CycleLine(firm_id, names[firm_id], str(year), answered, problems))
    return Portfolio(tuple(provisions), tuple(firms), tuple(cycles))
