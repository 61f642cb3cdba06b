"""Reading a file someone handed to tenken: only a regular file, only up to a size limit, never blocking.

`/dev/zero`, a FIFO, `/proc/self/pagemap`, a folder or a file of several gigabytes would otherwise exhaust memory,
hang, or take minutes; each gets a reason a person can read instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui.i18n import _


class FileRefused(Exception):
    """A file that is not read; `reason` is a fragment such as "it is a folder, not a file"."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(reason)


def size_text(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GiB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.0f} MiB"
    return f"{max(1, size // 1024)} KiB"


def regular_file(path: Path, limit: int | None = None) -> os.stat_result:
    """The file's status when it is a regular file (within `limit` bytes); FileRefused says why not."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileRefused(path, _("there is no such file")) from None
    except OSError as exc:
        raise FileRefused(path, _("it cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused(path, _("it is a folder, not a file"))
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused(path, _("it is a device or a pipe, not an ordinary file"))
    if limit is not None and st.st_size > limit:
        raise FileRefused(
            path,
            _("it is larger than {limit} ({size})").format(limit=size_text(limit), size=size_text(st.st_size)),
        )
    return st


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes."""
    regular_file(path, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(path, _("it cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the check and the open
            raise FileRefused(path, _("it is a device or a pipe, not an ordinary file"))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FileRefused(path, _("it cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(path, _("it is larger than {limit}").format(limit=size_text(limit)))
    return data
