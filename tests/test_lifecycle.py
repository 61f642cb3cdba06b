"""Finalize, reopen, compare, evidence files, bundles between laptops."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tui.store import StoreError
from tui.store.bundle import BundleError
from tui.workspace import NotReady, Workspace

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)


def test_finalize_locks_and_reopen_makes_a_new_revision(ws, demo):
    with pytest.raises(StoreError):
        ws.finalize(demo.id, "  ")
    with pytest.raises(NotReady):  # the demo is partly answered
        ws.finalize(demo.id, "システム統括管理責任者 田中花子")
    info = ws.finalize(demo.id, "システム統括管理責任者 田中花子", allow_incomplete=True)
    assert info.finalized and info.finalized_by.endswith("田中花子")
    with pytest.raises(StoreError):
        ws.save_answer(demo.id, "notice.4.ha", note="after sign-off")
    report = ws.report(demo.id, "ja")
    assert not report.draft and report.finalized_by.endswith("田中花子")
    new = ws.reopen(demo.id)
    assert new.revision == 2 and not new.finalized
    assert ws.store.answers(new.id)["notice.5.ro"].finding == ws.store.answers(demo.id)["notice.5.ro"].finding
    ws.save_answer(new.id, "notice.5.ro", status="compliant")
    diffs = ws.compare(demo.id, new.id)
    assert [(d.item_id, d.field, d.left, d.right) for d in diffs] == [
        ("notice.5.ro", "status", "noncompliant", "compliant")
    ]
    assert ws.report(new.id, "ja").draft


def test_evidence_file_is_hashed_and_changes_are_flagged(ws, demo, tmp_path: Path):
    policy = tmp_path / "CSIRT規程.pdf"
    policy.write_bytes(b"version 1")
    answer = ws.add_evidence(demo.id, "notice.5.ro", "CSIRT規程", policy)
    assert answer.evidence[-1].sha256 and answer.evidence[-1].path == str(policy.resolve())
    row = next(r for r in ws.report(demo.id, "ja").annex if r.item_id == "notice.5.ro")
    assert row.evidence[-1].status == "ok" and not row.evidence[-1].flag
    policy.write_bytes(b"version 2")
    row = next(r for r in ws.report(demo.id, "en").annex if r.item_id == "notice.5.ro")
    assert row.evidence[-1].status == "changed" and "changed" in row.evidence[-1].flag
    policy.unlink()
    report = ws.report(demo.id, "ja")
    row = next(r for r in report.annex if r.item_id == "notice.5.ro")
    assert row.evidence[-1].status == "missing"
    from tui.export.markdown import render_markdown

    assert "⚠" in render_markdown(report)


def _snapshot(ws: Workspace, inspection_id: int) -> dict:
    info = ws.inspection(inspection_id)
    return {
        "dates": (info.received_on, info.due_on, info.revision),
        "items": ws.store.inspection_items(inspection_id),
        "answers": {
            k: (
                a.status,
                a.note,
                a.finding,
                a.risk,
                a.remediation,
                a.owner,
                a.target_date,
                a.justification,
                a.evidence,
                a.updated_at,
            )
            for k, a in ws.store.answers(inspection_id).items()
        },
        "history": [
            (h.item_id, h.field, h.old, h.new, h.changed_at, h.changed_by) for h in ws.store.history(inspection_id)
        ],
    }


def test_bundle_round_trip_recreates_the_inspection_exactly(ws, demo, tmp_path: Path):
    bundle = ws.export_bundle(demo.id, tmp_path / "sample.tenken")
    other = Workspace(tmp_path / "other-laptop")
    try:
        result = other.import_bundle(bundle)
        assert result.created
        assert _snapshot(other, result.inspection_id) == _snapshot(ws, demo.id)
        assert other.firms()[0].profile == ws.firms()[0].profile
    finally:
        other.close()


def test_importing_over_an_existing_inspection_keeps_every_edit_and_reports_conflicts(
    ws, demo, tmp_path: Path, monkeypatch
):
    """Issue 19: no longer "the newer whole answer wins by each laptop's clock". Both laptops changed the note of
    notice.4.ni without seeing each other's change: that is a conflict for a person, with both notes kept."""
    import datetime as dt

    from tui.store import models

    bundle_path = tmp_path / "b.tenken"
    ws.export_bundle(demo.id, bundle_path)
    other = Workspace(tmp_path / "laptop2")
    try:
        copy = other.import_bundle(bundle_path).inspection_id
        monkeypatch.setattr(models, "now", lambda: dt.datetime(2030, 1, 1, 9, 0))
        other.save_answer(copy, "notice.4.ni", note="consultant's newer note")
        monkeypatch.setattr(models, "now", lambda: dt.datetime(2029, 1, 1, 9, 0))
        ws.save_answer(demo.id, "notice.4.ni", note="older local note")
        monkeypatch.setattr(models, "now", lambda: dt.datetime(2031, 1, 1, 9, 0))
        ws.save_answer(demo.id, "notice.5.ho", note="newest here")
        back = tmp_path / "back.tenken"
        other.export_bundle(copy, back)
        result = ws.import_bundle(back)
        assert not result.created and result.inspection_id == demo.id
        assert result.conflicts == [("notice.4.ni", "note")]
        answers = ws.store.answers(demo.id)
        assert answers["notice.5.ho"].note == "newest here"
        conflict = ws.conflicts(demo.id)[0]
        assert set(conflict.values) == {"older local note", "consultant's newer note"}
        notes = [h.new for h in ws.store.history(demo.id, "notice.4.ni") if h.field == "note"]
        assert "older local note" in notes and "consultant's newer note" in notes
        # a person settles it; the settled value travels back and ends the conflict on the other laptop too
        ws.resolve_conflict(demo.id, "notice.4.ni", "note", "consultant's newer note")
        assert not ws.conflicts(demo.id)
        ws.export_bundle(demo.id, tmp_path / "settled.tenken")
        other.import_bundle(tmp_path / "settled.tenken")
        assert not other.conflicts(copy)
        assert other.store.answers(copy)["notice.4.ni"].note == "consultant's newer note"
    finally:
        other.close()


def test_two_laptops_edit_different_fields_of_one_answer_and_both_edits_are_kept(ws, demo, tmp_path: Path):
    """The story of issue 19: A edits the note, a second later B edits only the owner, A imports B's bundle."""
    ws.export_bundle(demo.id, tmp_path / "a.tenken")
    b = Workspace(tmp_path / "laptopB")
    try:
        copy = b.import_bundle(tmp_path / "a.tenken").inspection_id
        ws.save_answer(demo.id, "notice.4.ni", note="A: 権限は四半期ごとに棚卸し")
        b.save_answer(copy, "notice.4.ni", owner="B: システム部 高橋")
        b.export_bundle(copy, tmp_path / "b.tenken")
        result = ws.import_bundle(tmp_path / "b.tenken")
        answer = ws.store.answers(demo.id)["notice.4.ni"]
        assert answer.note == "A: 権限は四半期ごとに棚卸し" and answer.owner == "B: システム部 高橋"
        assert not result.conflicts
        # the same bundle again changes nothing; B importing A's state leaves both laptops equal
        before = ws.store.answers(demo.id)
        again = ws.import_bundle(tmp_path / "b.tenken")
        assert ws.store.answers(demo.id) == before and again.history_added == 0
        ws.export_bundle(demo.id, tmp_path / "a2.tenken")
        b.import_bundle(tmp_path / "a2.tenken")
        fields = ("status", "note", "finding", "risk", "remediation", "owner", "target_date", "justification")
        mine = {k: tuple(getattr(a, f) for f in fields) for k, a in ws.store.answers(demo.id).items()}
        theirs = {k: tuple(getattr(a, f) for f in fields) for k, a in b.store.answers(copy).items()}
        assert mine == theirs
        # the history names the person and the device of each change
        rows = [c for c in ws.store.changes(demo.id) if c.item_id == "notice.4.ni" and c.field == "owner"]
        assert rows[-1].device == b.store.device_id() and rows[-1].device != ws.store.device_id()
    finally:
        b.close()


@pytest.mark.parametrize("kind", ["text", "gzip-not-json", "foreign-json", "tampered", "newer"])
def test_a_damaged_or_foreign_bundle_is_refused_and_changes_nothing(ws, demo, tmp_path: Path, kind):
    good = ws.export_bundle(demo.id, tmp_path / "good.tenken")
    bad = tmp_path / "bad.tenken"
    if kind == "text":
        bad.write_text("hello")
    elif kind == "gzip-not-json":
        bad.write_bytes(gzip.compress(b"{not json"))
    elif kind == "foreign-json":
        bad.write_bytes(gzip.compress(json.dumps({"format": "something-else"}).encode()))
    else:
        document = json.loads(gzip.decompress(good.read_bytes()))
        if kind == "tampered":
            document["payload"]["inspection"]["answers"][0]["note"] = "forged"
        else:
            document["version"] = 99
        bad.write_bytes(gzip.compress(json.dumps(document).encode()))
    before = _snapshot(ws, demo.id)
    with pytest.raises(BundleError):
        ws.import_bundle(bad)
    assert _snapshot(ws, demo.id) == before
    assert len(ws.firms()) == 1


def test_cli_bundle_and_finalize(tmp_path: Path):
    assert run_cli("demo").returncode == 0
    path = tmp_path / "x.tenken"
    assert run_cli("bundle", "export", "1", str(path)).returncode == 0
    again = run_cli("bundle", "export", "1", str(path))
    assert again.returncode == 1 and "--force" in again.stderr
    other = {"TENKEN_HOME": str(tmp_path / "second")}
    imported = run_cli("bundle", "import", str(path), env=other)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(run_cli("list", "--json", env=other).stdout)[0]["name"] == "株式会社サンプル"
    junk = tmp_path / "junk.tenken"
    junk.write_text("junk")
    refused = run_cli("bundle", "import", str(junk), env=other)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    refused = run_cli("finalize", "1", "--officer", "田中")
    assert refused.returncode == 1 and "--allow-incomplete" in refused.stderr
    assert run_cli("finalize", "1", "--officer", "田中", "--allow-incomplete").returncode == 0
    assert run_cli("reopen", "1").returncode == 0
    compared = run_cli("compare", "1", "2", "--json")
    assert compared.returncode == 0 and json.loads(compared.stdout) == []
