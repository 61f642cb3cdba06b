"""Writing a file safely, shared by the report writers (tui.export) and the bundle (tui.store.bundle).

Neutral ground: it imports neither the store nor the export package, so each may use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tui.i18n import _


class ExportError(Exception):
    """An export that could not be written; nothing was left behind."""


def write_atomically(path: Path, produce: Callable[[Path], object], force: bool = False) -> Path:
    """Write through a temporary file in the same folder, then rename; never overwrite without `force`."""
    import tempfile  # here, not at the top: the command line imports this module at every start

    path = Path(path)
    if path.exists() and not force:
        raise ExportError(
            _("{path} already exists; choose another name or add --force to replace it.").format(path=path)
        )
    if path.is_dir():
        raise ExportError(_("{path} is a folder; give a file name.").format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(_("The folder {folder} does not exist.").format(folder=folder))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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
