"""The month as a plan, and what was promised after it.

A plan is worked back from the due date: a buffer before submission, the board's slot (取締役会等) where the
rules the inspection cites address the board, the responsible officer's review before that, and the weeks left
before the review hold the items still to answer, grouped by owner. After submission, every problem's remediation
target date is tracked until the fix is done.

Pure Python: the Workspace gathers the inputs, the CLI and the TUI show the result, writers turn it into .ics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.i18n import N_

#: Days kept free before the due date to export, sign and send the report.
SUBMISSION_BUFFER_DAYS = 3
#: Days the responsible officer gets to review the answers.
OFFICER_REVIEW_DAYS = 3
#: Days set aside for the board (取締役会等) to hear the result, where the rules address the board.
BOARD_DAYS = 1
#: Words in a cited provision that mean the rules address the board.
BOARD_TERMS = ("取締役会",)

UNASSIGNED = ""

MILESTONE_LABELS = {
    "received": N_("Notice received"),
    "answers": N_("All items answered"),
    "review": N_("Responsible officer's review"),
    "board": N_("Board (取締役会等) hears the result"),
    "buffer": N_("Report exported, signed off and ready to send"),
    "due": N_("Report due to the association"),
}

#: The plan's warning when open items are assigned to nobody (one msgid).
NO_OWNER = N_(
    "Some open items have no owner: assign them (A on the item, or `tenken assign`) so each person sees their week."
)

REMEDIATION_STATES = ("planned", "in_progress", "done")
REMEDIATION_LABELS = {"planned": N_("planned"), "in_progress": N_("under way"), "done": N_("done")}


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One inspection item as the plan needs it."""

    item_id: str
    number: str
    question: str
    owner: str = UNASSIGNED
    answered: bool = False
    cites_board: bool = False
    due: dt.date | None = None  # the date the item was assigned to be answered by, if any


@dataclass(frozen=True, slots=True)
class Milestone:
    kind: str  # a key of MILESTONE_LABELS
    start: dt.date
    end: dt.date  # inclusive; the same as start for a one-day milestone

    @property
    def label(self) -> str:
        return MILESTONE_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class Week:
    start: dt.date
    end: dt.date  # inclusive
    by_owner: dict[str, tuple[PlanItem, ...]]

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.by_owner.values())


@dataclass(frozen=True, slots=True)
class Plan:
    received: dt.date
    due: dt.date
    today: dt.date
    milestones: tuple[Milestone, ...]
    weeks: tuple[Week, ...]
    done: int
    total: int
    board: bool
    board_items: tuple[str, ...] = ()
    late: bool = False  # the answering window has already closed
    warnings: tuple[str, ...] = field(default=())

    @property
    def remaining(self) -> int:
        return self.total - self.done

    def milestone(self, kind: str) -> Milestone | None:
        return next((m for m in self.milestones if m.kind == kind), None)

    def due_between(self, start: dt.date, end: dt.date) -> list[tuple[str, PlanItem]]:
        """(owner, item) planned in weeks overlapping [start, end]."""
        out = []
        for week in self.weeks:
            if week.end >= start and week.start <= end:
                out += [(owner, item) for owner, items in week.by_owner.items() for item in items]
        return out


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def propose_plan(received: dt.date, due: dt.date, items: Iterable[PlanItem], today: dt.date) -> Plan:
    """Work the month back from `due`: buffer, board (where cited rules address it), officer review, answering.

    The items still unanswered are spread over the weeks before the review in their inspection order, each week
    holding about the same number, and grouped by owner inside a week. An item assigned with a due date goes in
    the week of that date (the first week if the date has passed, the last if it falls after the answering
    window). A plan made late (the answering window has closed) puts every open item in the current week and says
    so.
    """
    items = list(items)
    buffer_start = max(received, due - dt.timedelta(days=SUBMISSION_BUFFER_DAYS))
    board_items = tuple(i.item_id for i in items if i.cites_board)
    board = bool(board_items)
    milestones = [Milestone("received", received, received)]
    cursor = buffer_start
    if board:
        board_day = max(received, cursor - dt.timedelta(days=BOARD_DAYS))
        milestones.append(Milestone("board", board_day, board_day))
        cursor = board_day
    review_start = max(received, cursor - dt.timedelta(days=OFFICER_REVIEW_DAYS))
    review_end = max(review_start, cursor - dt.timedelta(days=1))
    milestones.append(Milestone("review", review_start, review_end))
    answers_by = max(received, review_start - dt.timedelta(days=1))
    milestones.append(Milestone("answers", answers_by, answers_by))
    milestones.append(Milestone("buffer", buffer_start, max(buffer_start, due - dt.timedelta(days=1))))
    milestones.append(Milestone("due", due, due))
    milestones.sort(key=lambda m: (m.start, list(MILESTONE_LABELS).index(m.kind)))

    open_items = [i for i in items if not i.answered]
    window_start = max(received, today)
    late = window_start > answers_by
    if late:
        window_start = answers_by = max(today, received)
    weeks: list[tuple[dt.date, dt.date]] = []
    start = window_start
    while start <= answers_by:
        end = min(_monday(start) + dt.timedelta(days=6), answers_by)
        weeks.append((start, end))
        start = end + dt.timedelta(days=1)
    if not weeks:
        weeks = [(window_start, window_start)]
    if len(weeks) > 1 and (weeks[0][1] - weeks[0][0]).days < 2:
        # a plan made on a Saturday or Sunday: those days join the coming week instead of holding a week of their own
        weeks[0:2] = [(weeks[0][0], weeks[1][1])]
    # Items assigned with a due date keep their week; the others are spread.
    pinned: dict[int, list[PlanItem]] = {}
    for item in open_items:
        if item.due is not None:
            week_no = next((n for n, (_s, e) in enumerate(weeks) if item.due <= e), len(weeks) - 1)
            pinned.setdefault(week_no, []).append(item)
    spread = [i for i in open_items if i.due is None]
    # Weight weeks by their days, so a two-day first week gets fewer items than a full one.
    days = [(e - s).days + 1 for s, e in weeks]
    total_days = sum(days)
    planned: list[Week] = []
    taken = 0
    elapsed = 0
    order = {i.item_id: n for n, i in enumerate(open_items)}
    for week_no, ((s, e), d) in enumerate(zip(weeks, days, strict=True)):
        elapsed += d
        upto = round(len(spread) * elapsed / total_days)
        chunk = sorted(spread[taken:upto] + pinned.get(week_no, []), key=lambda i: order[i.item_id])
        taken = upto
        by_owner: dict[str, list[PlanItem]] = {}
        for item in chunk:
            by_owner.setdefault(item.owner, []).append(item)
        ordered = dict(sorted(by_owner.items(), key=lambda kv: (kv[0] == UNASSIGNED, kv[0])))
        planned.append(Week(s, e, {k: tuple(v) for k, v in ordered.items()}))
    warnings = []
    if late and open_items:
        warnings.append(N_("The answering window has closed: every open item is planned for this week."))
    if any(i.owner == UNASSIGNED for i in open_items):
        warnings.append(NO_OWNER)
    return Plan(
        received,
        due,
        today,
        tuple(milestones),
        tuple(planned),
        len(items) - len(open_items),
        len(items),
        board,
        board_items,
        late,
        tuple(warnings),
    )


# --- after submission: remediation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Remediation:
    """A problem found in an inspection and what was promised about it."""

    inspection_id: int
    firm_name: str
    inspection_title: str
    item_id: str
    number: str
    question: str
    finding: str
    remediation: str
    owner: str
    target_date: dt.date | None
    risk: str = ""
    state: str = "planned"  # a key of REMEDIATION_LABELS
    done_on: dt.date | None = None
    progress_note: str = ""
    finalized: bool = False

    def days_left(self, on: dt.date) -> int | None:
        return None if self.target_date is None else (self.target_date - on).days

    def overdue(self, on: dt.date) -> bool:
        return self.state != "done" and self.target_date is not None and self.target_date < on


def sort_remediations(lines: Iterable[Remediation], on: dt.date) -> list[Remediation]:
    """Overdue first (oldest target first), then by target date, undated and done last."""

    def key(r: Remediation) -> tuple[bool, bool, bool, dt.date, str]:
        return (r.state == "done", not r.overdue(on), r.target_date is None, r.target_date or dt.date.max, r.number)

    return sorted(lines, key=key)


def next_remediation_state(state: str) -> str:
    """planned → under way → done → planned: the order a person steps a fix through."""
    return REMEDIATION_STATES[(REMEDIATION_STATES.index(state) + 1) % len(REMEDIATION_STATES)]


def check_remediation_change(state: str, done_on: dt.date | None, today: dt.date) -> None:
    """Refuse a progress update that cannot be true (ValueError with the reason's msgid)."""
    if state not in REMEDIATION_STATES:
        raise ValueError(N_("Unknown remediation state: {value}"))
    if done_on is not None and state != "done":
        raise ValueError(N_("A completion date only goes with the state “done”."))
    if done_on is not None and done_on > today:
        raise ValueError(N_("The completion date cannot be in the future."))
