"""Equivalent provisions across rulebooks, and the differences between them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from tui.domain.corpus import Corpus, Equivalent, Provision

JVCEA = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment")

# Wording that differs only because each rulebook names its own members and customers.
_PARTY_WORDS = re.compile(
    r"第一種会員（(?:デリバティブ|電子決済手段)）|第一種会員\((?:デリバティブ|電子決済手段)\)|会員|利用者|顧客"
    r"|暗号資産等関連デリバティブ取引業者|暗号資産等関連デリバティブ取引業|暗号資産交換業者|暗号資産交換業"
    r"|電子決済手段等取引業者|電子決済手段関連業務|暗号資産等関連デリバティブ取引|暗号資産関連取引"
)


def _normalize(text: str) -> str:
    return _PARTY_WORDS.sub("〇", re.sub(r"\s+", "", text))


def link_jvcea(corpus: Corpus, threshold: float = 70.0) -> None:
    """Link each paragraph/item/guideline of one JVCEA rulebook to its counterpart in the others.

    Counterparts are looked for in the same article; the same number wins when its text is close,
    otherwise the closest text (so an item missing in one rulebook does not shift the links).
    """
    by_book: dict[str, dict[str, list[Provision]]] = {}
    for p in corpus.provisions.values():
        if p.rulebook in JVCEA and p.kind in ("article", "paragraph", "item", "guideline"):
            by_book.setdefault(p.rulebook, {}).setdefault(f"{p.kind}:{p.article}", []).append(p)
    books = [b for b in JVCEA if b in by_book]
    for i, a in enumerate(books):
        for b in books[i + 1 :]:
            for key, left_list in by_book[a].items():
                right_list = by_book[b].get(key, [])
                if not right_list:
                    continue
                for left in left_list:
                    match = _best_match(left, right_list, threshold)
                    if match is None:
                        continue
                    right, same = match
                    relation = "equal" if same else "similar"
                    corpus.equivalents.setdefault(left.ref, []).append(Equivalent(right.ref, relation))
                    corpus.equivalents.setdefault(right.ref, []).append(Equivalent(left.ref, relation))


def _best_match(left: Provision, candidates: list[Provision], threshold: float) -> tuple[Provision, bool] | None:
    if left.kind == "article":
        for c in candidates:
            if c.article == left.article:
                return c, False  # articles are compared through their parts
        return None
    ln = _normalize(left.ja)
    same_local = [c for c in candidates if c.local == left.local]
    scored = []
    for c in candidates:
        score = fuzz.ratio(ln, _normalize(c.ja))
        if c in same_local:
            score += 5  # prefer the same number when the texts are about as close
        scored.append((score, c))
    if not scored:
        return None
    score, best = max(scored, key=lambda t: t[0])
    if score < threshold:
        return None
    return best, _normalize(best.ja) == ln


@dataclass(frozen=True, slots=True)
class DiffSegment:
    op: str  # equal | delete | insert
    text: str


def diff_texts(left: str, right: str) -> list[DiffSegment]:
    """Character-level differences, merged into runs: what `left` has that `right` lacks and vice versa."""
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    out: list[DiffSegment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(DiffSegment("equal", left[i1:i2]))
        else:
            if i2 > i1:
                out.append(DiffSegment("delete", left[i1:i2]))
            if j2 > j1:
                out.append(DiffSegment("insert", right[j1:j2]))
    return out


def missing_counterparts(corpus: Corpus, ref: str) -> list[str]:
    """JVCEA rulebooks that have the article but no counterpart for this provision (e.g. the forensic item)."""
    prov = corpus[ref]
    if prov.rulebook not in JVCEA or prov.kind not in ("paragraph", "item"):
        return []
    linked = {e.ref.split(":")[0] for e in corpus.equivalents_of(ref)}
    return [
        b
        for b in JVCEA
        if b != prov.rulebook and b in corpus.rulebooks and b not in linked and f"{b}:{prov.article}" in corpus
    ]
