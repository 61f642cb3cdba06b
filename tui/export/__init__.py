"""Writers that turn a Report into files. Every writer goes through `write_atomically`."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from tui.domain.report import Report
from tui.i18n import _

FORMATS = ("md",)


class ExportError(Exception):
    """An export that could not be written; nothing was left behind."""


def safe_filename(name: str, default: str = "report") -> str:
    """A file name made from a firm or inspection name: no separators, controls or reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', "_", name).strip(" ._")
    name = re.sub(r"_+", "_", name)
    if not name or name.upper() in {"CON", "PRN", "AUX", "NUL"}:
        return default
    return name[:120]


def write_atomically(path: Path, produce: Callable[[Path], None], force: bool = False) -> Path:
    """Write through a temporary file in the same folder, then rename; never overwrite without `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise ExportError(_("{path} already exists; choose another name or add --force to replace it.").format(path=path))
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
        raise ExportError(_("Could not write {path}: {reason}. Nothing was written.").format(path=path, reason=exc.strerror or exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def render(report: Report, fmt: str) -> Callable[[Path], None]:
    if fmt == "md":
        from tui.export.markdown import write_markdown

        return lambda p: write_markdown(report, p)
    raise ExportError(_("Unknown format {fmt}; choose one of: {formats}.").format(fmt=fmt, formats=", ".join(FORMATS)))


def export_report(report: Report, fmt: str, path: Path, force: bool = False) -> Path:
    return write_atomically(path, render(report, fmt), force=force)
