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


def write_atomically(path: Path, produce: Callable[[Path], object], force: bool = False) -> Path:
    """Write through a temporary file in the same folder, then rename; never overwrite without `force`."""
    import tempfile  # here, not at the top: the command line imports this module at every start

    path = Path(path)
    if len(os.fsencode(path.name)) > 255:
        raise ExportError(_("The file name {name} is too long; choose a shorter one.").format(name=path.name))
    if path.exists() and not force:
        raise ExportError(
            _("{path} already exists; choose another name or add --force to replace it.").format(path=path)
        )
    if path.is_dir():
        raise ExportError(_("{path} is a folder; give a file name.").format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(_("The folder {folder} does not exist.").format(folder=folder))
    _remove_stale(folder, path.name)
    try:  # a short name of its own: "." + a long file name + a suffix would pass the 255-byte limit
        fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise ExportError(
            _("Could not write {path}: {reason}. Nothing was written.").format(path=path, reason=exc.strerror or exc)
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        produce(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            _("Could not write {path}: {reason}. Nothing was written.").format(path=path, reason=exc.strerror or exc)
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
