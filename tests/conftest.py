"""Shared fixtures: every test gets its own data dir, Japanese by default, and never the user's real files."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO.parent / "shared" / "sources"


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "tenken-home"
    monkeypatch.setenv("TENKEN_HOME", str(home))
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("TENKEN_DB", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    from tui.i18n import set_language

    set_language("ja")
    yield
    set_language("ja")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "tenken-home"


# --- the two databases: SQLite (the data folder) and PostgreSQL (the team database) ---------------------------
#
# A test module that sets `BOTH_DATABASES = True` runs each of its tests that use `ws` (or `database`) twice: on
# SQLite and on a real PostgreSQL server, in a database of its own made for the test and dropped after it. The
# server is TENKEN_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres). Without a server those runs
# are skipped, unless TENKEN_TEST_PG=required (CI), when they fail. A test marked `sqlite_only` runs once, and so
# do the TUI's tests (app_factory).

PG_ADMIN_URL = os.environ.get("TENKEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: tests the data folder's SQLite file itself")


def pytest_generate_tests(metafunc):
    if not getattr(metafunc.module, "BOTH_DATABASES", False) or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    # the TUI's tests (app_factory) stay on SQLite: the screens reach data only through the Workspace
    if {"ws", "database"} & set(metafunc.fixturenames) and "app_factory" not in metafunc.fixturenames:
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


def _pg_admin():
    try:
        import psycopg2
    except ImportError:
        return None
    try:
        conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except psycopg2.Error:
        return None
    conn.autocommit = True
    return conn


def fresh_pg_database() -> tuple[str, object]:
    """A new, empty PostgreSQL database: (its URL, a function that drops it). Skips (or fails in CI) without one."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    admin = _pg_admin()
    if admin is None:
        if os.environ.get("TENKEN_TEST_PG") == "required":
            pytest.fail(f"no PostgreSQL server at {PG_ADMIN_URL} and TENKEN_TEST_PG=required")
        pytest.skip("no PostgreSQL server reachable (set TENKEN_TEST_PG=required to fail instead)")
    name = f"tenken_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(PG_ADMIN_URL)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def drop() -> None:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return url, drop


@pytest.fixture
def database(request, monkeypatch: pytest.MonkeyPatch):
    """None for SQLite, or the URL of a fresh PostgreSQL database (also in TENKEN_DB, so `tenken` run by the test
    uses it too)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield None
        return
    url, drop = fresh_pg_database()
    monkeypatch.setenv("TENKEN_DB", url)
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def ws(data_dir: Path, database):
    from tui.workspace import Workspace

    w = Workspace(data_dir, database)
    yield w
    w.close()


@pytest.fixture
def demo(ws):
    from tui.demo import create_demo

    info, _created = create_demo(ws, today=dt.date(2026, 11, 23))
    return info


def run_cli(
    *args: str, env: dict | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run `tenken` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        input=input,
        timeout=120,
    )


PINNED_TODAY = dt.date(2026, 11, 23)
PINNED_NOW = dt.datetime(2026, 11, 23, 10, 30, 0)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch):
    """Fix today's date and the clock, so dates, days left and "saved at" never drift."""
    from tui.domain import inspection
    from tui.store import models

    monkeypatch.setattr(inspection, "today", lambda: PINNED_TODAY)
    monkeypatch.setattr(models, "now", lambda: PINNED_NOW)
    return PINNED_TODAY


@pytest.fixture
def app_factory(data_dir: Path, database):
    """Build the app as the CLI does, on the test's data dir (a fresh Workspace each call) and database."""
    from tui.app import make_app
    from tui.workspace import Workspace

    made = []

    def factory(lang: str | None = None):
        w = Workspace(data_dir, database)
        if lang:
            w.set_language(lang)
        w.apply_language()
        made.append(w)
        return make_app(w, warm_corpus=False)

    yield factory
    for w in made:
        w.close()


# --- driving the TUI ------------------------------------------------------------------------------


async def open_inspection(pilot):
    """From the home screen, open the highlighted inspection (the first one) and return its screen."""
    from tui.screens.inspection import InspectionScreen

    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, InspectionScreen), screen
    return screen


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (a timer fired, a worker finished); fail after `timeout`."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never became true"
        await pilot.pause(0.02)


def record_notifications(app) -> list[str]:
    """Every message `app` shows as a notification from now on (screens and widgets notify through the app)."""
    messages: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        messages.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return messages
