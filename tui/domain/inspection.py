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
    "assignee": N_("Assigned to"),
    "assignee_due": N_("Assignment due"),
}
#: Who an item is assigned to (a person's name) and by when; they travel in the change rows like answer fields.
ASSIGNMENT_FIELDS = ("assignee", "assignee_due")
MAX_ASSIGNEE = 200


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
    assignee: str = ""  # the name of the person the item is assigned to ("" = nobody)
    assignee_due: dt.date | None = None  # by when the assignee should have answered

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
    elif field_name == "assignee":
        if not isinstance(value, str) or len(value) > MAX_ASSIGNEE:
            raise AnswerRejected(_("The name of the person assigned is too long."))
    elif field_name == "assignee_due":
        if value is not None and not isinstance(value, dt.date):
            raise AnswerRejected(_("The assignment's due date must be a date like 2026-12-23."))
    elif field_name not in TEXT_FIELDS:
        raise AnswerRejected(_("Unknown field: {name}").format(name=field_name))


def check_answer(answer: Answer) -> None:
    """Refuse an answer as a whole (one from another laptop) that a person could not have saved field by field."""
    blank = Answer(answer.item_id, justification=answer.justification)
    for name in ("status", "risk", "target_date", "justification", "assignee", "assignee_due"):
        check_change(blank if name != "justification" else answer, name, getattr(answer, name))


def looks_like_path(text: str) -> bool:
    """Typed evidence that is meant as a file: an absolute, home or relative path, or a Windows drive path."""
    import re

    return bool(re.match(r"^(/|~|\.{1,2}[/\\]|\\\\|[A-Za-z]:[/\\])", text.strip()))


def parse_date(text: str) -> dt.date | None:
    """ISO dates, also with slashes or 年月日; None for blank; ValueError for anything else."""
    import re
    import unicodedata

    t = unicodedata.normalize("NFKC", text).translate(_DASHES).replace(" ", "").strip()
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


# --- what people type: item numbers, dates -----------------------------------------------------------------

#: Dashes an input method gives for the "-" of an item number (katakana long vowel, minus, figure dash, …).
_DASHES = str.maketrans({c: "-" for c in "ー－−‐‑‒–—―ｰ"})


def normalize_item_number(text: str) -> str:
    """「６－２」, 「6ー2」 and "6 - 2" all become "6-2"."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).translate(_DASHES).replace(" ", "").strip()


def shift_date(text: str, days: int) -> str | None:
    """The date in `text` moved by `days`, as YYYY-MM-DD; today's date for a blank field; None when not a date."""
    try:
        value = parse_date(text)
    except ValueError:
        return None
    base = value if value is not None else today() - dt.timedelta(days=days)
    return (base + dt.timedelta(days=days)).isoformat()


def date_problem(text: str) -> str | None:
    """Why `text` cannot be saved as a date (in the user's language), or None when it can (blank clears it)."""
    try:
        parse_date(text)
    except ValueError:
        return _("“{text}” is not a date: write it like 2027-02-15, 2027/2/15 or 2027年2月15日.").format(
            text=text.strip()
        )
    return None


# --- views over the answers -----------------------------------------------------------------------------------

#: Item list filters, in the order the `p` key walks through them (`u` toggles "unanswered").
FILTERS = ("all", "unanswered", "problems", "attention")
FILTER_LABELS = {
    "all": N_("all items"),
    "unanswered": N_("unanswered only"),
    "problems": N_("problems only"),
    "attention": N_("problems to act on (no plan, owner or date, or overdue)"),
}


def needs_attention(answer: Answer, on: dt.date | None = None) -> bool:
    """A problem that cannot be reported as handled: no remediation plan, owner or target date, or the date passed."""
    if not answer.is_problem:
        return False
    if not answer.remediation.strip() or not answer.owner.strip() or answer.target_date is None:
        return True
    return answer.target_date < (on or today())


def shown_by_filter(answer: Answer, name: str, on: dt.date | None = None) -> bool:
    if name == "unanswered":
        return not answer.answered
    if name == "problems":
        return answer.is_problem
    if name == "attention":
        return needs_attention(answer, on)
    return True


def history_value_text(field_name: str, value: str) -> str:
    """A history entry's old or new value as a person reads it, in the UI language (labels, not codes)."""
    import json

    if not value:
        return "—"
    if field_name == "status" and value in STATUS_LABELS:
        return _(STATUS_LABELS[value])
    if field_name == "risk" and value in RISK_LABELS:
        return _(RISK_LABELS[value])
    if field_name == "target_date":
        from tui.i18n import format_date

        try:
            day = parse_date(value)
        except ValueError:
            return value
        return format_date(day) if day else "—"
    if field_name == "evidence":
        try:
            entries = json.loads(value)
        except ValueError:
            return value
        if isinstance(entries, list):
            labels = [str(e.get("label", "")) if isinstance(e, dict) else str(e) for e in entries]
            return " / ".join(label for label in labels if label) or "—"
    return value


def by_urgency(firms: list[FirmInfo], on: dt.date | None = None) -> list[tuple[FirmInfo, InspectionInfo | None]]:
    """Home rows: open inspections by days left (overdue first), then finalized ones, then firms without any."""
    day = on or today()
    open_rows = [(f, i) for f in firms for i in f.inspections if not i.finalized]
    done_rows = [(f, i) for f in firms for i in f.inspections if i.finalized]
    open_rows.sort(key=lambda r: (r[1].due_on - day).days)
    empty: list[tuple[FirmInfo, InspectionInfo | None]] = [(f, None) for f in firms if not f.inspections]
    return [*open_rows, *done_rows, *empty]


# --- housekeeping -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rescope:
    """What a profile change does to an open inspection: items that arrive and items that leave (answers kept)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (item id, what a person knows it by: 「3-1 外部委託契約において…」)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def item_label(number: str, question: str, width: int = 20) -> str:
    """An item as the inspection screen shows it: its number and the start of its question."""
    text = " ".join(question.split())
    return f"{number} {text[:width]}…" if len(text) > width else f"{number} {text}"


def rescope_text(inspection_id: int, change: Rescope) -> str:
    """One line for a preview (TUI and CLI alike): which items an inspection gains and loses, by number and
    question (an item's internal id only when it has no label)."""
    labels = dict(change.labels)

    def named(items: tuple[str, ...]) -> str:
        return ", ".join(labels.get(i, i) for i in items)

    parts = []
    if change.added:
        parts.append(_("adds {n} ({items})").format(n=len(change.added), items=named(change.added)))
    if change.removed:
        parts.append(_("removes {n} ({items})").format(n=len(change.removed), items=named(change.removed)))
    return _("Inspection #{id}: {changes}.").format(id=inspection_id, changes="; ".join(parts))


def rescope_change(current: list[str], wanted: list[str]) -> Rescope:
    have, want = set(current), set(wanted)
    return Rescope(tuple(i for i in wanted if i not in have), tuple(i for i in current if i not in want))


@dataclass(frozen=True, slots=True)
class TrashEntry:
    kind: str  # "firm" or "inspection"
    id: int
    firm_name: str
    title: str
    deleted_at: dt.datetime

    def describe(self) -> str:
        if self.kind == "firm":
            return _("firm #{id} {name} (with its inspections)").format(id=self.id, name=self.firm_name)
        return _("inspection #{id} {title} of {name}").format(id=self.id, title=self.title or "—", name=self.firm_name)


def same_name(a: str, b: str) -> bool:
    """Firm names that a person would take for the same firm (width, case and spacing aside)."""
    import unicodedata

    def key(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).casefold().split())

    return key(a) == key(b)


def distinct_names(firms: list[FirmInfo]) -> dict[int, str]:
    """Each firm's name as shown in lists: firms that share a name get their id, size and business added."""
    from tui.domain.profile import BUSINESS_LABELS

    out = {}
    for firm in firms:
        twins = [f for f in firms if f.id != firm.id and same_name(f.name, firm.name)]
        if not twins:
            out[firm.id] = firm.name
            continue
        p = firm.profile
        business = "・".join(_(BUSINESS_LABELS[b]) for b in getattr(p, "business", ()) if b in BUSINESS_LABELS)
        out[firm.id] = _("{name} (#{id}, {staff} staff, {business})").format(
            name=firm.name, id=firm.id, staff=getattr(p, "staff", "?"), business=business
        )
    return out
