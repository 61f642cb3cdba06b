"""`tenken db copy SRC DST` and `tenken db migrate`: a whole data set between a laptop's SQLite data folder and the
team database on PostgreSQL, either way, history included (ids, change rows, people, training, evidence rows).

A copy goes only into an empty database: tenken never merges or overwrites silently (bundles and their merge are
for that). The destination is written in one transaction; when anything fails, nothing is kept. Evidence files stay
where they are: the rows that name them (path and SHA-256) are copied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.i18n import _
from tui.paths import DB_FILENAME
from tui.store.db import StoreError, is_database_error

#: Settings that belong to one laptop or one session, never copied.
NOT_COPIED = ("device_id", "hlc_last", "bundle_undo")
BATCH = 500


@dataclass(frozen=True, slots=True)
class CopyResult:
    counts: dict[str, int]  # rows copied per table


def _tables() -> tuple[str, ...]:
    from tui.store.pg import TABLES

    return TABLES


def data_folder(spec: str) -> Path:
    """A data folder from what a person typed: the folder, or its tenken.sqlite3."""
    path = Path(spec).expanduser()
    if path.name == DB_FILENAME and not path.is_dir():
        return path.parent
    if path.exists() and not path.is_dir():
        raise StoreError(
            _("{path} is neither a data folder nor a tenken database ({name}).").format(path=spec, name=DB_FILENAME)
        )
    return path


class _Side:
    """One end of a copy: a SQLite data folder or a PostgreSQL database, read and written with plain SQL."""

    def __init__(self, spec: str, for_writing: bool):
        from tui.store import pg

        self.spec = spec
        self.team = pg.is_url(spec)
        self.name = pg.mask(spec) if self.team else str(data_folder(spec))
        self.lock: Any = None
        if self.team:
            self.db: Any = pg.connect(spec)
            try:
                pg.prepare(self.db, spec)
            except BaseException:
                self.db.close()
                raise
            self.conn: Any = None
        else:
            from tui.store.db import open_store

            folder = data_folder(spec)
            if not for_writing and not (folder / DB_FILENAME).is_file():
                raise StoreError(_("There is no tenken database in {path}.").format(path=folder))
            store = open_store(folder)
            self.lock = store.folder_lock
            self.conn = store._live()
            self.db = None

    def rows(self, sql: str) -> list[tuple]:
        if self.team:
            return list(self.db.execute_sql(sql).fetchall())
        return list(self.conn.execute(sql).fetchall())

    def columns(self, table: str) -> list[str]:
        if self.team:
            found = self.db.execute_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
            return [r[0] for r in found.fetchall()]
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})").fetchall()]

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {table}")[0][0])

    @contextlib.contextmanager
    def transaction(self, snapshot: bool = False) -> Iterator[None]:
        if self.team:
            with self.db.atomic():
                if snapshot:
                    self.db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE" if not snapshot else "BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(columns)
        if self.team:
            from psycopg2.extras import execute_values

            cursor = self.db.cursor()
            execute_values(cursor, f"INSERT INTO {table} ({names}) VALUES %s", rows, page_size=BATCH)
            return
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def close(self) -> None:
        if self.team:
            self.db.close()
        else:
            with contextlib.suppress(Exception):
                self.conn.close()
            if self.lock is not None:
                self.lock.release()


def _plain(value: object) -> object:
    """A value as both databases take it: dates and times as ISO text (SQLite keeps them so)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _fail(action: str, exc: BaseException) -> StoreError:
    from tui.store.pg import _reason, mask

    return StoreError(
        _("Could not {action}: {reason}. Nothing was copied.").format(action=action, reason=mask(_reason(exc)))
    )


def copy_data(source: str, destination: str) -> CopyResult:
    """Copy every row of `source` into the empty `destination` (either may be a data folder or a PostgreSQL URL)."""
    from tui.store import pg

    same = source == destination or (
        not pg.is_url(source) and not pg.is_url(destination) and data_folder(source) == data_folder(destination)
    )
    if same:
        raise StoreError(_("The source and the destination are the same database; nothing was copied."))
    src = _Side(source, for_writing=False)
    try:
        dst = _Side(destination, for_writing=True)
    except BaseException:
        src.close()
        raise
    try:
        return _copy(src, dst)
    except StoreError:
        raise
    except Exception as exc:
        if not is_database_error(exc):
            raise
        raise _fail(_("copy the data"), exc) from None
    finally:
        dst.close()
        src.close()


def _copy(src: _Side, dst: _Side) -> CopyResult:
    from tui.store import pg

    tables = _tables()
    if any(dst.count(t) for t in tables if t != "setting"):
        raise StoreError(
            _(
                "The destination {dst} already holds data; tenken copies only into an empty database and never "
                "merges or overwrites (use bundles to merge). Nothing was copied."
            ).format(dst=dst.name)
        )
    counts: dict[str, int] = {}
    with src.transaction(snapshot=True), dst.transaction():
        if dst.team:  # settings a fresh database wrote for itself give way to the copied ones
            dst.db.execute_sql("DELETE FROM setting")
        else:
            dst.conn.execute("DELETE FROM setting")
        for table in tables:
            wanted = dst.columns(table)
            have = set(src.columns(table))
            columns = [c for c in wanted if c in have]
            order = "key" if table == "setting" else "id"
            rows = src.rows(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
            if table == "setting":
                rows = [r for r in rows if r[0] not in NOT_COPIED and not str(r[0]).startswith("person.login.")]
            plain = [tuple(_plain(v) for v in r) for r in rows]
            for start in range(0, len(plain), BATCH):
                dst.insert(table, columns, plain[start : start + BATCH])
            counts[table] = len(plain)
        if dst.team:
            pg.fix_sequences(dst.db)
        for table in tables:  # what arrived is what left
            if table != "setting" and dst.count(table) != counts[table]:
                raise StoreError(
                    _("The copy of {table} is incomplete; nothing was copied.").format(table=table)
                )  # pragma: no cover - a database that loses rows inside its own transaction
    return CopyResult(counts)


def migrate(target: str) -> tuple[str, int]:
    """Bring a database to this tenken's schema: a data folder (as opening it does, after a backup) or the team
    database (only through this command). Returns its name and the schema version it has now."""
    from tui.store import pg
    from tui.store.db import open_store

    if pg.is_url(target):
        db = pg.connect(target)
        try:
            return pg.mask(target), pg.prepare(db, target, migrate=True)
        except StoreError:
            raise
        except Exception as exc:
            if not is_database_error(exc):
                raise
            raise StoreError(
                _("Could not migrate the team database {url} ({reason}); nothing was changed.").format(
                    url=pg.mask(target), reason=pg._reason(exc)
                )
            ) from None
        finally:
            db.close()
    folder = data_folder(target)
    store = open_store(folder)
    try:
        version = int(store._live().execute("PRAGMA user_version").fetchone()[0])
    finally:
        store.close()
    return str(folder), version
