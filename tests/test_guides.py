"""The guides stay honest: every command and key they name exists, every screenshot they show is there, and the
help screen points at sections that exist."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import shlex
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen

import tui.screens
from tui.app import TenkenApp
from tui.cli.main import UsageError, build_parser
from tui.guide import SECTIONS, guide_file, screen_key

ROOT = Path(__file__).resolve().parent.parent
GUIDES = {"ja": ROOT / "README.ja.md", "en": ROOT / "README.md"}

# How a guide writes a key → Textual's key name.
KEY_NAMES = {"PgDn": "pagedown", "PgUp": "pageup", "Enter": "enter", "Esc": "escape", "↓": "down", "↑": "up",
             "/": "slash", "?": "question_mark", "Tab": "tab"}  # fmt: skip


def _text(lang: str) -> str:
    return GUIDES[lang].read_text(encoding="utf-8")


def _screen_classes() -> list[type]:
    classes: list[type] = []
    for info in pkgutil.walk_packages(tui.screens.__path__, "tui.screens."):
        module = importlib.import_module(info.name)
        classes += [c for _n, c in inspect.getmembers(module, inspect.isclass) if issubclass(c, Screen)]
    return classes


def _bound_keys() -> set[str]:
    keys: set[str] = set()
    from textual.widgets import DataTable, OptionList

    for cls in [TenkenApp, Screen, DataTable, OptionList, *_screen_classes()]:
        for b in getattr(cls, "BINDINGS", []):
            if isinstance(b, Binding):
                keys.update(k.strip() for k in b.key.split(","))
            else:
                keys.update(k.strip() for k in b[0].split(","))
    return keys


def _commands(text: str) -> list[tuple[str, bool]]:
    """`tenken …` as a guide shows it, and whether it is a line to run: indented code lines are run as they stand;
    inline code in a sentence may only name a command (`tenken report`), so its command words must exist."""
    found: list[tuple[str, bool]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if line.startswith("    ") and stripped.startswith(("tenken", ".venv/bin/tenken")):
            found.append((re.split(r"\s{2,}", stripped)[0], True))  # a synopsis line's description follows
    found += [(c, False) for c in re.findall(r"`((?:\.venv/bin/)?tenken[^`]*)`", text)]
    parts = [(part.strip().removeprefix(".venv/bin/"), run) for c, run in found for part in c.split("&&")]
    return [(c, run) for c, run in parts if c == "tenken" or c.startswith("tenken ")]


def _subcommand_path(parser, words: list[str]) -> None:
    """A synopsis (`tenken start FIRM [--template ID …]`): its subcommands must exist."""
    import argparse

    for word in words:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            return
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return
        assert word in subs[0].choices, f"no command {word!r}"
        parser = subs[0].choices[word]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_guides_link_each_other(lang):
    first = _text(lang).splitlines()[0]
    other = GUIDES["en" if lang == "ja" else "ja"].name
    assert f"]({other})" in first


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_command_in_the_guide_parses(lang):
    commands = _commands(_text(lang))
    assert len(commands) >= 8, commands  # the guide walks through the commands it teaches
    parser = build_parser()
    for command, runnable in commands:
        args = shlex.split(command)[1:]
        if any(re.search(r"[\[|…]|^[A-Z]+$", a) for a in args):
            _subcommand_path(parser, args)
            continue
        try:
            parser.parse_args(args)
        except UsageError as e:
            if not runnable and (
                "required" in str(e) or "必要" in str(e)
            ):  # argparse speaks the UI language  # a sentence naming a command, not a line to run
                _subcommand_path(parser, args)
                continue
            raise AssertionError(f"{command!r}: {e}") from None
        except SystemExit as e:  # --help / --version exit 0; anything else is a wrong command
            assert isinstance(e, SystemExit) and e.code == 0, f"{command!r}: {e}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_key_in_the_guide_is_bound(lang):
    keys = re.findall(r"<kbd>(.+?)</kbd>", _text(lang))
    assert len(keys) >= 15
    bound = _bound_keys()
    missing = sorted({k for k in keys if KEY_NAMES.get(k, k) not in bound})
    assert not missing, f"keys named in README ({lang}) that no screen binds: {missing}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_screenshot_in_the_guide_exists(lang):
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", _text(lang))
    assert images
    for image in images:
        path = ROOT / image.replace("%5B", "[").replace("%5D", "]")
        assert path.is_file() and path.stat().st_size > 1000, f"{image} is missing"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help_points_at_existing_sections(lang):
    headings = {m.strip() for m in re.findall(r"^#+ (.+)$", _text(lang), flags=re.M)}
    for ja, en in SECTIONS.values():
        assert (ja if lang == "ja" else en) in headings
    assert guide_file(lang).name == GUIDES[lang].name
    # every screen with keys of its own maps to a section
    for cls in _screen_classes():
        if (
            cls.__module__.startswith("tui.screens.")
            and cls.__dict__.get("BINDINGS")
            and "dialog" not in cls.__name__.lower()
        ):
            key = screen_key(cls.__module__)
            assert key in SECTIONS or key in {"help", "article", "dialogs", "base"}, cls
