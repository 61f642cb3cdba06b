"""A lock on the data folder: every open tenken holds it shared, a restore needs it alone.

`tenken restore` replacing the database under a running tenken would send that tenken's next saves into the
replaced file; with the lock, the restore is refused with a sentence instead. Several tenken may still work on
one database at once (SQLite serialises their writes).

POSIX: `flock` on one lock file, shared or exclusive. Windows has no shared file locks: each tenken locks a file
of its own in the `locks` folder (msvcrt), and a restore tries to lock each; a file it can lock belongs to a
tenken that has ended and is removed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO

from tui.i18n import _

LOCK_NAME = ".tenken.lock"
LOCKS_DIR = "locks"
RESTORE_LOCK = "restore.lock"
WAIT_SECONDS = 10.0


class LockBusy(Exception):
    """Another tenken holds the data folder."""


def _windows() -> bool:
    return sys.platform == "win32"


class FolderLock:
    """The lock of one data folder, held from `acquire` until `release`."""

    def __init__(self, data_dir: Path, exclusive: bool = False):
        self.data_dir = data_dir
        self.exclusive = exclusive
        self._fh: IO[bytes] | None = None
        self._path: Path | None = None

    # --- POSIX --------------------------------------------------------------------------------------------

    def _posix(self, wait: float) -> None:
        import fcntl

        fh = _open(self.data_dir / LOCK_NAME)
        mode = fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    fh.close()
                    raise LockBusy from None
                time.sleep(0.05)
        self._fh = fh

    # --- Windows ------------------------------------------------------------------------------------------

    def _win(self, wait: float) -> None:
        import msvcrt

        folder = self.data_dir / LOCKS_DIR
        folder.mkdir(exist_ok=True)
        restore = folder / RESTORE_LOCK
        if self.exclusive:
            deadline = time.monotonic() + wait
            while True:
                if not _win_others_held(folder, restore):
                    break
                if time.monotonic() >= deadline:
                    raise LockBusy
                time.sleep(0.05)
            path = restore
        else:
            if restore.exists() and not _win_stale(restore):
                raise LockBusy
            path = folder / f"{os.getpid()}-{time.monotonic_ns()}.lock"
        fh = _open(path)
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            fh.close()
            raise LockBusy from None
        self._fh, self._path = fh, path
        # Each side holds its own file before it looks at the other's, so a tenken starting while a restore begins
        # cannot slip between the restore's look and its lock: one of the two sees the other and steps back.
        if _win_others_held(folder, restore) if self.exclusive else restore.exists() and not _win_stale(restore):
            self.release()
            raise LockBusy

    def acquire(self, wait: float = WAIT_SECONDS) -> FolderLock:
        if _windows():
            self._win(wait)
        else:
            self._posix(wait)
        return self

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):
            if _windows():
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            fh.close()
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open(path: Path) -> IO[bytes]:
    """The lock file, private like everything in the data folder, held open until release."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    return os.fdopen(fd, "r+b")


def _win_others_held(folder: Path, restore: Path) -> bool:
    """Whether a running tenken holds one of the lock files (the restore's own left aside)."""
    return any(not _win_stale(p) for p in folder.glob("*.lock") if p != restore)


def _win_stale(path: Path) -> bool:
    """A lock file no running tenken holds (its owner ended): removed, and True."""
    import msvcrt

    try:
        fh = _open(path)
    except OSError:
        return False  # open elsewhere without sharing: held
    try:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        fh.close()
        return False
    msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    fh.close()
    with contextlib.suppress(OSError):
        path.unlink()
    return True


def busy_message(data_dir: Path) -> str:
    return _(
        "tenken is open in another window or program on {folder}; close it first, then try again. Nothing was changed."
    ).format(folder=data_dir)
