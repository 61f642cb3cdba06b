"""Where things live: the shipped data folders and the user's data directory.

The data folders (checklists/, locales/, training/) sit at the repository top in a checkout and
inside the package as tui/_data/ in a wheel; one resolver finds them in both cases.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "tenken"
ENV_HOME = "TENKEN_HOME"
DB_FILENAME = "tenken.sqlite3"

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding checklists/, locales/ and training/."""
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "checklists").is_dir():
        return bundled
    repo = _PACKAGE_DIR.parent
    if (repo / "checklists").is_dir():
        return repo
    raise FileNotFoundError(f"tenken's data folders are missing (looked in {bundled} and {repo})")


def checklists_dir() -> Path:
    return data_root() / "checklists"


def locales_dir() -> Path:
    return data_root() / "locales"


def training_dir() -> Path:
    return data_root() / "training"


def user_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: --data-dir, then $TENKEN_HOME, then the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_templates_dir(data_dir: Path) -> Path:
    """Consultants drop their own template files here."""
    return data_dir / "templates"


def cache_dir(data_dir: Path) -> Path:
    return data_dir / "cache"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders (the user's answers are confidential)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)
    return path


def append_error_log(data_dir: Path, where: str = "") -> Path | None:
    """The exception being handled, appended to <data dir>/logs/tenken-error.log (never shown on screen).

    Returns the log's path, or None when it cannot be written.
    """
    import datetime as dt
    import traceback

    from tui import __version__

    try:
        path = ensure_private_dir(Path(data_dir) / "logs") / "tenken-error.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} tenken {__version__}{f' ({where})' if where else ''}\n")
            fh.write(traceback.format_exc())
        return path
    except OSError:
        return None
