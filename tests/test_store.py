"""The database: created safely, migrated with a backup, refuses damage without touching it, keeps history."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import peewee
import pytest

from tui.paths import DB_FILENAME
from tui.store import StoreError, open_store
from tui.store.db import SQLITE_HEADER
from tui.store.migrations import MIGRATIONS, SCHEMA_VERSION

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)


def test_new_database_is_private_wal_with_foreign_keys(data_dir: Path):
    store = open_store(data_dir)
    try:
        db_file = data_dir / DB_FILENAME
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
        assert store.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        store.close()


def _old_database(data_dir: Path, version: int) -> Path:
    """A database as an older tenken wrote it: only the first `version` migrations, with data."""
    data_dir.mkdir(mode=0o700)
    path = data_dir / DB_FILENAME
    from peewee import SqliteDatabase

    db = SqliteDatabase(str(path))
    db.connect()
    with db.atomic():
        for step in MIGRATIONS[:version]:
            step(db)
        db.execute_sql(f"PRAGMA user_version = {version}")
        _fill(db)
    db.close()
    return path


def _fill(db) -> None:
    db.execute_sql(
        "INSERT INTO firm (id, name, profile, created_at, updated_at) VALUES "
        '(1, \'旧社\', \'{"name": "旧社", "business": ["crypto-exchange"], "staff": 5}\', '
        "'2025-01-01', '2025-01-01')"
    )
    db.execute_sql(
        "INSERT INTO inspection (id, firm_id, title, templates, received_on, due_on, created_at, finalized_by) VALUES "
        "(1, 1, '旧点検', '[\"fsa-notice-2020\"]', '2025-01-10', '2025-02-10', '2025-01-10', '')"
    )
    db.execute_sql(
        "INSERT INTO answer (inspection_id, item_id, status, note, finding, risk, "
        "remediation, owner, justification, evidence) "
        "VALUES (1, 'notice.4.ha', 'compliant', '旧メモ', '', '', '', '', '', '[]')"
    )


def test_upgrades_a_version_1_database_keeping_its_answers_and_a_backup(data_dir: Path):
    _old_database(data_dir, 1)
    store = open_store(data_dir)
    try:
        assert store.db.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        answers = store.answers(1)
        assert answers["notice.4.ha"].status == "compliant"
        assert answers["notice.4.ha"].note == "旧メモ"
        info = store.inspection(1)
        assert info.revision == 1 and info.due_on == dt.date(2025, 2, 10)
    finally:
        store.close()
    backups = list((data_dir / "backups").glob("tenken-*-before-v*.sqlite3"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT note FROM answer").fetchone()[0] == "旧メモ"
    old.close()


def test_history_is_append_only(ws, demo):
    ws.save_answer(demo.id, "notice.4.ha", note="one")
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        ws.store.db.execute_sql("UPDATE answer_history SET new = 'forged'")
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        ws.store.db.execute_sql("DELETE FROM answer_history")
    entries = ws.store.history(demo.id, "notice.4.ha")
    assert [e.new for e in entries if e.field == "note"][-1] == "one"


def test_every_change_is_recorded_old_to_new(ws, demo):
    ws.save_answer(demo.id, "notice.4.ni", note="first")
    ws.save_answer(demo.id, "notice.4.ni", note="second")
    notes = [(e.old, e.new) for e in ws.store.history(demo.id, "notice.4.ni") if e.field == "note"]
    assert notes[-2:] == [("", "first"), ("first", "second")]
    assert all(e.changed_by for e in ws.store.history(demo.id))


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, SQLITE_HEADER + b"\x00garbage" * 500, b"\x00" * 4096],
    ids=["text", "damaged-header", "zeros"],
)
def test_a_damaged_database_is_refused_and_left_untouched(data_dir: Path, content: bytes):
    data_dir.mkdir(mode=0o700)
    path = data_dir / DB_FILENAME
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        open_store(data_dir)
    assert str(path) in str(err.value)
    assert path.read_bytes() == content
    assert not (data_dir / (DB_FILENAME + "-wal")).exists() or (data_dir / (DB_FILENAME + "-wal")).stat().st_size == 0


def test_a_database_from_a_newer_tenken_is_refused(data_dir: Path):
    store = open_store(data_dir)
    store.db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    before = (data_dir / DB_FILENAME).read_bytes()
    with pytest.raises(StoreError, match="newer|新しい"):
        open_store(data_dir)
    assert (data_dir / DB_FILENAME).read_bytes() == before


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from tui.workspace import Workspace
    ws = Workspace(Path(sys.argv[1]), os.environ.get("TENKEN_DB"))
    inspection, tag, count = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    for n in range(count):
        ws.save_answer(inspection, sys.argv[5], note=f"{tag}-{n}")
        print(f"{tag}-{n}", flush=True)
    ws.close()
    """
)


def test_two_running_copies_both_save_and_nothing_is_lost(ws, demo, data_dir: Path, tmp_path: Path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(data_dir), str(demo.id), tag, "40", item],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        for tag, item in (("a", "notice.4.ha"), ("b", "notice.4.ni"))
    ]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(outputs[0]) == len(outputs[1]) == 40
    history = ws.store.history(demo.id)
    for tag, item in (("a", "notice.4.ha"), ("b", "notice.4.ni")):
        saved = [e.new for e in history if e.item_id == item and e.field == "note" and e.new.startswith(tag)]
        assert saved == [f"{tag}-{n}" for n in range(40)]
    assert ws.store.answers(demo.id)["notice.4.ha"].note == "a-39"
    if not ws.store.team:  # PostgreSQL checks itself
        assert ws.store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.sqlite_only
def test_disk_full_is_one_sentence_and_keeps_earlier_answers(ws, demo):
    """SQLite reports a full disk as SQLITE_FULL; the store turns it into a sentence and rolls back."""
    ws.save_answer(demo.id, "notice.4.ha", note="kept")
    page_count = ws.store.db.execute_sql("PRAGMA page_count").fetchone()[0]
    ws.store.db.execute_sql(f"PRAGMA max_page_count = {page_count}")
    with pytest.raises(StoreError, match="disk is full|ディスク"):
        ws.save_answer(demo.id, "notice.4.ni", note="x" * 200_000)
    assert ws.store.answers(demo.id)["notice.4.ha"].note == "kept"
    assert ws.store.answers(demo.id)["notice.4.ni"].note == ""


def test_db_files_never_world_readable(ws, data_dir: Path):
    for f in data_dir.iterdir():
        if f.is_file():
            assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f


def test_not_applicable_needs_a_justification(ws, demo):
    from tui.domain.inspection import AnswerRejected

    with pytest.raises(AnswerRejected):
        ws.save_answer(demo.id, "notice.8.ro.1", status="na")
    assert ws.store.answers(demo.id)["notice.8.ro.1"].status == "unanswered"
    ws.save_answer(demo.id, "notice.8.ro.1", status="na", justification="外部委託なし")
    assert ws.store.answers(demo.id)["notice.8.ro.1"].status == "na"


@pytest.mark.sqlite_only
def test_the_home_screen_reads_the_same_before_peewee_is_loaded(ws, demo, data_dir: Path):
    """Start-up reads (language, theme, firms, inspections and their progress) run on plain sqlite3, so peewee
    loads after the first paint; they must return exactly what the peewee-backed store sees."""
    from tui.domain.profile import Profile

    ws.set_language("en")
    other = ws.add_firm(Profile(name="Beta Securities", business=("online-securities",), staff=400))
    started = ws.start_inspection(other.id, ["fsa-notice-2020"], dt.date(2026, 1, 31))
    ws.store.finalize(started.id, "田中 花子", submitted_on=dt.date(2026, 2, 20))
    expected = repr((ws.store.get_setting("language"), ws.store.list_firms(), ws.store.inspection(demo.id)))
    assert "peewee" in sys.modules and ws.store._orm is not None  # what the writes above went through

    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tui.workspace import Workspace
        ws = Workspace(Path({str(data_dir)!r}))
        got = repr((ws.store.get_setting("language"), ws.store.list_firms(), ws.store.inspection({demo.id})))
        print("peewee" in sys.modules)
        print(got)
        ws.close()
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout
    loaded, got = out.splitlines()
    assert loaded == "False"
    assert got == expected
    assert "datetime.date(2026, 2, 28)" in got and "finalized_by='田中 花子'" in got  # one month after Jan 31


def test_two_stores_in_one_process_each_write_to_their_own_database(tmp_path: Path):
    """The models are bound to one database at a time: interleaved calls on two stores (a bundle read from
    another data folder, tests) must each reach their own file."""
    from tui.domain.profile import Profile

    first, second = open_store(tmp_path / "a"), open_store(tmp_path / "b")
    try:
        first.create_firm(Profile(name="甲社", business=("online-securities",), staff=5))
        second.create_firm(Profile(name="乙社", business=("online-securities",), staff=5))
        first.set_setting("theme", "one")
        second.set_setting("theme", "two")
        first.create_firm(Profile(name="丙社", business=("online-securities",), staff=5))
        assert [f.name for f in first.list_firms()] == ["丙社", "甲社"]
        assert [f.name for f in second.list_firms()] == ["乙社"]
        assert (first.get_setting("theme"), second.get_setting("theme")) == ("one", "two")
        assert [f.name for f in first.list_firms()] == ["丙社", "甲社"]
    finally:
        first.close()
        second.close()


def _schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table, index and trigger of the database, its SQL with whitespace and quoting normalized."""
    import re

    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()

    def norm(sql: str) -> str:
        sql = re.sub(r'["`\[\]]', "", sql)
        sql = re.sub(r"\s+", " ", sql)
        return re.sub(r"\s*([(),])\s*", r"\1", sql).strip().lower()

    return [(kind, name, norm(sql)) for kind, name, sql in rows]


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_migrated_database_has_exactly_the_schema_of_a_new_one(tmp_path: Path, version: int):
    old = tmp_path / "old"
    _old_database(old, version)
    open_store(old).close()
    new = tmp_path / "new"
    open_store(new).close()
    fresh = _schema(new / DB_FILENAME)
    assert {name for _kind, name, _sql in fresh} >= {"firm", "inspection", "answer", "answer_history"}
    assert _schema(old / DB_FILENAME) == fresh


def test_the_models_match_the_migrated_schema(tmp_path: Path):
    """Every model's table and columns exist as the migrations created them (same names, same NOT NULL)."""
    from tui.store import models

    open_store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    try:
        for model in models.ALL_MODELS:
            table = model._meta.table_name
            columns = {row[1]: bool(row[3]) for row in conn.execute(f"PRAGMA table_info({table})")}
            declared = {f.column_name: not f.null for f in model._meta.sorted_fields}
            assert declared == {name: columns.get(name) for name in declared}, table
    finally:
        conn.close()
