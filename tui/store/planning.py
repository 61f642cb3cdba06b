"""Remediation progress and carried-over problems (schema v5), read and written with plain SQL.

Remediation progress stays editable after an inspection is finalized: the report was sent, the fixes go on.
Every change is one transaction under `guarded()` and leaves a row in the append-only remediation history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.i18n import _
from tui.store.repo import Store, guarded


@dataclass(frozen=True, slots=True)
class Progress:
    state: str
    done_on: dt.date | None
    note: str
    updated_at: dt.datetime | None
    updated_by: str


@dataclass(frozen=True, slots=True)
class CarriedProblem:
    """An open problem from an earlier cycle, linked to the item that asks about it now."""

    item_id: str
    from_inspection_id: int | None
    from_title: str
    status: str
    finding: str
    remediation: str
    owner: str
    target_date: dt.date | None
    state: str


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value: object) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


class PlanningStore:
    def __init__(self, store: Store):
        self.store = store

    def _execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        cursor = self.store.db.execute_sql(self.store.sql(sql), params)
        return list(cursor.fetchall()) if cursor.description is not None else []  # an INSERT returns no rows

    # --- remediation progress ---------------------------------------------------------------

    def progress(self, inspection_ids: Iterable[int]) -> dict[tuple[int, str], Progress]:
        ids = sorted(set(inspection_ids))
        out: dict[tuple[int, str], Progress] = {}
        with guarded(_("read the database")):
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._execute(
                    "SELECT inspection_id, item_id, state, done_on, note, updated_at, updated_by "
                    f"FROM remediation_progress WHERE inspection_id IN ({marks})",
                    chunk,
                )
                for iid, item, state, done_on, note, updated_at, by in rows:
                    out[(iid, item)] = Progress(state, _date(done_on), note, _datetime(updated_at), by)
        return out

    def set_progress(
        self, inspection_id: int, item_id: str, state: str, done_on: dt.date | None, note: str, who: str
    ) -> Progress:
        from tui.store.models import now

        stamp = now()
        with guarded(_("save the remediation progress")), self.store.db.atomic():
            old = self.progress([inspection_id]).get((inspection_id, item_id))
            before = {
                "state": old.state if old else "planned",
                "done_on": old.done_on.isoformat() if old and old.done_on else "",
                "note": old.note if old else "",
            }
            after = {"state": state, "done_on": done_on.isoformat() if done_on else "", "note": note}
            self._execute(
                "INSERT INTO remediation_progress (inspection_id, item_id, state, done_on, note, updated_at, "
                "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (inspection_id, item_id) DO UPDATE SET "
                "state = excluded.state, done_on = excluded.done_on, note = excluded.note, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (inspection_id, item_id, state, after["done_on"] or None, note, stamp.isoformat(" "), who),
            )
            for name in ("state", "done_on", "note"):
                if before[name] != after[name]:
                    self._execute(
                        "INSERT INTO remediation_history (inspection_id, item_id, field, old, new, changed_at, "
                        "changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (inspection_id, item_id, name, before[name], after[name], stamp.isoformat(" "), who),
                    )
        return Progress(state, done_on, note, stamp, who)

    def progress_history(self, inspection_id: int, item_id: str) -> list[tuple[str, str, str, dt.datetime, str]]:
        with guarded(_("read the database")):
            rows = self._execute(
                "SELECT field, old, new, changed_at, changed_by FROM remediation_history "
                "WHERE inspection_id = ? AND item_id = ? ORDER BY id",
                (inspection_id, item_id),
            )
        return [(f, o, n, _datetime(at) or dt.datetime.min, by) for f, o, n, at, by in rows]

    # --- carried-over problems ----------------------------------------------------------------

    def carry(self, inspection_id: int, problems: Iterable[CarriedProblem]) -> int:
        rows = [
            (
                inspection_id,
                p.item_id,
                p.from_inspection_id,
                p.from_title,
                p.status,
                p.finding,
                p.remediation,
                p.owner,
                p.target_date.isoformat() if p.target_date else None,
                p.state,
            )
            for p in problems
        ]
        if not rows:
            return 0
        with guarded(_("carry the open problems over")), self.store.db.atomic():
            for row in rows:
                self._execute(
                    "INSERT INTO carryover (inspection_id, item_id, from_inspection_id, from_title, "
                    "status, finding, remediation, owner, target_date, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (inspection_id, item_id) DO UPDATE SET "
                    "from_inspection_id = excluded.from_inspection_id, from_title = excluded.from_title, "
                    "status = excluded.status, finding = excluded.finding, "
                    "remediation = excluded.remediation, owner = excluded.owner, target_date = excluded.target_date, "
                    "state = excluded.state",
                    row,
                )
        return len(rows)

    def carried(self, inspection_id: int) -> dict[str, CarriedProblem]:
        with guarded(_("read the database")):
            rows = self._execute(
                "SELECT item_id, from_inspection_id, from_title, status, finding, remediation, owner, target_date, "
                "state FROM carryover WHERE inspection_id = ? ORDER BY id",
                (inspection_id,),
            )
        return {r[0]: CarriedProblem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _date(r[7]), r[8]) for r in rows}
