"""Named people and conflicts settled by a person, through the CLI and the TUI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli, wait_until
from tui.workspace import UserError, Workspace

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)


def _conflict(ws, demo, tmp_path: Path) -> Workspace:
    """Two laptops change the note of notice.4.ni without seeing each other's change; this one imports."""
    ws.export_bundle(demo.id, tmp_path / "a.tenken")
    other = Workspace(tmp_path / "laptopB")
    copy = other.import_bundle(tmp_path / "a.tenken").inspection_id
    other.save_answer(copy, "notice.4.ni", note="B の備考")
    ws.save_answer(demo.id, "notice.4.ni", note="A の備考")
    other.export_bundle(copy, tmp_path / "b.tenken")
    ws.import_bundle(tmp_path / "b.tenken")
    return other


def test_people_have_roles_and_only_an_officer_signs_off(ws, demo):
    ws.add_person("田中花子", "officer")
    me = ws.add_person("高橋", "preparer", use=True)
    assert ws.current_person() == me
    ws.save_answer(demo.id, "notice.4.ha", note="高橋が記入")
    change = [c for c in ws.store.changes(demo.id) if c.item_id == "notice.4.ha" and c.field == "note"][-1]
    assert change.person == "高橋" and change.device == ws.store.device_id()
    # a preparer at the keyboard cannot finalize, not even by typing the officer's name (issue 19: only a reviewer
    # or an officer finalizes)
    with pytest.raises(UserError, match="高橋"):
        ws.finalize(demo.id, "システム統括管理責任者 田中花子", allow_incomplete=True)
    assert not ws.inspection(demo.id).finalized
    ws.add_person("鈴木", "reviewer", use=True)
    with pytest.raises(UserError, match="田中花子"):
        ws.finalize(demo.id, "鈴木", allow_incomplete=True)  # the reviewer finalizes, but the signer is an officer
    with pytest.raises(UserError):
        ws.finalize(demo.id, "副田中花子", allow_incomplete=True)  # a name that merely ends the same is not hers
    # the officer as the profile writes it, with a title, is the same person
    assert ws.finalize(demo.id, "システム統括管理責任者 田中花子", allow_incomplete=True).finalized


def test_cli_person_and_conflicts(ws, demo, data_dir, tmp_path):
    other = _conflict(ws, demo, tmp_path)
    other.close()
    env = {"TENKEN_HOME": str(data_dir)}
    out = run_cli("conflicts", "list", "--json", env=env)
    rows = json.loads(out.stdout)
    assert rows[0]["item"] == "notice.4.ni" and {v["value"] for v in rows[0]["values"]} == {"A の備考", "B の備考"}
    out = run_cli("conflicts", "resolve", str(demo.id), "notice.4.ni", "note", "--pick", "7", env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    out = run_cli("conflicts", "resolve", str(demo.id), "notice.4.ni", "note", "--value", "A と B の備考", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(run_cli("conflicts", "list", "--json", env=env).stdout) == []
    out = run_cli("person", "add", "田中花子", "--role", "officer", "--use", env=env)
    assert out.returncode == 0
    assert json.loads(run_cli("person", "list", "--json", env=env).stdout)[0]["current"] is True
    out = run_cli("person", "add", "x", "--role", "boss", env=env)
    assert out.returncode == 2


async def test_the_conflicts_screen_settles_a_conflict_with_a_key(ws, demo, tmp_path, app_factory):
    from tui.screens.team import ConflictsScreen

    _conflict(ws, demo, tmp_path).close()
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        values = [h.value for h in app.ws.conflicts(demo.id)[0].heads]
        await pilot.press("2")
        await pilot.pause()
        assert not app.ws.conflicts(demo.id)
        assert app.ws.answers(demo.id)["notice.4.ni"].note == values[1]


async def test_tenken_asks_who_is_using_it_once_people_are_named(ws, demo, app_factory):
    from tui.screens.team import PersonDialog

    ws.add_person("田中花子", "officer")
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await wait_until(pilot, lambda: isinstance(app.screen, PersonDialog))  # shown once the home screen is up
        await pilot.press("enter")
        await pilot.pause()
        assert app.ws.current_person() is not None and app.ws.current_person().name == "田中花子"


def test_a_save_of_another_field_leaves_a_conflict_alone_and_settling_replaces_both_heads(ws, demo, tmp_path):
    """Saves read only the heads of the fields they change (issue 19): the conflicting note stays a conflict when
    the owner is saved, and settling the note makes one head again, on SQLite and PostgreSQL."""
    _conflict(ws, demo, tmp_path).close()
    assert [(c.item_id, c.field) for c in ws.conflicts(demo.id)] == [("notice.4.ni", "note")]
    ws.answers(demo.id)  # what this person sees
    _answer, clashes = ws.save_answer_checked(demo.id, "notice.4.ni", owner="総務部")
    assert clashes == []
    assert [(c.item_id, c.field) for c in ws.conflicts(demo.id)] == [("notice.4.ni", "note")]
    heads = ws.store.field_heads(demo.id, "notice.4.ni")
    assert len(heads["note"]) == 2 and len(heads["owner"]) == 1
    assert ws.store.field_heads(demo.id, "notice.4.ni", ["note"]) == {"note": heads["note"]}
    ws.store.save_answer(demo.id, "notice.4.ni", {"note": "両方の備考"}, resolve=True)
    assert ws.conflicts(demo.id) == []
    assert len(ws.store.field_heads(demo.id, "notice.4.ni", ["note"])["note"]) == 1
