"""An 80x24 terminal and the user's language everywhere: nothing cut off, nothing left in English."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Footer, Input, Select

from tests.conftest import open_inspection, run_cli, wait_until

pytestmark = pytest.mark.usefixtures("pinned")
SMALL = (80, 24)


def _footer_keys(app) -> list:
    return list(app.screen.query(Footer).first().query("FooterKey"))


def _inside(widget, size) -> bool:
    r = widget.region
    return r.width > 0 and r.height > 0 and r.x >= 0 and r.y >= 0 and r.right <= size[0] and r.bottom <= size[1]


# --- 10. small terminals --------------------------------------------------------------------------------


# keys from the home screen to each screen with a footer of its own ("~" waits for the screen's workers)
SCREENS = {
    "home": [],
    "inspection": ["enter"],
    "plan": ["enter", "P"],
    "due": ["o"],
    "conflicts": ["c"],
    "training": ["r", "~"],
    "session": ["r", "~", "tab", "enter"],
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("size", [SMALL, (120, 36)])
@pytest.mark.parametrize("where", list(SCREENS))
async def test_footer_keeps_help_and_quit_and_never_overlaps(demo, ws, app_factory, lang, size, where):
    """The session screen's footer once ran its keys under the command palette (「^p コ  ンド」) at 120 columns."""
    import datetime as dt

    session = ws.create_training_session("security-awareness", dt.date(2026, 11, 20), "田中花子", lang)
    for name in ("山田太郎", "佐藤花子", "鈴木一郎"):
        ws.add_to_roster(session.id, name, "総務部")
    app = app_factory(lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in SCREENS[where]:
            if key == "~":
                await app.workers.wait_for_complete()
            else:
                await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        assert where == "home" or type(app.screen).__name__ != "HomeScreen"
        keys = _footer_keys(app)
        shown = {k.key for k in keys if _inside(k, size)}
        assert "question_mark,f1" in shown or "question_mark" in shown
        assert "q" in shown
        # nothing overlaps: every key is drawn whole, left to right
        regions = sorted((k.region for k in keys), key=lambda r: r.x)
        assert all(a.right <= b.x for a, b in zip(regions, regions[1:], strict=False))
        assert all(_inside(k, size) for k in keys)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_home_table_fits_80_columns(demo, app_factory, lang):
    app = app_factory(lang)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_status_field_is_above_the_fold_at_80x24(demo, app_factory, lang):
    app = app_factory(lang)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_inspection(pilot)
        assert _inside(screen.query_one("#status", Select), SMALL)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_export_dialog_buttons_are_reachable_at_80x24(demo, app_factory, lang):
    app = app_factory(lang)
    async with app.run_test(size=SMALL) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        for button in app.screen.query(Button):
            button.focus()
            await pilot.pause()
            assert _inside(button, SMALL), button


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_new_inspection_dialog_buttons_are_reachable_at_80x24(demo, app_factory, lang):
    app = app_factory(lang)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        for button in app.screen.query(Button):
            button.focus()
            await pilot.pause()
            assert _inside(button, SMALL), button


# --- 11. dropdowns never drop a wide character -------------------------------------------------------


async def test_dropdown_shows_whole_japanese_labels(app_factory):
    app = app_factory("ja")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        select = app.screen.query_one("#outsourcing", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = select.query_one("SelectOverlay")
        lines = [str(overlay.render_line(y).text) for y in range(overlay.region.height)]
        text = "".join(lines)
        assert "外部委託なし" in text.replace(" ", "") and "外部委  なし" not in text


# --- 12. everything in the user's language -------------------------------------------------------------


async def test_dropdown_footer_is_in_japanese(app_factory):
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#outsourcing", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        text = " ".join(str(k.render()) for k in _footer_keys(app))
        assert "Dismiss" not in text and "閉じる" in text


async def test_palette_placeholder_is_in_japanese_and_lists_each_command_once(demo, app_factory):
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert "Search for commands" not in str(field.placeholder) and "コマンド" in str(field.placeholder)
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)

        def demo_entries() -> list[str]:
            prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            return [p for p in prompts if "デモ" in p and "読み込" in p]

        await pilot.press(*"デモ")
        await wait_until(pilot, lambda: bool(demo_entries()))  # the palette searches after a short pause
        await pilot.app.workers.wait_for_complete()  # every provider has answered
        await pilot.pause()
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(demo_entries()) == 1, prompts


def test_cli_help_is_in_japanese_with_every_flag_described(data_dir):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    top = run_cli("--help", env=env)
    assert top.returncode == 0
    assert "usage:" not in top.stdout and "options:" not in top.stdout
    assert "使い方" in top.stdout and "オプション" in top.stdout
    assert "show this help message" not in top.stdout
    for command in ("init", "scope", "start", "report", "search"):
        out = run_cli(command, "--help", env=env).stdout
        assert "usage:" not in out and "show this help message" not in out
        lines = out.splitlines()
        for n, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("--") and "  " not in stripped:  # a flag alone on its line: help on the next
                follow = lines[n + 1] if n + 1 < len(lines) else ""
                assert follow.startswith(" " * 10) and follow.strip(), (command, line)


def test_cli_usage_error_is_in_japanese(data_dir):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    r = run_cli("report", "1", env=env)
    assert r.returncode == 2
    assert "required" not in r.stderr and "the following arguments" not in r.stderr


def test_profile_errors_list_every_problem_in_the_users_language(data_dir, tmp_path):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    path = tmp_path / "bad.yaml"
    path.write_text("name: テスト\nbusiness: [bogus]\nstaff: -3\noutsourcing: sometimes\n", encoding="utf-8")
    r = run_cli("init", "--profile", str(path), env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "business" in r.stderr and "staff" in r.stderr and "outsourcing" in r.stderr
    assert " or " not in r.stderr


def test_wizard_hints_are_in_japanese(monkeypatch):
    import questionary

    from tui.cli import wizard
    from tui.domain.profile import SizeThresholds

    seen: list[dict] = []

    class Stop(Exception):
        pass

    def fake(kind):
        def ask(message, **kwargs):
            seen.append({"kind": kind, **kwargs})
            raise Stop

        return ask

    monkeypatch.setattr(questionary, "text", lambda *a, **k: type("Q", (), {"ask": lambda self: "テスト"})())
    monkeypatch.setattr(questionary, "checkbox", fake("checkbox"))
    with pytest.raises(Stop):
        wizard.ask_profile(SizeThresholds())
    instruction = seen[0].get("instruction") or ""
    assert instruction and "arrow" not in instruction.lower()
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in instruction)


async def test_equivalents_called_identical_show_no_differences(demo, app_factory):
    """An equivalent labelled 同一 (identical) must not come with highlighted differences: either the words are the
    same, or the label says the wording differs."""
    from textual.widgets import Static

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        pilot.app.action_browse("jvcea-exchange:27")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        statics = list(app.screen.query(Static))
        checked = 0
        for head, body in zip(statics, statics[1:], strict=False):
            text = head.render()
            if "→" in str(text) and "同一" in str(text):
                checked += 1
                styled = [
                    span for span in body.render().spans if "strike" in str(span.style) or "green" in str(span.style)
                ]
                assert not styled, str(text)
        labels = " ".join(str(s.render()) for s in statics)
        assert checked or "文言に違いあり" in labels


async def test_tui_export_asks_before_replacing_a_file(demo, app_factory, tmp_path):
    from tui.screens.dialogs import ConfirmDialog

    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inspection(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#format", Select).value = "md"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "--force" not in str(app.screen.query_one(".dialog-prompt").render())
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert target.read_text(encoding="utf-8") != "old"


def _screen_lines(app) -> list[str]:
    """The terminal's lines as the compositor paints them, every widget on the screen taken together (a widget's
    own render_line does not show where a widget behind it splits a wide character)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def _check_dropdowns(pilot, selects) -> list[str]:
    from textual.widgets._select import SelectOverlay

    problems = []
    for select in selects:
        select.scroll_visible(animate=False)
        select.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        overlay = select.query_one(SelectOverlay)
        assert overlay.display, select
        painted = " ".join(_screen_lines(pilot.app)[overlay.region.y : overlay.region.bottom])
        for n in range(overlay.option_count):
            label = str(overlay.get_option_at_index(n).prompt).strip()
            if label and label not in painted:
                problems.append(f"{select.id}: {label!r} not whole on screen")
        await pilot.press("escape")
        await pilot.pause()
    return problems


@pytest.mark.parametrize("size", [SMALL, (120, 36), (200, 50)])
async def test_dropdowns_on_screen_keep_every_wide_character(demo, app_factory, size):
    """In a real terminal the outsourcing dropdown read 「外部委  なし」 at every size: the field label behind the
    open list ends in the middle of 託, and the compositor cuts every line at each widget's edge."""
    app = app_factory("ja")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        problems = await _check_dropdowns(pilot, list(app.screen.query(Select)))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # the demo's inspection: status and risk
        await pilot.pause()
        screen = app.screen
        item = next(i for i in screen._order() if screen.answers.get(i) and screen.answers[i].status == "partial")
        screen._go(item)
        await pilot.pause()
        problems += await _check_dropdowns(pilot, list(screen.query(Select)))
        await pilot.press("e")  # the export dialog: format and language
        await pilot.pause()
        problems += await _check_dropdowns(pilot, list(app.screen.query(Select)))
    assert not problems, problems


async def test_palette_hits_in_japanese_carry_no_english_twin(ws, app_factory):
    """Each hit came with its English title under it (「新規点検：株式会社テスト…」 then "New inspection:
    株式会社テスト…"), which read as every command listed twice and left English in Japanese mode."""
    from tui.commands import TenkenCommands
    from tui.domain.profile import Profile

    ws.add_firm(Profile(name="株式会社テスト", business=("crypto-exchange",), staff=12))
    ws.add_firm(Profile(name="株式会社テスト", business=("e-payment",), staff=80))
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        provider = TenkenCommands(app.screen)
        hits = [h async for h in provider.search("新規点検")]
        assert len(hits) == 2
        for hit in hits:
            assert "New inspection" not in str(hit.help) and "Start an inspection" not in str(hit.help), hit.help
            assert "点検" in str(hit.help)
        # typed in English, a Japanese-mode hit says which English title it matched
        [hit] = [h async for h in provider.search("switch language")]
        assert "言語" in str(hit.prompt) and "Switch language" in str(hit.help)
