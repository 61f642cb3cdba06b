"""Finalizing: the readiness check a report must pass before sign-off, and the fingerprint of a locked revision.

`readiness` lists what keeps an inspection from being submitted: unanswered items, problems without a
remediation plan, owner or target date, an n/a without justification, dates that contradict each other. The
CLI prints the list, the TUI lets the user jump through it; finalizing anyway (`--allow-incomplete`) is
recorded with the number of open points and printed on the report's cover.

`content_sha256` is the SHA-256 of a revision's canonical content (every item's answer, without file paths
or timestamps), stored when it is locked and carried by the JSON and Word reports, so `tenken verify` can tell
whether a report file matches a locked revision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.domain.inspection import Answer
from tui.i18n import N_, _

#: kind → message (format fields: number, fields, date, received, submitted)
ISSUE_MESSAGES = {
    "unanswered": N_("{number}: not answered yet."),
    "problem-incomplete": N_("{number}: the problem needs {fields}."),
    "na-justification": N_("{number}: “not applicable” without a justification."),
    "target-before-received": N_("{number}: the target date {date} is before the notice was received ({received})."),
    "submitted-before-received": N_("The submission date {submitted} is before the notice was received ({received})."),
    "submitted-future": N_("The submission date {submitted} is in the future."),
}
PROBLEM_FIELDS = {"remediation": N_("a remediation plan"), "owner": N_("an owner"), "target_date": N_("a target date")}


@dataclass(frozen=True, slots=True)
class ReadinessIssue:
    kind: str
    item_id: str = ""  # the item to jump to; "" for the inspection as a whole
    number: str = ""  # the item's number in the report (「2-3」)
    missing: tuple[str, ...] = ()  # for problem-incomplete: remediation, owner, target_date
    date: dt.date | None = None

    def text(self, received: dt.date | None = None, submitted: dt.date | None = None) -> str:
        """One sentence in the active language."""
        from tui.i18n import format_date

        fields = ", ".join(_(PROBLEM_FIELDS[f]) for f in self.missing)
        return _(ISSUE_MESSAGES[self.kind]).format(
            number=self.number or self.item_id,
            fields=fields,
            date=format_date(self.date),
            received=format_date(received),
            submitted=format_date(submitted),
        )


def readiness(
    items: Iterable[tuple[str, str]],
    answers: Mapping[str, Answer],
    received_on: dt.date,
    submitted_on: dt.date | None,
    today: dt.date,
) -> list[ReadinessIssue]:
    """Everything that keeps the inspection from being finalized; empty when it is ready.

    `items` are (item id, number) in report order.
    """
    issues: list[ReadinessIssue] = []
    for item_id, number in items:
        a = answers.get(item_id, Answer(item_id))
        if not a.answered:
            issues.append(ReadinessIssue("unanswered", item_id, number))
            continue
        if a.status == "na" and not a.justification.strip():
            issues.append(ReadinessIssue("na-justification", item_id, number))
        if a.is_problem:
            missing = tuple(
                f for f in PROBLEM_FIELDS if not (getattr(a, f).strip() if f != "target_date" else a.target_date)
            )
            if missing:
                issues.append(ReadinessIssue("problem-incomplete", item_id, number, missing))
        if a.target_date is not None and a.target_date < received_on:
            issues.append(ReadinessIssue("target-before-received", item_id, number, date=a.target_date))
    if submitted_on is not None:
        if submitted_on < received_on:
            issues.append(ReadinessIssue("submitted-before-received", date=submitted_on))
        elif submitted_on > today:
            issues.append(ReadinessIssue("submitted-future", date=submitted_on))
    return issues


def canonical_content(answers: Iterable[Answer]) -> dict[str, Any]:
    """What a locked revision says, independent of language, file paths and timestamps."""
    rows = []
    for a in sorted(answers, key=lambda a: a.item_id):
        rows.append(
            {
                "item_id": a.item_id,
                "status": a.status,
                "note": a.note,
                "finding": a.finding,
                "risk": a.risk,
                "remediation": a.remediation,
                "owner": a.owner,
                "target_date": a.target_date.isoformat() if a.target_date else None,
                "justification": a.justification,
                "evidence": [{"label": e.label, "sha256": e.sha256} for e in a.evidence],
            }
        )
    return {"schema": "tenken-content/1", "answers": rows}


def content_sha256(answers: Iterable[Answer]) -> str:
    text = json.dumps(canonical_content(answers), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
