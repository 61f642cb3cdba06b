"""Every hostile input of the corpus, sent through the `tenken` command as a user would run it.

What must hold for each: the expected exit status; when it fails, one sentence on stderr (no traceback, no
"unexpected error", no raw SQLite text); no file written anywhere but where it belongs; and the database, dumped
with sqlite3's iterdump, unchanged unless the case is an accepted change.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, Case, Ctx

MEMORY_LIMIT = 1 << 31  # 2 GiB of address space: a bomb fails the test instead of the machine
TIMEOUT = 60
RAW_DATABASE_TEXT = re.compile(r"constraint|\bSQL\b|sqlite3\.|no such table|syntax error|OverflowError", re.I)


def _limits() -> None:  # runs in the child before exec
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass


def tenken(*args: str, home: Path, env: dict[str, str] | None = None, cwd: Path) -> subprocess.CompletedProcess:
    full = {**os.environ, "TENKEN_HOME": str(home), "LANG": "ja_JP.UTF-8", **(env or {})}
    full.pop("LC_ALL", None)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        env=full,
        cwd=cwd,
        timeout=TIMEOUT,
        preexec_fn=_limits if sys.platform != "win32" else None,  # resource limits only
    )


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data folder with the demo inspection, and a bundle of it, made once and copied by each case."""
    root = tmp_path_factory.mktemp("hostile-base")
    home = root / "home"
    assert tenken("demo", home=home, cwd=root).returncode == 0
    bundle = root / "demo.tenken"
    made = tenken("bundle", "export", "1", str(bundle), home=home, cwd=root)
    assert made.returncode == 0, made.stderr
    return home, bundle


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


#: Files tenken keeps for itself in its data folder; anything else new under the test's folder is a stray write.
OWN = re.compile(r"^home/(backups|cache|logs)/|^home/tenken\.sqlite3(-wal|-shm)?$|^home/\.tenken\.lock$")


def files(root: Path) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            out.add(Path(dirpath, name).relative_to(root).as_posix())
    return out


def one_sentence(stderr: str) -> None:
    assert stderr.startswith("tenken: "), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert "Traceback" not in stderr and "予期しない" not in stderr and "unexpected" not in stderr, stderr
    assert not RAW_DATABASE_TEXT.search(stderr), stderr
    assert "\x1b" not in stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_through_the_cli(case: Case, demo_home: tuple[Path, Path], tmp_path: Path) -> None:
    base_home, base_bundle = demo_home
    home = tmp_path / "home"
    shutil.copytree(base_home, home)
    (tmp_path / "out").mkdir()
    bundle = shutil.copy(base_bundle, tmp_path / "demo.tenken")
    ctx = Ctx(root=tmp_path, home=home, bundle=Path(bundle))
    argv = case.argv(ctx)
    before_files = files(tmp_path)
    before_db = dump(home / "tenken.sqlite3")

    proc = tenken(*argv, home=home, env=case.env, cwd=tmp_path / "out")
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode(case.env.get("PYTHONIOENCODING", "utf-8"), "replace")

    assert proc.returncode == case.exit, (proc.returncode, stderr)
    assert "Traceback" not in stdout + stderr
    if case.exit:
        one_sentence(stderr)
    else:
        assert stderr == "" or "\n" not in stderr.rstrip("\n"), stderr
    for never in case.stdout_never:
        assert never not in stdout, repr(stdout)
    for never in case.stderr_never:
        assert never not in stderr, stderr
    if not case.changes:
        assert dump(home / "tenken.sqlite3") == before_db
    allowed = {p.relative_to(tmp_path).as_posix() for p in case.creates(ctx)}
    stray = {f for f in files(tmp_path) - before_files if not OWN.match(f)} - allowed
    assert not stray, stray
    assert allowed <= files(tmp_path)
    assert not [f for f in files(tmp_path) if f.endswith(".tmp")], "a temporary file was left behind"
    if case.then:
        after = tenken(*case.then, home=home, cwd=tmp_path / "out")
        assert after.returncode == 0, after.stderr
        for never in case.stdout_never:
            assert never.encode() not in after.stdout, after.stdout


@pytest.mark.slow
def test_a_japanese_windows_console_sees_dashes_not_question_marks(demo_home: tuple[Path, Path], tmp_path: Path):
    """cp932 (Python's encoding when output is redirected on Japanese Windows) has no 「—」 but has 「―」."""
    home, _bundle = demo_home
    proc = tenken("list", home=home, env={"PYTHONIOENCODING": "cp932"}, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == b""
    shown = proc.stdout.decode("cp932")
    assert " ― 受領日" in shown and "?" not in shown, shown
    shown = tenken("show", "fsa-notice-2020:4.ha", home=home, env={"PYTHONIOENCODING": "cp932"}, cwd=tmp_path)
    assert shown.returncode == 0 and "④ハ" in shown.stdout.decode("cp932")


@pytest.mark.slow
def test_an_export_stopped_with_sigterm_leaves_no_temporary_file(demo_home: tuple[Path, Path], tmp_path: Path):
    """Stopped at moments from start-up to the end of the write: each says one sentence (or finished), and nothing
    half-written stays behind, hidden or not."""
    import signal
    import time
    import zipfile

    if not hasattr(signal, "SIGTERM") or sys.platform == "win32":
        pytest.skip("POSIX signals")
    home, _bundle = demo_home
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "TENKEN_HOME": str(home), "LANG": "ja_JP.UTF-8"}
    stopped = 0
    for n, delay in enumerate([0.2, 0.5, 0.8, 1.1, 1.4, 1.7, 2.0, 2.5, 3.0]):
        target = out / f"r{n}.docx"
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "report", "1", "--format", "docx", "--out", str(target)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=TIMEOUT)
        if proc.returncode == 0:
            assert zipfile.is_zipfile(target)
        else:
            # 130, or ended by SIGINT the way Python ends on an interruption (a shell shows 130 too); killed by the
            # SIGTERM itself only when it came before tenken had started
            assert proc.returncode in (130, -signal.SIGINT, -signal.SIGTERM), (proc.returncode, err)
            stopped += 1
            if proc.returncode != -signal.SIGTERM:
                one_sentence(err.decode())
            # stopped after the rename: the report is there whole; before it: nothing is
            assert not target.exists() or zipfile.is_zipfile(target)
    assert stopped  # at least one export was stopped before it finished
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".docx")) == []
