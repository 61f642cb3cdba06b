"""Files and folders tenken is handed or lives in: evidence paths, YAML, the data folder, the lock."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.corpus import ALIAS_BOMB, COMPLEX_KEY, TEXT_ALIAS_BOMB
from tui.content.errors import ContentError
from tui.workspace import UserError, Workspace

ITEM = "notice.4.ha"


# --- evidence ------------------------------------------------------------------------------------------------


def _special_paths(tmp_path: Path) -> dict[str, str]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    paths = {"dev-zero": "/dev/zero", "fifo": str(fifo), "folder": str(tmp_path / "folder")}
    paths["missing"] = str(tmp_path / "no-such-file.pdf")
    if Path("/proc/self/pagemap").exists():
        paths["pagemap"] = "/proc/self/pagemap"
    return paths


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "missing", "pagemap"])
def test_evidence_that_is_not_an_ordinary_file_gets_a_sentence(ws, demo, tmp_path: Path, kind: str):
    paths = _special_paths(tmp_path)
    if kind not in paths:
        pytest.skip("no /proc here")
    before = ws.store.answer(demo.id, ITEM).evidence
    started = time.monotonic()
    with pytest.raises(UserError) as refused:
        ws.add_evidence_text(demo.id, ITEM, paths[kind])
    assert time.monotonic() - started < 5  # nothing was read to the end of a device
    assert "\n" not in str(refused.value) and paths[kind] in str(refused.value)
    assert ws.store.answer(demo.id, ITEM).evidence == before  # not saved as a description either


def test_a_description_is_still_a_description(ws, demo):
    answer = ws.add_evidence_text(demo.id, ITEM, "情報セキュリティ規程 第3版")
    assert answer.evidence[-1].label == "情報セキュリティ規程 第3版" and answer.evidence[-1].path is None


def test_reports_do_not_reread_an_unchanged_file(ws, demo, tmp_path: Path, monkeypatch):
    import tui.workspace as workspace

    doc = tmp_path / "kitei.pdf"
    doc.write_bytes(b"%PDF" + b"x" * 1000)
    ws.add_evidence(demo.id, ITEM, "規程", doc)
    reads: list[str] = []
    real = workspace.file_sha256
    monkeypatch.setattr(workspace, "file_sha256", lambda p, *a, **k: reads.append(str(p)) or real(p, *a, **k))
    evidence = ws.store.answer(demo.id, ITEM).evidence[-1]
    assert ws.evidence_status(evidence) == "ok" and reads == []
    doc.write_bytes(b"%PDF" + b"y" * 1000)  # changed: same size, new time
    os.utime(doc, ns=(evidence.mtime_ns + 10**9, evidence.mtime_ns + 10**9))
    assert ws.evidence_status(evidence) == "changed" and reads == [str(doc)]
    assert ws.evidence_status(evidence) == "changed" and len(reads) == 1  # once per size and time


def test_hashing_can_be_cancelled_and_reports_progress(ws, tmp_path: Path):
    from tui.workspace import HashCancelled

    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (3 << 20))
    seen: list[tuple[int, int]] = []
    with pytest.raises(HashCancelled):
        ws.evidence_for_file(big, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) >= 2)
    assert seen == [(1 << 20, 3 << 20), (2 << 20, 3 << 20)]


async def test_a_large_evidence_file_is_hashed_in_the_background_and_can_be_cancelled(
    demo, app_factory, tmp_path: Path, monkeypatch
):
    import contextlib
    import threading

    from textual.widgets import Input
    from textual.worker import WorkerCancelled

    from tui.screens import evidence
    from tui.screens.evidence import HashingDialog
    from tui.screens.inspection import InspectionScreen

    monkeypatch.setattr(evidence, "BACKGROUND_FROM", 1 << 20)
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (4 << 20))
    release = threading.Event()
    real = Workspace.evidence_for_file

    def slow(self, path, label="", progress=None, cancelled=None):  # a file that takes as long as the test wants
        release.wait(30)
        return real(self, path, label, progress, cancelled)

    monkeypatch.setattr(Workspace, "evidence_for_file", slow)
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        item = screen.current
        before = app.ws.store.answer(demo.id, item).evidence

        async def add_big() -> None:
            screen.action_evidence()
            await pilot.pause()
            app.screen.query_one(Input).value = str(big)
            await pilot.press("enter")
            await pilot.pause()

        await add_big()
        assert isinstance(app.screen, HashingDialog)  # the screen answers while the file is read
        await pilot.press("escape")  # cancel
        release.set()
        with contextlib.suppress(WorkerCancelled):  # the dialog's worker ends with the dialog
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, HashingDialog)
        assert app.ws.store.answer(demo.id, item).evidence == before  # cancelled: nothing recorded
        await add_big()  # again, to the end
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = app.ws.store.answer(demo.id, item).evidence
        assert len(after) == len(before) + 1 and after[-1].path == str(big)


# --- YAML ----------------------------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path: Path):
    from tui.content.yamlio import load_yaml

    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ContentError, match="2,000,000"):
        load_yaml(path)
    assert time.monotonic() - started < 2


def test_one_long_text_repeated_by_aliases_is_refused_before_it_is_built(tmp_path: Path):
    from tui.content.yamlio import MAX_YAML_BYTES, load_yaml

    path = tmp_path / "repeat.yaml"
    path.write_text(TEXT_ALIAS_BOMB, encoding="utf-8")
    assert path.stat().st_size < 1 << 20  # under a megabyte, few values: only the repeated text is large
    started = time.monotonic()
    with pytest.raises(ContentError, match="8,388,608") as refused:
        load_yaml(path)
    assert time.monotonic() - started < 2
    assert refused.value.path == path and refused.value.line == 11  # where the text is repeated
    # a file as large as allowed, with no alias, stays within the limit it sets for the text after expansion
    plain = tmp_path / "plain.yaml"
    plain.write_text("text: " + "x" * (MAX_YAML_BYTES - 100) + "\n", encoding="utf-8")
    assert len(load_yaml(plain)["text"]) == MAX_YAML_BYTES - 100


def test_a_complex_key_is_reported_with_file_and_line(tmp_path: Path):
    from tui.content.yamlio import load_yaml

    path = tmp_path / "ck.yaml"
    path.write_text(COMPLEX_KEY, encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        load_yaml(path)
    assert refused.value.line == 11 and refused.value.path == path


def test_control_characters_leave_yaml_text(tmp_path: Path):
    from tui.content.yamlio import load_yaml

    path = tmp_path / "p.yaml"
    path.write_text('name: "A\\e]52;c;eA==\\aB\\0"\nnote: "行1\\n\\t行2"\n', encoding="utf-8")
    assert load_yaml(path) == {"name": "A]52;c;eA==B", "note": "行1\n\t行2"}


def test_a_user_template_bomb_does_not_delay_the_home_screen_titles(tmp_path: Path):
    from tui.content.titles import load_template_titles

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "bomb.yaml").write_text(ALIAS_BOMB.replace("title: {ja: 爆弾, en: bomb}", "title: *i"), encoding="utf-8")
    os.mkfifo(folder / "pipe.yaml")
    started = time.monotonic()
    titles = load_template_titles(folder)
    assert time.monotonic() - started < 3
    assert "bomb" not in titles and "fsa-notice-2020" in titles


# --- the data folder -----------------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_data_folder_is_named_as_such(tmp_path: Path):
    from tui.i18n import set_language
    from tui.store import StoreError

    set_language("en")
    folder = tmp_path / "ro"
    Workspace(folder).close()
    os.chmod(folder, 0o500)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Workspace(folder)
    finally:
        os.chmod(folder, 0o700)


def test_a_read_only_database_message_names_the_folder(tmp_path: Path):
    import sqlite3

    from tui.i18n import set_language
    from tui.store.db import _opening_failed

    set_language("en")

    failed = _opening_failed(sqlite3.OperationalError("attempt to write a readonly database"), tmp_path / "x.sqlite3")
    assert failed is not None and "read-only" in str(failed) and "restore" not in str(failed)


def test_a_read_only_database_file_is_named_as_such(tmp_path: Path, monkeypatch):
    from tui.i18n import set_language
    from tui.store import StoreError

    set_language("en")
    folder = tmp_path / "home"
    Workspace(folder).close()
    db = folder / "tenken.sqlite3"
    db.chmod(0o400)
    real = os.access  # root may write anyway: the check is what a user without the permission meets
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == db else real(p, mode, **kw))
    with pytest.raises(StoreError) as refused:
        Workspace(folder)
    message = str(refused.value)
    assert message.startswith(f"The database {db} is read-only")
    assert "restore" not in message


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_open_data_folder_is_narrowed_to_its_owner(tmp_path: Path):
    folder = tmp_path / "open"
    folder.mkdir()
    os.chmod(folder, 0o777)
    Workspace(folder).close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def _bind_mount(source: Path, target: Path) -> bool:
    target.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        return False
    made = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    return made.returncode == 0


def test_an_export_never_reaches_the_data_folder_by_another_path(tmp_path: Path):
    """macOS and Windows file systems ignore case (~/Library/…/TENKEN is the data folder), a bind mount is another
    path to it: the data folder is recognised as the folder it is, not by how its path is spelled."""
    from tui.i18n import set_language

    set_language("en")
    folder = tmp_path / "home"
    ws = Workspace(folder)
    other = tmp_path / "same-folder"
    if not _bind_mount(folder, other):
        ws.close()
        pytest.skip("needs a bind mount (root on Linux) to give the data folder a second path")
    try:
        before = (folder / "tenken.sqlite3").read_bytes()
        for out in (other / "tenken.sqlite3", other / "backups" / "x.md", other / "r.md"):
            with pytest.raises(UserError, match="inside tenken's data folder"):
                ws.check_output(out)
        ws.check_output(tmp_path / "r.md")  # beside it is fine
        assert (folder / "tenken.sqlite3").read_bytes() == before
    finally:
        ws.close()
        subprocess.run(["umount", str(other)], check=True)


HOLDER = """
import sys, time
from tui.workspace import Workspace
ws = Workspace(__import__("pathlib").Path(sys.argv[1]))
print("open", flush=True)
sys.stdin.readline()
ws.close()
"""


def test_restore_refuses_while_another_tenken_has_the_database_open(tmp_path: Path):
    from tui.i18n import set_language
    from tui.store import StoreError
    from tui.store.db import list_backups, restore_backup

    set_language("en")

    folder = tmp_path / "home"
    ws = Workspace(folder)
    backup = ws.store.backup("manual")
    ws.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="another window"):
            restore_backup(folder, backup)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    assert restore_backup(folder, backup) == folder / "tenken.sqlite3"  # once it is closed
    assert any("replaced" in p.name for p in list_backups(folder))


class FakeMsvcrt:
    """msvcrt's byte-range locks, for running the Windows branch here: exclusive per file, per open handle."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        import fcntl

        self.fcntl = fcntl

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        if mode == self.LK_NBLCK:
            self.fcntl.lockf(fd, self.fcntl.LOCK_EX | self.fcntl.LOCK_NB, nbytes, 0)
        else:
            self.fcntl.lockf(fd, self.fcntl.LOCK_UN, nbytes, 0)


@pytest.mark.skipif(os.name != "posix", reason="simulates Windows with POSIX locks")
def test_the_windows_lock_branch_refuses_a_restore_while_open(tmp_path: Path, monkeypatch):
    from tui.store import lock

    monkeypatch.setattr(lock.sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", FakeMsvcrt())
    folder = tmp_path / "home"
    folder.mkdir()
    # lockf locks are per process: the "other tenken" must be another process
    code = (
        "import sys, fcntl; f = open(sys.argv[1], 'a+b'); fcntl.lockf(f.fileno(), fcntl.LOCK_EX, 1, 0); "
        "print('held', flush=True); sys.stdin.readline()"
    )
    (folder / lock.LOCKS_DIR).mkdir()
    other = folder / lock.LOCKS_DIR / "4242-1.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(other)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(lock.LockBusy):
            lock.FolderLock(folder, exclusive=True).acquire(wait=0.2)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    # its owner has ended: the stale file is removed and the restore may go on
    with lock.FolderLock(folder, exclusive=True):
        assert not other.exists()
    shared = lock.FolderLock(folder).acquire()
    assert len(list((folder / lock.LOCKS_DIR).glob("*.lock"))) == 1
    shared.release()
    assert list((folder / lock.LOCKS_DIR).glob("*.lock")) == []


@pytest.mark.skipif(os.name != "posix", reason="simulates Windows with POSIX locks")
@pytest.mark.parametrize("first", ["restore", "tenken"])
def test_the_windows_lock_branch_a_tenken_and_a_restore_starting_together(tmp_path: Path, monkeypatch, first: str):
    """One side looks for the other, finds nothing, and in that instant the other takes its lock: on Windows a
    restore then replaced the database under a tenken just started. Now the one that looked first steps back."""
    from tui.store import lock

    monkeypatch.setattr(lock.sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", FakeMsvcrt())
    folder = tmp_path / "home"
    (folder / lock.LOCKS_DIR).mkdir(parents=True)
    code = (
        "import sys, fcntl; f = open(sys.argv[1], 'a+b'); fcntl.lockf(f.fileno(), fcntl.LOCK_EX, 1, 0); "
        "print('held', flush=True); sys.stdin.readline()"
    )
    # the other side's file: a running tenken's own lock file, or the restore's
    other = folder / lock.LOCKS_DIR / ("4242-1.lock" if first == "restore" else lock.RESTORE_LOCK)
    started: list[subprocess.Popen] = []
    real_open = lock._open

    def open_and_let_the_other_start(path: Path):
        mine = path.name == lock.RESTORE_LOCK if first == "restore" else path.name != lock.RESTORE_LOCK
        if mine and not started:  # after this side's look, before its lock
            holder = subprocess.Popen(
                [sys.executable, "-c", code, str(other)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            started.append(holder)
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        return real_open(path)

    monkeypatch.setattr(lock, "_open", open_and_let_the_other_start)
    try:
        with pytest.raises(lock.LockBusy):
            lock.FolderLock(folder, exclusive=first == "restore").acquire(wait=0.2)
        assert [p.name for p in (folder / lock.LOCKS_DIR).iterdir()] == [other.name]  # stepped back: nothing held
    finally:
        for holder in started:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.close()
            holder.wait(timeout=60)
    assert started


@pytest.mark.parametrize(
    ("platform", "name", "fits"),
    [
        ("linux", "報" * 85 + ".md", False),  # 258 bytes
        ("darwin", "報" * 85 + ".md", False),
        ("win32", "報" * 85 + ".md", True),  # 88 UTF-16 units: Windows takes it
        ("win32", "報" * 253 + ".md", False),  # 256 units
        ("win32", "😀" * 127 + ".md", False),  # outside the BMP: two units each, 257
        ("linux", "報" * 80 + ".md", True),
    ],
)
def test_the_file_name_limit_is_the_platforms(monkeypatch, platform: str, name: str, fits: bool):
    from tui import fsutil

    monkeypatch.setattr(sys, "platform", platform)
    assert fsutil.name_fits(name) is fits
