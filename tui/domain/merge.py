"""Merging an inspection's answers that come from another laptop (a bundle) into the ones kept here.

Pure rules, no storage. The change rows are the unit of exchange (tui.domain.sync): the merge takes the union of
both laptops' rows, and every field takes the value its latest changes give it. Edits to different fields of one
answer are both kept; two edits of the same field made without seeing each other are a conflict, reported for a
person to settle, never decided silently. Items only the other laptop had are added. A field that neither laptop
has a change row for (a bundle from a tenken before change rows) keeps this laptop's value unless it is empty.
The store applies the plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui.domain.inspection import Answer, Evidence, HistoryEntry
from tui.domain.sync import Change, Conflict, derive, union

#: The fields of an answer that travel in a bundle and are compared when merging, in history order.
MERGED_FIELDS = (
    "status",
    "note",
    "finding",
    "risk",
    "remediation",
    "owner",
    "target_date",
    "justification",
    "evidence",
    "assignee",
    "assignee_due",
)


def evidence_json(evidence: Sequence[Evidence], origin: bool = True) -> str:
    """Evidence as it is stored: a JSON list of {label, path, sha256[, origin]} (compared without the origin)."""
    out = []
    for e in evidence:
        entry: dict[str, str | int | None] = {"label": e.label, "path": e.path, "sha256": e.sha256}
        if e.origin and origin:
            entry["origin"] = e.origin
        if e.size is not None and origin:
            entry["size"], entry["mtime_ns"] = e.size, e.mtime_ns
        out.append(entry)
    return json.dumps(out, ensure_ascii=False)


def field_text(answer: Answer, name: str) -> str:
    """One field as the history records it (evidence as its stored JSON)."""
    if name == "evidence":
        return evidence_json(answer.evidence, origin=False)
    return answer.field_text(name)


@dataclass(frozen=True, slots=True)
class FieldChange:
    item_id: str
    field: str
    old: str
    new: str


@dataclass
class MergePlan:
    added: list[Answer] = field(default_factory=list)  # items only the bundle had: stored as they came
    updated: list[Answer] = field(default_factory=list)  # the bundle's answer was newer: stored in place of ours
    kept: list[str] = field(default_factory=list)  # this laptop's answer was newer and differs: it stays
    changes: list[FieldChange] = field(default_factory=list)  # what the updates changed, for the history
    history: list[HistoryEntry] = field(default_factory=list)  # the bundle's history entries not yet here


def _history_key(h: HistoryEntry) -> tuple[str, str, str, str, str, str]:
    return (h.item_id, h.field, h.old, h.new, h.changed_at.isoformat(), h.changed_by)


def _keep_own_files(ours: Answer, theirs: Answer) -> Answer:
    """Evidence this laptop already had keeps its origin: a file recorded here stays checkable here."""
    own = {(e.label, e.path, e.sha256): e for e in ours.evidence}
    evidence = tuple(own.get((e.label, e.path, e.sha256), e) for e in theirs.evidence)
    return replace(theirs, evidence=evidence)


def merge_answers(
    local: Mapping[str, Answer],
    incoming: Iterable[Answer],
    local_history: Iterable[HistoryEntry] = (),
    incoming_history: Iterable[HistoryEntry] = (),
) -> MergePlan:
    """What importing `incoming` over `local` changes; nothing is applied here."""
    plan = MergePlan()
    for theirs in incoming:
        ours = local.get(theirs.item_id)
        if ours is None:
            plan.added.append(theirs)
            continue
        differs = [f for f in MERGED_FIELDS if field_text(ours, f) != field_text(theirs, f)]
        if theirs.updated_at is None or (ours.updated_at is not None and ours.updated_at >= theirs.updated_at):
            if differs:
                plan.kept.append(theirs.item_id)
            continue
        if differs:
            plan.updated.append(_keep_own_files(ours, theirs))
            plan.changes.extend(
                FieldChange(theirs.item_id, f, field_text(ours, f), field_text(theirs, f)) for f in differs
            )
    seen = {_history_key(h) for h in local_history}
    plan.history.extend(h for h in incoming_history if _history_key(h) not in seen)
    return plan


def newest_allowed(now: dt.datetime) -> dt.datetime:
    """The latest time a bundle may carry: a clock a day ahead is fine, a year 9999 that wins every merge is not."""
    return now + dt.timedelta(days=1)


def apply_field(answer: Answer, name: str, text: str) -> Answer:
    """`answer` with one field set from its history text (the inverse of `field_text`)."""
    if name == "evidence":
        try:
            raw = json.loads(text or "[]")
        except ValueError:
            return answer
        entries = [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []
        evidence = tuple(
            Evidence(
                str(e.get("label", "")),
                e.get("path"),
                e.get("sha256"),
                e.get("origin") or ("bundle" if e.get("path") else None),
            )
            for e in entries
        )
        return replace(answer, evidence=evidence)
    if name in ("target_date", "assignee_due"):
        try:
            day = dt.date.fromisoformat(text) if text else None
        except ValueError:
            return answer
        return replace(answer, target_date=day) if name == "target_date" else replace(answer, assignee_due=day)
    changes: dict[str, Any] = {name: text}
    return replace(answer, **changes)


@dataclass
class HistoryMerge:
    added: list[Answer] = field(default_factory=list)  # items only the bundle had
    updated: list[Answer] = field(default_factory=list)  # answers whose fields the merged history changed
    new_rows: list[str] = field(default_factory=list)  # uids of the bundle's change rows not yet here
    conflicts: list[Conflict] = field(default_factory=list)  # fields changed on both sides without seeing each other
    filled: list[FieldChange] = field(default_factory=list)  # fields without change rows taken from the bundle


def merge_by_history(
    local: Mapping[str, Answer],
    incoming: Iterable[Answer],
    local_changes: Iterable[Change],
    incoming_changes: Iterable[Change],
) -> HistoryMerge:
    """What importing a bundle changes: union of the change rows, each field from its heads, conflicts listed."""
    ours = list(local_changes)
    known = {c.uid for c in ours}
    theirs = list(incoming_changes)
    plan = HistoryMerge(new_rows=[c.uid for c in theirs if c.uid not in known])
    merged = union(ours, theirs)
    states, conflicts = derive(merged.values())
    plan.conflicts = conflicts
    by_item: dict[str, dict[str, str]] = {}
    for (_insp, item_id, name), state in states.items():
        by_item.setdefault(item_id, {})[name] = state.value
    with_rows = {(item, name) for (_i, item, name) in states}
    for theirs_answer in incoming:
        mine = local.get(theirs_answer.item_id)
        if mine is None:
            plan.added.append(theirs_answer)
            continue
        changed = mine
        for name in MERGED_FIELDS:
            if (theirs_answer.item_id, name) in with_rows:
                value = by_item[theirs_answer.item_id][name]
                if field_text(changed, name) != value:
                    changed = apply_field(changed, name, value)
                    if name == "evidence":  # files recorded on this laptop stay checkable here
                        changed = _keep_own_files(mine, changed)
            elif field_text(mine, name) in ("", "unanswered", "[]") and field_text(theirs_answer, name) not in (
                "",
                "unanswered",
                "[]",
            ):
                plan.filled.append(
                    FieldChange(theirs_answer.item_id, name, field_text(mine, name), field_text(theirs_answer, name))
                )
                changed = apply_field(changed, name, field_text(theirs_answer, name))
        if changed != mine:
            plan.updated.append(changed)
    return plan
