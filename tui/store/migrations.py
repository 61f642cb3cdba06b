"""Numbered schema migrations. The schema version lives in PRAGMA user_version.

Each step is written against the schema as it stood then, never against today's models, so an old
database upgrades through exactly the steps it missed. A backup is taken before any step runs.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import DateField, SqliteDatabase
from playhouse.migrate import SqliteMigrator, migrate

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


MIGRATIONS: list[Callable[[SqliteDatabase], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)
