"""Repository functions: every read and write the app and the CLI make, returning domain objects."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.domain.inspection import (
    Answer,
    Evidence,
    FirmInfo,
    HistoryEntry,
    InspectionInfo,
    Progress,
    add_one_month,
    check_change,
)
from tui.domain.profile import Profile
from tui.i18n import _
from tui.store.db import StoreError, connect_orm, is_database_error

if TYPE_CHECKING:
    from peewee import SqliteDatabase

#: tui.store.models, imported (with peewee) by the first call that needs them: see Store.db.
m: Any = None


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during (a failed ROLLBACK hides the real cause)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_disk_full(exc: BaseException) -> bool:
    for e in _chain(exc):
        text = str(e).lower()
        if ("disk" in text and "full" in text) or "disk i/o" in text or "file too large" in text or "no space" in text:
            return True
    return False


@contextmanager
def guarded(action: str) -> Iterator[None]:
    """Turn SQLite failures into one StoreError sentence; the transaction has been rolled back."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        if not (is_database_error(exc) or isinstance(exc, OSError)):
            raise
        if _is_disk_full(exc):
            raise StoreError(
                _(
                    "Could not {action}: the disk is full. Free some space and try again; "
                    "everything saved before is safe."
                ).format(action=action)
            ) from None
        if any("locked" in str(e).lower() or "busy" in str(e).lower() for e in _chain(exc)):
            raise StoreError(
                _("Could not {action}: the database is busy in another tenken. Try again in a moment.").format(
                    action=action
                )
            ) from None
        raise StoreError(
            _("Could not {action}: {reason}. Everything saved before is safe.").format(action=action, reason=exc)
        ) from None


def _json_evidence(evidence: Sequence[Evidence]) -> str:
    return json.dumps([{"label": e.label, "path": e.path, "sha256": e.sha256} for e in evidence], ensure_ascii=False)


def _answer(row: m.Answer) -> Answer:
    try:
        ev = tuple(Evidence(**e) for e in json.loads(row.evidence or "[]"))
    except (ValueError, TypeError):
        ev = ()
    return Answer(
        item_id=row.item_id,
        status=row.status,
        note=row.note,
        finding=row.finding,
        risk=row.risk,
        remediation=row.remediation,
        owner=row.owner,
        target_date=row.target_date,
        justification=row.justification,
        evidence=ev,
        updated_at=row.updated_at,
    )


def _profile(text: str) -> Profile:
    """A firm's profile from its stored JSON."""
    return Profile.from_dict(json.loads(text))


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _without_orm(fn):
    """Mark a Store method that needs neither peewee nor the models (the start-up path: it reads with `_read`)."""
    fn.without_orm = True
    return fn


def _binds(cls):
    """Every public method of `cls` (but those marked `_without_orm`) first points the models at `self.db`.

    The models share one DatabaseProxy; with two stores open in one process (tests, benchmarks, importing a
    bundle from another data folder) each call must work on its own database, not the last one opened.
    """
    import functools

    for name, fn in list(vars(cls).items()):
        if callable(fn) and not name.startswith("_") and not getattr(fn, "without_orm", False):

            def wrap(fn):
                @functools.wraps(fn)
                def bound(self, *args, **kwargs):
                    db = self.db
                    if m.database.obj is not db:
                        m.database.initialize(db)
                    return fn(self, *args, **kwargs)

                return bound

            setattr(cls, name, wrap(fn))
    return cls


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


#: Inspections with their progress (one row each), newest first; `{where}` is empty or filters on the id.
_INSPECTIONS_SQL = """
SELECT i.id, i.firm_id, f.name, i.title, i.templates, i.received_on, i.due_on, i.created_at, i.finalized_at,
       i.finalized_by, i.revision, i.submitted_on, i.addressee,
       COUNT(a.id), SUM(a.status != 'unanswered'), SUM(a.status IN ('partial', 'noncompliant'))
FROM inspection AS i
JOIN firm AS f ON f.id = i.firm_id
LEFT OUTER JOIN inspection_item AS ii ON ii.inspection_id = i.id
LEFT OUTER JOIN answer AS a ON a.inspection_id = i.id AND a.item_id = ii.item_id
WHERE i.deleted_at IS NULL AND f.deleted_at IS NULL {where}
GROUP BY i.id
ORDER BY i.received_on DESC, i.id DESC
"""


@_binds
class Store:
    """Every read and write of one database.

    Writes and most reads go through peewee. What the home screen needs at start-up (settings, firms, inspections
    and their progress) is read with plain SQL (`_read`), so peewee loads after the first paint (`prepare`).
    """

    def __init__(self, conn: sqlite3.Connection, db_path: Path):
        self._conn = conn  # opened and checked by open_database; autocommit, reads only
        self._orm: SqliteDatabase | None = None
        self._lock = threading.Lock()
        self.db_path = db_path
        self.data_dir = db_path.parent

    @property
    def db(self) -> SqliteDatabase:
        """The peewee database, connected on first use."""
        global m
        with self._lock:
            if self._orm is None:
                from tui.store import models

                m = models
                self._orm = connect_orm(self.db_path)
            return self._orm

    @_without_orm
    def prepare(self) -> None:
        """Import peewee and the models now (the app calls this in the background once the home screen is up)."""
        from tui.store import models  # noqa: F401

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of one query on committed data, without peewee until it is loaded anyway."""
        with self._lock:
            orm = self._orm
            if orm is None:
                return self._conn.execute(sql, params).fetchall()
        return orm.execute_sql(sql, params).fetchall()

    def bind(self) -> None:
        """Point the models at this store's database (for code outside this class that uses them)."""

    @_without_orm
    def close(self) -> None:
        """Close the database, first keeping today's backup if there is none yet."""
        if self._conn is None:
            return
        from tui.store.db import daily_backup

        with contextlib.suppress(Exception):  # closing must never fail because of a backup
            daily_backup(self._conn, self.data_dir)
        with self._lock:
            if self._orm is not None:
                self._orm.close()
            self._conn.close()
            self._conn = None

    # --- settings ---------------------------------------------------------------------------

    @_without_orm
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with guarded(_("read the database")):
            rows = self._read("SELECT value FROM setting WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with guarded(_("save the setting")), self.db.atomic():
            m.Setting.insert(key=key, value=value).on_conflict_replace().execute()

    def user_name(self) -> str:
        name = self.get_setting("user_name")
        if name:
            return name
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return ""

    # --- firms ------------------------------------------------------------------------------

    def create_firm(self, profile: Profile) -> FirmInfo:
        with guarded(_("save the firm")), self.db.atomic():
            row = m.Firm.create(name=profile.name, profile=json.dumps(profile.to_dict(), ensure_ascii=False))
        return FirmInfo(row.id, row.name, profile)

    def update_firm(self, firm_id: int, profile: Profile) -> FirmInfo:
        with guarded(_("save the firm")), self.db.atomic():
            m.Firm.update(
                name=profile.name, profile=json.dumps(profile.to_dict(), ensure_ascii=False), updated_at=m.now()
            ).where(m.Firm.id == firm_id).execute()
        return FirmInfo(firm_id, profile.name, profile)

    def firm(self, firm_id: int) -> FirmInfo | None:
        row = m.Firm.get_or_none((m.Firm.id == firm_id) & m.Firm.deleted_at.is_null())
        return FirmInfo(row.id, row.name, _profile(row.profile)) if row else None

    # --- housekeeping: rename, rescope, trash -----------------------------------------------

    def rename_inspection(self, inspection_id: int, title: str) -> None:
        with guarded(_("rename the inspection")), self.db.atomic():
            m.Inspection.update(title=title).where(m.Inspection.id == inspection_id).execute()

    def set_inspection_items(self, inspection_id: int, items: Sequence[tuple[str, str, str]]) -> None:
        """Replace the inspection's item list (id, section, level, in order); answers of items that leave are kept
        (they come back if the item returns), items that arrive get an empty answer."""
        with guarded(_("rescope the inspection")), self.db.atomic():
            m.InspectionItem.delete().where(m.InspectionItem.inspection == inspection_id).execute()
            m.InspectionItem.insert_many(
                [
                    {"inspection": inspection_id, "item_id": i, "section": s, "position": n, "level": lv}
                    for n, (i, s, lv) in enumerate(items)
                ]
            ).execute()
            have = {r.item_id for r in m.Answer.select(m.Answer.item_id).where(m.Answer.inspection == inspection_id)}
            new = [{"inspection": inspection_id, "item_id": i} for i, _s, _l in items if i not in have]
            if new:
                m.Answer.insert_many(new).execute()

    def set_deleted(self, kind: str, row_id: int, deleted: bool) -> bool:
        """Move a firm or an inspection to the trash (or back); False when there is no such row to move."""
        model = m.Firm if kind == "firm" else m.Inspection
        with guarded(_("update the trash")), self.db.atomic():
            q = model.update(deleted_at=m.now() if deleted else None).where(model.id == row_id)
            q = q.where(model.deleted_at.is_null() if deleted else model.deleted_at.is_null(False))
            return q.execute() > 0

    def trash(self) -> list[tuple[str, int, str, str, dt.datetime]]:
        """(kind, id, firm name, inspection title or "", deleted at) for everything in the trash, newest first."""
        with guarded(_("read the database")):
            firms = [
                ("firm", r.id, r.name, "", r.deleted_at)
                for r in m.Firm.select().where(m.Firm.deleted_at.is_null(False))
            ]
            inspections = [
                ("inspection", r.id, r.firm.name, r.title, r.deleted_at)
                for r in m.Inspection.select(m.Inspection, m.Firm)
                .join(m.Firm)
                .where(m.Inspection.deleted_at.is_null(False))
            ]
        return sorted(firms + inspections, key=lambda e: (e[4], e[1]), reverse=True)

    @_without_orm
    def list_firms(self) -> list[FirmInfo]:
        """Every firm with its inspections and their progress, in two queries."""
        with guarded(_("read the database")):
            firms = self._read("SELECT id, name, profile FROM firm WHERE deleted_at IS NULL ORDER BY name, id")
            inspections = self._inspection_infos(None)
        by_firm: dict[int, list[InspectionInfo]] = {}
        for info in inspections:
            by_firm.setdefault(info.firm_id, []).append(info)
        return [
            FirmInfo(firm_id, name, _profile(profile), tuple(by_firm.get(firm_id, ())))
            for firm_id, name, profile in firms
        ]

    # --- inspections ------------------------------------------------------------------------

    def _inspection_infos(self, inspection_id: int | None) -> list[InspectionInfo]:
        if inspection_id is None:
            rows = self._read(_INSPECTIONS_SQL.format(where=""))
        else:
            rows = self._read(_INSPECTIONS_SQL.format(where="AND i.id = ?"), (inspection_id,))
        return [
            InspectionInfo(
                id=row[0],
                firm_id=row[1],
                firm_name=row[2],
                title=row[3],
                templates=tuple(json.loads(row[4])),
                received_on=_date(row[5]),
                due_on=_date(row[6]),
                created_at=_datetime(row[7]),
                finalized_at=_datetime(row[8]),
                finalized_by=row[9],
                revision=row[10],
                submitted_on=_date(row[11]),
                addressee=row[12],
                progress=Progress(int(row[14] or 0), int(row[13] or 0), int(row[15] or 0)),
            )
            for row in rows
        ]

    @_without_orm
    def inspection(self, inspection_id: int) -> InspectionInfo | None:
        with guarded(_("read the database")):
            found = self._inspection_infos(inspection_id)
        return found[0] if found else None

    def create_inspection(
        self,
        firm_id: int,
        title: str,
        template_ids: Sequence[str],
        items: Sequence[tuple[str, str, str]],
        received_on: dt.date,
        due_on: dt.date | None = None,
        addressee: str = "",
    ) -> InspectionInfo:
        """`items` are (item id, section id, level) in the order the inspection shows them."""
        with guarded(_("create the inspection")), self.db.atomic():
            row = m.Inspection.create(
                firm=firm_id,
                title=title,
                templates=json.dumps(list(template_ids)),
                received_on=received_on,
                due_on=due_on or add_one_month(received_on),
                finalized_by="",
                addressee=addressee,
            )
            m.InspectionItem.insert_many(
                [
                    {"inspection": row.id, "item_id": i, "section": s, "position": n, "level": lv}
                    for n, (i, s, lv) in enumerate(items)
                ]
            ).execute()
            m.Answer.insert_many([{"inspection": row.id, "item_id": i} for i, _s, _l in items]).execute()
        info = self.inspection(row.id)
        assert info is not None
        return info

    def set_due_date(self, inspection_id: int, due_on: dt.date) -> None:
        with guarded(_("save the due date")), self.db.atomic():
            m.Inspection.update(due_on=due_on).where(m.Inspection.id == inspection_id).execute()

    def inspection_items(self, inspection_id: int) -> list[tuple[str, str, str]]:
        rows = (
            m.InspectionItem.select()
            .where(m.InspectionItem.inspection == inspection_id)
            .order_by(m.InspectionItem.position)
        )
        return [(r.item_id, r.section, r.level) for r in rows]

    def finalize(self, inspection_id: int, officer: str, submitted_on: dt.date | None = None) -> InspectionInfo:
        """Lock the inspection with the responsible officer's sign-off (who and when)."""
        if not officer.strip():
            raise StoreError(_("Finalizing needs the name of the officer who signs off."))
        with guarded(_("finalize the inspection")), self.db.atomic():
            insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
            if insp is None:
                raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
            if insp.finalized_at is not None:
                raise StoreError(_("This inspection is already finalized (revision {n}).").format(n=insp.revision))
            insp.finalized_at = m.now()
            insp.finalized_by = officer.strip()
            insp.submitted_on = submitted_on
            insp.save()
        return self.inspection(inspection_id)  # type: ignore[return-value]

    def reopen(self, inspection_id: int) -> InspectionInfo:
        """A new, editable revision of a finalized inspection: same items, answers copied; the old one stays locked."""
        with guarded(_("reopen the inspection")), self.db.atomic():
            old = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
            if old is None:
                raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
            if old.finalized_at is None:
                raise StoreError(_("Only a finalized inspection can be reopened; this one is still open."))
            new = m.Inspection.create(
                firm=old.firm_id,
                title=old.title,
                templates=old.templates,
                received_on=old.received_on,
                due_on=old.due_on,
                finalized_by="",
                addressee=old.addressee,
                revision=old.revision + 1,
                previous=old.id,
            )
            items = list(m.InspectionItem.select().where(m.InspectionItem.inspection == old.id))
            m.InspectionItem.insert_many(
                [
                    {
                        "inspection": new.id,
                        "item_id": i.item_id,
                        "section": i.section,
                        "position": i.position,
                        "level": i.level,
                    }
                    for i in items
                ]
            ).execute()
            answers = list(m.Answer.select().where(m.Answer.inspection == old.id))
            m.Answer.insert_many(
                [
                    {
                        "inspection": new.id,
                        "item_id": a.item_id,
                        "status": a.status,
                        "note": a.note,
                        "finding": a.finding,
                        "risk": a.risk,
                        "remediation": a.remediation,
                        "owner": a.owner,
                        "target_date": a.target_date,
                        "justification": a.justification,
                        "evidence": a.evidence,
                        "updated_at": a.updated_at,
                    }
                    for a in answers
                ]
            ).execute()
        return self.inspection(new.id)  # type: ignore[return-value]

    def set_submitted(self, inspection_id: int, submitted_on: dt.date | None) -> None:
        with guarded(_("save the submission date")), self.db.atomic():
            m.Inspection.update(submitted_on=submitted_on).where(m.Inspection.id == inspection_id).execute()

    def inspections_with_item(self, item_id: str) -> list[int]:
        """Open (not finalized) inspections that contain `item_id`, newest first."""
        rows = (
            m.InspectionItem.select(m.InspectionItem.inspection)
            .join(m.Inspection)
            .where((m.InspectionItem.item_id == item_id) & (m.Inspection.finalized_at.is_null()))
            .order_by(m.Inspection.received_on.desc(), m.Inspection.id.desc())
        )
        return [r.inspection_id for r in rows]

    # --- answers ----------------------------------------------------------------------------

    def answers(self, inspection_id: int) -> dict[str, Answer]:
        with guarded(_("read the answers")):
            rows = m.Answer.select().where(m.Answer.inspection == inspection_id)
            return {r.item_id: _answer(r) for r in rows}

    def answer(self, inspection_id: int, item_id: str) -> Answer:
        row = m.Answer.get_or_none((m.Answer.inspection == inspection_id) & (m.Answer.item_id == item_id))
        if row is None:
            raise StoreError(_("The item {item} is not part of this inspection.").format(item=item_id))
        return _answer(row)

    def save_answer(
        self, inspection_id: int, item_id: str, changes: dict[str, object], who: str | None = None
    ) -> Answer:
        """Apply `changes` to one answer and record each in the history, in one durable transaction.

        Raises AnswerRejected for a change the rules refuse, StoreError when it cannot be saved; in both
        cases nothing is changed.
        """
        who = self.user_name() if who is None else who
        with guarded(_("save the answer")), self.db.atomic():
            insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
            if insp is None:
                raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
            if insp.finalized_at is not None:
                raise StoreError(_("This inspection is finalized; reopen it as a new revision to change answers."))
            row = m.Answer.get_or_none((m.Answer.inspection == inspection_id) & (m.Answer.item_id == item_id))
            if row is None:
                raise StoreError(_("The item {item} is not part of this inspection.").format(item=item_id))
            current = _answer(row)
            # Apply the justification before the status so "na + reason" can be saved in one go.
            ordered = sorted(changes.items(), key=lambda kv: kv[0] != "justification")
            history = []
            stamp = m.now()
            for name, value in ordered:
                if name == "evidence":
                    old_text = row.evidence
                    new_text = _json_evidence(value)  # type: ignore[arg-type]
                    if old_text == new_text:
                        continue
                    row.evidence = new_text
                else:
                    check_change(current, name, value)
                    old_text = _as_text(getattr(row, name))
                    new_text = _as_text(value)
                    if old_text == new_text:
                        continue
                    setattr(row, name, value)
                current = _answer(row)
                history.append(
                    {
                        "inspection": inspection_id,
                        "item_id": item_id,
                        "field": name,
                        "old": old_text,
                        "new": new_text,
                        "changed_at": stamp,
                        "changed_by": who,
                    }
                )
            if history:
                row.updated_at = stamp
                row.save()
                m.AnswerHistory.insert_many(history).execute()
        return current

    def history(self, inspection_id: int, item_id: str | None = None) -> list[HistoryEntry]:
        q = m.AnswerHistory.select().where(m.AnswerHistory.inspection == inspection_id)
        if item_id is not None:
            q = q.where(m.AnswerHistory.item_id == item_id)
        return [
            HistoryEntry(r.item_id, r.field, r.old, r.new, r.changed_at, r.changed_by)
            for r in q.order_by(m.AnswerHistory.id)
        ]
