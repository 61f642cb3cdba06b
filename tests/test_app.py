"""The TUI driven with the keyboard alone, as staff would use it; assertions on what they see and what is stored."""

from __future__ import annotations

import os

import pytest
from textual.widgets import DataTable, Footer, OptionList, Select, TextArea

from tests.conftest import open_inspection, record_notifications, wait_until
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.inspection import InspectionScreen
from tui.workspace import Workspace

pytestmark = pytest.mark.usefixtures("pinned")


def _footer_text(app) -> str:
    return " ".join(str(k.render()) for k in app.screen.query(Footer).first().query("FooterKey"))


async def test_home_lists_firms_with_due_date_and_days_left(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.title == "tenken"
        table = app.screen.query_one(DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert "株式会社サンプル" in row
        assert "2026年12月14日" in row and "残り21日" in row


async def test_garbage_collection_is_back_on_once_home_is_up(demo, app_factory):
    """`tenken` starts with the collector off (tui.cli.main); a long session must not run without it."""
    import gc

    app = app_factory()
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            await wait_until(pilot, gc.isenabled)  # the app's settle timer turns it back on
    finally:
        gc.enable()


def test_plain_tenken_starts_without_garbage_collection_and_restores_it(monkeypatch, data_dir):
    import gc

    from tui.cli import main as cli

    seen = {}
    monkeypatch.setitem(cli.COMMANDS, None, lambda args: seen.setdefault("tui", gc.isenabled()) and 0)
    monkeypatch.setitem(cli.COMMANDS, "list", lambda args: seen.setdefault("list", gc.isenabled()) and 0)
    monkeypatch.setenv("TENKEN_HOME", str(data_dir))
    assert cli.main([]) == 0 and seen["tui"] is False and gc.isenabled()
    assert cli.main(["list"]) == 0 and seen["list"] is True and gc.isenabled()


async def test_answer_with_keyboard_is_saved_and_survives_a_restart(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        assert isinstance(screen, InspectionScreen)
        await pilot.press("pagedown", "pagedown", "pagedown")  # to the 4th item
        item = screen.current
        await pilot.press("3")  # non-compliant
        await pilot.pause()
        assert screen.query_one("#status", Select).value == "noncompliant"
        screen.query_one("#finding", TextArea).focus()
        await pilot.press(*"ログ未取得")
        await pilot.press("escape")  # leave the field; pending text is flushed on navigation
        await pilot.press("pagedown")
        await pilot.pause()
    ws = Workspace(data_dir)
    try:
        answer = ws.store.answers(demo.id)[item]
        assert answer.status == "noncompliant"
        assert answer.finding == "ログ未取得"
    finally:
        ws.close()


async def test_typing_then_quitting_at_once_loses_nothing(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        screen.query_one("#note", TextArea).focus()
        await pilot.press(*"メモ")
        await app.action_quit()
    ws = Workspace(data_dir)
    try:
        assert "メモ" in ws.store.answers(demo.id)[item].note
    finally:
        ws.close()


async def test_not_applicable_asks_for_a_justification(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("pagedown")
        item = screen.current
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert screen.answers[item].status != "na"
        await pilot.press("4")
        await pilot.pause()
        await pilot.press(*"該当業務なし", "enter")
        await pilot.pause()
        assert screen.answers[item].status == "na"
    ws = Workspace(data_dir)
    try:
        a = ws.store.answers(demo.id)[item]
        assert (a.status, a.justification) == ("na", "該当業務なし")
    finally:
        ws.close()


async def test_only_unanswered_and_jump(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        first = screen.current
        assert screen.answers[first].answered  # the demo's first item is answered
        await pilot.press("u")
        await pilot.pause()
        shown = [
            o.id for o in screen.query_one("#items", OptionList).options if o.id and not o.id.startswith("section:")
        ]
        assert shown and all(not screen.answers[i].answered for i in shown)
        assert screen.current == shown[0]  # moved on from the answered item to the first one left
        assert screen.query_one("#items", OptionList).highlighted == 1  # under its section heading
        await pilot.press("g", *"2-2", "enter")
        await pilot.pause()
        assert screen.placed[screen.current].number == "2-2"


async def test_only_unanswered_when_nothing_is_left_says_so(demo, app_factory, data_dir):
    w = Workspace(data_dir)
    for item_id, _section, _level in w.store.inspection_items(demo.id):
        w.store.save_answer(demo.id, item_id, {"status": "compliant"}, who="test")
    w.close()
    app = app_factory("en")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        shown = record_notifications(app)
        await pilot.press("u")
        await pilot.pause()
        assert not screen.only_unanswered
        assert "Every item is answered." in shown


async def test_article_text_is_one_key_away(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_inspection(pilot)
        await pilot.press("a")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(".provision"))
        assert "コンピュータシステムの不正使用防止対策" in text


async def test_language_switch_changes_every_visible_string_and_is_remembered(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_inspection(pilot)
        assert "次の項目" in _footer_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert "Next item" in _footer_text(app)
        assert "received November 14, 2026" in str(app.screen.query_one("#inspection-info").render())
        await pilot.press("escape")
        await pilot.pause()
        headers = [str(c.label) for c in app.screen.query_one(DataTable).columns.values()]
        assert "Due" in headers
    app2 = app_factory()
    async with app2.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        headers = [str(c.label) for c in app2.screen.query_one(DataTable).columns.values()]
        assert "Due" in headers


async def test_help_lists_every_key_of_the_screen(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_inspection(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        with open(os.devnull, "w") as devnull:
            console = Console(width=200, record=True, file=devnull)
            console.print(app.screen._table())
        text = console.export_text()
        for desc in ("次の項目", "前の項目", "項目へ移動", "未回答のみ", "報告書出力"):
            assert desc in text, desc


async def test_command_palette_matches_japanese_and_english(demo, app_factory):
    from tui.commands import TenkenCommands

    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        provider = TenkenCommands(app.screen)
        for query in ("language", "言語", "demo", "デモ"):
            hits = [h async for h in provider.search(query)]
            assert hits, query


async def test_export_from_the_tui(demo, app_factory, tmp_path):
    out = tmp_path / "report.md"
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#format").value = "md"
        await pilot.pause()
        field = app.screen.query_one("#path")
        field.value = str(out)
        field.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert "株式会社サンプル" in out.read_text(encoding="utf-8")


async def test_export_docx_from_the_tui_in_english(demo, app_factory, tmp_path, monkeypatch):
    from docx import Document

    monkeypatch.chdir(tmp_path)
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#lang").value = "en"
        await pilot.pause()
        path = app.screen.query_one("#path").value
        assert path.endswith("-en.docx")
        await pilot.click("#ok")
        await app.workers.wait_for_complete()
        await pilot.pause()
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "Response report" in text


async def test_new_firm_form_and_new_inspection(app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"テスト証券")
        app.screen.query_one("#staff").value = "120"
        app.screen.query_one("#business").select("online-securities")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # the new-inspection dialog opens for the new firm with today's date
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
        assert "2026年12月23日" in str(app.screen.query_one("#inspection-info").render())
    ws = Workspace(data_dir)
    try:
        [firm] = ws.firms()
        assert firm.name == "テスト証券" and firm.profile.size_tier == "medium"
        assert firm.inspections[0].due_on.isoformat() == "2026-12-23"
    finally:
        ws.close()


async def test_search_as_you_type_then_open_the_article(demo, app_factory):
    from tui.screens.browse import BrowseScreen
    from tui.screens.search import SearchScreen

    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"ｸﾗｳﾄﾞ")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.hits and screen.hits[0].ref.endswith(":27")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.current.endswith(":27")


async def test_browse_by_keyboard_and_equivalents(demo, app_factory):
    from tui.screens.browse import BrowseScreen, EquivalentsScreen

    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("down", "enter", "down", "enter", "down")  # rulebook → chapter 1 → article 1
        await pilot.pause()
        assert app.screen.current == "jvcea-exchange:1"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EquivalentsScreen)


async def test_finalize_locks_then_new_revision_from_the_tui(demo, app_factory, data_dir, tmp_path):
    evidence = tmp_path / "規程.pdf"
    evidence.write_bytes(b"policy")
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#dialog-input").value = str(evidence)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.answers[item].evidence[-1].sha256
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")  # the officer's name is prefilled from the profile, but points are open
        await pilot.pause()
        assert not screen.info.finalized and "未完了のまま確定する" in str(
            app.screen.query_one("#dialog-error").render()
        )
        app.screen.query_one("#allow").value = True
        await pilot.press("enter")
        await pilot.pause()
        assert screen.info.finalized and screen.info.open_points > 0 and screen.info.submitted_on is not None
        shown = record_notifications(app)
        await pilot.press("1")
        await pilot.pause()
        assert any("n" in m for m in shown)
        await pilot.press("n")  # asks first (issue 16): y opens the new revision
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen) and app.screen.info.revision == 2
    ws = Workspace(data_dir)
    try:
        assert ws.inspection(demo.id).finalized_by.endswith("田中花子")
    finally:
        ws.close()


async def test_training_records_as_evidence_of_an_item(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#dialog-input").value = "csirt-onboarding"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.answers[item].evidence[-1].label.startswith("研修記録")


async def test_search_shows_every_hit_whole(demo, app_factory):
    """Each hit's lines are counted at the list's own width (the scroll bar's column is always kept), so no hit
    loses its last line; the hits below the first screen arrive too."""
    from tui.screens.search import SearchScreen

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"ｸﾗｳﾄﾞ")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and len(screen.hits) > 10
        results = screen.query_one("#results", OptionList)
        assert results.option_count == len(screen.hits)
        width = results.scrollable_content_region.width
        for n in range(results.option_count):
            visual = results._get_visual(results.get_option_at_index(n))
            assert results._heights[n] == visual.get_height(results.styles, width), n


async def test_results_arriving_while_the_search_screen_is_rebuilt_are_dropped(demo, app_factory):
    """Results of a search begun before a language switch arrived while the screen was being rebuilt, looked for a
    list that was not there yet and closed the app (found by random keys at a fast typist's pace)."""
    from tui.screens.search import SearchScreen

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await screen.query_one("#results").remove()  # as in the middle of a recompose
        screen.on_search_screen_results(SearchScreen.Results(screen.query_one("#query").value, []))
        await pilot.pause()
        assert app.is_running
