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
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    from tui.i18n import set_language

    set_language("ja")
    yield
    set_language("ja")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "tenken-home"


@pytest.fixture
def ws(data_dir: Path):
    from tui.workspace import Workspace

    w = Workspace(data_dir)
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
def app_factory(data_dir: Path):
    """Build the app as the CLI does, on the test's data dir (a fresh Workspace each call)."""
    from tui.app import make_app
    from tui.workspace import Workspace

    made = []

    def factory(lang: str | None = None):
        w = Workspace(data_dir)
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
