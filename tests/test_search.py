"""Search: normalization, references first, typo tolerance, relevance on a fixed set, the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import run_cli
from tui.domain.normalize import normalize, normalize_with_map

RELEVANCE = Path(__file__).parent / "bench" / "relevance.yaml"


@pytest.fixture(scope="module")
def index():
    from tui.content.loader import build_corpus, load_modules, load_templates
    from tui.domain.search import build_index

    corpus = build_corpus()
    templates, _ = load_templates(corpus)
    return build_index(corpus, templates, load_modules(corpus))


def hit_at(hits, expected: list[str], k: int = 3) -> bool:
    return any(h.ref in expected or any(h.ref.startswith(e + ".") for e in expected) for h in hits[:k])


def relevance_cases() -> list[dict]:
    return yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))


def test_relevance_set_hit_at_3_is_at_least_90_percent(index):
    cases = relevance_cases()
    assert len(cases) >= 40
    misses = [c["q"] for c in cases if not hit_at(index.search(c["q"], limit=3), c["expect"])]
    assert (len(cases) - len(misses)) / len(cases) >= 0.9, misses


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ｸﾗｳﾄﾞ", "クラウド"),
        ("ぺネトレーション", "ペネトレーション"),
        ("ペネトレ－ション", "ペネトレーション"),
        ("第 10 条", "第10条"),
        ("協會員", "協会員"),
        ("ＣＳＩＲＴ", "csirt"),
    ],
)
def test_query_and_text_normalize_alike(a, b):
    assert normalize(a) == normalize(b)


@given(st.text(max_size=60))
def test_normalized_positions_map_back_to_the_original(text):
    norm, index = normalize_with_map(text)
    assert len(norm) == len(index)
    assert index == sorted(index)
    assert all(0 <= i < len(text) for i in index)


def test_reference_jumps_straight_to_the_provision(index):
    hits = index.search("第26条第3項", limit=3)
    assert hits[0].ref == "jvcea-exchange:26.3"
    assert index.search("交換業 27条")[0].ref == "jvcea-exchange:27"


def test_typos_are_tolerated(index):
    assert hit_at(index.search("contingncy plan"), ["fsi-bcp:10", "jvcea-exchange:5", "notice.5.ri.1"])


def test_heading_outranks_a_passing_mention(index):
    top = index.search("クラウド", limit=1)[0]
    assert top.ref.endswith(":27") and top.title_highlights


def test_matched_characters_are_highlighted_in_the_original_text(index):
    hit = index.search("ｸﾗｳﾄﾞ", limit=1)[0]
    ((start, end),) = hit.title_highlights
    assert hit.title[start:end] == "クラウド"


def test_filters(index):
    assert all(h.rulebook == "fsi-bcp" for h in index.search("クラウド", rulebook="fsi-bcp"))
    assert all(h.kind == "item" for h in index.search("クラウド", kind="item"))
    assert all(h.lang == "en" for h in index.search("cloud", lang="en"))


def test_short_queries_answer(index):
    assert index.search("ク")
    assert index.search("暗号")


def test_cli_search_json_fields():
    proc = run_cli("search", "クラウド", "--limit", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert len(hits) == 3
    for key in ("ref", "rulebook", "article", "kind", "title", "snippet", "score"):
        assert key in hits[0]


def test_cli_search_stdin_one_json_line_per_query():
    proc = run_cli("search", "--stdin", "--json", input="クラウド\nart 10(2)\n")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["クラウド", "art 10(2)"]
    assert all(isinstance(line["elapsed_ms"], float) for line in lines)
    assert lines[1]["hits"][0]["ref"] == "jvcea-exchange:10.2"
