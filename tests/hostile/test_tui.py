"""Hostile text in every field, shown by every screen: it stays text (never markup, never a terminal escape)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.conftest import wait_until
from tests.hostile.corpus import ESCAPE_STRINGS, MARKUP_STRINGS
from tui.domain.profile import Profile
from tui.screens.home import HomeScreen
from tui.screens.inspection import InspectionScreen

pytestmark = pytest.mark.usefixtures("pinned")
SIZE = (160, 50)
FIELDS = ("note", "finding", "remediation", "owner")


def _screen_text(app) -> str:
    """What the terminal shows, as text (the SVG screenshot with its entities undone)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def _fill_hostile(ws, text: str) -> int:
    """A firm named `text` with an inspection whose answers carry `text` in every field, and history."""
    firm = ws.add_firm(Profile(name=text, business=("crypto-exchange",), staff=10, representative=text))
    import datetime as dt

    info = ws.start_inspection(firm.id, ["fsa-notice-2020"], dt.date(2026, 11, 20), title=text)
    item = ws.store.inspection_items(info.id)[0][0]
    ws.save_answer(info.id, item, status="partial", **{f: f"{text} ({f})" for f in FIELDS})
    ws.save_answer(info.id, item, note=f"{text} again")
    ws.add_evidence(info.id, item, text)
    trainee = ws.add_trainee(text, department=text)
    assert trainee.id
    return info.id


@pytest.mark.parametrize("text", MARKUP_STRINGS)
async def test_markup_in_every_field_is_shown_as_typed(text: str, ws, app_factory) -> None:
    _fill_hostile(ws, text)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        head = text[:7]  # long lines wrap on screen: the start of the text, brackets and all
        assert head in _screen_text(app)  # the firm's name
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
        shown = _screen_text(app)
        assert f"{head}" in shown and "(finding)" in shown
        await pilot.press("h")  # the change history
        await pilot.pause()
        assert f"→ {text}" in str(app.screen.query_one(".dialog-prompt").render())
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")  # training: the trainee's name
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: head in _screen_text(app), timeout=30)  # the roster fills in a worker
        await pilot.press("ctrl+p")  # the palette lists commands with the firm's text nowhere interpreted
        await pilot.pause()
        await pilot.press("escape")


@pytest.mark.parametrize("text", ESCAPE_STRINGS)
async def test_terminal_escapes_never_reach_the_screen(text: str, ws, app_factory) -> None:
    _fill_hostile(ws, text)
    stored = ws.firms()[0].name
    assert not any(c in stored for c in "\x1b\x07\x00\x9b")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = "".join(str(c) for c in table.get_row_at(0))
        assert "\x1b" not in cells and "\x00" not in cells
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert "\x1b" not in _screen_text(app)


TEMPLATE = """\
id: hostile
title: {{ja: "{text}", en: "{text}"}}
rulebooks: [fsa-notice-2020]
sections:
  - id: s1
    title: {{ja: "{text}", en: "{text}"}}
    items:
      - id: hostile.1
        question: {{ja: "{text}ですか。", en: "{text}?"}}
        cites: [fsa-notice-2020:4.ha]
"""


@pytest.mark.parametrize("text", MARKUP_STRINGS)
async def test_a_user_templates_title_is_shown_as_written_in_the_new_inspection_dialog(
    text: str, ws, demo, data_dir, app_factory
) -> None:
    """A consultant's template titled with brackets: the dialog that lists templates crashed on 「[/]」."""
    from tui.screens.firm import NewInspectionDialog

    folder = data_dir / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "hostile.yaml").write_text(TEMPLATE.format(text=text.replace('"', '\\"')), encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewInspectionDialog)
        assert text[:12] in _screen_text(app)


async def test_file_names_in_the_evidence_file_picker_are_shown_as_written(demo, app_factory, tmp_path) -> None:
    """A folder holding 「[b]太字.txt」 or 「[link=mailto:…]規程.pdf」: the picker's tree shows the names as written,
    and a typed path that does not exist is shown as typed in the error (it was read as markup: 「[/]」 crashed the
    dialog, 「[b]」 vanished)."""
    from textual.widgets import DirectoryTree, Input

    from tui.screens.files import FilePicker

    folder = tmp_path / "docs"
    folder.mkdir()
    names = ["[WIP] 規程.pdf", "[b]太字.txt", "[link=mailto:evil@example.com]規程.pdf", "[red on red]見えない.pdf"]
    for name in names:
        (folder / name).write_text("x", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
        app.screen.action_evidence()
        await pilot.pause()
        app.screen.query_one(Input).value = str(folder / "x")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        tree = app.screen.query_one(DirectoryTree)
        await wait_until(pilot, lambda: len(tree.root.children) == len(names))
        await pilot.pause()
        assert sorted(str(n.label) for n in tree.root.children) == sorted(names)
        shown = _screen_text(app)
        for name in names:
            assert name in shown, name
        field = app.screen.query_one("#picker-path", Input)
        field.value = str(folder / "[/]nothing[b].pdf")
        await pilot.press("enter")
        await pilot.pause()
        assert "[/]nothing[b].pdf" in _screen_text(app)
