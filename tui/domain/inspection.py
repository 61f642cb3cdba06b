"""Inspections and answers: statuses, the one-month due date, progress, and what makes an answer complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui.domain.profile import Profile
from tui.i18n import N_, _

STATUSES = ("unanswered", "compliant", "partial", "noncompliant", "na")
STATUS_LABELS = {
    "unanswered": N_("unanswered"),
    "compliant": N_("compliant"),
    "partial": N_("partially compliant"),
    "noncompliant": N_("non-compliant (problem found)"),
    "na": N_("not applicable"),
}
STATUS_SHORT = {
    "unanswered": N_("unanswered"),
    "compliant": N_("compliant"),
    "partial": N_("partial"),
    "noncompliant": N_("problem"),
    "na": N_("n/a"),
}
RISKS = ("low", "medium", "high", "critical")
RISK_LABELS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "critical": N_("critical")}
#: Answer fields a person edits, in the order screens and reports show them.
TEXT_FIELDS = ("note", "finding", "risk", "remediation", "owner", "target_date", "justification")
FIELD_LABELS = {
    "status": N_("Status"),
    "note": N_("Note"),
    "finding": N_("Problems and vulnerabilities"),
    "risk": N_("Risk rating"),
    "remediation": N_("Remediation plan"),
    "owner": N_("Owner"),
    "target_date": N_("Target date"),
    "justification": N_("Justification (not applicable)"),
    "evidence": N_("Evidence"),
}


def add_one_month(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day when it is shorter (Jan 31 → Feb 28)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def today() -> dt.date:
    """The current date (one place, so tests can pin it)."""
    return dt.date.today()


def days_left(due: dt.date, on: dt.date | None = None) -> int:
    return (due - (on or today())).days


def days_left_text(due: dt.date, on: dt.date | None = None) -> str:
    n = days_left(due, on)
    if n > 0:
        return _("{n} days left").format(n=n) if n != 1 else _("1 day left")
    if n == 0:
        return _("due today")
    return _("{n} days overdue").format(n=-n) if n != -1 else _("1 day overdue")


class AnswerRejected(ValueError):
    """An answer that cannot be saved as it stands (the message says why, in the active language)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    label: str
    path: str | None = None
    sha256: str | None = None
    #: "bundle" when the evidence arrived from another laptop: the path is the sender's, never looked at here
    origin: str | None = None
    #: the file's size and modification time when its SHA-256 was taken: unchanged, it is not read again
    size: int | None = None
    mtime_ns: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    item_id: str
    status: str = "unanswered"
    note: str = ""
    finding: str = ""
    risk: str = ""
    remediation: str = ""
    owner: str = ""
    target_date: dt.date | None = None
    justification: str = ""
    evidence: tuple[Evidence, ...] = ()
    updated_at: dt.datetime | None = None

    @property
    def answered(self) -> bool:
        return self.status != "unanswered"

    @property
    def is_problem(self) -> bool:
        return self.status in ("partial", "noncompliant")

    def field_text(self, name: str) -> str:
        value = getattr(self, name)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


def check_change(answer: Answer, field_name: str, value: object) -> None:
    """Refuse a change that would leave the answer inconsistent."""
    if field_name == "status":
        if value not in STATUSES:
            raise AnswerRejected(_("Unknown status: {value}").format(value=value))
        if value == "na" and not answer.justification.strip():
            raise AnswerRejected(_("“Not applicable” needs a justification: write why the item does not apply."))
    elif field_name == "risk":
        if value not in ("", *RISKS):
            raise AnswerRejected(_("Unknown risk rating: {value}").format(value=value))
    elif field_name == "justification":
        if answer.status == "na" and not str(value).strip():
            raise AnswerRejected(_("An item marked “not applicable” must keep its justification."))
    elif field_name == "target_date":
        if value is not None and not isinstance(value, dt.date):
            raise AnswerRejected(_("The target date must be a date like 2026-12-23."))
    elif field_name not in TEXT_FIELDS:
        raise AnswerRejected(_("Unknown field: {name}").format(name=field_name))


def check_answer(answer: Answer) -> None:
    """Refuse an answer as a whole (one from another laptop) that a person could not have saved field by field."""
    blank = Answer(answer.item_id, justification=answer.justification)
    for name in ("status", "risk", "target_date", "justification"):
        check_change(blank if name != "justification" else answer, name, getattr(answer, name))


def looks_like_path(text: str) -> bool:
    """Typed evidence that is meant as a file: an absolute, home or relative path, or a Windows drive path."""
    import re

    return bool(re.match(r"^(/|~|\.{1,2}[/\\]|\\\\|[A-Za-z]:[/\\])", text.strip()))


def parse_date(text: str) -> dt.date | None:
    """ISO dates, also with slashes or 年月日; None for blank; ValueError for anything else."""
    import re
    import unicodedata

    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", t)
    if not m:
        raise ValueError(t)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int = 0
    total: int = 0
    problems: int = 0

    @property
    def ratio(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.answered + other.answered, self.total + other.total, self.problems + other.problems)


@dataclass(frozen=True, slots=True)
class InspectionInfo:
    id: int
    firm_id: int
    firm_name: str
    title: str
    templates: tuple[str, ...]
    received_on: dt.date
    due_on: dt.date
    created_at: dt.datetime
    finalized_at: dt.datetime | None = None
    finalized_by: str = ""
    revision: int = 1
    submitted_on: dt.date | None = None
    addressee: str = ""
    progress: Progress = field(default_factory=Progress)
    open_points: int = 0  # points the readiness check found open when finalizing was forced (--allow-incomplete)
    content_sha256: str = ""  # SHA-256 of the locked revision's canonical content (tui.domain.finalize)

    @property
    def finalized(self) -> bool:
        return self.finalized_at is not None


@dataclass(frozen=True, slots=True)
class FirmInfo:
    id: int
    name: str
    profile: Profile
    inspections: tuple[InspectionInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    item_id: str
    field: str
    old: str
    new: str
    changed_at: dt.datetime
    changed_by: str


def progress_of(item_ids: list[str], answers: dict[str, Answer]) -> Progress:
    answered = sum(1 for i in item_ids if i in answers and answers[i].answered)
    problems = sum(1 for i in item_ids if i in answers and answers[i].is_problem)
    return Progress(answered, len(item_ids), problems)


@dataclass(frozen=True, slots=True)
class Difference:
    item_id: str
    field: str
    left: str
    right: str


COMPARED_FIELDS = ("status", "note", "finding", "risk", "remediation", "owner", "target_date", "justification")


def compare_answers(left: dict[str, Answer], right: dict[str, Answer], order: list[str]) -> list[Difference]:
    """Item by item, every field that differs between two revisions or two yearly cycles (items in `order`)."""
    out = []
    for item_id in order:
        a, b = left.get(item_id), right.get(item_id)
        if a is None and b is None:
            continue
        a = a or Answer(item_id)
        b = b or Answer(item_id)
        for name in COMPARED_FIELDS:
            if a.field_text(name) != b.field_text(name):
                out.append(Difference(item_id, name, a.field_text(name), b.field_text(name)))
        if [e.label for e in a.evidence] != [e.label for e in b.evidence]:
            out.append(
                Difference(
                    item_id, "evidence", "; ".join(e.label for e in a.evidence), "; ".join(e.label for e in b.evidence)
                )
            )
    return out
