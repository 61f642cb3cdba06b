"""Merging an inspection's answers that come from another laptop (a bundle) into the ones kept here.

Pure rules, no storage: per item the newer answer wins (by its `updated_at`), the older one stays in the history,
and items only the other laptop had are added. Incoming history entries are appended unless already present.
The store applies the plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tui.domain.inspection import Answer, Evidence, HistoryEntry

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
