"""Layering the import contracts (pyproject.toml, `lint-imports`) cannot see, and what plain `tenken` loads before
its first paint."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TUI = REPO / "tui"

#: Libraries that must load after the home screen is painted (in the background, or when a screen needs them).
HEAVY = ("peewee", "playhouse", "pydantic", "yaml", "rapidfuzz", "babel")

#: Runs `tenken` (no arguments) headless through its real entry point; at the home screen's first paint it
#: prints the top-level modules loaded so far, then exits. The background loading that starts once the home
#: screen has settled is switched off, so only what the first paint itself needed is counted.
_PROBE = """
import json, sys
from functools import partialmethod
from textual.app import App
from tui.app import TenkenApp
from tui.cli.main import main
from tui.screens.home import HomeScreen

seen = {}
original = HomeScreen.on_mount

def on_mount(self):
    original(self)
    self.call_after_refresh(self.app.call_later, painted, self.app)

def painted(app):
    seen["modules"] = sorted({name.partition(".")[0] for name in sys.modules})
    app.exit()

HomeScreen.on_mount = on_mount
TenkenApp.settled = lambda self: None
TenkenApp.run = partialmethod(App.run, headless=True, size=(120, 36))
main([])
print(json.dumps(seen["modules"]))
"""


def _modules_at_first_paint(cwd: Path) -> set[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # TENKEN_HOME: the test's own data folder
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"textual", "tui"} <= loaded  # the probe did reach the first paint
    return loaded


@pytest.mark.slow
def test_plain_tenken_paints_home_before_loading_heavy_libraries(tmp_path: Path, demo) -> None:
    # `demo` filled the data folder, so the home screen lists a firm with an inspection and its progress.
    # The very first start writes the small caches (template titles, formatted dates) and may need YAML and
    # Babel for that, but never the database layer or the search library; every later start needs none of them.
    first = _modules_at_first_paint(tmp_path)
    assert sorted(first & {"peewee", "playhouse", "rapidfuzz"}) == []
    assert sorted(_modules_at_first_paint(tmp_path) & set(HEAVY)) == []


def _store_attribute_uses(path: Path) -> list[int]:
    """Lines where `path` reaches past the Workspace into its store (`ws.store…`, `self.ws.store…`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "store"]


def test_screens_reach_data_only_through_the_workspace() -> None:
    files = [*sorted((TUI / "screens").rglob("*.py")), TUI / "app.py", TUI / "commands.py"]
    offenders = {str(p.relative_to(REPO)): lines for p in files if (lines := _store_attribute_uses(p))}
    assert offenders == {}


def test_the_store_attribute_check_finds_a_store_call(tmp_path: Path) -> None:
    sample = tmp_path / "screen.py"
    sample.write_text("def f(self):\n    return self.tenken.ws.store.answers(1)\n", encoding="utf-8")
    assert _store_attribute_uses(sample) == [2]


#: What the README's "Where things are" names that lives in the data folder, not in the repository.
DATA_FOLDER_NAMES = {"backups/", "cache/"}


def _where_things_are() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Where things are\n", 1)[1]
    return section.split("\n## ", 1)[0]


def _named_paths(section: str) -> set[str]:
    """The backquoted names in `section` that are files or folders (`loader.py`, `domain/`, `.ci/gate`)."""
    import re

    names = set(re.findall(r"`([^`\s]+)`", section))
    pathlike = re.compile(r"^[\w.][\w./-]*(/|\.(py|md|yaml|cfg|toml|lock|tcss|j2))$|^\.[\w-]+/[\w.-]+$")
    return {n for n in names if pathlike.match(n)} - DATA_FOLDER_NAMES


def _exists_in_repo(name: str) -> bool:
    """`name` is a path below the repository, tui/ or tests/, or the tail of a path in tui/ (`loader.py` is
    tui/content/loader.py: the README names files inside the folder its line is about)."""
    bare = name.rstrip("/")
    if any((root / bare).exists() for root in (REPO, TUI, REPO / "tests")):
        return True
    return any(p.relative_to(TUI).as_posix().endswith("/" + bare) for p in TUI.rglob("*"))


def test_where_things_are_names_only_what_exists() -> None:
    named = _named_paths(_where_things_are())
    assert {"domain/", "loader.py", "export/delegate.py", ".ci/gate", "tests/bench/"} <= named  # the check reads it
    assert sorted(n for n in named if not _exists_in_repo(n)) == []


def test_where_things_are_names_every_module_and_package_of_tui() -> None:
    named = _named_paths(_where_things_are())
    parts = [p for p in TUI.iterdir() if p.name not in ("__init__.py", "__pycache__", "_data")]
    top = {p.name + "/" if p.is_dir() else p.name for p in parts if p.is_dir() or p.suffix == ".py"}
    assert sorted(top - named) == []


def test_the_readme_check_sees_a_missing_name(tmp_path: Path) -> None:
    assert _named_paths("- `tui/` — x; `nothing.py` and `gone/`, `tenken show`, `UserError`") == {
        "tui/",
        "nothing.py",
        "gone/",
    }
    assert not _exists_in_repo("nothing.py") and _exists_in_repo("loader.py") and _exists_in_repo("widgets/")
