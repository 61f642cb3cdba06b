"""The Japanese catalog is complete, current with the source, not fuzzy, compiled; formatting follows the locale."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tui.i18n import _, detect_language, format_date, gettext_in, set_language

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "locales" / "ja" / "LC_MESSAGES" / "tenken.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "gettext_in": (2,)}


def _source_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(REPO / "tui"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="ja")


def test_every_message_has_a_japanese_translation():
    catalog = _catalog()
    missing = []
    for msgid in sorted(_source_ids()):
        entry = catalog.get(msgid)
        strings = (
            entry.string if entry is not None and isinstance(entry.string, tuple) else (entry.string if entry else "",)
        )
        if entry is None or not all(strings):
            missing.append(msgid)
    assert not missing, f"{len(missing)} messages lack a Japanese translation, e.g. {missing[:5]}"


def test_catalog_is_current_with_the_source():
    source = _source_ids()
    stale = sorted(
        m.id if isinstance(m.id, str) else m.id[0]
        for m in _catalog()
        if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in source
    )
    assert not stale, f"the catalog has entries no longer in the source (run pybabel update): {stale[:5]}"


def test_no_fuzzy_entries():
    fuzzy = [m.id for m in _catalog() if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries: {fuzzy[:5]}"


def test_placeholders_survive_translation():
    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = sorted(re.findall(r"\{[^}]*\}", ids[0]))
        for s in strings:
            assert sorted(re.findall(r"\{[^}]*\}", s)) == want, (ids[0], s)


def test_compiled_catalog_matches_the_po():
    with MO.open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    source = {m.id: m.string for m in _catalog() if m.id}
    assert compiled == source, "run `pybabel compile -d locales -D tenken`"


def test_runtime_switch_changes_strings():
    set_language("en")
    assert _("Firms and inspections") == "Firms and inspections"
    set_language("ja")
    assert _("Firms and inspections") != "Firms and inspections"
    assert gettext_in("ja", "compliant") == "適合"


def test_dates_follow_the_locale():
    day = dt.date(2026, 12, 23)
    assert format_date(day, "ja") == "2026年12月23日"
    assert format_date(day, "en") == "December 23, 2026"


def test_language_detection():
    assert detect_language({"LANG": "en_US.UTF-8"}) == "en"
    assert detect_language({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert detect_language({"LANG": "C.UTF-8"}) == "ja"
    assert detect_language({"LANGUAGE": "en:ja", "LANG": "ja_JP.UTF-8"}) == "en"
    assert detect_language({}) == "ja"


def test_argparse_speaks_tenkens_language_when_the_locale_is_c(tmp_path):
    """On a server with LANG=C tenken speaks Japanese (its default); argparse's own words did not follow ("options:",
    "show this help message and exit" under Japanese help text)."""
    from tests.conftest import run_cli

    env = {"LANG": "C", "LC_ALL": "", "LANGUAGE": "", "LC_MESSAGES": "", "TENKEN_HOME": str(tmp_path)}
    out = run_cli("train", "--help", env=env)
    assert "研修" in out.stdout and "オプション" in out.stdout and "show this help" not in out.stdout
    out = run_cli("report", env=env)
    assert out.returncode == 2 and "次の引数が必要です" in out.stderr
    english = run_cli("train", "--help", env={**env, "LANG": "en_US.UTF-8"})
    assert "options:" in english.stdout and "オプション" not in english.stdout
