"""Assignment and delegation (issue 19, point 5) and who answered and who reviewed (point 1): items assigned to a
person with a due date, "my items", a person's items as a workbook filled in a spreadsheet and read back through
the bundle merge, and reports that name people."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_cli
from tui.workspace import UserError, Workspace

ME = "高橋 一郎"
ITEM, OTHER = "notice.4.ha", "notice.4.ni"


@pytest.fixture
def team(ws, demo):
    ws.add_person("田中花子", "officer")
    ws.add_person("佐藤", "reviewer", use=True)
    ws.add_person(ME, "preparer")
    return demo


def _export(ws, demo, tmp_path: Path, lang: str = "ja") -> Path:
    ws.assign(demo.id, ITEM, ME, dt.date(2026, 12, 1))
    ws.assign(demo.id, OTHER, ME)
    out = tmp_path / "delegate.xlsx"
    assert ws.delegate_export(demo.id, ME, out, lang) == 2
    return out


def _fill(path: Path, target: Path, cells: dict[str, object]) -> Path:
    """Fill the workbook as a person would in a spreadsheet (openpyxl stands in for Excel)."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(target)
    return target


def _row_of(path: Path, item: str) -> int:
    ws = load_workbook(path).worksheets[0]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == item)


# --- assignment ---------------------------------------------------------------------------------------------


def test_assign_reassign_unassign_are_changes_in_the_history(ws, team):
    a = ws.assign(team.id, "1-1", ME, dt.date(2026, 12, 1))
    assert (a.item_id, a.assignee, a.assignee_due) == (ITEM, ME, dt.date(2026, 12, 1))
    ws.assign(team.id, ITEM, "田中花子")
    ws.unassign(team.id, ITEM)
    stored = ws.answers(team.id)[ITEM]
    assert (stored.assignee, stored.assignee_due) == ("", None)
    rows = [(c.field, c.value, c.person) for c in ws.store.changes(team.id) if c.field.startswith("assignee")]
    assert rows == [
        ("assignee", ME, "佐藤"),
        ("assignee_due", "2026-12-01", "佐藤"),
        ("assignee", "田中花子", "佐藤"),
        ("assignee_due", "", "佐藤"),
        ("assignee", "", "佐藤"),
    ]


def test_an_assignment_to_an_unknown_person_is_refused_and_changes_nothing(ws, team):
    before = ws.store.fingerprint()
    with pytest.raises(UserError) as refused:
        ws.assign(team.id, ITEM, "山田")
    assert "山田" in str(refused.value) and "person add" in str(refused.value) and "\n" not in str(refused.value)
    assert ws.store.fingerprint() == before


def test_the_assignment_travels_in_a_bundle_and_merges(ws, team, tmp_path):
    ws.export_bundle(team.id, tmp_path / "a.tenken")
    other = Workspace(tmp_path / "laptopB")
    try:
        copy = other.import_bundle(tmp_path / "a.tenken").inspection_id
        ws.assign(team.id, ITEM, ME, dt.date(2026, 12, 24))
        other.save_answer(copy, ITEM, note="B の備考")  # another field on the other laptop: both kept
        ws.export_bundle(team.id, tmp_path / "a2.tenken")
        other.import_bundle(tmp_path / "a2.tenken")
        got = other.answers(copy)[ITEM]
        assert (got.assignee, got.assignee_due, got.note) == (ME, dt.date(2026, 12, 24), "B の備考")
        assert not other.conflicts(copy)
    finally:
        other.close()


def test_two_laptops_assigning_one_item_differently_is_a_conflict_a_person_settles(ws, team, tmp_path):
    ws.export_bundle(team.id, tmp_path / "a.tenken")
    other = Workspace(tmp_path / "laptopB")
    try:
        copy = other.import_bundle(tmp_path / "a.tenken").inspection_id
        other.add_person("田中花子", "officer")
        other.assign(copy, ITEM, "田中花子", dt.date(2026, 12, 10))
        ws.assign(team.id, ITEM, ME, dt.date(2026, 12, 24))
        other.export_bundle(copy, tmp_path / "b.tenken")
    finally:
        other.close()
    result = ws.import_bundle(tmp_path / "b.tenken")
    assert sorted(result.conflicts) == [(ITEM, "assignee"), (ITEM, "assignee_due")]
    ws.resolve_conflict(team.id, ITEM, "assignee", "田中花子")
    ws.resolve_conflict(team.id, ITEM, "assignee_due", "2026-12-10")
    got = ws.answers(team.id)[ITEM]
    assert (got.assignee, got.assignee_due) == ("田中花子", dt.date(2026, 12, 10)) and not ws.conflicts(team.id)


def test_my_items_lists_the_current_persons_items_with_overdue_marked(ws, team, pinned):
    ws.assign(team.id, "notice.4.chi", ME, dt.date(2026, 11, 1))  # past and unanswered: overdue
    ws.assign(team.id, ITEM, ME, dt.date(2026, 12, 1))
    ws.assign(team.id, OTHER, "田中花子")
    assert ws.assigned_items(ws.me()) == []  # the current person (佐藤) has none
    ws.use_person(ME)
    mine = ws.assigned_items(ws.me())
    assert [(a.item_id, a.due) for a in mine] == [("notice.4.chi", dt.date(2026, 11, 1)), (ITEM, dt.date(2026, 12, 1))]
    assert [a.overdue(pinned) for a in mine] == [True, False]
    assert all(a.number and a.number == ws.item_numbers(team.id)[a.item_id] for a in mine)  # 「2-3」 as on screen
    assert {a.assignee for a in ws.assigned_items()} == {ME, "田中花子"}
    # once answered, a past-due item is neither counted nor labelled overdue ("9 days overdue" beside "0 overdue")
    assert "overdue" in mine[0].due_note(pinned) or "超過" in mine[0].due_note(pinned)
    ws.save_answer(team.id, "notice.4.chi", status="compliant")
    answered = ws.assigned_items(ws.me())[0]
    assert not answered.overdue(pinned) and answered.due_note(pinned) == ""


# --- delegation by spreadsheet ------------------------------------------------------------------------------


def test_the_workbook_shows_the_rule_text_and_protects_all_but_the_answer_cells(ws, team, tmp_path):
    ws.save_answer(team.id, ITEM, note="=cmd|' /C calc'!A0", owner="@SUM(1)")
    path = _export(ws, team, tmp_path)
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    assert sheet.protection.sheet and wb["tenken"].sheet_state == "veryHidden"
    row = _row_of(path, ITEM)
    assert sheet.cell(row, 2).value == "1-1"
    rule = sheet.cell(row, 4).value
    assert "監督指針" in rule and "不正アクセス" in rule  # the provision's text, verbatim
    assert sheet.cell(row, 6).value == "適合"  # the status as its label, chosen from a list
    note, owner = sheet.cell(row, 7), sheet.cell(row, 11)
    assert (note.value, note.data_type, owner.data_type) == ("=cmd|' /C calc'!A0", "s", "s")  # text, not formulas
    assert not note.protection.locked and sheet.cell(row, 1).protection.locked
    lists = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    status_list = next(dv for ref, dv in lists.items() if ref.startswith("F"))
    assert status_list.type == "list" and "不適合（問題あり）" in status_list.formula1
    assert any(dv.type == "date" for dv in lists.values())
    english = load_workbook(_export_again(ws, team, tmp_path, "en")).worksheets[0]
    assert english.cell(1, 6).value == "Status" and english.cell(_row_of(path, ITEM), 6).value == "compliant"


def _export_again(ws, demo, tmp_path: Path, lang: str) -> Path:
    out = tmp_path / f"delegate-{lang}.xlsx"
    ws.delegate_export(demo.id, ME, out, lang)
    return out


def test_a_filled_workbook_comes_back_under_the_persons_name_and_twice_changes_nothing(ws, team, tmp_path):
    path = _export(ws, team, tmp_path)
    row = _row_of(path, ITEM)
    filled = _fill(
        path,
        tmp_path / "filled.xlsx",
        {
            f"F{row}": "不適合（問題あり）",
            f"H{row}": '=HYPERLINK("http://evil")',
            f"I{row}": "高",
            f"J{row}": "設定を見直す",
            f"K{row}": "システム部",
            f"L{row}": dt.datetime(2027, 1, 5),
        },
    )
    person, result = ws.delegate_import(filled)
    assert person == ME and result.updated == [ITEM] and not result.conflicts
    a = ws.answers(team.id)[ITEM]
    assert (a.status, a.risk, a.target_date) == ("noncompliant", "high", dt.date(2027, 1, 5))
    assert a.finding == '=HYPERLINK("http://evil")'  # a formula is kept as the text it is, never evaluated
    mine = [c for c in ws.store.changes(team.id) if c.person == ME]
    assert {c.field for c in mine} == {"status", "finding", "risk", "remediation", "owner", "target_date"}
    assert all(c.device.startswith("xlsx-") for c in mine)
    before = ws.store.fingerprint()
    assert ws.delegate_import(filled) == (ME, None)
    assert ws.store.fingerprint() == before
    # the person fills in more and sends it again: only the new value is added, replacing their own earlier one
    again = _fill(filled, tmp_path / "again.xlsx", {f"G{row}": "追記"})
    _person, result = ws.delegate_import(again)
    assert not result.conflicts and ws.answers(team.id)[ITEM].note == "追記"


def test_a_field_changed_on_the_laptop_meanwhile_becomes_a_conflict(ws, team, tmp_path):
    path = _export(ws, team, tmp_path)
    row = _row_of(path, ITEM)
    ws.save_answer(team.id, ITEM, note="ノートPCで記入")
    filled = _fill(path, tmp_path / "filled.xlsx", {f"G{row}": "表計算で記入", f"J{row}": "計画"})
    _person, result = ws.delegate_import(filled)
    assert result.conflicts == [(ITEM, "note")]
    [conflict] = ws.conflicts(team.id)
    assert set(conflict.values) == {"ノートPCで記入", "表計算で記入"}
    assert {h.person for h in conflict.heads} == {"佐藤", ME}
    assert ws.answers(team.id)[ITEM].remediation == "計画"  # a field only the person changed is simply taken


def _refused(ws, path: Path, *words: str) -> str:
    before = ws.store.fingerprint()
    with pytest.raises(UserError) as exc:
        ws.delegate_import(path)
    message = str(exc.value)
    assert "Traceback" not in message and "\n" not in message
    for word in words:
        assert word in message, message
    assert ws.store.fingerprint() == before
    return message


def test_hostile_workbooks_are_refused_with_one_sentence_and_change_nothing(ws, team, tmp_path):
    path = _export(ws, team, tmp_path)
    row = _row_of(path, ITEM)
    _refused(ws, _fill(path, tmp_path / "status.xlsx", {f"F{row}": "たぶん適合"}), f"{row}")
    _refused(ws, _fill(path, tmp_path / "date.xlsx", {f"L{row}": "来月"}), f"{row}")
    _refused(ws, _fill(path, tmp_path / "huge.xlsx", {f"G{row}": "あ" * 20_001}), f"{row}")
    _refused(ws, _fill(path, tmp_path / "id.xlsx", {f"A{row}": "notice.5.i"}), f"{row}")
    _refused(ws, _fill(path, tmp_path / "rows.xlsx", {"A9": ITEM, "G9": "x"}))
    _refused(ws, _fill(path, tmp_path / "outside.xlsx", {f"P{row}": "x"}), f"{row}")
    shifted = load_workbook(path)
    shifted.worksheets[0].insert_cols(7)  # a column inserted: the answers would land in the wrong fields
    shifted.save(tmp_path / "shifted.xlsx")
    _refused(ws, tmp_path / "shifted.xlsx")
    # the hidden part changed: another person, another inspection
    wb = load_workbook(path)
    wb["tenken"]["B5"] = "田中花子"
    wb.save(tmp_path / "person.xlsx")
    _refused(ws, tmp_path / "person.xlsx")
    # a workbook of another database (another laptop's key) is foreign here
    other = Workspace(tmp_path / "laptopB")
    try:
        ws.export_bundle(team.id, tmp_path / "a.tenken")
        copy = other.import_bundle(tmp_path / "a.tenken").inspection_id
        other.add_person(ME, "preparer")
        foreign = tmp_path / "foreign.xlsx"
        other.delegate_export(copy, ME, foreign, "ja")
    finally:
        other.close()
    _refused(ws, foreign)
    # the item was given to someone else since: the workbook's person may no longer answer it
    ws.assign(team.id, ITEM, "田中花子")
    _refused(ws, _fill(path, tmp_path / "moved.xlsx", {f"G{row}": "x"}), f"{row}")
    ws.assign(team.id, ITEM, ME)
    # not a workbook at all, and a zip that unpacks to far more than a workbook holds
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    _refused(ws, junk)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/big.xml", b"\0" * (80 << 20))
    _refused(ws, bomb)
    # an inspection moved to the trash is not there to import into
    ws.delete_inspection(team.id)
    _refused(ws, path)


def test_an_answer_the_rules_refuse_is_refused_like_a_typed_one(ws, team, tmp_path):
    path = _export(ws, team, tmp_path)
    row = _row_of(path, ITEM)
    # "not applicable" without a justification cannot be saved by typing it either
    message = _refused(ws, _fill(path, tmp_path / "na.xlsx", {f"F{row}": "該当なし"}), ITEM)
    assert "Traceback" not in message
    _person, result = ws.delegate_import(
        _fill(path, tmp_path / "na-ok.xlsx", {f"F{row}": "該当なし", f"M{row}": "当社は該当業務なし"})
    )
    assert ws.answers(team.id)[ITEM].status == "na" and result.updated == [ITEM]


def test_cli_assign_mine_and_delegate(ws, team, data_dir, tmp_path):
    ws.close()
    env = {"TENKEN_HOME": str(data_dir)}
    out = run_cli("assign", str(team.id), "1-1", "--to", ME, "--due", "2026-12-01", env=env)
    assert out.returncode == 0 and ME in out.stdout, out.stderr
    out = run_cli("assign", str(team.id), "1-1", "--to", "誰か", env=env)
    assert out.returncode == 1 and "誰か" in out.stderr and "Traceback" not in out.stderr
    out = run_cli("mine", "--person", ME, "--json", env=env)
    [row] = json.loads(out.stdout)
    assert (row["item"], row["due"], row["assignee"]) == (ITEM, "2026-12-01", ME)
    book = tmp_path / "book.xlsx"
    out = run_cli("delegate", "export", str(team.id), "--to", ME, "-o", str(book), "--lang", "en", env=env)
    assert out.returncode == 0 and book.is_file(), out.stderr
    filled = _fill(book, tmp_path / "filled.xlsx", {"G2": "from the spreadsheet"})
    out = run_cli("delegate", "import", str(filled), env=env)
    assert out.returncode == 0 and ME in out.stdout, out.stderr
    out = run_cli("delegate", "import", str(filled), env=env)
    assert out.returncode == 0 and "filled.xlsx" in out.stdout
    out = run_cli("unassign", str(team.id), "1-1", env=env)
    assert out.returncode == 0
    assert json.loads(run_cli("mine", "--all", "--json", env=env).stdout) == []


# --- who answered and who reviewed (tui.domain.people.attribution) ----------------------------------------


def test_who_answered_and_who_reviewed_is_defined_by_the_change_rows_and_roles():
    from tui.domain.people import ItemPeople, Person, attribution, everyone
    from tui.domain.sync import HLC, Change

    people = [
        Person(1, "u1", "高橋", "preparer"),
        Person(2, "u2", "佐藤", "reviewer"),
        Person(3, "u3", "田中", "officer"),
    ]
    n = iter(range(1, 100))

    def c(item: str, field: str, person: str) -> Change:
        k = next(n)
        return Change(f"c{k}", "i", item, field, "v", (), HLC(1000 + k, 0, "d"), person, "d")

    rows = [
        c("a", "note", "高橋"),
        c("a", "status", "高橋"),
        c("a", "status", "佐藤"),  # the reviewer changed the status: reviewed by 佐藤
        c("a", "note", "root"),  # an OS login names nobody
        c("b", "status", "田中"),  # only the officer touched it: answered and reviewed by 田中
        c("c", "note", "高橋"),
        c("c", "assignee", "佐藤"),  # assigning is not answering
        c("d", "assignee", "佐藤"),
    ]
    got = attribution(rows, people)
    assert got["a"] == ItemPeople(("高橋",), "佐藤")
    assert got["b"] == ItemPeople(("田中",), "田中")
    assert got["c"] == ItemPeople(("高橋",), "")
    assert "d" not in got
    # with the inspection signed off, an item no reviewer changed is reviewed by the officer who signed
    assert attribution(rows, people, signed_off_by="田中")["c"].reviewed_by == "田中"
    assert attribution(rows, people, signed_off_by="高橋")["c"].reviewed_by == ""  # only an officer signs off
    assert everyone(got.values()) == (("高橋", "田中"), ("佐藤", "田中"))


def test_reports_name_who_answered_and_who_reviewed(ws, team, tmp_path):
    from tui.export import export_report

    ws.use_person(ME)
    ws.save_answer(team.id, ITEM, note="高橋が記入")
    ws.use_person("佐藤")
    ws.save_answer(team.id, ITEM, status="partial")
    report = ws.report(team.id, "ja")
    row = next(r for r in report.annex if r.item_id == ITEM)
    assert (row.answered_by, row.reviewed_by) == ((ME,), "佐藤")
    assert report.answered_by == (ME,) and report.reviewed_by == ("佐藤",)
    text = export_report(report, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"**回答者:** {ME}" in text and "**確認者:** 佐藤" in text
    html = export_report(ws.report(team.id, "en"), "html", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Answered by" in html and "Reviewed by" in html and ME in html
    export_report(report, "docx", tmp_path / "r.docx")
    export_report(report, "xlsx", tmp_path / "r.xlsx")
    cells = [str(c.value) for s in load_workbook(tmp_path / "r.xlsx").worksheets for r in s.iter_rows() for c in r]
    assert any("佐藤" in v for v in cells)


# --- the TUI ------------------------------------------------------------------------------------------------


async def test_the_inspection_screen_assigns_the_item_with_a_key_and_my_items_opens_it(ws, team, app_factory):
    from tests.conftest import open_inspection, wait_until
    from tui.screens.inspection import InspectionScreen
    from tui.screens.team import AssignDialog, MyItemsScreen

    ws.use_person(ME)
    app = app_factory("ja")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: app.screen.id == "home" or isinstance(app.screen, InspectionScreen))
        screen = await open_inspection(pilot)
        item = screen.current
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AssignDialog))
        dialog = app.screen
        names = dialog.names
        await pilot.press(*["down"] * names.index(ME))
        await pilot.press("enter")  # the person chosen: on to the due date
        await pilot.pause()
        for ch in "来週":
            await pilot.press(ch)
        dialog.accept()
        await pilot.pause()
        assert isinstance(app.screen, AssignDialog)  # not a date: the dialog says so and stays
        assert "来週" in str(app.screen.query_one("#dialog-error").render())
        due = dialog.query_one("#assign-due")
        due.value = "2026-12-24"
        dialog.accept()
        await wait_until(pilot, lambda: app.ws.answers(screen.inspection_id)[item].assignee == ME)
        await pilot.pause()
        saved = app.ws.answers(screen.inspection_id)[item]
        assert (saved.assignee, saved.assignee_due) == (ME, dt.date(2026, 12, 24))
        assert ME in str(screen.query_one("#meta").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MyItemsScreen))
        assert [a.item_id for a in app.screen.rows] == [item]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InspectionScreen))
        assert app.screen.current == item
