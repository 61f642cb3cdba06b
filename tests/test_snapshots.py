"""How the main screens look, in both languages, at a fixed size (SVG snapshots; review them as pictures)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("pinned", "demo")
SIZE = (120, 36)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_inspection(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), press=["enter", "pagedown", "_"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), press=["enter", "_", "question_mark", "_"], terminal_size=SIZE)


def test_article_view(snap_compare, app_factory):
    assert snap_compare(app_factory("ja"), press=["enter", "_", "a", "_"], terminal_size=SIZE)


def test_new_firm_form(snap_compare, app_factory):
    assert snap_compare(app_factory("ja"), press=["f", "_"], terminal_size=(120, 48))


def test_search(snap_compare, app_factory):
    async def type_query(pilot):
        await pilot.press("slash")
        await pilot.press(*"ｸﾗｳﾄﾞ")
        await pilot.app.workers.wait_for_complete()
        from textual.widgets import Input

        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # the cursor always drawn: the same picture on every run
        await pilot.pause()

    assert snap_compare(app_factory("ja"), run_before=type_query, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_browse_side_by_side(snap_compare, app_factory, lang):
    async def open_article(pilot):
        pilot.app.action_browse("jvcea-derivatives:27.1.5")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()

    assert snap_compare(app_factory(lang), run_before=open_article, terminal_size=SIZE)


def test_equivalents_differences(snap_compare, app_factory):
    async def open_equivalents(pilot):
        pilot.app.action_browse("jvcea-exchange:27")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(app_factory("ja"), run_before=open_equivalents, terminal_size=SIZE)


# --- issue 16: the small terminal (80x24) and the dialogs, in both languages ---------------------------------

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_80x24(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), terminal_size=SIZES["80x24"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_inspection_80x24(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), press=["enter", "pagedown", "_"], terminal_size=SIZES["80x24"])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_export_dialog(snap_compare, app_factory, lang, size, monkeypatch):
    monkeypatch.chdir("/")  # the suggested file name starts in the working folder: the same one on every machine
    assert snap_compare(app_factory(lang), press=["enter", "_", "e", "_"], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_finalize_dialog(snap_compare, app_factory, lang, size):
    async def open_finalize(pilot):  # no key after the dialog opens: it would be typed into the officer's name
        from tui.screens.inspection import InspectionScreen

        for _ in range(50):  # the inspection screen first: `f` on home opens the new-firm form
            await pilot.pause(0.1)
            if isinstance(pilot.app.screen, InspectionScreen):
                break
            await pilot.press("enter")
        await pilot.press("f")
        await pilot.pause()
        from textual.widgets import Input

        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # the cursor always drawn: the same picture on every run
        await pilot.pause()

    assert snap_compare(app_factory(lang), run_before=open_finalize, terminal_size=SIZES[size])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_new_firm_form_sizes(snap_compare, app_factory, lang, size):
    async def open_form(pilot):  # no key after the form opens: it would be typed into the firm's name
        from textual.widgets import Input

        await pilot.press("f")
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # the cursor always drawn: the same picture on every run
        await pilot.pause()

    assert snap_compare(app_factory(lang), run_before=open_form, terminal_size=SIZES[size])
