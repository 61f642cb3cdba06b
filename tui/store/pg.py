"""The shared team database on PostgreSQL (`tenken --db postgresql://…` or TENKEN_DB).

Imported only when a PostgreSQL URL is given, so a start-up on SQLite never loads the driver. The same peewee
models work on it; what SQLite does with its own means is done here with PostgreSQL's:

- the schema: a fresh database gets the schema of version 9 (`BASELINE`, the SQLite schema of v9 in PostgreSQL
  types) and then every later numbered step of tui.store.migrations, which from v10 on run on both dialects; the
  version is kept in the table `tenken_schema` (SQLite keeps it in PRAGMA user_version);
- the append-only history: PL/pgSQL triggers in place of SQLite's RAISE(ABORT) triggers;
- concurrency: transactions and row locks (`SELECT … FOR UPDATE`) in place of the data folder's lock;
- backups: none in tenken (no file to copy); the server's own (pg_dump, base backups) do that.

Passwords never appear in a URL tenken prints (`mask`), and tenken never asks for one on the command line: libpq's
~/.pgpass and PGPASSWORD work as usual, and when the server asks for a password none of them gave, tenken prompts
for it (getpass) and keeps it in memory only. TLS is libpq's too: `?sslmode=verify-full` in the URL.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.i18n import _
from tui.store.db import StoreError
from tui.store.migrations import PG_BASELINE_VERSION, SCHEMA_VERSION, migrations_from

if TYPE_CHECKING:
    from peewee import PostgresqlDatabase

SCHEMES = ("postgresql://", "postgres://")
LOCK_KEY = 0x7465_6E6B  # "tenk": the advisory lock that lets one tenken at a time create or migrate the schema


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).lower().startswith(SCHEMES)


def mask(url: str) -> str:
    """The URL with any password replaced by ***, for every message and log."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _sep, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = parts.query
    if query:
        pairs = [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        query = urlencode(pairs, safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


BASELINE = [
    """CREATE TABLE setting (key VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE firm (id SERIAL PRIMARY KEY, name TEXT NOT NULL, profile TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, uid VARCHAR(36) NOT NULL DEFAULT '',
        deleted_at TIMESTAMP)""",
    """CREATE TABLE inspection (id SERIAL PRIMARY KEY,
        firm_id INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
        title TEXT NOT NULL, templates TEXT NOT NULL, received_on DATE NOT NULL, due_on DATE NOT NULL,
        created_at TIMESTAMP NOT NULL, finalized_at TIMESTAMP, finalized_by TEXT NOT NULL, submitted_on DATE,
        revision INTEGER NOT NULL DEFAULT 1, addressee TEXT NOT NULL DEFAULT '',
        previous_id INTEGER REFERENCES inspection (id) ON DELETE SET NULL, uid VARCHAR(36) NOT NULL DEFAULT '',
        open_points INTEGER NOT NULL DEFAULT 0, content_sha256 VARCHAR(64) NOT NULL DEFAULT '',
        deleted_at TIMESTAMP)""",
    """CREATE TABLE inspection_item (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, section VARCHAR(255) NOT NULL, position INTEGER NOT NULL,
        level VARCHAR(255) NOT NULL)""",
    """CREATE TABLE answer (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, status VARCHAR(255) NOT NULL, note TEXT NOT NULL,
        finding TEXT NOT NULL, risk VARCHAR(255) NOT NULL, remediation TEXT NOT NULL, owner TEXT NOT NULL,
        target_date DATE, justification TEXT NOT NULL, evidence TEXT NOT NULL, updated_at TIMESTAMP)""",
    """CREATE TABLE answer_history (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, field VARCHAR(255) NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
        changed_at TIMESTAMP NOT NULL, changed_by TEXT NOT NULL, uid VARCHAR(36) NOT NULL DEFAULT '',
        device VARCHAR(64) NOT NULL DEFAULT '', hlc VARCHAR(96) NOT NULL DEFAULT '', person TEXT NOT NULL DEFAULT '',
        parents TEXT NOT NULL DEFAULT '[]')""",
    """CREATE TABLE person (id SERIAL PRIMARY KEY, uid VARCHAR(36) NOT NULL, name TEXT NOT NULL,
        role VARCHAR(16) NOT NULL, created_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE trainee (id SERIAL PRIMARY KEY, name TEXT NOT NULL, department TEXT NOT NULL DEFAULT '',
        firm_id INTEGER REFERENCES firm (id) ON DELETE SET NULL, created_at TIMESTAMP NOT NULL,
        email TEXT NOT NULL DEFAULT '', deleted_at TIMESTAMP, uid VARCHAR(36) NOT NULL DEFAULT '')""",
    """CREATE TABLE training_session (id SERIAL PRIMARY KEY, module_id VARCHAR(255) NOT NULL,
        held_on DATE NOT NULL, trainer TEXT NOT NULL, lang VARCHAR(8) NOT NULL, note TEXT NOT NULL DEFAULT '',
        firm_id INTEGER REFERENCES firm (id) ON DELETE SET NULL, created_at TIMESTAMP NOT NULL,
        mode VARCHAR(16) NOT NULL DEFAULT 'practice')""",
    """CREATE TABLE roster (id SERIAL PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE)""",
    """CREATE TABLE attempt (id SERIAL PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
        session_id INTEGER REFERENCES training_session (id) ON DELETE SET NULL,
        module_id VARCHAR(255) NOT NULL, kind VARCHAR(16) NOT NULL DEFAULT 'quiz', lang VARCHAR(8) NOT NULL,
        started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, score INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0, passed INTEGER NOT NULL DEFAULT 0, answers TEXT NOT NULL DEFAULT '{}',
        layout TEXT NOT NULL DEFAULT '{}', mode VARCHAR(16) NOT NULL DEFAULT 'practice',
        uid VARCHAR(36) NOT NULL DEFAULT '')""",
    """CREATE TABLE review_card (id SERIAL PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
        module_id VARCHAR(255) NOT NULL, question_id VARCHAR(255) NOT NULL, due_on DATE NOT NULL,
        stability DOUBLE PRECISION NOT NULL DEFAULT 0, difficulty DOUBLE PRECISION NOT NULL DEFAULT 0,
        reps INTEGER NOT NULL DEFAULT 0, lapses INTEGER NOT NULL DEFAULT 0, last_reviewed DATE)""",
    """CREATE TABLE remediation_progress (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, state VARCHAR(32) NOT NULL, done_on DATE, note TEXT NOT NULL,
        updated_at TIMESTAMP NOT NULL, updated_by TEXT NOT NULL)""",
    """CREATE TABLE remediation_history (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, field VARCHAR(32) NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
        changed_at TIMESTAMP NOT NULL, changed_by TEXT NOT NULL)""",
    """CREATE TABLE carryover (id SERIAL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL,
        from_inspection_id INTEGER REFERENCES inspection (id) ON DELETE SET NULL,
        from_title TEXT NOT NULL, status VARCHAR(32) NOT NULL, finding TEXT NOT NULL, remediation TEXT NOT NULL,
        owner TEXT NOT NULL, target_date DATE, state VARCHAR(32) NOT NULL)""",
    "CREATE INDEX answer_history_inspection_id ON answer_history (inspection_id)",
    "CREATE INDEX answer_history_item_id ON answer_history (item_id)",
    "CREATE UNIQUE INDEX answer_history_uid ON answer_history (inspection_id, uid)",
    "CREATE UNIQUE INDEX answer_inspection_id_item_id ON answer (inspection_id, item_id)",
    "CREATE INDEX answer_status ON answer (status)",
    "CREATE INDEX attempt_trainee_module ON attempt (trainee_id, module_id)",
    "CREATE UNIQUE INDEX attempt_uid ON attempt (uid)",
    "CREATE UNIQUE INDEX carryover_item ON carryover (inspection_id, item_id)",
    "CREATE UNIQUE INDEX firm_uid ON firm (uid)",
    "CREATE INDEX inspection_firm_id ON inspection (firm_id)",
    "CREATE UNIQUE INDEX inspection_item_inspection_id_item_id ON inspection_item (inspection_id, item_id)",
    "CREATE UNIQUE INDEX inspection_uid ON inspection (uid)",
    "CREATE UNIQUE INDEX person_uid ON person (uid)",
    "CREATE INDEX remediation_history_inspection ON remediation_history (inspection_id)",
    "CREATE UNIQUE INDEX remediation_progress_item ON remediation_progress (inspection_id, item_id)",
    "CREATE UNIQUE INDEX review_card_key ON review_card (trainee_id, module_id, question_id)",
    "CREATE UNIQUE INDEX roster_session_trainee ON roster (session_id, trainee_id)",
    "CREATE UNIQUE INDEX trainee_uid ON trainee (uid)",
    # The history is append-only, as SQLite's triggers make it; a history row goes only with its inspection.
    """CREATE FUNCTION tenken_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM inspection WHERE id = OLD.inspection_id) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION USING MESSAGE = replace(TG_TABLE_NAME, '_', ' ') || ' is append-only',
                ERRCODE = 'integrity_constraint_violation';
        END $$""",
    """CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
        FOR EACH ROW EXECUTE FUNCTION tenken_append_only()""",
    """CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history
        FOR EACH ROW EXECUTE FUNCTION tenken_append_only()""",
    """CREATE TRIGGER remediation_history_no_update BEFORE UPDATE ON remediation_history
        FOR EACH ROW EXECUTE FUNCTION tenken_append_only()""",
    "CREATE TABLE tenken_schema (version INTEGER NOT NULL)",
]

#: Tables in an order that satisfies their foreign keys (copying, counting).
TABLES = (
    "setting",
    "firm",
    "inspection",
    "inspection_item",
    "answer",
    "answer_history",
    "person",
    "trainee",
    "training_session",
    "roster",
    "attempt",
    "review_card",
    "remediation_progress",
    "remediation_history",
    "carryover",
)


def _driver_missing() -> StoreError:
    return StoreError(
        _(
            "The PostgreSQL driver is not installed; install it with `pip install 'tenken[postgres]'` "
            "(or `pip install psycopg2-binary`) and try again."
        )
    )


def _reason(exc: BaseException) -> str:
    """libpq's first line (never holds a password: tenken gives none in the URL it prints, and libpq prints none)."""
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _wants_password(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no password supplied" in text or "password authentication failed" in text


def connect(url: str, password: str | None = None, prompt: bool | None = None) -> PostgresqlDatabase:
    """A connected peewee database on `url`; prompts for a password once when the server asks for one that neither
    the URL, ~/.pgpass nor PGPASSWORD gave (only on a terminal)."""
    from tui.store.db import arm_postgresql

    try:
        arm_postgresql()
    except ImportError:
        raise _driver_missing() from None
    from peewee import PostgresqlDatabase

    params: dict[str, Any] = {}
    if password is not None:
        params["password"] = password
    if url.lower().startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    db = PostgresqlDatabase(url, **params)  # peewee hands a postgresql:// URL to libpq as the dsn
    try:
        db.connect()
    except Exception as exc:
        asked = sys.stdin.isatty() if prompt is None else prompt
        if _wants_password(exc) and password is None and asked:
            import getpass

            try:
                typed = getpass.getpass(_("Password for the team database {url}: ").format(url=mask(url)))
            except (EOFError, KeyboardInterrupt):
                typed = ""
            if typed:
                return connect(url, typed, prompt=False)
        raise StoreError(
            _("Cannot connect to the team database {url} ({reason}).").format(url=mask(url), reason=_reason(exc))
        ) from None
    return db


def _version(db: PostgresqlDatabase) -> int | None:
    """The recorded schema version, 0 for a database without tenken's tables, None for one with other tables."""
    found = db.execute_sql("SELECT to_regclass('tenken_schema') IS NOT NULL, to_regclass('inspection') IS NOT NULL")
    has_schema, has_tables = found.fetchone()
    if not has_schema:
        return None if has_tables else 0
    row = db.execute_sql("SELECT max(version) FROM tenken_schema").fetchone()
    return int(row[0] or 0)


def schema_version(db: PostgresqlDatabase) -> int:
    return _version(db) or 0


def prepare(db: PostgresqlDatabase, url: str, migrate: bool = False) -> int:
    """Check (and on an empty database create) the schema; `migrate` also upgrades an older one. Returns the version
    the database has afterwards."""
    version = _version(db)
    if version is None:
        raise StoreError(
            _("The database {url} holds tables that are not tenken's; use an empty database for the team.").format(
                url=mask(url)
            )
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            _(
                "The team database {url} was written by a newer version of tenken (schema {found}, this one knows "
                "{known}). Update tenken; nothing was changed."
            ).format(url=mask(url), found=version, known=SCHEMA_VERSION)
        )
    if version == SCHEMA_VERSION:
        return version
    if version > 0 and not migrate:
        raise StoreError(
            _(
                "The team database {url} has schema {found}; this tenken needs {known}. Once everyone has updated "
                "tenken, run `tenken db migrate`."
            ).format(url=mask(url), found=version, known=SCHEMA_VERSION)
        )
    with db.atomic():
        db.execute_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")  # a second tenken waits, then sees the result
        version = _version(db) or 0
        if version == 0:
            for statement in BASELINE:
                db.execute_sql(statement)
            db.execute_sql("INSERT INTO tenken_schema (version) VALUES (%s)", (PG_BASELINE_VERSION,))
            version = PG_BASELINE_VERSION
        for number, step in migrations_from(version):
            step(db)
            db.execute_sql("UPDATE tenken_schema SET version = %s", (number,))
            version = number
    return version


def fix_sequences(db: PostgresqlDatabase) -> None:
    """After rows were copied in with their ids, new rows continue after the largest id of each table."""
    for table in TABLES:
        if table == "setting":
            continue
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
