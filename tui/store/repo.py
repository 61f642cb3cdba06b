"""Repository functions: every read and write the app and the CLI make, returning domain objects."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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
from tui.domain.people import Person, check_person
from tui.domain.profile import Profile
from tui.i18n import _
from tui.store.db import StoreError, connect_orm, is_database_error

if TYPE_CHECKING:
    from peewee import SqliteDatabase

    from tui.domain.sync import Change
    from tui.store import models as m


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


def _is_busy(exc: BaseException) -> bool:
    """SQLite's lock, or PostgreSQL's serialization failure, deadlock or lock timeout."""
    text = str(exc).lower()
    code = getattr(exc, "pgcode", None) or getattr(getattr(exc, "orig", None), "pgcode", None)
    return "locked" in text or "busy" in text or code in ("40001", "40P01", "55P03")


def _is_unreachable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "server closed the connection" in text or "could not connect" in text or "connection refused" in text


def os_login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def new_uid() -> str:
    import uuid

    return str(uuid.uuid4())


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
        if any(_is_unreachable(e) for e in _chain(exc)):
            raise StoreError(
                _("Could not {action}: the team database cannot be reached. Check the network and try again.").format(
                    action=action
                )
            ) from None
        if any(_is_busy(e) for e in _chain(exc)):
            raise StoreError(
                _("Could not {action}: the database is busy in another tenken. Try again in a moment.").format(
                    action=action
                )
            ) from None
        # SQLite's own words ("UNIQUE constraint failed: …") mean nothing to the people using tenken
        refused = _("the database refused the change")
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else refused
        raise StoreError(
            _("Could not {action}: {reason}. Everything saved before is safe.").format(action=action, reason=reason)
        ) from None


def _json_evidence(evidence: Sequence[Evidence]) -> str:
    from tui.domain.merge import evidence_json

    return evidence_json(evidence)


#: Settings that belong to one person on one machine: on the team database they stay in the data folder.
LOCAL_SETTINGS = (
    "language",
    "theme",
    "user_name",
    "device_id",
    "hlc_last",
    "person.login.",
    "last_item.",
    "bundle_undo",
)


def _local_key(key: str) -> bool:
    return any(key == k or (k.endswith(".") and key.startswith(k)) for k in LOCAL_SETTINGS)


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
        assignee=row.assignee,
        assignee_due=row.assignee_due,
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


def _date(value: object) -> dt.date | None:
    """A date as SQLite (text) or PostgreSQL (a date) gives it."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value: object) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


#: Inspections with their progress (one row each), newest first; `{where}` is empty or filters on the id.
_INSPECTIONS_SQL = """
SELECT i.id, i.firm_id, f.name, i.title, i.templates, i.received_on, i.due_on, i.created_at, i.finalized_at,
       i.finalized_by, i.revision, i.submitted_on, i.addressee,
       COUNT(a.id), SUM(CASE WHEN a.status != 'unanswered' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.status IN ('partial', 'noncompliant') THEN 1 ELSE 0 END),
       i.open_points, i.content_sha256
FROM inspection AS i
JOIN firm AS f ON f.id = i.firm_id
LEFT OUTER JOIN inspection_item AS ii ON ii.inspection_id = i.id
LEFT OUTER JOIN answer AS a ON a.inspection_id = i.id AND a.item_id = ii.item_id
WHERE i.deleted_at IS NULL AND f.deleted_at IS NULL {where}
GROUP BY i.id, f.id
ORDER BY i.received_on DESC, i.id DESC
"""


class Store:
    """Every read and write of one database.

    Writes and most reads go through peewee. What the home screen needs at start-up (settings, firms, inspections
    and their progress) is read with plain SQL (`_read`), so peewee loads after the first paint (`prepare`).
    The models are bound to this store's database once, when it is first used (`bind`).
    """

    def __init__(
        self, conn: sqlite3.Connection | None, db_path: Path, orm: Any = None, team_url: str | None = None
    ) -> None:
        self._conn: sqlite3.Connection | None = conn  # opened and checked by open_database; autocommit, reads only
        self._orm: SqliteDatabase | None = orm  # given at once for the team database (tui.store.pg)
        self._lock = threading.Lock()
        self.db_path = db_path
        self.data_dir = db_path.parent
        self.folder_lock: Any = None  # the data folder's lock while this store is open (set by open_store)
        #: the team database on PostgreSQL (its URL, password masked), or None for the data folder's SQLite file
        self.team_url: str | None = team_url
        self._clock: Any = None  # the team database: this session's HLC, kept in memory
        self._session = new_uid()[:4]
        self._device = ""  # the team database: this session's device id, once made
        self._open = True

    @property
    def db(self) -> SqliteDatabase:
        """The peewee database, connected on first use, with the models bound to it."""
        return self.bind()

    @property
    def models(self) -> Any:
        """The models (tui.store.models), bound to this store's database."""
        self.bind()
        from tui.store import models

        return models

    def bind(self) -> SqliteDatabase:
        """Connect peewee on first use and bind the models to this store's database (peewee's Database.bind).

        Once per store; again only when another Store in this process used the models in between (tests,
        benchmarks, reading a bundle of another data folder), so every call works on its own database.
        """
        with self._lock:
            if self._orm is None:
                self._orm = connect_orm(self.db_path)
            orm = self._orm
        from tui.store import models

        if models.BaseModel._meta.database is not orm:
            orm.bind(models.ALL_MODELS)
        return orm

    def prepare(self) -> None:
        """Import peewee and the models now (the app calls this in the background once the home screen is up)."""
        import importlib

        importlib.import_module("tui.store.models")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of one query on committed data, without peewee until it is loaded anyway."""
        with self._lock:
            orm = self._orm
            if orm is None:
                assert self._conn is not None, "read from a closed Store"
                return self._conn.execute(sql, params).fetchall()
        return orm.execute_sql(self.sql(sql), params).fetchall()

    def sql(self, text: str) -> str:
        """SQL written with `?` placeholders, for this database's driver (PostgreSQL's is `%s`)."""
        return text.replace("?", "%s") if self.team_url is not None else text

    @property
    def team(self) -> bool:
        """True on the shared team database (PostgreSQL)."""
        return self.team_url is not None

    def _live(self) -> sqlite3.Connection:
        """The start-up connection, while the store is open."""
        if self._conn is None:
            raise StoreError(_("The database is already closed."))
        return self._conn

    def backup(self, reason: str) -> Path | None:
        """A consistent copy of the database in the backups folder, named after `reason`; None on the team
        database, which its server backs up (tenken has no file to copy)."""
        from tui.store.db import backup_database

        if self.team:
            return None
        with guarded(_("keep a backup")), self._lock:
            return backup_database(self._live(), self.data_dir, reason)

    def fingerprint(self) -> str:
        """A digest of everything stored but the settings: equal digests, nothing changed."""
        import hashlib

        digest = hashlib.sha256()
        if self.team:
            from tui.store.pg import TABLES

            with guarded(_("read the database")):
                for table in TABLES[1:]:
                    for row in self.db.execute_sql(f"SELECT * FROM {table} ORDER BY id").fetchall():
                        digest.update(repr((table, *row)).encode("utf-8", "surrogatepass"))
            return digest.hexdigest()
        with guarded(_("read the database")), self._lock:
            for line in self._live().iterdump():
                if not line.startswith('INSERT INTO "setting"'):
                    digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def close(self) -> None:
        """Close the database, first keeping today's backup if there is none yet."""
        if self.team:
            if self._open:
                self._open = False
                with self._lock, contextlib.suppress(Exception):
                    if self._orm is not None:
                        self._orm.close()
            return
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
        lock = self.folder_lock
        if lock is not None:
            lock.release()

    # --- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        if self.team and _local_key(key):
            return self._local_settings().get(key, default)
        with guarded(_("read the database")):
            rows = self._read("SELECT value FROM setting WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        if self.team and _local_key(key):
            self._save_local_setting(key, value)
            return
        with guarded(_("save the setting")), self.db.atomic():
            self._put_setting(key, value)

    def _put_setting(self, key: str, value: str) -> None:
        """Insert or replace one setting (inside the caller's transaction); portable upsert."""
        m = self.models
        m.Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[m.Setting.key], update={m.Setting.value: value}
        ).execute()

    def _local_settings_file(self) -> Path:
        import hashlib

        tag = hashlib.sha256((self.team_url or "").encode()).hexdigest()[:12]
        return self.data_dir / f"team-{tag}.json"

    def _local_settings(self) -> dict[str, str]:
        """Settings of this person on this machine for the team database (language, who is typing, undo point):
        kept in the data folder, never shared with the team."""
        try:
            found = json.loads(self._local_settings_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def _save_local_setting(self, key: str, value: str) -> None:
        import os

        from tui.paths import ensure_private_dir

        with self._lock:
            found = self._local_settings()
            found[key] = value
            path = self._local_settings_file()
            try:
                ensure_private_dir(path.parent)
                tmp = path.with_suffix(f".{self._session}.tmp")
                tmp.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
                os.chmod(tmp, 0o600)
                os.replace(tmp, path)
            except OSError as exc:
                raise StoreError(
                    _("Could not {action}: {reason}. Everything saved before is safe.").format(
                        action=_("save the setting"), reason=exc.strerror or exc
                    )
                ) from None

    def user_name(self) -> str:
        """Who is making changes: the person chosen for this OS login, else the configured name, else the login."""
        person = self.current_person()
        if person is not None:
            return person.name
        name = self.get_setting("user_name")
        if name:
            return name
        return os_login()

    # --- people and change rows (tui.domain.people, tui.domain.sync) -------------------------

    def persons(self) -> list[Person]:
        rows = self._read("SELECT id, uid, name, role FROM person ORDER BY name, id")
        return [Person(*r) for r in rows]

    def add_person(self, name: str, role: str) -> Person:
        m = self.models
        problem = check_person(name, role)
        if problem:
            raise StoreError(_(problem))
        with guarded(_("save the person")), self.db.atomic():
            row = m.Person.create(name=name.strip(), role=role)
        return Person(row.id, row.uid, row.name, row.role)

    def current_person(self, login: str | None = None) -> Person | None:
        uid = self.get_setting(f"person.login.{login or os_login()}")
        if not uid:
            return None
        return next((p for p in self.persons() if p.uid == uid), None)

    def use_person(self, person_uid: str, login: str | None = None) -> None:
        self.set_setting(f"person.login.{login or os_login()}", person_uid)

    def device_id(self) -> str:
        """This database's device id, made once (names the device in every change row). On the team database every
        session is a device of its own: this machine's id (kept in the data folder) and a session tag."""
        if self.team and self._device:
            return self._device
        found = self.get_setting("device_id")
        if not found:
            import uuid

            found = uuid.uuid4().hex[:12]
            self.set_setting("device_id", found)
        if self.team:
            self._device = f"{found}-{self._session}"
            return self._device
        return found

    def _team_clock(self) -> Any:
        from tui.domain.sync import HLC, Clock

        if self._clock is None:
            self._clock = Clock(self.device_id(), HLC(0, 0, ""))
        return self._clock

    def _tick(self) -> str:
        """The next HLC stamp of this device (inside the caller's transaction)."""
        import time

        from tui.domain.sync import HLC, Clock

        if self.team:
            with self._lock:
                return str(self._team_clock().tick(int(time.time() * 1000)).text())
        last = self.get_setting("hlc_last")
        clock = Clock(self.device_id(), HLC.parse(last) if last else HLC(0, 0, ""))
        stamp = clock.tick(int(time.time() * 1000)).text()
        self._put_setting("hlc_last", stamp)
        return stamp

    def observe(self, stamps: list[str]) -> None:
        """Later local stamps follow every stamp received (bundle imports)."""
        import time

        from tui.domain.sync import HLC, Clock

        if not stamps:
            return
        now = int(time.time() * 1000)
        if self.team:
            with self._lock:
                clock = self._team_clock()
                for s in stamps:
                    clock.observe(HLC.parse(s), now)
            return
        last = self.get_setting("hlc_last")
        clock = Clock(self.device_id(), HLC.parse(last) if last else HLC(0, 0, ""))
        for s in stamps:
            clock.observe(HLC.parse(s), now)
        self._put_setting("hlc_last", clock.last.text())

    def field_heads(
        self, inspection_id: int, item_id: str, fields: Sequence[str] | None = None
    ) -> dict[str, list[str]]:
        """Per field of one answer (of `fields` only, when given): the uids of the change rows no other row
        replaced. A row's parents are always rows of its own field, so the heads of a field come from that field's
        rows alone (read through the index on inspection, item and field)."""
        sql = "SELECT uid, field, parents FROM answer_history WHERE inspection_id = ? AND item_id = ?"
        params: list[object] = [inspection_id, item_id]
        if fields is not None:
            if not fields:
                return {}
            sql += " AND field IN (" + ", ".join("?" * len(fields)) + ")"
            params.extend(fields)
        by_field: dict[str, list[str]] = {}
        replaced: set[str] = set()
        for uid, name, parents in self.db.execute_sql(self.sql(sql), params).fetchall():
            by_field.setdefault(name, []).append(uid)
            if parents and parents != "[]":
                replaced.update(json.loads(parents))
        return {f: [u for u in uids if u not in replaced] for f, uids in by_field.items()}

    def record_change(self, inspection_id: int, item_id: str, field_name: str, old: str, new: str, who: str) -> None:
        """One change row written as it happened elsewhere (inside the caller's transaction); the answer itself is
        updated by the caller."""
        m = self.models
        heads = self.field_heads(inspection_id, item_id, [field_name]).get(field_name, [])
        m.AnswerHistory.insert(
            inspection=inspection_id,
            item_id=item_id,
            field=field_name,
            old=old,
            new=new,
            changed_at=m.now(),
            changed_by=who,
            uid=new_uid(),
            device=self.device_id(),
            hlc=self._tick(),
            parents=json.dumps(sorted(heads)),
            person=who,
        ).execute()

    def inspection_uid(self, inspection_id: int) -> str:
        rows = self._read("SELECT uid FROM inspection WHERE id = ?", (inspection_id,))
        if not rows:
            raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
        return str(rows[0][0])

    def inspection_by_uid(self, uid: str) -> int | None:
        """The open inspection (not in the trash) with this stable id."""
        rows = self._read("SELECT id FROM inspection WHERE uid = ? AND deleted_at IS NULL", (uid,))
        return int(rows[0][0]) if rows and uid else None

    def changes(self, inspection_id: int) -> list[Change]:
        """The inspection's change rows as tui.domain.sync sees them."""
        m = self.models
        from tui.domain.sync import HLC, Change

        insp = m.Inspection.get_by_id(inspection_id)
        # One plain query on the store's connection (inside the caller's transaction): a merge reads thousands of
        # rows, and peewee's row objects and per-row conversions were most of its time.
        rows = self.db.execute_sql(
            self.sql(
                "SELECT uid, item_id, field, new, parents, hlc, device, person, changed_by FROM answer_history "
                "WHERE inspection_id = ? ORDER BY id"
            ),
            (inspection_id,),
        ).fetchall()
        loads = json.loads
        parse = HLC.parse
        uid_of = insp.uid
        out = []
        for uid, item, field_name, new, parents, hlc, device, person, changed_by in rows:
            out.append(
                Change(
                    uid,
                    uid_of,
                    item,
                    field_name,
                    new,
                    tuple(loads(parents)) if parents and parents != "[]" else (),
                    parse(hlc) if hlc else HLC(0, 0, device),
                    person or changed_by,
                    device,
                )
            )
        return out

    # --- firms ------------------------------------------------------------------------------

    def create_firm(self, profile: Profile) -> FirmInfo:
        m = self.models
        with guarded(_("save the firm")), self.db.atomic():
            row = m.Firm.create(name=profile.name, profile=json.dumps(profile.to_dict(), ensure_ascii=False))
        return FirmInfo(row.id, row.name, profile)

    def update_firm(self, firm_id: int, profile: Profile) -> FirmInfo:
        m = self.models
        with guarded(_("save the firm")), self.db.atomic():
            m.Firm.update(
                name=profile.name, profile=json.dumps(profile.to_dict(), ensure_ascii=False), updated_at=m.now()
            ).where(m.Firm.id == firm_id).execute()
        return FirmInfo(firm_id, profile.name, profile)

    def firm(self, firm_id: int) -> FirmInfo | None:
        m = self.models
        row = m.Firm.get_or_none((m.Firm.id == firm_id) & m.Firm.deleted_at.is_null())
        return FirmInfo(row.id, row.name, _profile(row.profile)) if row else None

    # --- housekeeping: rename, rescope, trash -----------------------------------------------

    def rename_inspection(self, inspection_id: int, title: str) -> None:
        m = self.models
        with guarded(_("rename the inspection")), self.db.atomic():
            m.Inspection.update(title=title).where(m.Inspection.id == inspection_id).execute()

    def set_inspection_items(self, inspection_id: int, items: Sequence[tuple[str, str, str]]) -> None:
        """Replace the inspection's item list (id, section, level, in order); answers of items that leave are kept
        (they come back if the item returns), items that arrive get an empty answer."""
        m = self.models
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
        m = self.models
        model = m.Firm if kind == "firm" else m.Inspection
        with guarded(_("update the trash")), self.db.atomic():
            q = model.update(deleted_at=m.now() if deleted else None).where(model.id == row_id)
            q = q.where(model.deleted_at.is_null() if deleted else model.deleted_at.is_null(False))
            return q.execute() > 0

    def trash(self) -> list[tuple[str, int, str, str, dt.datetime]]:
        """(kind, id, firm name, inspection title or "", deleted at) for everything in the trash, newest first."""
        m = self.models
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
                received_on=cast(dt.date, _date(row[5])),  # NOT NULL columns
                due_on=cast(dt.date, _date(row[6])),
                created_at=cast(dt.datetime, _datetime(row[7])),
                finalized_at=_datetime(row[8]),
                finalized_by=row[9],
                revision=row[10],
                submitted_on=_date(row[11]),
                addressee=row[12],
                progress=Progress(int(row[14] or 0), int(row[13] or 0), int(row[15] or 0)),
                open_points=int(row[16] or 0),
                content_sha256=row[17] or "",
            )
            for row in rows
        ]

    def inspection(self, inspection_id: int) -> InspectionInfo | None:
        with guarded(_("read the database")):
            found = self._inspection_infos(inspection_id)
        return found[0] if found else None

    def _written(self, inspection_id: int) -> InspectionInfo:
        """An inspection this store has just written (it exists: the transaction committed)."""
        with guarded(_("read the database")):
            [info] = self._inspection_infos(inspection_id)
        return info

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
        m = self.models
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
        return self._written(row.id)

    def set_due_date(self, inspection_id: int, due_on: dt.date) -> None:
        m = self.models
        with guarded(_("save the due date")), self.db.atomic():
            m.Inspection.update(due_on=due_on).where(m.Inspection.id == inspection_id).execute()

    def inspection_items(self, inspection_id: int) -> list[tuple[str, str, str]]:
        m = self.models
        rows = (
            m.InspectionItem.select()
            .where(m.InspectionItem.inspection == inspection_id)
            .order_by(m.InspectionItem.position)
        )
        return [(r.item_id, r.section, r.level) for r in rows]

    def finalize(
        self, inspection_id: int, officer: str, submitted_on: dt.date | None = None, open_points: int = 0
    ) -> InspectionInfo:
        """Lock the inspection with the responsible officer's sign-off (who and when), the points the readiness
        check left open when it was overridden, and the fingerprint of what was locked."""
        from tui.domain.finalize import content_sha256

        m = self.models
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
            insp.open_points = max(0, int(open_points))
            rows = m.Answer.select().where(m.Answer.inspection == inspection_id)
            insp.content_sha256 = content_sha256(_answer(r) for r in rows)
            insp.save()
        return self._written(inspection_id)

    def reopen(self, inspection_id: int) -> InspectionInfo:
        """A new, editable revision of a finalized inspection: same items, answers copied; the old one stays locked."""
        m = self.models
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
                        "assignee": a.assignee,
                        "assignee_due": a.assignee_due,
                    }
                    for a in answers
                ]
            ).execute()
        return self._written(new.id)

    def set_addressee(self, inspection_id: int, addressee: str) -> None:
        """Whom the report is addressed to ("" = the default for its templates)."""
        m = self.models
        with guarded(_("save the addressee")), self.db.atomic():
            insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
            if insp is None:
                raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
            if insp.finalized_at is not None:
                raise StoreError(_("This inspection is finalized; reopen it as a new revision to change answers."))
            insp.addressee = addressee
            insp.save()

    def locked_revisions(self) -> list[InspectionInfo]:
        """Every finalized inspection, newest first."""
        with guarded(_("read the database")):
            return [i for i in self._inspection_infos(None) if i.finalized]

    def set_submitted(self, inspection_id: int, submitted_on: dt.date | None) -> None:
        m = self.models
        with guarded(_("save the submission date")), self.db.atomic():
            m.Inspection.update(submitted_on=submitted_on).where(m.Inspection.id == inspection_id).execute()

    def inspections_with_item(self, item_id: str) -> list[int]:
        """Open (not finalized) inspections that contain `item_id`, newest first."""
        m = self.models
        rows = (
            m.InspectionItem.select(m.InspectionItem.inspection)
            .join(m.Inspection)
            .where((m.InspectionItem.item_id == item_id) & (m.Inspection.finalized_at.is_null()))
            .order_by(m.Inspection.received_on.desc(), m.Inspection.id.desc())
        )
        return [r.inspection_id for r in rows]

    # --- answers ----------------------------------------------------------------------------

    def answers(self, inspection_id: int) -> dict[str, Answer]:
        m = self.models
        with guarded(_("read the answers")):
            rows = m.Answer.select().where(m.Answer.inspection == inspection_id)
            return {r.item_id: _answer(r) for r in rows}

    def answer(self, inspection_id: int, item_id: str) -> Answer:
        m = self.models
        row = m.Answer.get_or_none((m.Answer.inspection == inspection_id) & (m.Answer.item_id == item_id))
        if row is None:
            raise StoreError(_("The item {item} is not part of this inspection.").format(item=item_id))
        return _answer(row)

    def save_answer(
        self,
        inspection_id: int,
        item_id: str,
        changes: dict[str, object],
        who: str | None = None,
        resolve: bool = False,
        seen: Mapping[str, Sequence[str]] | None = None,
        conflicts: list[tuple[str, list[str]]] | None = None,
        written: dict[str, str] | None = None,
    ) -> Answer:
        """Apply `changes` to one answer and record each in the history, in one durable transaction.

        Optimistic concurrency: `seen` holds, per field, the change rows (uids) the person last saw. A change to a
        field that someone else changed since is still saved, but replaces only what the person saw, so both
        values stay as a conflict (tui.domain.sync) for a person to settle; `conflicts` receives (field, the names
        of the others who changed it) and `written` the uid of each change row written. The answer row is locked
        for the transaction (SELECT … FOR UPDATE on PostgreSQL; SQLite's write lock), so two saves of one answer
        never interleave.

        Raises AnswerRejected for a change the rules refuse, StoreError when it cannot be saved; in both
        cases nothing is changed.
        """
        m = self.models
        who = self.user_name() if who is None else who
        with guarded(_("save the answer")), self.db.atomic():
            insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
            if insp is None:
                raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
            if insp.finalized_at is not None:
                raise StoreError(_("This inspection is finalized; reopen it as a new revision to change answers."))
            query = m.Answer.select().where((m.Answer.inspection == inspection_id) & (m.Answer.item_id == item_id))
            if self.team:
                query = query.for_update()
            row = next(iter(query), None)
            if row is None:
                raise StoreError(_("The item {item} is not part of this inspection.").format(item=item_id))
            current = _answer(row)
            heads = self.field_heads(inspection_id, item_id, sorted(changes))
            device = self.device_id()
            # Apply the justification before the status so "na + reason" can be saved in one go.
            ordered = sorted(changes.items(), key=lambda kv: kv[0] != "justification")
            history = []
            stamp = m.now()
            clashes: list[tuple[str, list[str]]] = []
            for name, value in ordered:
                if name == "evidence":
                    old_text = row.evidence
                    new_text = _json_evidence(cast("Sequence[Evidence]", value))  # the Workspace passes Evidence
                    if old_text == new_text and not (resolve and len(heads.get(name, ())) > 1):
                        continue
                    row.evidence = new_text
                else:
                    check_change(current, name, value)
                    old_text = _as_text(getattr(row, name))
                    new_text = _as_text(value)
                    if old_text == new_text and not (resolve and len(heads.get(name, ())) > 1):
                        continue
                    setattr(row, name, value)
                current = _answer(row)
                parents = sorted(heads.get(name, ()))
                if seen is not None and not resolve:
                    saw = set(seen.get(name, ()))
                    unseen = [h for h in parents if h not in saw]
                    if unseen:  # someone changed this field since the person looked: keep both, as a conflict
                        parents = sorted(saw)
                        clashes.append((name, self._people_of(inspection_id, unseen)))
                history.append(
                    {
                        "inspection": inspection_id,
                        "item_id": item_id,
                        "field": name,
                        "old": old_text,
                        "new": new_text,
                        "changed_at": stamp,
                        "changed_by": who,
                        "uid": new_uid(),
                        "device": device,
                        "hlc": self._tick(),
                        "parents": json.dumps(parents),
                        "person": who,
                    }
                )
            if history:
                row.updated_at = stamp
                row.save()
                m.AnswerHistory.insert_many(history).execute()
                current = _answer(row)  # with the time of this save: the screen says 'Saved at …' from it
        if conflicts is not None:
            conflicts.extend(clashes)
        if written is not None:
            written.update({h["field"]: h["uid"] for h in history})
        return current

    def _people_of(self, inspection_id: int, uids: Sequence[str]) -> list[str]:
        m = self.models
        rows = m.AnswerHistory.select(m.AnswerHistory.person, m.AnswerHistory.changed_by).where(
            (m.AnswerHistory.inspection == inspection_id) & (m.AnswerHistory.uid.in_(list(uids)))
        )
        return sorted({r.person or r.changed_by for r in rows})

    def answer_heads(self, inspection_id: int) -> dict[str, dict[str, list[str]]]:
        """Per item and field: the change rows no other row replaced (what a person sees when reading the answers)."""
        m = self.models
        rows = m.AnswerHistory.select(
            m.AnswerHistory.uid, m.AnswerHistory.item_id, m.AnswerHistory.field, m.AnswerHistory.parents
        ).where(m.AnswerHistory.inspection == inspection_id)
        by_item: dict[str, dict[str, list[str]]] = {}
        replaced: set[str] = set()
        with guarded(_("read the answers")):
            for r in rows.tuples():
                uid, item, fld, parents = r
                by_item.setdefault(item, {}).setdefault(fld, []).append(uid)
                replaced.update(json.loads(parents or "[]"))
        return {
            item: {f: [u for u in uids if u not in replaced] for f, uids in fields.items()}
            for item, fields in by_item.items()
        }

    def assigned(self, assignee: str | None = None) -> list[tuple[int, str, str, str, dt.date | None, str]]:
        """(inspection id, inspection title, item id, assignee, due, status) of the items assigned (to `assignee`)
        in open inspections not in the trash."""
        sql = (
            "SELECT a.inspection_id, i.title, a.item_id, a.assignee, a.assignee_due, a.status "
            "FROM answer AS a JOIN inspection AS i ON i.id = a.inspection_id JOIN firm AS f ON f.id = i.firm_id "
            "WHERE a.assignee != '' AND i.finalized_at IS NULL AND i.deleted_at IS NULL AND f.deleted_at IS NULL"
        )
        params: tuple[str, ...] = ()
        if assignee is not None:
            sql += " AND a.assignee = ?"
            params = (assignee,)
        with guarded(_("read the answers")):
            rows = self._read(sql + " ORDER BY a.inspection_id, a.item_id", params)
        return [(r[0], r[1], r[2], r[3], _date(str(r[4])) if r[4] else None, r[5]) for r in rows]

    def history(self, inspection_id: int, item_id: str | None = None) -> list[HistoryEntry]:
        m = self.models
        q = m.AnswerHistory.select().where(m.AnswerHistory.inspection == inspection_id)
        if item_id is not None:
            q = q.where(m.AnswerHistory.item_id == item_id)
        return [
            HistoryEntry(r.item_id, r.field, r.old, r.new, r.changed_at, r.changed_by)
            for r in q.order_by(m.AnswerHistory.id)
        ]
