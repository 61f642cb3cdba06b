"""What was typed is what is stored: focus, dates, forms that keep their state, long text, evidence, keys.

Each test drives the TUI as staff would and asserts on what they see and what the database holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input, Select, SelectionList, TextArea

from tests.conftest import open_inspection, record_notifications
from tui.screens.firm import FirmScreen
from tui.screens.home import HomeScreen
from tui.screens.inspection import InspectionScreen
from tui.workspace import Workspace

pytestmark = pytest.mark.usefixtures("pinned")


def _visible(widget) -> bool:
    """Shown on screen: the widget and every container above it are displayed."""
    node = widget
    while node is not None and not isinstance(node, (InspectionScreen, HomeScreen, FirmScreen)):
        if not getattr(node, "display", True):
            return False
        node = node.parent
    return True


def _stored(data_dir: Path, inspection_id: int, item: str):
    ws = Workspace(data_dir)
    try:
        return ws.store.answer(inspection_id, item)
    finally:
        ws.close()


async def _type(pilot, text: str) -> None:
    """Type as a terminal delivers keys: each with its own character (Pilot.press cannot rebuild 「－」 or 「−」
    from their key names)."""
    from textual import events
    from textual.keys import _character_to_key

    for ch in text:
        pilot.app.post_message(events.Key(_character_to_key(ch), ch))
        await pilot.pause()


# --- 1. keys never land in fields the user can't see -----------------------------------------------


async def test_moving_to_an_item_never_leaves_focus_in_a_hidden_field(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("pagedown", "pagedown")  # an answered item followed by an unanswered one
        here = screen.current
        following = screen._order()[screen._order().index(here) + 1]
        assert not screen.answers[following].answered
        await pilot.press("enter", "3")  # to the status field; mark it a problem: its extra fields appear
        await pilot.press("escape", "shift+tab")  # back to the list, then backwards into the target date
        await pilot.pause()
        assert app.focused is screen.query_one("#target_date")
        await pilot.press("pagedown")  # to the unanswered item: its problem fields hide
        await pilot.pause()
        assert screen.current == following
        assert app.focused is not None and _visible(app.focused)
        await pilot.press("1")
        await pilot.pause()
        assert screen.query_one("#status", Select).value == "compliant"
    stored = _stored(data_dir, demo.id, following)
    assert stored.status == "compliant"
    assert (stored.finding, stored.owner, stored.target_date) == ("", "", None)


async def test_the_first_answer_to_an_item_says_it_is_saved(demo, app_factory, data_dir):
    """Answering an item never answered before: the line under the status said 「未回答」 (not answered yet) beside
    「適合」, because the saved answer came back without the time it was saved."""
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = next(i for i in screen._order() if i not in screen.answers or not screen.answers[i].updated_at)
        screen._go(item)
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        state = str(screen.query_one("#save-state").render())
        assert "保存済み" in state and "未回答" not in state, state
        # a note typed into an item still unanswered is saved too, and says so
        following = next(i for i in screen._order() if i not in screen.answers or not screen.answers[i].updated_at)
        screen._go(following)
        await pilot.pause()
        screen.query_one("#note", TextArea).focus()
        await _type(pilot, "確認中")
        screen.flush()
        await pilot.pause()
        state = str(screen.query_one("#save-state").render())
        assert "保存済み" in state, state
    assert _stored(data_dir, demo.id, following).note == "確認中"


# --- 2. dates save only when complete and valid ------------------------------------------------------


async def _problem_item_with_date(pilot, screen) -> str:
    """Go to the demo's partial item (it has a target date) and focus its target date field."""
    item = next(i for i in screen._order() if screen.answers.get(i) and screen.answers[i].status == "partial")
    screen._go(item)
    await pilot.pause()
    screen.query_one("#target_date", Input).focus()
    await pilot.pause()
    return item


async def test_a_half_typed_or_impossible_date_is_never_saved(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = await _problem_item_with_date(pilot, screen)
        before = screen.answers[item].target_date
        assert before is not None
        field = screen.query_one("#target_date", Input)
        field.value = ""
        await pilot.press(*"2027-02-30")
        screen.flush()
        await pilot.pause()
        # the prefix 2027-02-3 is a valid date, but it is not what was typed: nothing changes in the database
        assert _stored(data_dir, demo.id, item).target_date == before
        assert field.has_class("-invalid")
        state = str(screen.query_one("#save-state").render())
        assert "2027-02-30" in state or "日付" in state
        # another field saved meanwhile does not hide that the date is wrong
        screen.query_one("#owner", Input).focus()
        await pilot.press(*"山田")
        screen.flush()
        await pilot.pause()
        assert field.has_class("-invalid")
        assert "保存済み" not in str(screen.query_one("#save-state").render())
        # a natural-language date is refused too, and the stored date stays
        field.focus()
        field.value = ""
        await pilot.press(*"来月末")
        screen.flush()
        await pilot.pause()
        assert _stored(data_dir, demo.id, item).target_date == before
        assert field.has_class("-invalid")


async def test_why_a_date_is_not_saved_is_said_under_the_date_field(demo, app_factory, data_dir):
    """At 120x36 the target date is at the bottom of the pane and the line under the status, the only place that
    said why 2027-02-30 was not saved, was scrolled out of view: only a red border was left to see."""
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        await _problem_item_with_date(pilot, screen)
        field = screen.query_one("#target_date", Input)
        field.value = ""
        await _type(pilot, "2027-02-30")
        await pilot.pause()
        detail = screen.query_one("#detail").region
        message = screen.query_one("#date-error")
        assert message.display and message.region.height > 0
        assert detail.y <= message.region.y < detail.bottom  # on screen, beside the field being typed into
        assert "2027-02-30" in str(message.render()) or "日付" in str(message.render())
        field.value = ""
        await _type(pilot, "2027-03-01")
        await pilot.pause()
        assert not message.display  # fixed: the message goes
        await pilot.press("pagedown")
        await pilot.pause()
        assert not screen.query_one("#date-error").display


async def test_the_date_field_and_its_message_wrap_whole_at_80x24(demo, app_factory):
    """At 80 columns the message under the date read 「…読めません。2」 / 「027-02-15、…」 (a date cut in two) and
    the label broke only at its spaces."""
    from tui.widgets.linebreak import NO_LINE_END, NO_LINE_START

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_inspection(pilot)
        await _problem_item_with_date(pilot, screen)
        field = screen.query_one("#target_date", Input)
        field.value = ""
        await _type(pilot, "2027-02-30")
        await pilot.pause()
        label = next(w for w in screen.query(".field-label") if "2027-02-15" in str(w.render()))
        for widget in (screen.query_one("#date-error"), label):
            widget.scroll_visible(animate=False)
            await pilot.pause()
            painted = app.screen._compositor.render_strips()
            r = widget.region
            lines = [painted[y].crop(r.x, r.right).text.strip() for y in range(r.y, r.bottom)]
            lines = [line for line in lines if line]
            assert len(lines) >= 2, lines  # it does wrap at this width
            for a, b in zip(lines, lines[1:], strict=False):
                assert not (a[-1].isdigit() and b[0].isdigit()), lines  # no number cut in two
                assert b[0] not in NO_LINE_START and a[-1] not in NO_LINE_END, lines


@pytest.mark.parametrize(
    "typed", ["2027-02-15", "2027/2/15", "2027年2月15日", "２０２７－０２－１５", "２０２７年２月１５日", "2027.2.15"]
)
async def test_dates_are_accepted_as_people_write_them(demo, app_factory, data_dir, typed):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = await _problem_item_with_date(pilot, screen)
        field = screen.query_one("#target_date", Input)
        field.value = ""
        await _type(pilot, typed)
        screen.flush()
        await pilot.pause()
        assert not field.has_class("-invalid")
    assert _stored(data_dir, demo.id, item).target_date == dt.date(2027, 2, 15)


async def test_plus_and_minus_change_the_day(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = await _problem_item_with_date(pilot, screen)
        field = screen.query_one("#target_date", Input)
        field.value = "2027-02-28"
        await pilot.press("plus")
        await pilot.pause()
        assert field.value == "2027-03-01"
        await pilot.press("minus", "minus")
        screen.flush()
        await pilot.pause()
        assert field.value == "2027-02-27"
    assert _stored(data_dir, demo.id, item).target_date == dt.date(2027, 2, 27)


async def test_new_inspection_dialog_marks_an_impossible_received_date(app_factory, ws):
    from tui.domain.profile import Profile

    ws.add_firm(Profile(name="テスト", business=("crypto-exchange",), staff=5))
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        field = app.screen.query_one("#received", Input)
        field.value = ""
        await pilot.press(*"2026-02-30", "enter")
        await pilot.pause()
        assert field.has_class("-invalid")
        assert not isinstance(app.screen, InspectionScreen)


# --- 3. forms keep their state across a language switch, and ask before throwing it away -----------


async def _fill_firm_form(pilot) -> FirmScreen:
    await pilot.press("f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FirmScreen)
    await pilot.press(*"テスト証券")
    screen.query_one("#staff", Input).value = "120"
    screen.query_one("#business", SelectionList).select("online-securities")
    screen.query_one("#representative", Input).value = "代表 山田"
    await pilot.pause()
    return screen


async def test_language_switch_keeps_what_was_typed_in_the_firm_form(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 48)) as pilot:
        await pilot.pause()
        await _fill_firm_form(pilot)
        app.screen.query_one("#business", SelectionList).focus()  # `l` outside a text field switches language
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FirmScreen)
        assert "Firm name" in " ".join(str(w.render()) for w in screen.query(".field-label"))
        assert screen.query_one("#name", Input).value == "テスト証券"
        assert screen.query_one("#staff", Input).value == "120"
        assert screen.query_one("#representative", Input).value == "代表 山田"
        assert list(screen.query_one("#business", SelectionList).selected) == ["online-securities"]


@pytest.mark.parametrize("key", ["e", "f", "v"])  # export, finalize, evidence
async def test_language_switch_keeps_what_was_typed_in_the_inspection_dialogs(demo, app_factory, key):
    """The export, finalize and evidence dialogs were composed afresh on a language switch: the path, the
    addressee, the officer's name and the submission date typed went back to their defaults, or to nothing."""
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inspection(pilot)
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        typed = {}
        for n, field in enumerate(dialog.query(Input)):
            field.value = typed[field.id] = "2026-11-20" if field.id == "submitted" else f"入力{n} テスト"
        selects = list(dialog.query(Select))
        if selects:
            selects[-1].focus()
            await pilot.pause()
        labels = " ".join(str(w.render()) for w in dialog.query(".field-label"))
        await app.run_action("toggle_language")
        await pilot.pause()
        assert app.screen is dialog
        assert {f.id: f.value for f in dialog.query(Input)} == typed
        if labels:
            assert " ".join(str(w.render()) for w in dialog.query(".field-label")) != labels  # in English now
        if selects:
            assert app.focused is dialog.query_one(f"#{selects[-1].id}")


async def test_escape_on_a_changed_firm_form_asks_before_discarding(app_factory, data_dir):
    from tui.screens.dialogs import ConfirmDialog

    app = app_factory()
    async with app.run_test(size=(120, 48)) as pilot:
        await pilot.pause()
        form = await _fill_firm_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # no: back to the form, nothing lost
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#name", Input).value == "テスト証券"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # yes, discard
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_escape_on_an_untouched_form_leaves_at_once(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 48)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# --- 8. long text --------------------------------------------------------------------------------------


async def test_note_field_grows_with_its_text(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        note = screen.query_one("#note", TextArea)
        short = note.size.height
        note.load_text("\n".join(f"行{i}" for i in range(10)))
        await pilot.pause()
        assert note.size.height > short + 3


async def test_ctrl_e_opens_a_full_screen_editor_and_saves_its_text(demo, app_factory, data_dir, monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        screen.query_one("#note", TextArea).focus()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen is not screen
        editor = app.screen.query_one(TextArea)
        assert editor.size.height >= 20  # most of the terminal
        editor.load_text("長い説明\n二行目")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#note", TextArea).text == "長い説明\n二行目"
        screen.flush()
    assert _stored(data_dir, demo.id, item).note == "長い説明\n二行目"


async def test_ctrl_e_hands_the_field_to_the_users_editor(demo, app_factory, data_dir, monkeypatch, tmp_path):
    """With $EDITOR set, ctrl+e steps aside for it and takes back what was written there; an editor that cannot be
    started falls back to the full-screen text area."""
    import contextlib
    import sys

    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text(encoding='utf-8') + '\\nエディタで追記\\n', encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = app_factory()
    monkeypatch.setattr(type(app), "suspend", lambda self: contextlib.nullcontext())  # no terminal to hand over
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        note = screen.query_one("#note", TextArea)
        before = note.text
        note.focus()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen is screen  # no built-in editor: the user's own one was used
        assert note.text == before + "\nエディタで追記"
        screen.flush()
        monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen is not screen and app.screen.query_one(TextArea).text == note.text
    assert _stored(data_dir, demo.id, item).note == before + "\nエディタで追記"


# --- 9. evidence -------------------------------------------------------------------------------------


async def test_evidence_path_that_does_not_exist_is_not_saved_without_asking(demo, app_factory, data_dir, tmp_path):
    from tui.screens.dialogs import ConfirmDialog

    missing = tmp_path / "no-such" / "policy.pdf"
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one(Input).value = str(missing)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "policy.pdf" in str(app.screen.query_one(".dialog-prompt").render())
        await pilot.press("escape")  # no
        await pilot.pause()
    assert _stored(data_dir, demo.id, item).evidence == ()


async def test_evidence_file_picker_records_the_file(demo, app_factory, data_dir, tmp_path):
    chosen = tmp_path / "規程.txt"
    chosen.write_text("CSIRT規程", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        item = screen.current
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("ctrl+o")  # choose a file
        await pilot.pause()
        picker = app.screen
        assert app.focused is picker.query_one("#picker-path", Input)  # type or paste a path, or Tab to the tree
        picker.query_one("#picker-path", Input).value = str(chosen)
        await pilot.press("enter")
        await pilot.pause()
        # back in the evidence dialog with the path filled in
        assert app.screen.query_one(Input).value == str(chosen)
        await pilot.press("enter")
        await pilot.pause()
    [evidence] = _stored(data_dir, demo.id, item).evidence
    assert evidence.path == str(chosen.resolve()) and evidence.sha256


async def test_evidence_is_visible_without_scrolling_at_80x24(demo, app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_inspection(pilot)
        screen.answers[screen.current] = screen.tenken.ws.add_evidence(
            demo.id, screen.current, "情報セキュリティ規程 第3版"
        )
        screen.show_item(screen.current)
        await pilot.pause()
        found = [w for w in screen.query("#evidence") if "情報セキュリティ規程" in str(w.render())]
        assert found
        region = found[0].region
        detail = screen.query_one("#detail").region
        assert region.height > 0 and detail.y <= region.y < detail.bottom


# --- 11. keys and item numbers typed with a Japanese input method --------------------------------------


@pytest.mark.parametrize("typed", ["６－２", "6ー2", "６−２"])
async def test_jump_accepts_full_width_item_numbers(demo, app_factory, typed):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        numbers = {p.number for p in screen.placed.values()}
        target = next(n for n in sorted(numbers) if "-" in n and n.split("-")[1] == "2")
        typed = typed.replace("6", target.split("-")[0]).replace("６", chr(0xFF10 + int(target.split("-")[0])))
        await pilot.press("g")
        await _type(pilot, typed)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.placed[screen.current].number == target


async def test_jump_accepts_an_article_reference(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        start = screen.current
        await pilot.press("g", *"第26条", "enter")
        await pilot.pause()
        assert screen.current != start
        assert any(c.split(":")[1].lstrip("g").split(".")[0] == "26" for c in screen.placed[screen.current].item.cites)


async def test_full_width_digit_keys_set_the_status(demo, app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("pagedown", "pagedown", "pagedown")
        item = screen.current
        await pilot.press("２")
        await pilot.pause()
        assert screen.query_one("#status", Select).value == "partial"
        await pilot.press("？")
        await pilot.pause()
        from tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
    assert _stored(data_dir, demo.id, item).status == "partial"


async def test_moving_through_items_quickly_changes_no_answer(demo, app_factory, data_dir):
    """Filling the fields of the item shown must never read as typing: a late Changed message from the previous
    item once set the next item's status to the previous one's (seen in a snapshot: 1-2 turned compliant)."""
    ws = Workspace(data_dir)
    before = {
        k: (a.status, a.note, a.finding, a.risk, a.owner, a.target_date) for k, a in ws.store.answers(demo.id).items()
    }
    ws.close()
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "pagedown", "pagedown", "pageup", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        await pilot.press("pageup", "pageup", "pagedown")
        await pilot.pause()
        screen = app.screen
        # A Changed message from the item shown before, arriving late (as it did under load), changes nothing.
        status = screen.query_one("#status", Select)
        stale = "compliant" if status.value != "compliant" else "partial"
        status.post_message(Select.Changed(status, stale))
        await pilot.pause()
        await pilot.pause()
        screen.flush()  # anything wrongly queued is saved now
    ws = Workspace(data_dir)
    try:
        after = {
            k: (a.status, a.note, a.finding, a.risk, a.owner, a.target_date)
            for k, a in ws.store.answers(demo.id).items()
        }
        assert after == before
    finally:
        ws.close()


async def test_saving_an_incomplete_firm_form_says_what_is_missing_where_the_user_looks(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"テスト証券")
        app.screen.query_one("#business", SelectionList).select("online-securities")
        shown = record_notifications(app)
        await pilot.press("ctrl+s")  # the staff count is missing
        await pilot.pause()
        assert isinstance(app.screen, FirmScreen)
        assert app.focused is app.screen.query_one("#staff", Input)
        # named as the form names it, not by the profile file's key
        assert any("「従業員数」" in message for message in shown)
        assert not any("staff" in message for message in shown)


# --- what changes at a keystroke is repainted in place, and nothing else changes -------------------------


def _line_text(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


async def test_an_emptied_note_cannot_be_undone_into_the_next_item(demo, app_factory, data_dir):
    """An empty field is not reloaded when the next item's is empty too; its undo steps must still be gone, or
    ctrl+z in the next item's note would bring back what was typed (and deleted) in the item before."""
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        first = screen.current
        note = screen.query_one("#note", TextArea)
        note.focus()
        await _type(pilot, "誤記")
        note.clear()
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.current != first and note.text == ""
        note.focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert note.text == ""
        second = screen.current
    assert _stored(data_dir, demo.id, second) is None or _stored(data_dir, demo.id, second).note == ""


async def test_paging_through_the_items_keeps_the_current_one_highlighted_in_view(demo, app_factory):
    """The item list repaints only the lines the highlight leaves and reaches, and brings an item out of view to
    the middle: after each PgDn the item shown on the right is the highlighted line in view, and no other line
    is drawn highlighted."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_inspection(pilot)
        items = screen.query_one("#items")
        for _ in range(min(25, len(screen.placed) - 1)):
            await pilot.press("pagedown")
            await pilot.pause()
            index = items.highlighted
            y = items._index_to_line[index] - items.scroll_offset.y
            assert 0 <= y < items.scrollable_content_region.height
            assert screen.placed[screen.current].number in _line_text(items, y)
            # What the screen shows (the lines kept from earlier paints included): the background of each row.
            highlight = items.get_visual_style("option-list--option", "option-list--option-highlighted")
            region = items.content_region
            drawn = [
                row
                for row in range(region.height)
                if app.screen.get_style_at(region.x + 1, region.y + row).bgcolor == highlight.rich_style.bgcolor
            ]
            assert drawn == [y + n for n in range(items._heights[index])]
