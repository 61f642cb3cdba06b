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
    from tui.content.loader import build_corpus, load_modules, load_synonyms, load_templates
    from tui.domain.search import build_index

    corpus = build_corpus()
    templates, _ = load_templates(corpus)
    return build_index(corpus, templates, load_modules(corpus), load_synonyms())


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


# --- issue #17: how staff actually ask ------------------------------------------------------------------------

NATURAL = Path(__file__).parent / "bench" / "relevance_natural.yaml"


def test_natural_relevance_set_meets_its_bars(index):
    """The frozen natural-query set: right article in the top 3 for ≥ 90% overall, ≥ 85% in every category."""
    from tests.bench.run import judge

    cases = yaml.safe_load(NATURAL.read_text(encoding="utf-8"))
    assert len(cases) >= 150
    result = judge(cases, lambda q: [h.ref for h in index.search(q, limit=10)])
    assert result["overall"]["hit_at_3"] >= 0.9, result
    assert all(v["hit_at_3"] >= 0.85 for v in result.values()), result
    assert result["overall"]["zero_results"] <= 0.02, result


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("退職した社員のIDを消す", ["fsa-notice-2020:5.ha", "jvcea-exchange:g10.6"]),
        ("脆弱性が見つかったらパッチを当てる", ["jvcea-exchange:10", "fsa-notice-2020:5.ho", "fsi-bcp:6"]),
        ("自主点検の結果はいつまでに報告するか", ["fsa-notice-2020:part1"]),
        ("顧客情報の持ち出し制限", ["fsa-notice-2020:4.chi", "fsi-bcp:4"]),
        ("多層防御 入口対策", ["fsa-notice-2020:5.ha"]),
        ("private key management in the cloud", ["jvcea-exchange:27"]),
        ("ぜいじゃくせいしんだん", ["jvcea-exchange:10", "fsa-notice-2020:5.he", "fsi-bcp:6"]),
        ("gaibu itaku", ["jvcea-exchange:25", "jvcea-exchange:26", "fsi-bcp:9", "fsa-notice-2020:8.ro"]),
        ("１ヶ月以内", ["fsa-notice-2020:part1"]),
    ],
)
def test_the_issues_failing_queries_find_their_provision(index, query, expected):
    hits = index.search(query, limit=3)
    assert any(any(h.ref == e or h.ref.startswith(e + ".") for e in expected) for h in hits), [h.ref for h in hits]


def test_every_word_of_a_query_counts(index):
    top = index.search("多層防御 入口対策", limit=1, lang="ja")[0]
    assert "多層防御" in top.snippet + top.title or "入口対策" in top.snippet
    ref = top.ref
    from tui.domain.analyze import fold

    text = fold(index.corpus.full_text(ref, "ja")) if ref in index.corpus else fold(top.snippet)
    assert "多層防御" in text and "入口対策" in text


def test_english_highlights_stay_on_word_boundaries(index):
    for query in ("DDoS mitigation", "sufficient testing", "penetration testing", "cloud service"):
        for hit in index.search(query, limit=10, lang="en"):
            for start, end in hit.highlights:
                word = hit.snippet[start:end]
                assert word.strip(), (query, hit.snippet)
                before = hit.snippet[start - 1] if start > 0 else " "
                after = hit.snippet[end] if end < len(hit.snippet) else " "
                assert not (before.isascii() and before.isalnum() and word[0].isalnum()), (query, word, hit.snippet)
                assert not (after.isascii() and after.isalnum() and word[-1].isalnum()), (query, word, hit.snippet)


def test_ui_language_wins_and_english_queries_show_in_it(index):
    assert {h.lang for h in index.search("CSIRT", limit=10, prefer="ja")} == {"ja"}
    assert {h.lang for h in index.search("CSIRT", limit=10, prefer="en")} == {"en"}
    top = index.search("private key management in the cloud", limit=3, prefer="ja")
    assert top[0].lang == "ja" and any(h.ref == "jvcea-exchange:27" for h in top)


def test_an_inspection_item_shows_its_matching_text_not_its_evidence(index):
    hits = index.search("多層防御", kind="item", limit=5)
    assert hits
    for hit in hits:
        shown = [hit.snippet[a:b] for a, b in hit.highlights]
        assert any("多層防御" in s for s in shown), hit.snippet


def test_a_query_made_only_of_grammar_or_noise_does_not_fail(index):
    for query in ("の", "を", "   ", "!!!", "the of and", "x" * 600):
        index.search(query, limit=5)  # no exception: results may be empty


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("交換業規則 第26条第4項", ["jvcea-exchange:26.4"]),
        ("デリバティブ規則 第27条", ["jvcea-derivatives:27"]),
        ("仲介業者規則 第13条", ["fsi-bcp:13"]),
        ("2020年周知文 ⑤ヘ", ["fsa-notice-2020:5.he"]),
        ("Exchange Rules Art. 26(4)", ["jvcea-exchange:26.4"]),
        ("E-Payment Rules Art. 27(1)(5)", ["jvcea-epayment:27.1.5"]),
        ("FSI Rules Art. 4(1)(7)", ["fsi-bcp:4.1.7"]),
        ("2020 Notice (5) he", ["fsa-notice-2020:5.he"]),
        ("Exchange Rules Guideline on Art. 10(4)", ["jvcea-exchange:g10.4"]),
        ("Ⅲ-2-8 ⑧ロ", ["fsa-notice-2020:8.ro"]),
        ("III-2-8", ["fsa-notice-2020:part1", "fsa-notice-2020:4", "fsa-notice-2020:5", "fsa-notice-2020:8"]),
        ("監督指針 Ⅲ－２－８ (1) ⑤ホ", ["fsa-notice-2020:5.ho"]),
    ],
)
def test_references_as_tenken_prints_them_resolve(index, text, expected):
    from tui.domain.refs import resolve

    assert resolve(text, index.corpus) == expected
    assert index.search(text, limit=1)[0].ref == expected[0]


def test_unquoted_words_group_into_references(index):
    from tui.domain.refs import split_refs

    assert split_refs(["交換業", "第10条第2項"], index.corpus) == [("交換業 第10条第2項", ["jvcea-exchange:10.2"])]
    grouped = split_refs(["Exchange", "Rules", "Art.", "27", "⑤ヘ"], index.corpus)
    assert grouped == [("Exchange Rules Art. 27", ["jvcea-exchange:27"]), ("⑤ヘ", ["fsa-notice-2020:5.he"])]


def test_cli_show_reads_an_unquoted_reference():
    proc = run_cli("show", "交換業", "第10条第2項", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [p["ref"] for p in json.loads(proc.stdout)] == ["jvcea-exchange:10.2"]


@pytest.mark.parametrize("variant", ["1ヶ月", "１ヶ月", "1カ月", "一か月", "1ヵ月", "1か月"])
def test_month_counts_read_alike(variant):
    from tui.domain.analyze import fold

    assert fold(variant) == "1か月"
    assert normalize(variant) in ("1か月", normalize("一か月"))


@pytest.mark.parametrize("variant", ["1ヶ月", "１カ月", "一か月"])
def test_a_month_count_alone_finds_the_one_month_deadline_not_monthly_reports(index, variant):
    """「1ヶ月」 is one word: it finds the notice's 「1か月以内」 and nothing that merely has 月 (月次報告)."""
    hits = index.search(variant, limit=5)
    assert hits and hits[0].ref in ("fsa-notice-2020:part1", "notice.part1.report"), [h.ref for h in hits]
    assert all("1か月" in normalize(h.snippet) for h in hits), [(h.ref, h.snippet) for h in hits]


def test_a_provision_comes_up_with_the_inspection_item_that_asks_about_it(index):
    """Items and lessons are worded plainly; when one matches, the provision it cites rises with it instead of
    falling below lessons."""
    assert index.search("publish an outline of the basic policy", limit=1)[0].ref == "jvcea-exchange:4"
    assert "fsi-bcp:4" in [h.ref for h in index.search("不要なアカウントを止める", limit=3)]


def test_one_article_of_the_three_jvcea_rulebooks_does_not_fill_the_top_three(index):
    """The exchange, derivatives and e-payment rulebooks share one structure: their copies of one article follow
    a few other hits instead of taking the three first places; all of them are still listed."""
    for query in ("外部監査", "サイバー攻撃対策", "monitoring subcontractors"):
        refs = [h.ref for h in index.search(query, limit=10)]
        top = [r.partition(":")[2] for r in refs[:3] if r.startswith("jvcea-")]
        assert len(top) == len(set(top)), (query, refs)
        first = next(r for r in refs if r.startswith("jvcea-") and ":" in r)
        local = first.partition(":")[2]
        assert {f"{b}:{local}" for b in ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment")} <= set(refs), refs


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("監査の結果は取締役会に報告しなければならないのですか", "監査 結果 取締役会 報告"),
        ("クラウドを使うときに気をつけることはなんですか", "クラウド 使 気"),
    ],
)
def test_grammar_between_the_words_does_not_change_the_answer(index, sentence, words):
    """Hiragana between words (「しなければならないのですか」, 「ときに」) is grammar: a question finds what its words
    alone find, instead of texts that happen to share 「とき」 or 「ない」."""
    assert [h.ref for h in index.search(sentence, limit=3)] == [h.ref for h in index.search(words, limit=3)]
    assert "jvcea-exchange:27" in [h.ref for h in index.search("ひみつかぎ を クラウド で", limit=3)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("管理者アカウントのパスワード管理", "fsa-notice-2020:5.ha"),  # 管理者アカウント → 特権ID
        ("the CEO leads the drills", "fsi-bcp:2"),  # CEO → representative director, senior management
        ("hacked customer accounts", "jvcea-derivatives:10"),  # hacked → unauthorized access
        ("leaked customer data", "fsa-notice-2020:part2"),  # leaked → leakage
    ],
)
def test_everyday_words_reach_the_rules_wording_through_the_synonym_table(index, query, expected):
    assert expected in [h.ref for h in index.search(query, limit=3)]


def test_a_synonym_inside_the_grammar_of_a_question_still_counts(index):
    """「いつまで」 sits in the hiragana 「はいつまでに」: the answer shows the notice's 「1か月以内」, highlighted."""
    top = index.search("自主点検の結果はいつまでに報告するか", limit=1)[0]
    assert top.ref == "fsa-notice-2020:part1"
    assert "1か月以内" in [top.snippet[a:b] for a, b in top.highlights], top.snippet


def test_a_hit_shown_in_the_other_language_shows_the_passage_that_matched(index):
    """An English query that matches a Japanese UI's hit in English shows the parallel Japanese line, and the other
    way round, instead of the text's first line."""
    hits = {h.ref: h for h in index.search("suspend unused IDs", limit=10, prefer="ja")}
    assert "一定期間使用されていないIDの利用停止" in hits["jvcea-exchange:g10.6"].snippet
    hits = {h.ref: h for h in index.search("退職した社員のIDを消す", limit=10, prefer="en")}
    assert "IDs that have not been used" in hits["jvcea-exchange:g10.6"].snippet


def test_a_latin_word_is_highlighted_only_where_a_word_begins_with_it(index):
    """「ID」 is not found inside "considered" (the whole of which was highlighted)."""
    for hit in index.search("退職した社員のIDを消す", limit=10, prefer="en"):
        shown = [hit.snippet[a:b].lower() for a, b in hit.highlights]
        assert not [w for w in shown if "id" in w and not w.startswith("id")], (hit.ref, hit.snippet, shown)


def test_index_cache_is_plain_json_and_answers_alike(tmp_path, index):
    from tui.content.loader import load_modules, load_search_index, load_templates

    corpus = index.corpus
    templates, _ = load_templates(corpus)
    modules = load_modules(corpus)
    built = load_search_index(corpus, templates, modules, tmp_path)
    files = list(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".json"]
    json.loads(files[0].read_text(encoding="utf-8"))  # data only, readable by anyone
    cached = load_search_index(corpus, templates, modules, tmp_path)
    for q in ("退職した社員のIDを消す", "gaibu itaku", "DDoS mitigation"):
        assert [h.ref for h in cached.search(q)] == [h.ref for h in built.search(q)]
    files[0].write_text("{not json", encoding="utf-8")
    rebuilt = load_search_index(corpus, templates, modules, tmp_path)
    assert rebuilt.search("CSIRT")


def test_dictionaries_stay_off_the_start_path():
    import subprocess
    import sys

    code = "import sys, tui.app; print(sorted(m for m in ('pykakasi', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


async def test_search_screen_shows_hits_in_the_ui_language_and_the_other_on_f2(demo, app_factory):
    from tui.screens.search import SearchScreen

    app = app_factory("ja")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"private key")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.hits and {h.lang for h in screen.hits} == {"ja"}
        assert any(h.ref == "jvcea-exchange:27" for h in screen.hits[:3])
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.hits and {h.lang for h in screen.hits} == {"en"}


def test_reading_table_made_in_a_child_process_matches_the_in_process_one():
    from tui.content.readings import readings_in_child
    from tui.domain.readings import build_readings

    texts = ["ネットワークへの侵入検査や脆弱性診断等を活用する", "外部委託先の選定"]
    table = readings_in_child(texts)
    assert table == build_readings(texts)
    assert table["ぜいじゃく"] == ["脆弱"] and table["しんだん"] == ["診断"] and table["いたく"] == ["委託"]


async def test_the_command_palette_finds_rules_through_the_same_search(demo, app_factory):
    """Ctrl+P offers the rules and items the search screen finds, in the same order, headed 「開く: …」."""
    from tui.commands import SearchCommands

    app = app_factory("ja")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        provider = SearchCommands(app.screen)
        query = "退職した社員のIDを消す"
        offered = [str(h.text) for h in [h async for h in provider.search(query)]]
        expected = [h.title for h in app.ws.search_index.search(query, limit=6, prefer="ja")]
        assert offered == [f"開く: {title}" for title in expected], offered
        assert offered[0] == "開く: 2020年周知文 ⑤ハ サイバーセキュリティ管理"


@pytest.mark.parametrize("query", ["?", "？", "・", "、", "!?", "（）", "-"])
def test_punctuation_alone_finds_nothing(index, query):
    """A search for 「?」 once returned 30 results (every text has a question mark)."""
    assert index.search(query, limit=30) == []
