"""Bundles from another laptop: big legitimate ones import, every import can be undone, and fuzzed payloads either
import into something every screen and report can use or are refused with nothing changed."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from tests.hostile.corpus import HOSTILE_STRINGS, read_document, write_document
from tui.store.bundle import BundleError
from tui.workspace import UserError, Workspace


def _payload(ws, inspection_id: int) -> dict:
    from tui.store.bundle import build_payload

    return json.loads(json.dumps(build_payload(ws.store, inspection_id), default=str))


def test_an_inspection_with_5019_history_entries_imports(ws, demo, tmp_path: Path):
    bundle = ws.export_bundle(demo.id, tmp_path / "big.tenken")
    document = read_document(bundle)
    insp = document["payload"]["inspection"]
    when = dt.datetime(2026, 11, 1, 9, 0)
    insp["history"] = [
        {
            "item_id": insp["items"][n % len(insp["items"])][0],
            "field": "note",
            "old": f"v{n}",
            "new": f"v{n + 1}",
            "changed_at": (when + dt.timedelta(seconds=n)).isoformat(),
            "changed_by": "佐藤",
        }
        for n in range(5019)
    ]
    write_document(bundle, document)
    other = Workspace(tmp_path / "laptop2")
    try:
        result = other.import_bundle(bundle)
        assert result.created and result.history_added == 5019
        assert len(other.store.history(result.inspection_id)) == 5019
    finally:
        other.close()
    # and merged over the original inspection, which has its own history
    result = ws.import_bundle(bundle)
    assert not result.created and result.history_added == 5019


def test_every_import_keeps_a_backup_and_can_be_undone(tmp_path: Path):
    assert run_cli("demo").returncode == 0
    bundle = tmp_path / "x.tenken"
    assert run_cli("bundle", "export", "1", str(bundle)).returncode == 0
    document = read_document(bundle)
    answer = document["payload"]["inspection"]["answers"][0]
    answer["note"], answer["updated_at"] = "from the other laptop", dt.datetime.now().isoformat()
    write_document(bundle, document)
    before = json.loads(run_cli("list", "--json").stdout)
    assert run_cli("bundle", "import", str(bundle)).returncode == 0
    assert "before-import" in run_cli("restore").stdout  # the restore point is named after the import
    undone = run_cli("bundle", "undo")
    assert undone.returncode == 0, undone.stderr
    assert "x.tenken" in undone.stdout
    assert json.loads(run_cli("list", "--json").stdout) == before
    again = run_cli("bundle", "undo")
    assert again.returncode == 1 and again.stderr.count("\n") == 1


def test_undo_refuses_when_answers_changed_after_the_import(ws, demo, tmp_path: Path):
    bundle = ws.export_bundle(demo.id, tmp_path / "x.tenken")
    ws.import_bundle(bundle)
    ws.save_answer(demo.id, "notice.4.ha", note="typed after the import")
    with pytest.raises(UserError, match="before-import"):
        ws.import_undo_point()


def test_evidence_paths_from_a_bundle_are_the_senders_and_never_probed_here(ws, demo, tmp_path: Path, monkeypatch):
    document = read_document(ws.export_bundle(demo.id, tmp_path / "x.tenken"))
    payload = document["payload"]
    payload["firm"]["uid"], payload["inspection"]["uid"] = str(uuid.uuid4()), str(uuid.uuid4())
    payload["inspection"]["answers"][0]["evidence"] = json.dumps(
        [{"label": "鍵", "path": "/etc/shadow", "sha256": "0" * 64}, {"label": "pm", "path": "/proc/self/pagemap"}]
    )
    bundle = write_document(tmp_path / "ev.tenken", document)
    imported = ws.import_bundle(bundle).inspection_id
    probed: list[str] = []
    import tui.workspace as workspace

    monkeypatch.setattr(workspace, "file_sha256", lambda p: probed.append(str(p)) or "x")
    report = ws.report(imported, "ja")
    lines = [e for row in report.annex for e in row.evidence if e.path]
    assert probed == []
    assert {e.path for e in lines} == {"/etc/shadow", "/proc/self/pagemap"}
    assert {e.status for e in lines} == {"sender"}
    assert "送信元" in lines[0].flag
    listed = run_cli("evidence", "list", str(imported), payload["inspection"]["answers"][0]["item_id"])
    assert listed.returncode == 0 and listed.stdout.count("送信元") == 2, listed.stdout


# --- fuzzing: structure-aware mutations of a real payload ---------------------------------------------------

LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.sampled_from(HOSTILE_STRINGS + ["", "9999-12-31T00:00:00", "0001-01-01", "2026-02-30", "na", "pwned"]),
    st.text(max_size=30),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:4]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, payload: dict) -> dict:
    data = copy.deepcopy(payload)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "extra"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(VALUES)
        else:
            parent.append(draw(VALUES))
    return data


@pytest.fixture(scope="module")
def fuzz_base(tmp_path_factory: pytest.TempPathFactory):
    from tui.demo import create_demo

    home = tmp_path_factory.mktemp("fuzz") / "home"
    w = Workspace(home)
    info, _ = create_demo(w, today=dt.date(2026, 11, 23))
    w.save_answer(info.id, "notice.4.ha", evidence=())
    payload = _payload(w, info.id)
    # a firm of its own, so that accepted payloads create a second inspection that everything must then show
    payload["firm"]["uid"], payload["inspection"]["uid"] = str(uuid.uuid4()), str(uuid.uuid4())
    yield w, payload
    w.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_fuzzed_bundles_are_refused_whole_or_usable_everywhere(fuzz_base, tmp_path_factory, data) -> None:
    w, payload = fuzz_base
    mutant = data.draw(mutated(payload))
    path = tmp_path_factory.mktemp("b") / "f.tenken"
    write_document(path, {"format": "tenken-bundle", "version": 1, "payload": mutant})
    before = w.store.fingerprint()
    try:
        result = w.import_bundle(path)
    except BundleError as exc:
        assert "\n" not in str(exc) and w.store.fingerprint() == before
        return
    # accepted: everything that failed after the bad imports of old must work
    for firm in w.firms():
        assert firm.name and not any(c in firm.name for c in "\x1b\x00")
    w.report(result.inspection_id, "ja")
    w.inspection_title(w.inspection(result.inspection_id))
    w.store.history(result.inspection_id)
    undo, _name = w.import_undo_point()
    w.store.close()
    from tui.store.db import open_store, restore_backup

    restore_backup(w.data_dir, undo)
    w.store = open_store(w.data_dir)
    assert w.store.fingerprint() == before
