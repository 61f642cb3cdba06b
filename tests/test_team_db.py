"""The shared team database on PostgreSQL: the same workspace on a real server, saves that never overwrite what
someone else changed meanwhile, the schema and its version, `tenken db migrate|copy`, and no password in sight."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import peewee
import pytest
from conftest import fresh_pg_database, run_cli

from tui.store import StoreError
from tui.store.migrations import SCHEMA_VERSION
from tui.workspace import UserError, Workspace

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)


@pytest.fixture
def pg_url():
    url, drop = fresh_pg_database()
    yield url
    drop()


# --- optimistic concurrency (both databases) ------------------------------------------------------------------


def test_a_save_over_someone_elses_newer_change_becomes_a_conflict(ws, demo, data_dir: Path, database, tmp_path):
    other = Workspace(tmp_path / "other-laptop", database) if database else Workspace(data_dir)
    try:
        other.add_person("鈴木", "reviewer", use=True)
        mine = ws.answers(demo.id)  # what 高橋's screen shows
        other.answers(demo.id)
        other.save_answer(demo.id, "notice.4.ni", note="鈴木の備考")
        # a field nobody else touched saves cleanly
        saved, clashes = ws.save_answer_checked(demo.id, "notice.4.ni", owner="システム部")
        assert clashes == [] and saved.owner == "システム部"
        # the note 鈴木 changed after 高橋 looked: kept both ways, and said so at once
        assert mine["notice.4.ni"].note != "鈴木の備考"
        saved, clashes = ws.save_answer_checked(demo.id, "notice.4.ni", note="高橋の備考")
        assert clashes == [("note", ["鈴木"])]
        conflicts = ws.conflicts(demo.id)
        assert [(c.item_id, c.field) for c in conflicts] == [("notice.4.ni", "note")]
        assert set(conflicts[0].values) == {"鈴木の備考", "高橋の備考"}
        # another edit of the same field by 高橋 does not silently settle it
        _saved, clashes = ws.save_answer_checked(demo.id, "notice.4.ni", note="高橋の備考（2）")
        assert [f for f, _who in clashes] == ["note"]
        assert {"鈴木の備考", "高橋の備考（2）"} == set(ws.conflicts(demo.id)[0].values)
        # settling it leaves one value and no conflict
        ws.resolve_conflict(demo.id, "notice.4.ni", "note", "二人の備考")
        assert ws.conflicts(demo.id) == [] and ws.answers(demo.id)["notice.4.ni"].note == "二人の備考"
        assert ws.save_answer_checked(demo.id, "notice.4.ni", note="その後")[1] == []
    finally:
        other.close()


WRITER = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from tui.workspace import Workspace
    ws = Workspace(Path(sys.argv[1]), os.environ.get("TENKEN_DB"))
    inspection, tag = int(sys.argv[2]), sys.argv[3]
    for k in range(10):
        ws.answers(inspection)
        _a, clashes = ws.save_answer_checked(inspection, "notice.4.ha", note=f"{tag}-{k}")
        print(json.dumps([f"{tag}-{k}", bool(clashes)]), flush=True)
    ws.close()
    """
)


def test_concurrent_saves_to_one_answer_lose_nothing(ws, demo, data_dir: Path, database, tmp_path):
    """Four tenkens save the same field at once, each from what it last read: every save either builds on the
    latest change or is reported as a conflict; no change row disappears."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(tmp_path / f"s{n}") if database else str(data_dir),
                str(demo.id),
                f"s{n}",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        for n in range(4)
    ]
    outputs = [p.communicate(timeout=120)[0].splitlines() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    reported = [value for out in outputs for value, clashed in map(json.loads, out) if clashed]
    every = [c for c in ws.store.changes(demo.id) if c.item_id == "notice.4.ha" and c.field == "note"]  # by id
    ours = [c for c in every if c.value.startswith("s")]  # the demo's own note came first
    assert sorted(c.value for c in ours) == sorted(f"s{n}-{k}" for n in range(4) for k in range(10))
    ids = [c.uid for c in every]
    ancestors: dict[str, set[str]] = {}
    for c in every:  # in the order they were written: a row names only rows written before it
        assert all(p in ancestors for p in c.parents)
        ancestors[c.uid] = set(c.parents).union(*(ancestors[p] for p in c.parents))
    # a save is concurrent when an earlier row is not among its ancestors: every such save was reported
    concurrent = [c.value for c in every if any(e not in ancestors[c.uid] for e in ids[: ids.index(c.uid)])]
    assert sorted(concurrent) == sorted(reported)
    heads = set(ids) - {p for c in every for p in c.parents}
    assert (len({c.value for c in every if c.uid in heads}) > 1) == bool(ws.conflicts(demo.id))


# --- PostgreSQL itself -----------------------------------------------------------------------------------------


def test_the_history_is_append_only_on_postgresql(pg_url, data_dir: Path):
    ws = Workspace(data_dir, pg_url)
    try:
        from tui.demo import create_demo

        info, _new = create_demo(ws)
        ws.save_answer(info.id, "notice.4.ha", note="one")
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            ws.store.db.execute_sql("UPDATE answer_history SET new = 'forged'")
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            ws.store.db.execute_sql("DELETE FROM answer_history")
        # the history goes only with its inspection
        ws.store.db.execute_sql("DELETE FROM inspection WHERE id = %s", (info.id,))
        assert ws.store.db.execute_sql("SELECT count(*) FROM answer_history").fetchone()[0] == 0
        assert ws.store.db.execute_sql("SELECT version FROM tenken_schema").fetchone()[0] == SCHEMA_VERSION
    finally:
        ws.close()


def _pg_schema(url: str) -> dict[str, dict[str, bool]]:
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            )
            out: dict[str, dict[str, bool]] = {}
            for table, column, nullable in cur.fetchall():
                out.setdefault(table, {})[column] = nullable == "YES"
            cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey'")
            out["(indexes)"] = {r[0]: True for r in cur.fetchall()}
            cur.execute("SELECT DISTINCT trigger_name FROM information_schema.triggers")
            out["(triggers)"] = {r[0]: True for r in cur.fetchall()}
    finally:
        conn.close()
    out.pop("tenken_schema")
    return out


def _sqlite_schema(path: Path) -> dict[str, dict[str, bool]]:
    conn = sqlite3.connect(path)
    try:
        out: dict[str, dict[str, bool]] = {}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            out[table] = {r[1]: not r[3] and not r[5] for r in conn.execute(f"PRAGMA table_info({table})")}
        out["(indexes)"] = {
            r[0]: True for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        }
        out["(triggers)"] = {r[0]: True for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    return out


def test_pg_schema_matches_sqlite(pg_url, tmp_path: Path):
    """A new team database has the tables, columns (and their NULLs), indexes and triggers of a new SQLite one."""
    Workspace(tmp_path / "pg", pg_url).close()
    Workspace(tmp_path / "lite").close()
    assert _pg_schema(pg_url) == _sqlite_schema(tmp_path / "lite" / "tenken.sqlite3")


def test_newer_schema_is_refused_and_older_needs_db_migrate(pg_url, tmp_path: Path, monkeypatch):
    import psycopg2

    Workspace(tmp_path / "a", pg_url).close()
    conn = psycopg2.connect(pg_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("UPDATE tenken_schema SET version = %s", (SCHEMA_VERSION + 1,))
        with pytest.raises(StoreError, match=str(SCHEMA_VERSION + 1)):
            Workspace(tmp_path / "a", pg_url)
        out = run_cli("--db", pg_url, "list", env={"TENKEN_HOME": str(tmp_path / "a")})
        assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
        # an older schema: a step this tenken has that the database has not had yet (written for both dialects)
        with conn.cursor() as cur:
            cur.execute("UPDATE tenken_schema SET version = %s", (SCHEMA_VERSION,))
        from tui.store import migrations

        def step(db) -> None:
            migrations.run(db, "ALTER TABLE firm ADD COLUMN nickname TEXT NOT NULL DEFAULT ''")
            migrations.run(db, "UPDATE firm SET nickname = ? WHERE nickname = ''", ("—",))

        monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
        monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        import tui.store.pg as pg

        monkeypatch.setattr(pg, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        with pytest.raises(StoreError, match="tenken db migrate"):
            Workspace(tmp_path / "a", pg_url)
        from tui.workspace import migrate_database

        assert migrate_database(pg_url)[1] == SCHEMA_VERSION + 1
        with conn.cursor() as cur:
            cur.execute("SELECT version FROM tenken_schema")
            assert cur.fetchone()[0] == SCHEMA_VERSION + 1
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'firm'")
            assert "nickname" in {r[0] for r in cur.fetchall()}
        Workspace(tmp_path / "a", pg_url).close()
    finally:
        conn.close()


def test_a_database_with_other_tables_is_not_taken_over(pg_url, tmp_path: Path):
    import psycopg2

    conn = psycopg2.connect(pg_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE inspection (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match="not tenken's|tenken 以外"):
        Workspace(tmp_path, pg_url)


# --- tenken db copy ----------------------------------------------------------------------------------------------


def _rows(ws: Workspace) -> dict[str, list]:
    """Everything but the settings and the table ids, comparable across the two databases."""
    from tui.store.pg import TABLES

    out = {}
    for table in TABLES[1:]:
        cursor = ws.store.db.execute_sql(f"SELECT * FROM {table} ORDER BY id")
        names = [d[0] for d in cursor.description]
        rows = []
        for r in cursor.fetchall():
            values = dict(zip(names, r, strict=True))
            rows.append(json.dumps({k: str(v).replace("T", " ") for k, v in sorted(values.items())}))
        out[table] = rows
    return out


def test_db_copy_sqlite_to_postgresql_and_back_keeps_everything(pg_url, tmp_path: Path):
    from tui.demo import create_demo

    laptop = tmp_path / "laptop"
    ws = Workspace(laptop)
    info, _new = create_demo(ws)
    ws.add_person("田中花子", "officer")
    ws.save_answer(info.id, "notice.4.ni", note="備考", owner="システム部")
    ws.add_trainee("佐藤", "営業部")
    before = _rows(ws)
    ws.close()

    out = run_cli("db", "copy", str(laptop), pg_url, env={"TENKEN_HOME": str(tmp_path / "h")})
    assert out.returncode == 0, out.stderr
    team = Workspace(tmp_path / "h", pg_url)
    try:
        assert _rows(team) == before
        assert [p.name for p in team.persons()] == ["田中花子"]
        # new rows continue after the copied ids, and the history keeps growing
        team.save_answer(info.id, "notice.4.ni", note="チームで追記")
        assert team.history(info.id, "notice.4.ni")[-1].new == "チームで追記"
    finally:
        team.close()
    # a second copy into the now non-empty team database is refused, nothing changed
    out = run_cli("db", "copy", str(laptop), pg_url, env={"TENKEN_HOME": str(tmp_path / "h")})
    assert out.returncode == 1 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    # and back to a new laptop folder
    back = tmp_path / "back"
    out = run_cli("db", "copy", pg_url, str(back), env={"TENKEN_HOME": str(tmp_path / "h")})
    assert out.returncode == 0, out.stderr
    again = Workspace(back)
    try:
        rows = _rows(again)
        assert rows["answer_history"][: len(before["answer_history"])] == before["answer_history"]
        assert rows["person"] == before["person"] and rows["firm"] == before["firm"]
        assert again.history(info.id, "notice.4.ni")[-1].new == "チームで追記"
        assert [t.name for t in again.trainees()] == ["佐藤"]
    finally:
        again.close()


# --- passwords and TLS ---------------------------------------------------------------------------------------


def test_passwords_are_masked_in_every_message():
    from tui.store.pg import mask

    assert mask("postgresql://alice:s3cret@db.example/tenken?sslmode=verify-full") == (
        "postgresql://alice:***@db.example/tenken?sslmode=verify-full"
    )
    assert "s3cret" not in mask("postgresql://alice@db.example/tenken?password=s3cret")
    assert mask("postgresql://alice@db.example/tenken") == "postgresql://alice@db.example/tenken"


def test_a_password_never_appears_in_output(tmp_path: Path):
    url = "postgresql://nobody:s3cret@127.0.0.1:1/tenken?sslmode=disable&connect_timeout=2"
    out = run_cli("--db", url, "list", env={"TENKEN_HOME": str(tmp_path)})
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "s3cret" not in out.stderr + out.stdout and "***" in out.stderr
    assert not list(tmp_path.rglob("*.log")) or all("s3cret" not in p.read_text() for p in tmp_path.rglob("*.log"))


def test_tls_is_asked_through_the_connection_string(pg_url, tmp_path: Path):
    """sslmode reaches libpq: a server without TLS is refused when the URL requires it, in one sentence."""
    url = pg_url + "?sslmode=require"
    import psycopg2

    try:
        psycopg2.connect(url).close()
        pytest.skip("this server offers TLS")
    except psycopg2.OperationalError:
        pass
    with pytest.raises(StoreError, match="SSL|TLS|ssl"):
        Workspace(tmp_path, url)


def test_the_driver_is_loaded_only_for_a_postgresql_url(tmp_path: Path):
    script = (
        "import sys; from pathlib import Path; from tui.workspace import Workspace; "
        f"w = Workspace(Path({str(tmp_path)!r})); w.firms(); w.close(); print('psycopg2' in sys.modules)"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_a_bad_db_option_is_one_sentence(tmp_path: Path):
    out = run_cli("--db", "mysql://x@y/z", "list", env={"TENKEN_HOME": str(tmp_path)})
    assert out.returncode == 2 and "Traceback" not in out.stderr and "postgresql://" in out.stderr


def test_a_preparer_cannot_sign_off_on_the_team_database(pg_url, tmp_path: Path):
    from tui.demo import create_demo

    ws = Workspace(tmp_path, pg_url)
    try:
        info, _new = create_demo(ws)
        ws.add_person("田中花子", "officer")
        ws.add_person("高橋", "preparer", use=True)
        with pytest.raises(UserError, match="高橋"):  # not even in the officer's name
            ws.finalize(info.id, "田中花子", allow_incomplete=True)
        ws.use_person("田中花子")
        assert ws.finalize(info.id, "田中花子", allow_incomplete=True).finalized
    finally:
        ws.close()


def test_db_migrate_names_the_schema_it_leaves(pg_url, tmp_path: Path):
    env = {"TENKEN_HOME": str(tmp_path), "LANG": "en_US.UTF-8"}
    out = run_cli("db", "migrate", "--db", pg_url, env=env)
    assert out.returncode == 0, out.stderr
    assert f"schema {SCHEMA_VERSION}" in out.stdout and pg_url in out.stdout
    out = run_cli("db", "migrate", env=env)  # the data folder's own database
    assert out.returncode == 0 and str(tmp_path) in out.stdout
