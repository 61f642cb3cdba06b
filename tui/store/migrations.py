"""Numbered schema migrations. The schema version lives in PRAGMA user_version (SQLite) or in the table
tenken_schema (PostgreSQL, the shared team database: tui.store.pg).

Each step is written against the schema as it stood then, never against today's models, so an old
database upgrades through exactly the steps it missed. A backup is taken before any step runs (SQLite).

Steps 1–9 are SQLite's own; a team database on PostgreSQL starts from the schema of v9 (tui.store.pg.BASELINE).
The rule for every step from v10 on: it runs on both dialects, because it runs on both. So:
- write SQL through `run(db, sql, params)` (it turns `?` into the driver's placeholder) or peewee's query builder;
- use the types both know: INTEGER, TEXT, VARCHAR(n), DATE, REAL only for non-money figures, and `timestamp(db)`
  for a date and time (DATETIME on SQLite, TIMESTAMP on PostgreSQL); an id column is `id_column(db)`;
- ALTER TABLE … ADD COLUMN with a constant DEFAULT, CREATE TABLE / CREATE [UNIQUE] INDEX are portable; no PRAGMA,
  no table rebuilds; a trigger needs one version per dialect (`is_postgres(db)`);
- the test `test_pg_schema_matches_sqlite` (tests/test_team_db.py) compares the two schemas after all steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peewee import SqliteDatabase

V1 = [
    """CREATE TABLE setting (key VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE firm (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, profile TEXT NOT NULL,
        created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)""",
    """CREATE TABLE inspection (id INTEGER NOT NULL PRIMARY KEY,
        firm_id INTEGER NOT NULL REFERENCES firm (id) ON DELETE CASCADE,
        title TEXT NOT NULL, templates TEXT NOT NULL, received_on DATE NOT NULL, due_on DATE NOT NULL,
        created_at DATETIME NOT NULL, finalized_at DATETIME, finalized_by TEXT NOT NULL)""",
    """CREATE INDEX inspection_firm_id ON inspection (firm_id)""",
    """CREATE TABLE inspection_item (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, section VARCHAR(255) NOT NULL, position INTEGER NOT NULL,
        level VARCHAR(255) NOT NULL)""",
    """CREATE UNIQUE INDEX inspection_item_inspection_id_item_id ON inspection_item (inspection_id, item_id)""",
    """CREATE TABLE answer (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, status VARCHAR(255) NOT NULL, note TEXT NOT NULL,
        finding TEXT NOT NULL, risk VARCHAR(255) NOT NULL, remediation TEXT NOT NULL, owner TEXT NOT NULL,
        target_date DATE, justification TEXT NOT NULL, evidence TEXT NOT NULL, updated_at DATETIME)""",
    """CREATE UNIQUE INDEX answer_inspection_id_item_id ON answer (inspection_id, item_id)""",
    """CREATE INDEX answer_status ON answer (status)""",
    """CREATE TABLE answer_history (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, field VARCHAR(255) NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
        changed_at DATETIME NOT NULL, changed_by TEXT NOT NULL)""",
    """CREATE INDEX answer_history_item_id ON answer_history (item_id)""",
    """CREATE INDEX answer_history_inspection_id ON answer_history (inspection_id)""",
]


def _v1(db: SqliteDatabase) -> None:
    for statement in V1:
        db.execute_sql(statement)


def _v2(db: SqliteDatabase) -> None:
    """Revisions, addressee and submission date (finalize / reopen); history made append-only by triggers.

    Plain ALTER TABLE ADD COLUMN: a table rebuild (as playhouse's add_not_null does) would drop the table,
    and a DROP with foreign keys on cascades into the answers.
    """
    from tui.store.db import without_pg_drivers

    with without_pg_drivers():  # playhouse imports any PostgreSQL driver it finds; SQLite needs none
        from peewee import DateField
        from playhouse.migrate import SqliteMigrator, migrate  # only when an old database is upgraded

    migrator = SqliteMigrator(db)
    migrate(migrator.add_column("inspection", "submitted_on", DateField(null=True)))
    db.execute_sql("ALTER TABLE inspection ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")
    db.execute_sql("ALTER TABLE inspection ADD COLUMN addressee TEXT NOT NULL DEFAULT ''")
    db.execute_sql(
        "ALTER TABLE inspection ADD COLUMN previous_id INTEGER REFERENCES inspection (id) ON DELETE SET NULL"
    )
    db.execute_sql(
        """CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
           BEGIN SELECT RAISE(ABORT, 'answer history is append-only'); END"""
    )
    db.execute_sql(
        """CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history
           WHEN (SELECT count(*) FROM inspection WHERE id = OLD.inspection_id) > 0
           BEGIN SELECT RAISE(ABORT, 'answer history is append-only'); END"""
    )


V3 = [
    """CREATE TABLE trainee (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, department TEXT NOT NULL DEFAULT '',
        firm_id INTEGER REFERENCES firm (id) ON DELETE SET NULL, created_at DATETIME NOT NULL)""",
    """CREATE TABLE training_session (id INTEGER NOT NULL PRIMARY KEY, module_id VARCHAR(255) NOT NULL,
        held_on DATE NOT NULL, trainer TEXT NOT NULL, lang VARCHAR(8) NOT NULL, note TEXT NOT NULL DEFAULT '',
        firm_id INTEGER REFERENCES firm (id) ON DELETE SET NULL, created_at DATETIME NOT NULL)""",
    """CREATE TABLE roster (id INTEGER NOT NULL PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE)""",
    """CREATE UNIQUE INDEX roster_session_trainee ON roster (session_id, trainee_id)""",
    """CREATE TABLE attempt (id INTEGER NOT NULL PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
        session_id INTEGER REFERENCES training_session (id) ON DELETE SET NULL,
        module_id VARCHAR(255) NOT NULL, kind VARCHAR(16) NOT NULL DEFAULT 'quiz', lang VARCHAR(8) NOT NULL,
        started_at DATETIME NOT NULL, finished_at DATETIME, score INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0, passed INTEGER NOT NULL DEFAULT 0, answers TEXT NOT NULL DEFAULT '{}')""",
    """CREATE INDEX attempt_trainee_module ON attempt (trainee_id, module_id)""",
    """CREATE TABLE review_card (id INTEGER NOT NULL PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainee (id) ON DELETE CASCADE,
        module_id VARCHAR(255) NOT NULL, question_id VARCHAR(255) NOT NULL, due_on DATE NOT NULL,
        stability REAL NOT NULL DEFAULT 0, difficulty REAL NOT NULL DEFAULT 0, reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0, last_reviewed DATE)""",
    """CREATE UNIQUE INDEX review_card_key ON review_card (trainee_id, module_id, question_id)""",
]


def _v3(db: SqliteDatabase) -> None:
    """Training: trainees, trainer sessions with rosters, attempts (quiz and exercise), review cards."""
    for statement in V3:
        db.execute_sql(statement)


def _v4(db: SqliteDatabase) -> None:
    """Stable ids for firms and inspections, so a bundle imported on another laptop finds its inspection again."""
    import uuid

    for table in ("firm", "inspection"):
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
        for (row_id,) in db.execute_sql(f"SELECT id FROM {table}").fetchall():
            db.execute_sql(f"UPDATE {table} SET uid = ? WHERE id = ?", (str(uuid.uuid4()), row_id))
        db.execute_sql(f"CREATE UNIQUE INDEX {table}_uid ON {table} (uid)")


V5 = [
    """CREATE TABLE remediation_progress (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, state VARCHAR(32) NOT NULL, done_on DATE, note TEXT NOT NULL,
        updated_at DATETIME NOT NULL, updated_by TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX remediation_progress_item ON remediation_progress (inspection_id, item_id)""",
    """CREATE TABLE remediation_history (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL, field VARCHAR(32) NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
        changed_at DATETIME NOT NULL, changed_by TEXT NOT NULL)""",
    """CREATE INDEX remediation_history_inspection ON remediation_history (inspection_id)""",
    """CREATE TRIGGER remediation_history_no_update BEFORE UPDATE ON remediation_history
           BEGIN SELECT RAISE(ABORT, 'remediation history is append-only'); END""",
    """CREATE TABLE carryover (id INTEGER NOT NULL PRIMARY KEY,
        inspection_id INTEGER NOT NULL REFERENCES inspection (id) ON DELETE CASCADE,
        item_id VARCHAR(255) NOT NULL,
        from_inspection_id INTEGER REFERENCES inspection (id) ON DELETE SET NULL,
        from_title TEXT NOT NULL, status VARCHAR(32) NOT NULL, finding TEXT NOT NULL, remediation TEXT NOT NULL,
        owner TEXT NOT NULL, target_date DATE, state VARCHAR(32) NOT NULL)""",
    """CREATE UNIQUE INDEX carryover_item ON carryover (inspection_id, item_id)""",
]


def _v5(db: SqliteDatabase) -> None:
    """Remediation progress after submission (editable after finalize, with its own append-only history), and the
    open problems a new cycle's inspection carries over from the last one."""
    for statement in V5:
        db.execute_sql(statement)


def _v6(db: SqliteDatabase) -> None:
    """Named people, and change rows that merge without loss: each history row gets a UUID, the device, a hybrid
    logical clock stamp, the rows it replaced and the person (tui.domain.sync). Existing rows get ids derived from
    their content, so two laptops that already share rows (through bundles) give them the same ids."""
    import datetime as dt
    import json
    import uuid

    from tui.domain import sync

    db.execute_sql(
        """CREATE TABLE person (id INTEGER NOT NULL PRIMARY KEY, uid VARCHAR(36) NOT NULL, name TEXT NOT NULL,
            role VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL)"""
    )
    db.execute_sql("CREATE UNIQUE INDEX person_uid ON person (uid)")
    for column in ("uid VARCHAR(36)", "device VARCHAR(64)", "hlc VARCHAR(96)", "person TEXT"):
        db.execute_sql(f"ALTER TABLE answer_history ADD COLUMN {column} NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE answer_history ADD COLUMN parents TEXT NOT NULL DEFAULT '[]'")
    db.execute_sql("DROP TRIGGER answer_history_no_update")
    rows = db.execute_sql(
        "SELECT h.id, i.uid, h.item_id, h.field, h.old, h.new, h.changed_at, h.changed_by "
        "FROM answer_history AS h JOIN inspection AS i ON i.id = h.inspection_id ORDER BY h.id"
    ).fetchall()
    last: dict[tuple[str, str, str], str] = {}
    seen: set[tuple[str, str]] = set()
    for row_id, insp_uid, item, field, old, new, changed_at, by in rows:
        uid = sync.legacy_uid(insp_uid, item, field, old, new, str(changed_at), by)
        if (insp_uid, uid) in seen:  # the same change twice in one inspection: keep both, apart
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uid}/{row_id}"))
        seen.add((insp_uid, uid))
        key = (insp_uid, item, field)
        parents = [last[key]] if key in last else []
        last[key] = uid
        stamp = str(changed_at).replace("T", " ")[:19]
        try:
            wall = int(dt.datetime.fromisoformat(stamp).timestamp() * 1000)
        except ValueError:
            wall = 0
        db.execute_sql(
            "UPDATE answer_history SET uid = ?, device = 'legacy', hlc = ?, parents = ?, person = ? WHERE id = ?",
            (uid, sync.HLC(wall, 0, "legacy").text(), json.dumps(parents), by, row_id),
        )
    # a change is one row per inspection; a copy of an inspection (a bundle imported as new) repeats its rows
    db.execute_sql("CREATE UNIQUE INDEX answer_history_uid ON answer_history (inspection_id, uid)")
    db.execute_sql(
        """CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
           BEGIN SELECT RAISE(ABORT, 'answer history is append-only'); END"""
    )


def _v7(db: SqliteDatabase) -> None:
    """Finalizing records what it locked: the points left open when the readiness check was overridden, and the
    SHA-256 of the locked revision's canonical content (for `tenken verify`)."""
    db.execute_sql("ALTER TABLE inspection ADD COLUMN open_points INTEGER NOT NULL DEFAULT 0")
    db.execute_sql("ALTER TABLE inspection ADD COLUMN content_sha256 VARCHAR(64) NOT NULL DEFAULT ''")


def _v8(db: SqliteDatabase) -> None:
    """Training records as evidence: the choice order each attempt showed (shuffled per attempt) and its mode (exam
    or practice), a session's mode, and stable ids (uid) for trainees and attempts with an optional e-mail, so
    records from several laptops never collide (xAPI actor and registration)."""
    import uuid

    db.execute_sql("ALTER TABLE attempt ADD COLUMN layout TEXT NOT NULL DEFAULT '{}'")
    db.execute_sql("ALTER TABLE attempt ADD COLUMN mode VARCHAR(16) NOT NULL DEFAULT 'practice'")
    db.execute_sql("ALTER TABLE training_session ADD COLUMN mode VARCHAR(16) NOT NULL DEFAULT 'practice'")
    db.execute_sql("ALTER TABLE trainee ADD COLUMN email TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE trainee ADD COLUMN deleted_at DATETIME")  # personal data erased, counts kept
    for table in ("trainee", "attempt"):
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
        for (row_id,) in db.execute_sql(f"SELECT id FROM {table}").fetchall():
            db.execute_sql(f"UPDATE {table} SET uid = ? WHERE id = ?", (str(uuid.uuid4()), row_id))
        db.execute_sql(f"CREATE UNIQUE INDEX {table}_uid ON {table} (uid)")


def _v9(db: SqliteDatabase) -> None:
    """A trash: a deleted firm or inspection keeps its rows, marked with when it was deleted, until undone."""
    for table in ("firm", "inspection"):
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN deleted_at DATETIME")


V10 = [
    "ALTER TABLE answer ADD COLUMN assignee TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE answer ADD COLUMN assignee_due DATE",
    "CREATE INDEX answer_assignee ON answer (assignee)",
]


def _v10(db: SqliteDatabase) -> None:
    """Assignment: an item assigned to a person (by name) with a due date, two answer fields recorded in the change
    rows like the others. Portable SQL (SQLite and PostgreSQL)."""
    for statement in V10:
        db.execute_sql(statement)


def _v11(db: SqliteDatabase) -> None:
    """Training records that travel (issue 18): a stable id (uid) per training session so bundles merge sessions
    instead of copying them; a session's pre-test/post-test switch; an attempt's phase (pre / post / "") and the
    people who played each role of a tabletop exercise (JSON role → trainee uid); tombstones of erased trainees
    (SHA-256 of the uid they had), so an older bundle never brings their personal data back.

    Portable SQL (SQLite and PostgreSQL): ADD COLUMN with defaults, TIMESTAMP, no SQLite-only syntax.
    """
    import uuid

    run(db, "ALTER TABLE training_session ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
    for (row_id,) in run(db, "SELECT id FROM training_session").fetchall():
        run(db, "UPDATE training_session SET uid = ? WHERE id = ?", (str(uuid.uuid4()), row_id))
    db.execute_sql("CREATE UNIQUE INDEX training_session_uid ON training_session (uid)")
    db.execute_sql("ALTER TABLE training_session ADD COLUMN prepost INTEGER NOT NULL DEFAULT 0")
    db.execute_sql("ALTER TABLE attempt ADD COLUMN phase VARCHAR(8) NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE attempt ADD COLUMN roles TEXT NOT NULL DEFAULT '{}'")
    db.execute_sql(
        f"""CREATE TABLE trainee_tombstone (digest VARCHAR(64) NOT NULL PRIMARY KEY, trainee_id INTEGER,
            erased_at {timestamp(db)} NOT NULL)"""
    )


def _v12(db: SqliteDatabase) -> None:
    """Saving an answer reads the heads of the fields it changes (optimistic concurrency, tui.domain.sync): an index
    on (inspection, item, field) lets it read that field's change rows only, not every row of the item in every
    inspection (the index on item_id alone), so a save stays quick however long an answer's history grows (issue
    19). Portable SQL (SQLite and PostgreSQL)."""
    run(db, "CREATE INDEX answer_history_key ON answer_history (inspection_id, item_id, field)")


MIGRATIONS: list[Callable[[SqliteDatabase], None]] = [
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8,
    _v9,
    _v10,
    _v11,
    _v12,
]
SCHEMA_VERSION = len(MIGRATIONS)
PG_BASELINE_VERSION = 9  # a new team database on PostgreSQL starts with the schema of v9 (tui.store.pg.BASELINE)


def migrations_from(version: int) -> list[tuple[int, Callable[[Any], None]]]:
    """The steps after `version`, numbered (PostgreSQL: never before its baseline)."""
    return [(n, MIGRATIONS[n - 1]) for n in range(max(version, 0) + 1, SCHEMA_VERSION + 1)]


# --- helpers for steps that run on both dialects (v10 on) ----------------------------------------------------


def is_postgres(db: Any) -> bool:
    return type(db).__name__.startswith("Postgres")


def run(db: Any, sql: str, params: tuple | list = ()) -> Any:
    """Execute one statement written with `?` placeholders on either dialect."""
    return db.execute_sql(sql.replace("?", db.param) if db.param != "?" else sql, params)


def timestamp(db: Any) -> str:
    return "TIMESTAMP" if is_postgres(db) else "DATETIME"


def id_column(db: Any) -> str:
    return "id SERIAL PRIMARY KEY" if is_postgres(db) else "id INTEGER NOT NULL PRIMARY KEY"
