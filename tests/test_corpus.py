"""The corpus against ../shared/sources: nothing invented, nothing dropped, refs and links sound, glossary kept."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from tests.conftest import SOURCES
from tui.content.loader import build_corpus

REPO = Path(__file__).resolve().parent.parent
FILES = {
    "jvcea-exchange": "jvcea-crypto-exchange-system-risk-rules.txt",
    "jvcea-derivatives": "jvcea-crypto-derivatives-system-risk-rules.txt",
    "jvcea-epayment": "jvcea-epayment-system-risk-rules.txt",
    "fsi-bcp": "fsi-system-risk-and-bcp-rules.txt",
    "fsa-notice-2020": "fsa-notice-online-trading-self-inspection.txt",
}
# Extraction artifacts repaired in the corpus (sources/README.md), applied to the source before comparing.
REPAIRS = {"協會員": "協会員", "經由": "経由", "努めなればならない": "努めなければならない"}
# Source debris that is not content: the derivatives file's duplicated page-break tail 「い。」 after Art. 4(4).
DEBRIS = {"jvcea-derivatives": [("ならない。い。", "ならない。")]}

pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the checkout")


def norm(text: str) -> str:
    """Whitespace, markup and list markers removed, artifacts repaired: the form both sides are compared in."""
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace("¹", "")
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    for old, new in REPAIRS.items():
        text = text.replace(old, new)
    return text.replace("・", "").replace("-", "")


def source_text(slug: str) -> str:
    raw = (SOURCES / FILES[slug]).read_text(encoding="utf-8")
    if "\t" in raw:  # two-column files: the rule column, then the guideline column
        rules, guide = [], []
        for line in raw.splitlines():
            left, _, right = line.partition("\t")
            rules.append(left)
            guide.append(right)
        raw = "\n".join(rules) + "\n" + "\n".join(guide)
    text = norm(raw)
    for debris, clean in DEBRIS.get(slug, []):
        text = text.replace(norm(debris), norm(clean))
    return text


def corpus_strings(slug: str) -> list[str]:
    data = yaml.safe_load((REPO / "checklists" / "rulebooks" / f"{slug}.yaml").read_text(encoding="utf-8"))
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("ja"), str) and isinstance(node.get("en"), str):
                out.append(node["ja"])
            for key, value in node.items():
                if key != "short":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in data.items() if k not in ("short", "issuer")})
    for g in data.get("guidelines", []):
        out.append(g["heading"])
    return out


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


@pytest.mark.parametrize("slug", list(FILES))
def test_every_japanese_string_occurs_in_the_source(slug):
    source = source_text(slug)
    missing = []
    for text in corpus_strings(slug):
        n = norm(text)
        # a heading assembled from pieces printed apart: each piece must be in the source
        if n and n not in source and not all(norm(piece) in source for piece in text.split(" ")):
            missing.append(text)
    assert not missing, f"{slug}: {len(missing)} strings not in the source, e.g. {missing[:3]}"


STRUCTURE = [
    r"第\d+章",
    r"第\d+節",
    r"第\d+条",
    r"\(\d+\)",
    r"（\d+）",
    r"\d{4}年\d+月\d+日(制定|一部改正|決議)?",
    r"[()（）「」『』【】<>]",
    r"附則",
    r"\d+",
    r"[④⑤⑧]",
    r"[イロハニホヘへトチリヌ]\.",
    r"以上",
    r"周知文",
]


@pytest.mark.parametrize("slug", list(FILES))
def test_every_sentence_of_the_source_is_in_the_corpus(slug):
    residue = source_text(slug)
    for text in sorted((norm(t) for t in corpus_strings(slug)), key=len, reverse=True):
        if text:
            residue = residue.replace(text, "␟")
    leftover = [piece for piece in residue.split("␟") if "。" in piece]
    assert not leftover, f"{slug}: source sentences missing from the corpus: {leftover[:3]}"


EXPECTED = {  # articles, paragraphs, items (counted from the sources when transcribed)
    "jvcea-exchange": (27, 76, 30),
    "jvcea-derivatives": (27, 76, 29),
    "jvcea-epayment": (27, 76, 30),
    "fsi-bcp": (13, 32, 30),
    "fsa-notice-2020": (5, 9, 17),
}


@pytest.mark.parametrize("slug", list(FILES))
def test_counts(corpus, slug):
    kinds = [p.kind for p in corpus.provisions.values() if p.rulebook == slug]
    assert (kinds.count("article"), kinds.count("paragraph"), kinds.count("item")) == EXPECTED[slug]


@pytest.mark.parametrize("slug", ["jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp"])
def test_article_numbers_match_the_source(corpus, slug):
    numbers = {int(m) for m in re.findall(r"第(\d+)条(?!関係)", source_text(slug))}
    ours = {int(p.article) for p in corpus.provisions.values() if p.rulebook == slug and p.kind == "article"}
    assert ours == set(range(1, max(ours) + 1))
    assert ours <= numbers


def test_notice_items(corpus):
    refs = sorted(p.local for p in corpus.provisions.values() if p.rulebook == "fsa-notice-2020" and p.kind == "item")
    assert refs == sorted(
        ["4.ha", "4.ni", "4.he", "4.to", "4.chi"]
        + [f"5.{k}" for k in ["i", "ro", "ha", "ni", "ho", "he", "to", "chi", "ri", "nu"]]
        + ["8.ro", "8.ni"]
    )
    assert "part2" in {p.article for p in corpus.provisions.values() if p.rulebook == "fsa-notice-2020"}


def test_obligation_levels_follow_sentence_endings(corpus):
    wrong = []
    for p in corpus.provisions.values():
        if p.kind not in ("paragraph", "item") or not p.ja:
            continue
        ja = p.ja
        if ja.endswith("努めなければならない。") and p.level not in ("endeavor",):
            wrong.append((p.ref, p.level, "endeavor"))
        elif ja.endswith("しなければならない。") and "例えば" not in ja and p.level != "shall":
            wrong.append((p.ref, p.level, "shall"))
        elif "当否を真摯に検討するものとする" in ja and p.level != "consider":
            wrong.append((p.ref, p.level, "consider"))
    assert not wrong, wrong[:5]


def test_no_dropped_doryoku_gimu(corpus):
    """Every 努めなければならない / 努めるものとする in a source is in the corpus, at endeavor level."""
    for slug in FILES:
        source = source_text(slug)
        n_source = len(re.findall(r"努めなければならない|努めるものとする", source))
        n_corpus = sum(len(re.findall(r"努めなければならない|努めるものとする", norm(t))) for t in corpus_strings(slug))
        assert n_corpus == n_source, slug


def test_every_ref_resolves_and_links_point_both_ways(corpus):
    for ref, links in corpus.equivalents.items():
        assert ref in corpus
        for link in links:
            assert link.ref in corpus
            back = [e for e in corpus.equivalents_of(link.ref) if e.ref == ref]
            assert back, (ref, link.ref)


def test_known_differences_between_jvcea_rulebooks(corpus):
    assert "秘密鍵" in corpus["jvcea-exchange:27.1.5"].ja
    assert "暗号鍵" in corpus["jvcea-derivatives:27.1.5"].ja
    assert "フォレンジック" in corpus.full_text("jvcea-exchange:10.2", "ja")
    assert "フォレンジック" not in corpus.full_text("jvcea-derivatives:10.2", "ja")
    assert "取締役会等" in corpus["jvcea-derivatives:4.1"].ja
    assert "代表取締役" in corpus["jvcea-exchange:4.1"].ja
    from tui.domain.equivalence import missing_counterparts

    forensic = next(
        p.ref
        for p in corpus.provisions.values()
        if p.rulebook == "jvcea-exchange" and p.kind == "item" and "フォレンジック" in p.ja
    )
    assert "jvcea-derivatives" in missing_counterparts(corpus, forensic)


KEY_TERMS = {
    "システムリスク": "system risk",
    "コンティンジェンシープラン": "contingency plan",
    "相互牽制": "mutual check",
    "外部委託先": "outsourcing contractor",
    "再委託": "subcontract",
    "秘密鍵": "private key",
    "暗号鍵": "cryptographic key",
    "特権ID": "privileged ID",
    "ペネトレーションテスト": "penetration test",
    "脆弱性診断": "vulnerability assessment",
    "多層防御": "defense in depth",
    "入口対策": "entry-point measures",
    "出口対策": "exit-point measures",
    "単一障害点": "single point",
    "公衆縦覧": "public inspection",
    "サイバー攻撃": "cyberattack",
    "組織内CSIRT": "in-house CSIRT",
    "システム管理責任者": "system manager",
    "システム統括管理責任者": "chief system officer",
    "システムの統括管理責任者": "chief system officer",
    "セキュアコーディング": "secure coding",
    "情報共有機関": "information-sharing organi",
    "スキルマップ": "skill map",
    "人材育成計画": "staff development plan",
}


def test_glossary_terms_are_kept_in_translation(corpus):
    misses = []
    for p in corpus.provisions.values():
        for ja, en in ((p.ja, p.en), *((b.ja, b.en) for b in p.bullets)):
            for term, english in KEY_TERMS.items():
                if term in ja and english.lower() not in en.lower().replace("cyber-attack", "cyberattack"):
                    misses.append((p.ref, term, en[:80]))
    assert not misses, f"{len(misses)} translations miss a glossary term, e.g. {misses[:5]}"
