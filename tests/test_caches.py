"""Caches are data only (JSON) and keyed on the code that builds them: a hostile or damaged cache file is ignored
and rebuilt, never executed, and a change to that code never meets an old cache."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from tui.content import cache as cache_mod
from tui.content.loader import CACHED_CODE, _all_content_files, load_search_index
from tui.content.titles import load_template_titles
from tui.domain.search import SearchIndex
from tui.paths import checklists_dir


class _Bomb:
    """Unpickling this touches `marker`: what a replaced cache file could do with os.system instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def _bomb(marker: Path) -> bytes:
    data = pickle.dumps(_Bomb(marker))
    probe = marker.with_name("probe")
    pickle.loads(pickle.dumps(_Bomb(probe)))  # the bomb is live: unpickling it does run code
    assert probe.exists()
    probe.unlink()
    return data


def _tiny_index(*_args: object) -> SearchIndex:
    index = SearchIndex()
    index.add("fsa-notice-2020:4.ha", "provision", "fsa-notice-2020", "4", "ja", "障害対応", "障害の報告", 1)
    index.finish()  # BM25 weights once every entry is in (the search pipeline of issue 17)
    return index


@pytest.fixture
def counted_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the (slow) index builder by a tiny one and count its calls."""
    import tui.domain.search

    calls: list[int] = []

    def build(*args: object) -> SearchIndex:
        calls.append(1)
        return _tiny_index()

    monkeypatch.setattr(tui.domain.search, "build_index", build)
    return calls


def _use_every_cache(data_dir: Path) -> tuple[list[dict[str, object]], dict[str, str], str]:
    """What a session reads from the cache folder: formatted dates, template titles, corpus, search index."""
    import datetime as dt

    from tui.i18n import format_date
    from tui.workspace import Workspace

    ws = Workspace(data_dir)
    try:
        ws.apply_language()
        titles = {k: t.ja for k, t in ws.library.template_titles().items()}
        hits = [h.as_json() for h in ws.search_index.search("障害", limit=3)]
        return hits, titles, format_date(dt.date(2026, 11, 23))
    finally:
        ws.close()


def test_cache_files_replaced_by_pickles_are_ignored_never_executed(data_dir: Path, tmp_path: Path) -> None:
    from tui.paths import cache_dir

    before = _use_every_cache(data_dir)
    files = sorted(cache_dir(data_dir).iterdir())
    assert len(files) >= 3  # formats, titles, search index
    marker = tmp_path / "pwned"
    bomb = _bomb(marker)
    for f in files:
        f.write_bytes(bomb)
    (cache_dir(data_dir) / "corpus-0123.pickle").write_bytes(bomb)  # as earlier versions left it
    after = _use_every_cache(data_dir)
    assert not marker.exists()
    assert after == before
    assert not list(cache_dir(data_dir).glob("*.pickle"))
    assert before[0] and before[1]["fsa-notice-2020"].startswith("オンライン取引に係る")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"entries": [[0, "x"]], "unigrams": {}, "bigrams": {}}',
        b'{"entries": [], "unigrams": {"a": [5]}, "bigrams": {}}',  # a posting past the last entry
        b'{"entries": [], "unigrams": {"a": ["0"]}, "bigrams": {}}',
        b"[" * 100_000 + b"]" * 100_000,  # nesting deep enough to exhaust the parser
    ],
)
def test_damaged_search_cache_is_rebuilt(ws, tmp_path: Path, counted_builds: list[int], content: bytes) -> None:
    key = cache_mod.cache_key(CACHED_CODE, _all_content_files(None))
    (tmp_path / f"search-{key}.json").write_bytes(content)
    index = load_search_index(ws.corpus, {}, {}, tmp_path)
    assert counted_builds == [1]
    assert [h.ref for h in index.search("障害")] == ["fsa-notice-2020:4.ha"]


def test_a_change_to_the_code_rebuilds_the_cache(
    ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted_builds: list[int]
) -> None:
    # A copy of the package the cache key reads its code from, so that a dataclass can be "edited".
    tui_copy = tmp_path / "tui"
    for part in CACHED_CODE:
        shutil.copytree(cache_mod._TUI / part, tui_copy / part)
    monkeypatch.setattr(cache_mod, "_TUI", tui_copy)
    monkeypatch.setattr(cache_mod, "_code_hashes", {})
    cache = tmp_path / "cache"
    load_search_index(ws.corpus, {}, {}, cache)
    load_search_index(ws.corpus, {}, {}, cache)
    assert counted_builds == [1]  # the second load came from the cache

    corpus_py = tui_copy / "domain" / "corpus.py"
    corpus_py.write_text(
        corpus_py.read_text(encoding="utf-8").replace(
            "class Rulebook:", "class Rulebook:\n    abbrev: str = ''  # a new field", 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(cache_mod, "_code_hashes", {})  # a new process: the code is hashed afresh
    load_search_index(ws.corpus, {}, {}, cache)
    assert counted_builds == [1, 1]
    assert len(list(cache.glob("search-*.json"))) == 1  # the stale entry is gone


def test_a_changed_template_file_changes_the_titles(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    user = tmp_path / "templates"
    user.mkdir()
    assert "my-check" not in load_template_titles(user, cache)
    shipped = checklists_dir() / "templates" / "fsi-bcp.yaml"
    text = shipped.read_text(encoding="utf-8")
    (user / "mine.yaml").write_text(text.replace("id: fsi-bcp", "id: my-check", 1), encoding="utf-8")
    titles = load_template_titles(user, cache)
    assert titles["my-check"] == titles["fsi-bcp"]


def test_cache_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caches hold rule text and the firm's template titles: readable by the user only, like the database."""
    import stat

    from tui import i18n

    for name in ("_memo", "_memo_path", "_memo_dirty"):  # the format cache is the process's: put it back after
        monkeypatch.setattr(i18n, name, getattr(i18n, name))

    cache_mod.write_cache(tmp_path / "cache", "titles", "k", {"a": ["あ", "a"]})
    i18n.use_format_cache(tmp_path / "cache" / "formats.json")
    i18n.format_date(__import__("datetime").date(2027, 1, 31), "ja")
    i18n.save_format_cache()
    files = sorted((tmp_path / "cache").iterdir())
    assert [f.name for f in files] == ["formats.json", "titles-k.json"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), [oct(f.stat().st_mode) for f in files]
