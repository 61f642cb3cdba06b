"""The command line as scripts use it: exit statuses, one-sentence errors, JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tui import __version__

GOOD_PROFILE = """\
name: 株式会社テスト
business: [crypto-exchange, online-securities]
staff: 12
uses_cloud: true
outsourcing: multi-tier
online_transactions: true
custody: true
"""


def _no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"tenken {__version__}"


def test_bad_usage_is_exit_2_with_one_sentence():
    proc = run_cli("frobnicate")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("tenken: ")
    _no_traceback(proc)


def test_init_profile_then_list_json(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(GOOD_PROFILE, encoding="utf-8")
    proc = run_cli("init", "--profile", str(profile))
    assert proc.returncode == 0, proc.stderr
    listing = run_cli("list", "--json")
    data = json.loads(listing.stdout)
    assert data[0]["name"] == "株式会社テスト"
    assert data[0]["size"] == "small"
    assert data[0]["inspections"] == []


def test_profile_with_unknown_field_names_field_and_line(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(GOOD_PROFILE + "colour: blue\n", encoding="utf-8")
    proc = run_cli("init", "--profile", str(profile), env={"LANG": "en_US.UTF-8"})
    assert proc.returncode == 1
    assert "line 8" in proc.stderr and "colour" in proc.stderr and "unknown field" in proc.stderr
    _no_traceback(proc)


def test_profile_with_wrong_value_says_expected_form(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(GOOD_PROFILE.replace("staff: 12", "staff: many"), encoding="utf-8")
    proc = run_cli("init", "--profile", str(profile), env={"LANG": "en_US.UTF-8"})
    assert proc.returncode == 1
    assert "line 3" in proc.stderr and "'staff'" in proc.stderr and "whole number" in proc.stderr
    _no_traceback(proc)
    ja = run_cli("init", "--profile", str(profile))
    assert ja.returncode == 1 and "整数" in ja.stderr and "3" in ja.stderr


def test_profile_yaml_syntax_error(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: [unclosed\nstaff: 3\n", encoding="utf-8")
    proc = run_cli("init", "--profile", str(profile), env={"LANG": "en_US.UTF-8"})
    assert proc.returncode == 1 and "YAML" in proc.stderr and str(profile) in proc.stderr
    _no_traceback(proc)


def test_show_json_fields():
    proc = run_cli("show", "fsa-notice-2020:5.ro", "--json")
    assert proc.returncode == 0, proc.stderr
    [item] = json.loads(proc.stdout)
    assert item["ref"] == "fsa-notice-2020:5.ro"
    assert item["level"] == "shall"
    assert "CSIRT" in item["ja"] and "CSIRT" in item["en"]
    for key in ("guidelines", "equivalents", "article", "rulebook"):
        assert key in item


def test_show_loose_refs_resolve():
    proc = run_cli("show", "周知文 ⑤ロ", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["ref"] == "fsa-notice-2020:5.ro"


def test_show_unknown_ref_is_exit_1_with_nearest():
    proc = run_cli("show", "fsa-notice-2020:9.zz", env={"LANG": "en_US.UTF-8"})
    assert proc.returncode == 1
    assert "no such provision" in proc.stderr and "Nearest" in proc.stderr
    _no_traceback(proc)


def test_demo_then_report_md(tmp_path: Path):
    assert run_cli("demo").returncode == 0
    again = run_cli("demo")
    assert again.returncode == 0
    data = json.loads(run_cli("list", "--json").stdout)
    assert len(data) == 1, "running demo twice must not duplicate the firm"
    inspection = data[0]["inspections"][0]
    assert inspection["answered"] >= 5 and inspection["total"] > inspection["answered"]
    out = tmp_path / "r.md"
    proc = run_cli("report", str(inspection["id"]), "--format", "md", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "株式会社サンプル" in text and "CSIRTの体制・役割が文書化されていない。" in text
    again = run_cli("report", str(inspection["id"]), "--format", "md", "--out", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    assert out.read_text(encoding="utf-8") == text
    en = tmp_path / "r-en.md"
    assert run_cli("report", str(inspection["id"]), "--format", "md", "--out", str(en), "--lang", "en").returncode == 0
    assert "Problems and vulnerabilities found" in en.read_text(encoding="utf-8")


def test_corrupt_database_is_exit_1_and_untouched(data_dir: Path):
    data_dir.mkdir(mode=0o700)
    db = data_dir / "tenken.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    proc = run_cli("list")
    assert proc.returncode == 1
    assert str(db) in proc.stderr
    assert proc.stderr.count("\n") == 1
    _no_traceback(proc)
    assert db.read_bytes() == b"garbage" * 1000


def test_report_for_missing_inspection():
    proc = run_cli("report", "99", "--format", "md", "--out", "x.md")
    assert proc.returncode == 1
    _no_traceback(proc)


def test_scope_of_a_firm_already_in_tenken(demo, data_dir):
    """A firm made in the TUI has no profile file: `tenken scope --firm ID` lists its scope all the same."""
    import json

    env = {"TENKEN_HOME": str(data_dir)}
    out = run_cli("scope", "--firm", str(demo.firm_id), "--json", env=env)
    assert out.returncode == 0, out.stderr
    items = {row["id"] for row in json.loads(out.stdout)}
    assert any(i.startswith("jvcea.") for i in items) and any(i.startswith("notice.") for i in items)
    out = run_cli("scope", "--firm", "99", env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1
