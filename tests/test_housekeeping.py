"""Housekeeping for consultants: edit, rename and delete firms and inspections (to a trash, with undo), remove
evidence, tell duplicate firms apart; history in the user's language; views that help finish the month."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from textual.widgets import DataTable, OptionList

from tests.conftest import open_inspection, run_cli
from tui.domain.profile import Profile
from tui.screens.home import HomeScreen
from tui.screens.inspection import InspectionScreen
from tui.workspace import UserError, Workspace

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)

pytestmark = pytest.mark.usefixtures("pinned")

PROFILE_YAML = """\
name: 株式会社テスト
business: [crypto-exchange]
staff: 12
uses_cloud: false
outsourcing: none
"""


# --- 5. edit, rescope, rename, delete, undo --------------------------------------------------------------


def test_editing_a_profile_rescopes_open_inspections_and_keeps_answers(ws, demo):
    firm = ws.firm(demo.firm_id)
    items_before = {i for i, _s, _l in ws.store.inspection_items(demo.id)}
    ws.save_answer(demo.id, "notice.8.ro.1", status="compliant", note="委託先の管理台帳あり")
    answers_before = ws.store.answers(demo.id)
    # no outsourcing and no cloud provider (a cloud provider is a contractor, issue 13): section 8 drops out
    narrower = dataclasses.replace(firm.profile, outsourcing="none", uses_cloud=False)
    preview = ws.rescope_preview(firm.id, narrower)
    [(info, change)] = preview
    assert info.id == demo.id
    assert "notice.8.ro.1" in change.removed and not change.added  # what will change, before anything does
    assert {i for i, _s, _l in ws.store.inspection_items(demo.id)} == items_before  # a preview changes nothing
    ws.edit_firm(firm.id, narrower)
    items_after = {i for i, _s, _l in ws.store.inspection_items(demo.id)}
    assert items_after == items_before - set(change.removed)
    assert ws.inspection(demo.id).progress.total == len(items_after)
    # back as it was: the items return with their answers
    [(_info, back)] = ws.rescope_preview(firm.id, firm.profile)
    assert set(back.added) == set(change.removed)
    ws.edit_firm(firm.id, firm.profile)
    assert {i for i, _s, _l in ws.store.inspection_items(demo.id)} == items_before
    kept = ws.store.answers(demo.id)
    for item_id, answer in answers_before.items():
        assert kept[item_id] == answer


def test_a_finalized_inspection_is_never_rescoped(ws, demo):
    ws.finalize(demo.id, "田中", allow_incomplete=True)
    firm = ws.firm(demo.firm_id)
    narrower = dataclasses.replace(firm.profile, uses_cloud=False, online_transactions=False, custody=False)
    assert ws.rescope_preview(firm.id, narrower) == []


def test_delete_goes_to_the_trash_and_undo_brings_it_back(ws, demo):
    ws.delete_inspection(demo.id)
    assert all(not f.inspections for f in ws.firms())
    [entry] = ws.trash()
    assert entry.kind == "inspection" and entry.id == demo.id
    ws.undo_delete()
    assert [i.id for f in ws.firms() for i in f.inspections] == [demo.id]
    ws.delete_firm(demo.firm_id)
    assert ws.firms() == []
    with pytest.raises(UserError):
        ws.firm(demo.firm_id)
    ws.undo_delete()
    assert [f.id for f in ws.firms()] == [demo.firm_id]
    assert ws.trash() == []


def test_rename_inspection_and_remove_one_evidence_entry(ws, demo):
    ws.rename_inspection(demo.id, "2026年度 自己点検")
    assert ws.inspection(demo.id).title == "2026年度 自己点検"
    item = next(iter(ws.store.answers(demo.id)))
    ws.add_evidence(demo.id, item, "規程 第1版")
    ws.add_evidence(demo.id, item, "規程 第2版")
    answer = ws.remove_evidence(demo.id, item, 0)
    assert [e.label for e in answer.evidence] == ["規程 第2版"]
    assert [e.label for e in ws.store.answer(demo.id, item).evidence] == ["規程 第2版"]


def test_cli_firm_and_inspection_edit_delete_and_trash(demo, data_dir, tmp_path):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    r = run_cli("firm", "edit", str(demo.firm_id), "--name", "株式会社サンプル改", env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("inspection", "edit", str(demo.id), "--title", "年次点検", env=env)
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_cli("list", "--json", env=env).stdout)
    assert listed[0]["name"] == "株式会社サンプル改" and listed[0]["inspections"][0]["title"] == "年次点検"
    r = run_cli("inspection", "delete", str(demo.id), env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(run_cli("list", "--json", env=env).stdout)[0]["inspections"] == []
    r = run_cli("trash", "list", env=env)
    assert r.returncode == 0 and "年次点検" in r.stdout
    r = run_cli("trash", "undo", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(run_cli("list", "--json", env=env).stdout)[0]["inspections"][0]["id"] == demo.id
    r = run_cli("firm", "delete", "999", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_cli_firm_edit_with_a_profile_shows_the_rescope(demo, data_dir, tmp_path):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "C.UTF-8", "LANGUAGE": "en"}
    path = tmp_path / "wider.yaml"
    path.write_text(
        "name: 株式会社サンプル\nbusiness: [crypto-exchange, online-securities]\nstaff: 12\nuses_cloud: false\n"
        "outsourcing: none\nonline_transactions: true\ncustody: true\nbank_api: true\n"
        "system_integration_planned: true\nin_house_development: true\n",
        encoding="utf-8",
    )
    r = run_cli("firm", "edit", str(demo.firm_id), "--profile", str(path), env=env)
    assert r.returncode == 0, r.stderr
    assert f"#{demo.id}" in r.stdout and ("adds" in r.stdout or "removes" in r.stdout)


def test_init_twice_with_the_same_profile_is_caught(data_dir, tmp_path):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    path = tmp_path / "a.yaml"
    path.write_text(PROFILE_YAML, encoding="utf-8")
    assert run_cli("init", "--profile", str(path), env=env).returncode == 0
    r = run_cli("init", "--profile", str(path), env=env)
    assert r.returncode == 1 and "株式会社テスト" in r.stderr and "Traceback" not in r.stderr
    assert len(json.loads(run_cli("list", "--json", env=env).stdout)) == 1


async def test_home_tells_same_named_firms_apart(ws, app_factory):
    ws.add_firm(Profile(name="株式会社テスト", business=("crypto-exchange",), staff=12))
    ws.add_firm(Profile(name="株式会社テスト", business=("e-payment",), staff=80))
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(r)[1]) for r in range(table.row_count)]
        assert len(set(names)) == 2, names


async def test_edit_and_delete_from_home_with_undo(demo, app_factory, data_dir):
    from tui.screens.dialogs import ConfirmDialog
    from tui.screens.firm import FirmScreen

    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("e")  # edit the selected row's firm
        await pilot.pause()
        assert isinstance(app.screen, FirmScreen)
        assert app.screen.query_one("#name").value == "株式会社サンプル"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert all(
            "点検" not in str(table.get_row_at(r)[-1]) or str(table.get_row_at(r)[0]) == ""
            for r in range(table.row_count)
        )
        await pilot.press("z")  # undo
        await pilot.pause()
        assert any(str(table.get_row_at(r)[0]) == str(demo.id) for r in range(table.row_count))


# --- 6. history in the user's language -------------------------------------------------------------------


async def test_history_shows_labels_not_codes(demo, app_factory, data_dir):
    ws = Workspace(data_dir)
    item = "notice.5.ro"
    ws.add_evidence(demo.id, item, "CSIRT規程案")
    ws.close()
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_inspection(pilot)
        screen._go(item)
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        text = str(app.screen.query_one(".dialog-prompt").render())
        assert "未回答 → 不適合" in text or "未回答 → 不適合（問題あり）" in text
        assert "高" in text and "high" not in text and "unanswered" not in text
        assert "CSIRT規程案" in text and "{" not in text and "label" not in text


# --- 7. views that help finish the month -------------------------------------------------------------


def _shown_items(screen) -> list[str]:
    ol = screen.query_one("#items", OptionList)
    return [ol.get_option_at_index(i).id for i in range(ol.option_count) if not ol.get_option_at_index(i).disabled]


async def test_status_filter_is_on_screen_and_shows_only_problems(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("p")  # problems only
        await pilot.pause()
        shown = _shown_items(screen)
        assert shown and all(screen.answers[i].is_problem for i in shown)
        label = str(screen.query_one("#filter-state").render())
        assert "問題" in label


async def test_problems_missing_a_plan_or_overdue_are_listed(demo, app_factory, data_dir):
    ws = Workspace(data_dir)
    ws.save_answer(demo.id, "notice.4.ni", target_date=dt.date(2026, 11, 1))  # passed (today is 2026-11-23)
    ws.save_answer(demo.id, "notice.5.ro", remediation="")  # a finding without a plan
    ws.close()
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        await pilot.press("p", "p")  # the next filter: problems that need attention
        await pilot.pause()
        assert set(_shown_items(screen)) == {"notice.4.ni", "notice.5.ro"}


async def test_inspection_reopens_at_the_last_item_visited(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inspection(pilot)
        await pilot.press("pagedown", "pagedown", "pagedown")
        here = app.screen.current
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.current == here


async def test_overdue_first_and_finalized_rows_say_so(demo, app_factory, data_dir):
    ws = Workspace(data_dir)
    other = ws.add_firm(Profile(name="あいう株式会社", business=("crypto-exchange",), staff=5))
    late = ws.start_inspection(other.id, ["fsa-notice-2020"], dt.date(2026, 9, 1))
    done = ws.start_inspection(other.id, ["fsa-notice-2020"], dt.date(2026, 11, 20))
    ws.finalize(done.id, "田中", allow_incomplete=True)
    ws.close()
    app = app_factory()
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[0] == str(late.id) and "超過" in first[3]
        row = next(
            [str(c) for c in table.get_row_at(r)]
            for r in range(table.row_count)
            if str(table.get_row_at(r)[0]) == str(done.id)
        )
        assert "残り" not in row[3] and "確定" in row[3] and "1" in row[3]


async def test_focus_in_the_detail_pane_is_visible(demo, app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_inspection(pilot)
        detail = screen.query_one("#detail")
        unfocused = detail.styles.border_left
        await pilot.press("enter")  # into the status field
        await pilot.pause()
        assert detail.has_pseudo_class("focus-within")
        assert detail.styles.border_left != unfocused


async def test_new_revision_asks_first(demo, app_factory, data_dir):
    from tui.screens.dialogs import ConfirmDialog

    ws = Workspace(data_dir)
    ws.finalize(demo.id, "田中", allow_incomplete=True)
    ws.close()
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_inspection(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
    ws = Workspace(data_dir)
    try:
        assert len([i for f in ws.firms() for i in f.inspections]) == 1
    finally:
        ws.close()


async def test_palette_tells_same_named_firms_apart(ws, app_factory):
    from tui.commands import TenkenCommands

    ws.add_firm(Profile(name="株式会社テスト", business=("crypto-exchange",), staff=12))
    ws.add_firm(Profile(name="株式会社テスト", business=("e-payment",), staff=80))
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        shown = [c.display() for c in TenkenCommands(app.screen).commands() if c.title == "New inspection: "]
        assert len(shown) == 2 and len(set(shown)) == 2, shown


async def test_delete_a_whole_firm_from_home_and_undo(demo, app_factory):
    from tui.screens.dialogs import ConfirmDialog

    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "株式会社サンプル" in str(app.screen.query_one(".dialog-prompt").render())
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 0 or not app.screen.query_one(DataTable).display
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 1


def test_cli_evidence_add_list_remove(demo, data_dir, tmp_path):
    env = {"TENKEN_HOME": str(data_dir), "LANG": "ja_JP.UTF-8"}
    r = run_cli("evidence", "add", str(demo.id), "1-1", str(tmp_path / "none.pdf"), env=env)
    assert r.returncode == 1 and "none.pdf" in r.stderr  # a path to nothing is refused
    r = run_cli("evidence", "add", str(demo.id), "１－１", "規程 第1版", env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("evidence", "add", str(demo.id), "1-1", "規程 第2版", env=env)
    r = run_cli("evidence", "remove", str(demo.id), "1-1", "1", env=env)
    assert r.returncode == 0 and "規程 第2版" in r.stdout and "第1版" not in r.stdout


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_filter_line_wraps_between_phrases(demo, app_factory, data_dir, size):
    """「表示:」 alone on a line, then 「要対応の問題（計画・担当・期限なし、期限超過）（」 and 「u, p）」: a line ended
    with an opening bracket and the key hint was cut in two."""
    from tui.widgets.linebreak import NO_LINE_END, NO_LINE_START

    ws = Workspace(data_dir)
    ws.save_answer(demo.id, "notice.4.ni", target_date=dt.date(2026, 11, 1))  # passed: a problem to act on
    ws.close()
    app = app_factory("ja")
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in range(3):
            await pilot.press("p")
            await pilot.pause()
            widget = screen.query_one("#filter-state")
            painted = app.screen._compositor.render_strips()  # the screen as painted
            region = widget.region
            lines = [painted[y].crop(region.x, region.right).text.strip() for y in range(region.y, region.bottom)]
            lines = [line for line in lines if line]
            assert lines and "".join(lines).replace(" ", "") == screen._filter_text().replace(" ", "")
            assert all(line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END for line in lines), lines
            assert any("（u, p）" in line for line in lines), lines
            seen.append(screen.filter)
        assert seen == ["problems", "attention", "all"]


async def test_the_rescope_preview_names_items_as_the_screen_numbers_them(demo, app_factory, data_dir):
    """The preview said 「4項目を削除（notice.8.ro.1, notice.8.ro.2, …）」: internal ids, not the numbers (3-1) and
    questions staff see on the inspection screen."""
    from tui.domain.template import lay_out
    from tui.screens.dialogs import ConfirmDialog
    from tui.screens.firm import FirmScreen

    ws = Workspace(data_dir)
    info = ws.inspection(demo.id)
    numbers = {
        p.item.id: p.number
        for _s, placed in lay_out(ws.inspection_templates(info), ws.store.inspection_items(demo.id))
        for p in placed
    }
    ws.close()
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FirmScreen)
        form.query_one("#outsourcing").value = "none"
        form.query_one("#traits").deselect("uses_cloud")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        prompt = str(app.screen.query_one(".dialog-prompt").render())
        assert "notice." not in prompt, prompt
        assert f"{numbers['notice.8.ro.1']} " in prompt and "外部委託" in prompt, prompt
        await pilot.press("n")
        await pilot.pause()
        hint = str(form.query_one("#scope-preview").render())  # the form's own line: what the profile drops
        assert "除外" in hint and "notice." not in hint and "jvcea." not in hint, hint


async def test_why_an_item_applies_cites_the_provision_not_its_id(demo, app_factory):
    """w said 「オンライン取引サービスを顧客に提供しているため — fsa-notice-2020:4.he」: an internal id in Japanese
    mode."""
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        text = str(app.screen.query_one(".dialog-prompt").render())
        assert "ため" in text and "fsa-notice-2020:" not in text and "2020年周知文" in text, text


async def test_changing_the_business_lines_in_the_form_names_the_items_dropped(app_factory):
    """A new firm as a crypto exchange, then as an intermediary instead: the exchange's items left the scope and the
    preview looked their names up among the intermediary's items — KeyError, and the app closed (found by random
    keys at a fast typist's pace)."""
    from textual.widgets import Input, SelectionList

    from tui.screens.firm import FirmScreen

    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FirmScreen)
        form.query_one("#staff", Input).value = "10"
        business = form.query_one("#business", SelectionList)
        business.select("crypto-exchange")
        await pilot.pause()
        business.deselect("crypto-exchange")
        business.select("fs-intermediary")
        await pilot.pause()
        assert app.is_running and app.screen is form
        hint = str(form.query_one("#scope-preview").render())
        assert "Removed" not in hint and "除外" in hint and "jvcea." not in hint, hint
