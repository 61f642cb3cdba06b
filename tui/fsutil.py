"""Writing a file safely, shared by the report writers (tui.export) and the bundle (tui.store.bundle).

Neutral ground: it imports neither the store nor the export package, so each may use it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from tui.i18n import _


class ExportError(Exception):
    """An export that could not be written; nothing was left behind."""


TMP_PREFIX, TMP_SUFFIX = ".tenken-", ".tmp"
#: A temporary file older than this was left by an export that was killed (SIGKILL, power loss): removed.
STALE_SECONDS = 3600


def _remove_stale(folder: Path, name: str) -> None:
    """Temporary files of killed exports: ours (.tenken-*.tmp) and those of older tenken (.<name>.*.tmp)."""
    import contextlib
    import time

    limit = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for old in [*folder.glob(f"{TMP_PREFIX}*{TMP_SUFFIX}"), *folder.glob(f".{glob_escape(name)}.*{TMP_SUFFIX}")]:
            with contextlib.suppress(OSError):
                if old.is_file() and old.stat().st_mtime < limit:
                    old.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def name_fits(name: str) -> bool:
    """Whether a file system takes `name`: 255 bytes of UTF-8 on Linux and macOS, 255 UTF-16 units on Windows
    (where 90 kanji are 90 units, but 270 bytes)."""
    import sys

    if sys.platform == "win32":
        return len(name.encode("utf-16-le")) // 2 <= 255
    return len(os.fsencode(name)) <= 255


def write_atomically(path: Path, produce: Callable[[Path], object], force: bool = False) -> Path:
    """Write through a temporary file in the same folder, then rename; never overwrite without `force`.

    What `force` replaces: a regular file only. The new file takes the replaced file's permission bits; a new file
    is readable by its owner only (0600: a report lists the firm's vulnerabilities). A symbolic
    link, a device (/dev/full), a pipe or a folder is never written through nor replaced, with or without
    `force`: the user gets one sentence and nothing changes. Temporary files of killed exports are cleaned up.
    """
    import stat
    import tempfile  # here, not at the top: the command line imports this module at every start

    path = Path(path)
    if not name_fits(path.name):
        raise ExportError(_("The file name {name} is too long; choose a shorter one.").format(name=path.name))
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ExportError(
            _("Could not write {path}: {reason}. Nothing was written.").format(path=path, reason=exc.strerror or exc)
        ) from None
    mode: int | None = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise ExportError(
                _("{path} is a symbolic link; give the path of a regular file. Nothing was written.").format(path=path)
            )
        if stat.S_ISDIR(info.st_mode):
            raise ExportError(_("{path} is a folder; give a file name.").format(path=path))
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(
                _(
                    "{path} is not a regular file (a device or a pipe); it is never replaced. Nothing was written."
                ).format(path=path)
            )
        if not force:
            raise ExportError(
                _("{path} already exists; choose another name or add --force to replace it.").format(path=path)
            )
        mode = stat.S_IMODE(info.st_mode)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(_("The folder {folder} does not exist.").format(folder=folder))
    _remove_stale(folder, path.name)
    tmp: Path | None = None
    try:  # a short name of its own: "." + a long file name + a suffix would pass the 255-byte limit
        fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        produce(tmp)
        os.chmod(tmp, 0o600 if mode is None else mode)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise ExportError(
            _("Could not write {path}: {reason}. Nothing was written.").format(path=path, reason=exc.strerror or exc)
        ) from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    return path
