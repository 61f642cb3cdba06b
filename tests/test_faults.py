"""Faults a laptop meets: a killed process, a full disk, a damaged WAL, random keystrokes.

Nothing acknowledged is lost.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, open_inspection, record_notifications, run_cli
from tui.paths import DB_FILENAME

SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.workspace import Workspace
    ws = Workspace(Path(sys.argv[1]))
    inspection = int(sys.argv[2])
    items = [i for i, _s, _l in ws.store.inspection_items(inspection)]
    n = int(sys.argv[3])
    while True:
        item = items[n % len(items)]
        ws.save_answer(inspection, item, note=f"ack-{n}")
        print(f"{item} ack-{n}", flush=True)  # acknowledged: the save has returned
        n += 1
    """
)


def test_killed_process_loses_no_acknowledged_answer(ws, demo, data_dir: Path, tmp_path: Path):
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    rng = random.Random(20261123)
    acknowledged: dict[str, str] = {}
    start = 0
    ws.close()
    for _round in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(data_dir), str(demo.id), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        deadline = time.monotonic() + rng.uniform(0.4, 1.5)
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        lines += rest.splitlines(keepends=True) if rest else []
        for line in lines:
            if line.endswith("\n"):  # a complete line is an acknowledgement that was printed whole
                item, note = line.split()
                acknowledged[item] = note
                start = max(start, int(note.split("-")[1]) + 1)
    assert len(acknowledged) > 3
    con = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(con.execute("SELECT item_id, note FROM answer WHERE inspection_id = ?", (demo.id,)).fetchall())
        for item, note in acknowledged.items():
            # the stored note is the acknowledged one or a later one, never an earlier one
            assert int(stored[item].split("-")[1]) >= int(note.split("-")[1]), item
        history = {row[0] for row in con.execute("SELECT new FROM answer_history WHERE field = 'note'")}
        assert set(acknowledged.values()) <= history
    finally:
        con.close()


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
    data = Path(sys.argv[1])
    from tui.workspace import Workspace
    from tui.store import StoreError
    ws = Workspace(data)
    ws.apply_language()
    size = sum(f.stat().st_size for f in data.glob("tenken.sqlite3*"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 4096, size + 4096))
    try:
        for n in range(200):
            ws.save_answer(int(sys.argv[2]), sys.argv[3], note="x" * 50_000 + str(n))
    except StoreError as exc:
        print("REFUSED:", exc)
    """
)


def test_full_disk_is_a_clear_message_and_earlier_answers_survive(ws, demo, data_dir: Path, tmp_path: Path):
    ws.save_answer(demo.id, "notice.4.ha", note="before the disk filled")
    ws.close()
    script = tmp_path / "fill.py"
    script.write_text(FULL_DISK)
    proc = subprocess.run(
        [sys.executable, str(script), str(data_dir), str(demo.id), "notice.4.ni"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "LANG": "en_US.UTF-8"},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "REFUSED:" in proc.stdout and (
        "disk is full" in proc.stdout or "Everything saved before is safe" in proc.stdout
    )
    from tui.workspace import Workspace

    again = Workspace(data_dir)
    try:
        assert again.store.answers(demo.id)["notice.4.ha"].note == "before the disk filled"
        assert again.store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        again.close()


def test_full_disk_in_the_cli_is_exit_1_with_a_sentence(demo, ws, data_dir: Path, tmp_path: Path):
    # A large legitimate bundle (firm names are now limited to 300 characters, so a long name no longer fills it).
    from tests.hostile.corpus import read_document, write_document

    bundle = ws.export_bundle(demo.id, tmp_path / "big.tenken")
    ws.close()
    document = read_document(bundle)
    insp = document["payload"]["inspection"]
    insp["uid"] = document["payload"]["firm"]["uid"] = "00000000-0000-4000-8000-000000000001"
    insp["history"] = [
        {
            "item_id": insp["items"][0][0],
            "field": "note",
            "old": "",
            "new": "長い記録" * 500,
            "changed_at": f"2026-11-01T09:{n // 60 % 60:02d}:{n % 60:02d}.{n:06d}",
            "changed_by": "x",
        }
        for n in range(400)
    ]
    write_document(bundle, document)
    size = sum(f.stat().st_size for f in data_dir.glob("tenken.sqlite3*"))
    wrapper = tmp_path / "limited.py"
    wrapper.write_text(
        textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size} + 8192, {size} + 8192))
        from tui.cli.main import main
        sys.exit(main(["bundle", "import", {str(bundle)!r}]))
    """)
    )
    proc = subprocess.run(
        [sys.executable, str(wrapper)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "LANG": "en_US.UTF-8"},
    )
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "safe" in proc.stderr
    listing = run_cli("list", "--json")
    assert "株式会社サンプル" in listing.stdout


async def test_full_disk_in_the_tui_shows_a_message_and_keeps_answers(demo, app_factory, pinned):
    from textual.widgets import TextArea

    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        shown = record_notifications(app)
        db = app.ws.store.db
        pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
        db.execute_sql(f"PRAGMA max_page_count = {pages}")
        screen.query_one("#note", TextArea).load_text("x" * 300_000)
        screen._queue("note", "x" * 300_000)
        screen.flush()
        await pilot.pause()
        assert any("ディスク" in m for m in shown), shown
        assert "FW・EDR導入済み" in app.ws.store.answers(demo.id)["notice.4.ha"].note


def test_truncated_wal_opens_cleanly_with_committed_data(demo, ws, data_dir: Path, tmp_path: Path):
    """A WAL cut short (power loss mid-write) loses only the torn transaction, never the database."""
    ws.save_answer(demo.id, "notice.4.ha", note="committed and checkpointed")
    ws.store.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.store.db.execute_sql("PRAGMA wal_autocheckpoint = 0")
    ws.save_answer(demo.id, "notice.4.ni", note="only in the WAL")
    db = data_dir / DB_FILENAME
    wal = Path(str(db) + "-wal")
    copy = tmp_path / "copy"
    copy.mkdir(mode=0o700)
    (copy / DB_FILENAME).write_bytes(db.read_bytes())
    data = wal.read_bytes()
    assert len(data) > 1000
    Path(str(copy / DB_FILENAME) + "-wal").write_bytes(data[: len(data) - 700])
    from tui.workspace import Workspace

    w = Workspace(copy)
    try:
        assert w.store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert w.store.answers(demo.id)["notice.4.ha"].note == "committed and checkpointed"
    finally:
        w.close()


KEYS = list("0123456789abcdefghijklmnoprstuvwxyz/?.,-") + [
    "up",
    "down",
    "left",
    "right",
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "pagedown",
    "pageup",
    "home",
    "end",
    "backspace",
    "space",
    "ctrl+p",
    "f1",
]


async def _paced(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """Between two keys of a fast typist: 4 ms, where Pilot waits until the process has been idle for 20 ms."""
    import asyncio

    await asyncio.sleep(0.004)


@pytest.mark.parametrize(("seed", "pace"), [(1, "fast"), (2, "fast"), (3, "pilot")])
async def test_random_keystrokes_never_crash_and_keep_the_database_consistent(
    demo, app_factory, pinned, seed, pace, monkeypatch, tmp_path
):
    """700 random keys, each handled before the next is sent (Pilot waits for the screen to process it). Two
    sequences come at a fast typist's pace, so timers (the autosave) and workers meet keys in between; the third at
    Pilot's own pace, which waits for the app to idle after every key (about 75 ms a key)."""
    import textual.app

    monkeypatch.chdir(tmp_path)  # an export dialog confirmed at random writes here, not into the checkout
    if pace == "fast":
        monkeypatch.setattr(textual.app, "wait_for_idle", _paced)
    rng = random.Random(seed)
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        for n in range(700):
            key = rng.choice(KEYS)
            await pilot.press(key)
            if n % 50 == 0:
                await pilot.pause()
            assert app.is_running, f"the app stopped after key {n} ({key})"
    from tui.workspace import Workspace

    w = Workspace(app.ws.data_dir)
    try:
        assert w.store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert w.store.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        answers = w.store.answers(demo.id)
        for a in answers.values():
            assert a.status != "na" or a.justification.strip()
    finally:
        w.close()


async def test_paging_a_list_before_it_is_laid_out_does_nothing(app_factory):
    """Ctrl+P then PgDn typed quickly reached the palette's list before it had a size: Textual raised KeyError and
    closed the app with a traceback (found by the fast-paced random keystrokes above)."""
    from textual.widgets import OptionList

    app = app_factory()  # installs the guard
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        unlaid = OptionList("一", "二", "三")  # never mounted: no size, so no lines
        unlaid.highlighted = 1
        unlaid.action_page_down()
        unlaid.action_page_up()
        assert unlaid.highlighted == 1 and app.is_running


async def test_a_language_switch_right_after_a_dialog_opens_waits_for_it(demo, app_factory, tmp_path):
    """`l` typed right after the key that opened the file picker rebuilt it between its compose and its on_mount,
    which found its path field gone and closed the app (found by random keys at a fast typist's pace)."""
    from tui.screens.files import FilePicker

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        picker = FilePicker(tmp_path)
        app.push_screen(picker)
        await app.action_toggle_language()  # before the picker has mounted
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.screen is picker
        assert picker.query_one("#picker-path").has_focus


async def test_a_dialog_closed_before_it_mounted_does_not_close_the_app(demo, app_factory, tmp_path):
    """Esc typed right after the key that opened the file picker: its widgets were gone when its on_mount ran, and
    the app closed (found by random keys at a fast typist's pace)."""
    from tui.screens.files import FilePicker

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        picker = FilePicker(tmp_path)
        app.push_screen(picker)
        await picker.remove_children()  # as when it is dismissed before its Mount event is handled
        picker.on_mount()
        await pilot.pause()
        assert app.is_running


async def test_enter_pressed_twice_on_a_dialog_answers_once(demo, app_factory):
    """A double Enter on a one-line dialog reached it twice before it had gone: Textual set its result twice
    (InvalidStateError) and the app closed (found by random keys at a fast typist's pace)."""
    from tui.screens.dialogs import InputDialog

    answers: list[str | None] = []
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        dialog = InputDialog("題", "入力してください", value="一回目")
        app.push_screen(dialog, answers.append)
        await pilot.pause()
        dialog.accept()
        dialog.accept()
        await pilot.pause()
        assert app.is_running and answers == ["一回目"]
