"""Opening the database safely: permissions, pragmas, sanity checks, backups and migrations.

The checks run on a plain sqlite3 connection, which also serves the few reads the first screen needs; peewee and
the models are imported only when the store first needs them (`connect_orm`), after the home screen is up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.i18n import _
from tui.paths import DB_FILENAME, ensure_private_dir
from tui.store.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from peewee import SqliteDatabase

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
PRAGMAS = {"foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS, "synchronous": "full"}
KEEP_BACKUPS = 8  # per kind: daily copies and copies taken before a migration or a restore


class StoreError(Exception):
    """The database cannot be used or a change cannot be saved; the message tells the user what to do."""


def _ensure_dir(path: Path) -> None:
    if path.exists():
        if not path.is_dir():
            raise StoreError(
                _("The data folder {path} is a file, not a folder. Choose another folder with --data-dir.").format(
                    path=path
                )
            )
        _private(path)
        if not os.access(path, os.W_OK | os.X_OK):
            raise _read_only(path)
        return
    try:
        ensure_private_dir(path)
    except OSError as exc:
        raise StoreError(
            _("Cannot create the data folder {path} ({reason}). Choose another folder with --data-dir.").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None


def _private(path: Path) -> None:
    """An existing data folder that others may read or write (0777, 0755) is narrowed to its owner (0700)."""
    if os.name != "posix":
        return  # Windows: the user's profile folder is private by its ACL
    with contextlib.suppress(OSError):
        st = path.stat()
        if stat.S_IMODE(st.st_mode) & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, 0o700)


def _read_only(path: Path) -> StoreError:
    return StoreError(
        _(
            "The data folder {path} is read-only, so tenken cannot save anything there. "
            "Allow writing to it, or choose another folder with --data-dir."
        ).format(path=path)
    )


def _read_only_file(path: Path) -> StoreError:
    return StoreError(
        _(
            "The database {path} is read-only, so tenken cannot save anything in it. "
            "Allow writing to the file, or choose another folder with --data-dir."
        ).format(path=path)
    )


def _check_existing(db_path: Path) -> None:
    """Refuse a file that is not a SQLite database, without writing to it."""
    try:
        with db_path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            _("Cannot read the database {path} ({reason}). Check its permissions.").format(
                path=db_path, reason=exc.strerror or exc
            )
        ) from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            _(
                "The database {path} is damaged or is not a tenken database; it was left untouched. "
                "Restore a backup with `tenken restore`, or move the file aside and start again."
            ).format(path=db_path)
        )


def _create_file(db_path: Path) -> None:
    fd = os.open(db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup_dir(data_dir: Path) -> Path:
    return data_dir / "backups"


def backup_database(conn: sqlite3.Connection, data_dir: Path, reason: str) -> Path:
    """A consistent copy of the live database (WAL included) via SQLite's backup API."""
    folder = backup_dir(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"tenken-{stamp}-{reason}.sqlite3"
    _create_file(target)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dest.close()
    same_kind = sorted(folder.glob(f"tenken-*-{reason}.sqlite3"))
    for old in same_kind[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def list_backups(data_dir: Path) -> list[Path]:
    """Backups, newest first."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("tenken-*.sqlite3"), reverse=True)


def daily_backup(conn: sqlite3.Connection, data_dir: Path) -> None:
    """On the first open of each day, keep a copy (the last few days are kept)."""
    today = dt.date.today().strftime("%Y%m%d")
    folder = backup_dir(data_dir)
    if folder.is_dir() and any(folder.glob(f"tenken-{today}-*-daily.sqlite3")):
        return
    has_data = conn.execute("SELECT count(*) FROM firm").fetchone()[0] > 0
    if has_data:
        # a backup that cannot be written must not stop the user from working
        with contextlib.suppress(OSError, sqlite3.Error):
            backup_database(conn, data_dir, "daily")


def restore_backup(data_dir: Path, backup: Path) -> Path:
    """Replace the database with `backup`, keeping the current file (damaged or not) beside it first.

    Works without opening the current database, so it also rescues a damaged one.
    """
    from tui.store.lock import FolderLock, LockBusy, busy_message

    db_path = data_dir / DB_FILENAME
    if not backup.is_file():
        raise StoreError(_("There is no backup file {path}.").format(path=backup))
    lock = FolderLock(data_dir, exclusive=True)
    try:
        lock.acquire(wait=1.0)
    except LockBusy:
        raise StoreError(busy_message(data_dir)) from None
    try:
        return _restore(data_dir, backup, db_path)
    finally:
        lock.release()


def _restore(data_dir: Path, backup: Path, db_path: Path) -> Path:
    with backup.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StoreError(_("{path} is not a tenken backup; nothing was changed.").format(path=backup))
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StoreError(_("The backup {path} is damaged too; choose another one.").format(path=backup))
    except sqlite3.DatabaseError:
        raise StoreError(_("The backup {path} is damaged too; choose another one.").format(path=backup)) from None
    finally:
        check.close()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = backup_dir(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    if db_path.exists():
        kept = folder / f"tenken-{stamp}-replaced.sqlite3"
        os.replace(db_path, kept)
        for suffix in ("-wal", "-shm"):
            side = Path(str(db_path) + suffix)
            if side.exists():
                os.replace(side, Path(str(kept) + suffix))
    tmp = data_dir / f".{DB_FILENAME}.restoring"
    tmp.unlink(missing_ok=True)
    _create_file(tmp)
    with backup.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, db_path)
    return db_path


def _damaged(db_path: Path) -> StoreError:
    return StoreError(
        _(
            "The database {path} is damaged or is not a tenken database; it was left untouched. "
            "Restore a backup with `tenken restore`, or move the file aside and start again."
        ).format(path=db_path)
    )


def _busy(db_path: Path) -> StoreError:
    return StoreError(
        _("The database {path} is busy in another program. Close the other tenken and try again.").format(path=db_path)
    )


def is_database_error(exc: BaseException) -> bool:
    """An error from SQLite, raised by sqlite3 or by peewee (which wraps them in its own classes, once loaded)."""
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    peewee = sys.modules.get("peewee")
    return peewee is not None and isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError))


def _opening_failed(exc: Exception, db_path: Path) -> StoreError | None:
    """The sentence for a database that cannot be opened, or None when `exc` is not a database error."""
    if not is_database_error(exc):
        return None
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return _read_only(db_path.parent)
    return _busy(db_path) if "locked" in text or "busy" in text else _damaged(db_path)


def open_database(data_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database in `data_dir`, migrated to the current schema.

    Returns a plain sqlite3 connection in autocommit mode for reads; writes go through `connect_orm`.
    """
    _ensure_dir(data_dir)
    db_path = data_dir / DB_FILENAME
    fresh = not db_path.exists()
    if fresh:
        try:
            _create_file(db_path)
        except FileExistsError:
            fresh = False  # another tenken created it a moment ago
        except OSError as exc:
            raise StoreError(
                _("Cannot create the database {path} ({reason}).").format(path=db_path, reason=exc.strerror or exc)
            ) from None
    if not fresh:
        _check_existing(db_path)
        if not os.access(db_path, os.W_OK):
            raise _read_only_file(db_path)
        mode = stat.S_IMODE(db_path.stat().st_mode)
        if mode & 0o077:
            with contextlib.suppress(OSError):
                os.chmod(db_path, 0o600)
    conn = None
    try:
        conn = sqlite3.connect(
            str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                _(
                    "The database {path} was written by a newer version of tenken (schema "
                    "{found}, this one knows {known}). "
                    "Update tenken; the file was left untouched."
                ).format(path=db_path, found=version, known=SCHEMA_VERSION)
            )
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode=wal")
        if version < SCHEMA_VERSION:
            db = _orm_database(db_path)
            try:
                _migrate(db, data_dir, version)
            finally:
                db.close()
        daily_backup(conn, data_dir)
    except Exception as exc:
        if conn is not None:
            conn.close()
        failed = _opening_failed(exc, db_path)
        if failed is None:
            raise
        raise failed from None
    return conn


#: The PostgreSQL drivers peewee would import along with itself; kept out until a PostgreSQL URL is given.
PG_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


@contextlib.contextmanager
def without_pg_drivers() -> Iterator[None]:
    """While inside, `import psycopg2` (and the other PostgreSQL drivers not loaded yet) fails, so peewee and
    playhouse, which import any driver they find, load without one."""
    blocked = [name for name in PG_DRIVERS if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def load_peewee() -> None:
    """Import peewee without the PostgreSQL drivers (a SQLite session never needs one); `arm_postgresql` loads them
    when a PostgreSQL URL is given."""
    if "peewee" in sys.modules:
        return
    with without_pg_drivers():
        import peewee  # noqa: F401


def arm_postgresql() -> None:
    """Load psycopg2 and hand it to peewee (which may have been imported without it by `load_peewee`)."""
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    peewee: Any = importlib.import_module("peewee")  # its driver globals, set here when load_peewee kept them out
    if peewee.psycopg2 is None:
        register_uuid()
        peewee.psycopg2 = psycopg2
        peewee.pg_extensions = extensions
        peewee.Json_pg2 = Json
        adapter = peewee.Psycopg2Adapter
        adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN


def _orm_database(db_path: Path) -> SqliteDatabase:
    load_peewee()
    from peewee import SqliteDatabase

    db = SqliteDatabase(str(db_path), pragmas=PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_MS / 1000)
    db.connect()
    return db


def connect_orm(db_path: Path) -> SqliteDatabase:
    """The peewee database the models work on (imports peewee and the models the first time)."""
    try:
        return _orm_database(db_path)
    except Exception as exc:
        failed = _opening_failed(exc, db_path)
        if failed is None:
            raise
        raise failed from None


def _migrate(db: SqliteDatabase, data_dir: Path, version: int) -> None:
    has_tables = db.execute_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
    if version > 0 or has_tables:
        backup_database(db.connection(), data_dir, f"before-v{SCHEMA_VERSION}")
    # Foreign keys off while the schema changes (a rebuilt table must never cascade into answers);
    # the pragma only takes effect outside a transaction. Checked again before the commit.
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            # Re-read inside the write lock: a second tenken may have migrated meanwhile.
            version = db.execute_sql("PRAGMA user_version").fetchone()[0]
            for number in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](db)
            if db.execute_sql("PRAGMA foreign_key_check").fetchall():
                raise sqlite3.DatabaseError("foreign key check failed after migration")
            db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")


def open_team_store(data_dir: Path, url: str, migrate: bool = False):
    """The store of the shared team database at `url` (PostgreSQL, tui.store.pg); `data_dir` keeps this person's
    own settings, evidence files and logs. No folder lock: the server's transactions and row locks do that."""
    from tui.store import pg
    from tui.store.repo import Store

    _ensure_dir(data_dir)
    db = pg.connect(url)
    try:
        pg.prepare(db, url, migrate=migrate)
    except Exception as exc:
        db.close()
        if not is_database_error(exc):
            raise
        raise StoreError(
            _("Cannot use the team database {url} ({reason}).").format(url=pg.mask(url), reason=pg._reason(exc))
        ) from None
    return Store(None, data_dir / DB_FILENAME, orm=db, team_url=pg.mask(url))


def open_store(data_dir: Path, url: str | None = None):
    """The store of `data_dir`, holding the folder's shared lock until it is closed (see tui.store.lock); with a
    PostgreSQL `url`, the shared team database instead (`open_team_store`)."""
    from tui.store.lock import FolderLock, LockBusy, busy_message
    from tui.store.repo import Store

    if url:
        return open_team_store(data_dir, url)
    _ensure_dir(data_dir)
    try:
        lock = FolderLock(data_dir).acquire()
    except LockBusy:
        raise StoreError(busy_message(data_dir)) from None
    except OSError as exc:
        if exc.errno in (13, 30):  # EACCES, EROFS
            raise _read_only(data_dir) from None
        raise StoreError(
            _("Cannot use the data folder {path} ({reason}).").format(path=data_dir, reason=exc.strerror or exc)
        ) from None
    try:
        store = Store(open_database(data_dir), data_dir / DB_FILENAME)
    except BaseException:
        lock.release()
        raise
    store.folder_lock = lock
    return store
