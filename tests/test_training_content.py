"""Structure of every shipped training module: an answer key that cannot be guessed from position or length,
both languages present, every citation resolving in the corpus (the loader refuses an unknown one)."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from rich.cells import cell_len

from tui.content.loader import build_corpus, load_modules
from tui.domain.text import Text
from tui.domain.training import Module
from tui.paths import training_dir

#: At most this share of a module's single-choice questions may have the right answer on any one position, or as
#: the longest choice (chance is 1/4 with four choices; the content had 18 of 18 on position 1, 17 longest).
MAX_SHARE = 0.4


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


@pytest.fixture(scope="module")
def modules(corpus) -> dict[str, Module]:
    return load_modules(corpus)


def _width(text: Text, lang: str) -> int:
    return cell_len(text.get(lang)) if lang == "ja" else len(text.get(lang))


def _limit(n: int) -> int:
    return max(2, math.ceil(n * MAX_SHARE))


def _singles(module: Module):
    return [q for q in module.quiz if q.kind == "single"]


def test_right_answers_do_not_cluster_on_one_position(modules):
    for m in modules.values():
        singles = _singles(m)
        positions = Counter(next(n for n, c in enumerate(q.choices) if c.correct) for q in singles)
        assert max(positions.values()) <= _limit(len(singles)), (m.id, dict(positions))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_right_answer_is_not_usually_the_longest(modules, lang):
    for m in modules.values():
        singles = _singles(m)
        longest = [
            q.id
            for q in singles
            if _width(next(c for c in q.choices if c.correct).text, lang)
            >= max(_width(c.text, lang) for c in q.choices)
        ]
        assert len(longest) <= _limit(len(singles)), (m.id, lang, longest)


def test_the_best_decision_is_neither_first_nor_longest_by_habit(modules):
    for m in modules.values():
        if m.exercise is None:
            continue
        injects = m.exercise.injects
        best_at = Counter(next(n for n, d in enumerate(i.decisions) if d.score == i.best) for i in injects)
        assert max(best_at.values()) <= math.ceil(len(injects) / 2), (m.id, dict(best_at))
        for lang in ("ja", "en"):
            longest = [
                i.id
                for i in injects
                if _width(next(d for d in i.decisions if d.score == i.best).text, lang)
                >= max(_width(d.text, lang) for d in i.decisions)
            ]
            assert len(longest) <= _limit(len(injects)), (m.id, lang, longest)


def test_every_text_exists_in_both_languages(modules):
    for m in modules.values():
        texts: list[Text] = [m.title, m.summary, m.audience, *m.objectives]
        for q in m.quiz:
            texts += [q.text, *(c.text for c in q.choices), *(c.explanation for c in q.choices)]
        if m.exercise is not None:
            texts += [m.exercise.title, m.exercise.scenario]
            for i in m.exercise.injects:
                texts += [i.title, i.situation, *(d.text for d in i.decisions), *(d.debrief for d in i.decisions)]
        for t in texts:
            assert t.ja.strip() and t.en.strip(), (m.id, t)
            assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in t.ja), (m.id, t.ja)


def test_every_citation_resolves_in_the_corpus(modules, corpus):
    for m in modules.values():
        refs = [r for q in m.quiz for r in q.cites] + [r for lesson in m.lessons for r in lesson.cites]
        if m.exercise is not None:
            refs += [r for i in m.exercise.injects for r in i.cites]
        assert refs and all(r in corpus for r in refs), m.id


CITATION = re.compile(r"(Exchange Rules|FSI Rules|Derivatives Rules|E-Payment Rules) Art\. (\d+)((?:\([0-9ivxl]+\))*)")
CITATION_JA = re.compile(
    r"(交換業規則|仲介業者規則|デリバティブ規則|電子決済手段規則) ?(第\d+条(?:第\d+項)?(?:第\d+号)?)"
)


def test_citations_in_the_text_use_the_forms_on_screen_and_resolve(corpus):
    """ "Art. 4(xiii)" in an explanation next to "Art. 4(1)(13)" under it was the issue: one form, and it exists."""
    from tui.widgets.cites import cite_label

    labels = {
        lang: {cite_label(corpus, ref, lang).replace(" ", "") for ref in corpus.provisions} for lang in ("en", "ja")
    }
    bad = []
    for path in sorted(training_dir().rglob("*")):
        if path.suffix not in (".yaml", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        for lang, pattern in (("en", CITATION), ("ja", CITATION_JA)):
            for m in pattern.finditer(text):
                cited = m.group(0).replace(" ", "")
                if cited not in labels[lang] and not any(label.startswith(cited) for label in labels[lang]):
                    bad.append((path.name, m.group(0)))
    assert not bad, sorted(set(bad))


def test_one_english_spelling_and_the_notice_cited_by_its_own_markers():
    """American spelling throughout (the glossary's "information-sharing organisation" is kept as a term); the
    2020 Notice cited as ⑤ト, the form its readers know, not "(5) to"."""
    british = re.compile(
        r"\b(analys(?:e|ed|ing)|centre|behaviour|recognis\w*|authoris\w*|minimis\w*|prioritis\w*|judgement|defence"
        r"|fulfil|enquir\w*|rumour\w*|colour|favour\w*|programme|travelled|cancelled|labelled|catalogue)\b",
        re.IGNORECASE,  # "Recognise" at the start of an objective slipped through before
    )
    bad = []
    for path in sorted(training_dir().rglob("*")):
        if path.suffix not in (".yaml", ".md") or path.name.endswith(".ja.md"):
            continue
        text = path.read_text(encoding="utf-8")
        bad += [(path.name, m.group(0)) for m in british.finditer(text)]
        bad += [(path.name, m.group(0)) for m in re.finditer(r"2020 Notice \(\d\)", text)]
        bad += [(path.name, m.group(0)) for m in re.finditer(r"(?<!information-sharing )organisation", text)]
    assert not bad, sorted(set(bad))
