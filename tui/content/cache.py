"""Caches of derived data: JSON only, never pickle, so a cache file can only ever be read as data.

Every cache is keyed on the code that defines what it stores (a hash of those source files' bytes) and on the
data files it was built from (a hash of their bytes): editing a dataclass or a builder never meets an old cache,
and neither does editing a rulebook. A cache that cannot be read, or does not have the expected shape, is
ignored and rebuilt; one that cannot be written only costs time.

Light on purpose (no third-party import): the start-up path reads the template titles through it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The tui folder; code is named relative to it ("domain", "content", "i18n.py").
_TUI = Path(__file__).resolve().parent.parent

#: A cache file larger than this is not read (ours are a few MB).
MAX_CACHE_BYTES = 64 * 1024 * 1024
#: Files larger than this are keyed by size and time, not read (the YAML loader refuses them: 8 MiB).
MAX_KEYED_BYTES = 8 << 20

_code_hashes: dict[tuple[str, ...], str] = {}


def code_hash(*parts: str) -> str:
    """sha256 of the source files of the named tui sub-packages or modules ("domain", "content", "i18n.py")."""
    cached = _code_hashes.get(parts)
    if cached is not None:
        return cached
    h = hashlib.sha256()
    for part in parts:
        path = _TUI / part
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(f.relative_to(_TUI).as_posix().encode() + b"\0")
            try:
                h.update(f.read_bytes())
            except OSError:
                h.update(b"\xff")  # unreadable: a key no other state produces
            h.update(b"\0")
    digest = _code_hashes[parts] = h.hexdigest()
    return digest


def cache_key(code: Iterable[str], files: Iterable[Path], extra: str = "") -> str:
    """A key over the code (see `code_hash`), the names and bytes of `files`, and `extra`."""
    h = hashlib.sha256(code_hash(*code).encode())
    h.update(extra.encode() + b"\0")
    for f in files:
        h.update(str(f).encode() + b"\0")
        try:
            st = f.stat()
            if not stat.S_ISREG(st.st_mode):  # a FIFO or device in a templates folder: never opened (it could block)
                h.update(b"\xfe")
            elif st.st_size > MAX_KEYED_BYTES:  # refused by the loader anyway: its size and time are enough
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            else:
                h.update(f.read_bytes())
        except OSError:
            h.update(b"\xff")
        h.update(b"\0")
    return h.hexdigest()[:32]


def read_cache(folder: Path | None, name: str, key: str) -> Any:
    """The JSON stored under `name` and `key`, or None when it is missing, damaged or too large."""
    if folder is None:
        return None
    path = folder / f"{name}-{key}.json"
    try:
        if path.stat().st_size > MAX_CACHE_BYTES:
            return None
        with path.open("rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError, RecursionError):
        return None


def write_cache(folder: Path | None, name: str, key: str, data: object) -> None:
    """Store `data` as JSON under `name` and `key` (atomically), replacing older entries of `name`."""
    if folder is None:
        return
    from tui.paths import ensure_private_dir

    try:
        ensure_private_dir(folder)
        for old in [*folder.glob(f"{name}-*"), *folder.glob("*.pickle")]:  # older keys; pickles of old versions
            old.unlink(missing_ok=True)
        path = folder / f"{name}-{key}.json"
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # private, like the folder around it
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError):
        pass  # a cache we cannot write only costs time
