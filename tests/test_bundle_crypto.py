"""Bundles for the road (issue 19, point 3): encrypted with age, carrying the evidence files, checked on import."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest

from tests.conftest import run_cli
from tui.paths import DB_FILENAME
from tui.store.bundle import BundleError
from tui.store.db import StoreError
from tui.store.sealed import SealError
from tui.workspace import Workspace

PASS = "hanami-sakura-2026"  # told by phone, never written in the bundle
ITEM = "notice.4.ni"
CONTENT = b"%PDF-1.4 kitei " * 1000


def _dump(data_dir: Path) -> str:
    con = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def sender(ws, demo, tmp_path: Path):
    """The demo inspection with one evidence file recorded on the sending laptop."""
    docs = tmp_path / "sender-docs"
    docs.mkdir()
    file = docs / "規程 v1 (final).pdf"
    file.write_bytes(CONTENT)
    ws.add_evidence(demo.id, ITEM, "情報セキュリティ規程", file)
    return ws, demo, file


@pytest.fixture
def receiver(tmp_path: Path):
    other = Workspace(tmp_path / "receiver")
    yield other
    other.close()


def _received(other: Workspace, inspection_id: int):
    (entry,) = [e for e in other.answers(inspection_id)[ITEM].evidence if e.path]
    return entry


def _assert_received(other: Workspace, inspection_id: int, original: Path) -> None:
    entry = _received(other, inspection_id)
    local = Path(entry.path)
    assert local.parent.parent == other.data_dir / "evidence"
    assert re.fullmatch(r"[0-9a-f-]{36}", local.parent.name)  # the inspection's uid
    assert local.name.startswith(entry.sha256 + "-") and "/" not in local.name[65:]
    assert local.read_bytes() == original.read_bytes()
    assert stat.S_IMODE(local.stat().st_mode) == 0o600
    assert stat.S_IMODE(local.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(local.parent.parent.stat().st_mode) == 0o700
    assert other.evidence_status(entry) == "ok"  # no longer "the sender's path"


def test_round_trip_with_a_passphrase_carries_the_evidence_file(sender, receiver, tmp_path: Path):
    ws, demo, file = sender
    bundle = ws.export_bundle(demo.id, tmp_path / "road.tenken", passphrase=PASS)
    raw = bundle.read_bytes()
    assert raw.startswith(b"tenken-sealed/1\n")
    assert CONTENT[:30] not in raw and "サンプル".encode() not in raw and b"kitei" not in raw
    asked: list[int] = []

    def ask() -> str:
        asked.append(1)
        return PASS

    result = receiver.import_bundle(bundle, passphrase=ask)
    assert result.created and asked == [1]
    _assert_received(receiver, result.inspection_id, file)
    # the same bundle again: nothing duplicated, the evidence still points at the received copy
    receiver.import_bundle(bundle, passphrase=ask)
    assert len(_tree(receiver.data_dir / "evidence")) == 2  # the folder and one file
    _assert_received(receiver, result.inspection_id, file)


def test_round_trip_to_a_recipient_key(sender, receiver, tmp_path: Path):
    ws, demo, file = sender
    key = pyrage.x25519.Identity.generate()
    bundle = ws.export_bundle(demo.id, tmp_path / "to-key.tenken", recipients=[str(key.to_public())])
    assert bundle.read_bytes().startswith(b"age-encryption.org/v1\n")  # a standard age file
    identity = tmp_path / "key.txt"
    identity.write_text(f"# created: today\n{key}\n")
    with pytest.raises(SealError):
        receiver.import_bundle(bundle)  # no key given: a sentence, nothing imported
    assert receiver.firms() == []
    result = receiver.import_bundle(bundle, identity=identity)
    _assert_received(receiver, result.inspection_id, file)
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(str(pyrage.x25519.Identity.generate()) + "\n")
    with pytest.raises(SealError):
        Workspace(tmp_path / "third").import_bundle(bundle, identity=stranger)


def test_a_bad_recipient_key_or_a_short_passphrase_writes_nothing(sender, tmp_path: Path):
    ws, demo, _file = sender
    with pytest.raises(SealError):
        ws.export_bundle(demo.id, tmp_path / "x.tenken", recipients=["age1notakey"])
    with pytest.raises(SealError):
        ws.export_bundle(demo.id, tmp_path / "y.tenken", passphrase="short")
    assert list(tmp_path.glob("*.tenken")) == []


def test_a_changed_evidence_file_on_the_sending_laptop_stops_the_export(sender, tmp_path: Path):
    ws, demo, file = sender
    file.write_bytes(CONTENT.replace(b"kitei", b"KITEI"))
    with pytest.raises(SealError, match=r"規程 v1"):
        ws.export_bundle(demo.id, tmp_path / "x.tenken", passphrase=PASS)
    assert list(tmp_path.glob("*.tenken")) == []


def test_cli_wrong_passphrase_is_one_sentence_and_changes_nothing(sender, tmp_path: Path):
    ws, demo, file = sender
    ws.close()
    home = {"TENKEN_HOME": str(ws.data_dir)}
    path = tmp_path / "road.tenken"
    out = run_cli(
        "bundle", "export", str(demo.id), str(path), "--encrypt", env={**home, "TENKEN_BUNDLE_PASSPHRASE": PASS}
    )
    assert out.returncode == 0, out.stderr
    other_home = tmp_path / "second"
    other = {"TENKEN_HOME": str(other_home)}
    assert run_cli("demo", env=other).returncode == 0
    before = _dump(other_home)
    wrong = run_cli("bundle", "import", str(path), env={**other, "TENKEN_BUNDLE_PASSPHRASE": "not-the-passphrase"})
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1 and "Traceback" not in wrong.stderr
    assert "パスフレーズ" in wrong.stderr
    assert _dump(other_home) == before
    assert _tree(other_home / "evidence") == []
    assert not list(other_home.glob(".bundle-work-*"))  # nothing decrypted left behind
    right = run_cli("bundle", "import", str(path), env={**other, "TENKEN_BUNDLE_PASSPHRASE": PASS})
    assert right.returncode == 0, right.stderr
    assert len(_tree(other_home / "evidence")) == 2


def test_cli_without_a_terminal_or_the_variable_asks_for_it_in_one_sentence(sender, tmp_path: Path):
    ws, demo, _file = sender
    ws.close()
    env = {"TENKEN_HOME": str(ws.data_dir), "TENKEN_BUNDLE_PASSPHRASE": ""}
    out = run_cli("bundle", "export", str(demo.id), str(tmp_path / "x.tenken"), "--encrypt", env=env)
    assert out.returncode == 1 and "TENKEN_BUNDLE_PASSPHRASE" in out.stderr and out.stderr.count("\n") == 1
    assert not (tmp_path / "x.tenken").exists()


# --- archives crafted by hand: the receiver trusts nothing in them ---------------------------------------


def _rebuild(bundle: Path, key, change: Callable[[list[tuple[tarfile.TarInfo, bytes]]], None]) -> Path:
    """Decrypt a bundle sent to `key`, let `change` edit its members, encrypt it to `key` again."""
    plain = pyrage.decrypt(bundle.read_bytes(), [key])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        members = [(m, tar.extractfile(m).read() if m.isreg() else b"") for m in tar.getmembers()]
    change(members)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    forged = bundle.with_name("forged.tenken")
    forged.write_bytes(pyrage.encrypt(out.getvalue(), [key.to_public()]))
    return forged


def _tamper(members):
    for n, (info, data) in enumerate(members):
        if info.name.startswith("evidence/"):
            members[n] = (info, data[:-1] + b"X")


def _drop_file(members):
    members[:] = [(i, d) for i, d in members if not i.name.startswith("evidence/")]


def _drop_file_and_list(members):
    _drop_file(members)
    for n, (info, _data) in enumerate(members):
        if info.name == "manifest.json":
            members[n] = (info, b'{"format": "tenken-evidence", "version": 1, "files": []}')


def _extra(name: str, kind: bytes = tarfile.REGTYPE):
    def change(members):
        info = tarfile.TarInfo(name)
        info.type = kind
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/passwd"
        members.insert(0, (info, b"owned" if kind == tarfile.REGTYPE else b""))

    return change


@pytest.mark.parametrize(
    "change",
    [
        _tamper,
        _drop_file,
        _drop_file_and_list,
        _extra("../../etc/x"),
        _extra("/etc/x"),
        _extra("evidence/../../x"),
        _extra("evidence/" + "a" * 64, tarfile.SYMTYPE),
        _extra("dev", tarfile.CHRTYPE),
    ],
    ids=["hash-mismatch", "missing-file", "missing-file-and-entry", "dotdot", "absolute", "nested", "symlink", "dev"],
)
def test_a_forged_archive_is_refused_and_changes_nothing(sender, tmp_path: Path, change, monkeypatch):
    import datetime as dt

    from tui.demo import create_demo

    ws, demo, _file = sender
    key = pyrage.x25519.Identity.generate()
    good = ws.export_bundle(demo.id, tmp_path / "good.tenken", recipients=[str(key.to_public())])
    forged = _rebuild(good, key, change)
    identity = tmp_path / "key.txt"
    identity.write_text(str(key) + "\n")
    home = tmp_path / "receiver"
    receiver = Workspace(home)
    try:
        create_demo(receiver, today=dt.date(2026, 11, 23))
        before = _dump(home)
        monkeypatch.chdir(tmp_path)
        with pytest.raises(StoreError) as refused:
            receiver.import_bundle(forged, identity=identity)
        message = str(refused.value)
        assert "\n" not in message and ("何も取り込んでいません" in message or "Nothing was imported" in message)
        assert _dump(home) == before
    finally:
        receiver.close()
    assert _tree(home / "evidence") == []
    assert not list(home.glob(".bundle-work-*"))
    assert not (tmp_path / "etc").exists() and not Path("/etc/x").exists()


def test_cli_refuses_a_member_named_outside_in_one_sentence(sender, tmp_path: Path):
    ws, demo, _file = sender
    key = pyrage.x25519.Identity.generate()
    good = ws.export_bundle(demo.id, tmp_path / "good.tenken", recipients=[str(key.to_public())])
    forged = _rebuild(good, key, _extra("../../etc/x"))
    identity = tmp_path / "key.txt"
    identity.write_text(str(key) + "\n")
    home = tmp_path / "receiver"
    refused = run_cli("bundle", "import", str(forged), "--identity", str(identity), env={"TENKEN_HOME": str(home)})
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "../../etc/x" in refused.stderr
    assert _tree(home / "evidence") == [] and not (tmp_path / "etc").exists()


def test_a_forged_archive_raises_the_bundle_errors(sender, receiver, tmp_path: Path):
    ws, demo, _file = sender
    key = pyrage.x25519.Identity.generate()
    good = ws.export_bundle(demo.id, tmp_path / "good.tenken", recipients=[str(key.to_public())])
    identity = tmp_path / "key.txt"
    identity.write_text(str(key) + "\n")
    with pytest.raises(SealError, match="SHA-256"):
        receiver.import_bundle(_rebuild(good, key, _tamper), identity=identity)
    with pytest.raises(BundleError):
        receiver.import_bundle(_rebuild(good, key, _drop_file_and_list), identity=identity)
    assert receiver.firms() == []


def test_an_unencrypted_old_style_bundle_still_imports(sender, receiver, tmp_path: Path):
    ws, demo, _file = sender
    bundle = ws.export_bundle(demo.id, tmp_path / "plain.tenken")
    assert bundle.read_bytes()[:2] == b"\x1f\x8b"  # gzip JSON, as before
    result = receiver.import_bundle(bundle)
    assert result.created
    assert receiver.evidence_status(_received(receiver, result.inspection_id)) == "sender"
    assert _tree(receiver.data_dir / "evidence") == []


def test_errors_are_store_errors_for_the_cli():
    assert issubclass(SealError, StoreError) and issubclass(BundleError, StoreError)
    assert os.environ.get("TENKEN_BUNDLE_PASSPHRASE") is None


def test_a_passphrase_bundle_with_other_key_parameters_is_refused(sender, receiver, tmp_path: Path):
    """The scrypt parameters are fixed: a bundle asking for more memory than tenken allows is not opened."""
    ws, demo, _file = sender
    bundle = ws.export_bundle(demo.id, tmp_path / "road.tenken", passphrase=PASS)
    raw = bundle.read_bytes()
    head, rest = raw.split(b"\n", 2)[:2], raw.split(b"\n", 2)[2]
    assert head[1].startswith(b"scrypt 15 8 3 ")
    forged = tmp_path / "greedy.tenken"
    forged.write_bytes(head[0] + b"\n" + head[1].replace(b"scrypt 15", b"scrypt 30") + b"\n" + rest)
    with pytest.raises(SealError):
        receiver.import_bundle(forged, passphrase=lambda: PASS)
    assert receiver.firms() == []


def test_a_long_japanese_file_name_still_fits_on_the_receiving_disk(ws, demo, receiver, tmp_path: Path):
    """80 kanji are 240 bytes: with the SHA-256 in front the name would pass the 255 bytes a file name may have."""
    file = tmp_path / ("情報セキュリティ規程" * 8 + ".pdf")
    file.write_bytes(CONTENT)
    ws.add_evidence(demo.id, ITEM, "規程", file)
    bundle = ws.export_bundle(demo.id, tmp_path / "long.tenken", passphrase=PASS)
    result = receiver.import_bundle(bundle, passphrase=lambda: PASS)
    _assert_received(receiver, result.inspection_id, file)
    assert len(Path(_received(receiver, result.inspection_id).path).name.encode()) <= 255
