"""Equivalent provisions across rulebooks, and the differences between them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from tui.domain.corpus import Corpus, Equivalent, Provision
from tui.domain.text import Text

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


# Who a provision addresses or makes act: a difference here is a change of subject, not of wording.
_ROLES = {
    "代表取締役": "the representative director",
    "取締役会等": "the board of directors, etc.",
    "役職員": "the officers and employees",
    "役員": "the officers",
}
_ROLE = re.compile("|".join(_ROLES))
# Terms whose difference changes what the provision is about.
_TERMS = {"秘密鍵": "private keys", "暗号鍵": "cryptographic keys"}
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def _notation(text: str) -> str:
    """The text with notation that carries no meaning evened out: width, punctuation, kana spelling, digits."""
    text = unicodedata.normalize("NFKC", _normalize(text)).translate(_KANJI_DIGITS)
    return re.sub(r"[。、・\s]", "", text.replace("ィ", "イ").replace("ｨ", "イ"))


def _roles(text: str) -> list[str]:
    return list(dict.fromkeys(_ROLE.findall(text)))


def difference_note(corpus: Corpus, left: str, right: str, reviewed: dict[str, Text | None]) -> Text:
    """A note in both languages saying how two same-numbered JVCEA provisions differ.

    A change of subject or addressee (代表取締役 / 取締役会等) or of a defined term (秘密鍵 / 暗号鍵) is named in
    words; a difference of notation or wording alone is said to leave the duty the same; anything else takes the
    reviewed note from `checklists/equivalents.yaml` (`same_numbered`).
    """
    a, b = corpus[left], corpus[right]
    an, bn = corpus.rulebooks[a.rulebook].name, corpus.rulebooks[b.rulebook].name
    if a.kind == "article":
        return _article_note(corpus, left, right, reviewed)
    ra, rb = _roles(a.ja), _roles(b.ja)
    if ra != rb:
        ja_a, ja_b = "・".join(ra) or "会員", "・".join(rb) or "会員"
        en_a = " and ".join(_ROLES[r] for r in ra) or "the member"
        en_b = " and ".join(_ROLES[r] for r in rb) or "the member"
        return Text(
            f"主語・名宛人が異なる：{an.ja}は{ja_a}、{bn.ja}は{ja_b}。それ以外の文言は同じ。",
            f"A different subject or addressee: {en_a} in the {an.en}, {en_b} in the {bn.en}. "
            "The rest of the wording is the same.",
        )
    ta = [t for t in _TERMS if t in a.ja]
    tb = [t for t in _TERMS if t in b.ja]
    if ta != tb:
        return Text(
            f"用語が異なる：{an.ja}は「{'・'.join(ta)}」、{bn.ja}は「{'・'.join(tb)}」。それ以外の文言は同じ。",
            f"A different term: {', '.join(_TERMS[t] for t in ta)} in the {an.en}, "
            f"{', '.join(_TERMS[t] for t in tb)} in the {bn.en}. The rest of the wording is the same.",
        )
    note = reviewed.get(a.local)
    if note is not None:
        return note
    if _notation(a.ja) == _notation(b.ja):
        return Text(
            "表記の違い（句読点、全角・半角、仮名遣い、数字の書き方）のみで、同じ義務。",
            "Only the notation differs (punctuation, full- or half-width characters, kana spelling or numerals); "
            "the same wording and the same duty.",
        )
    return Text(
        "言い回しの違い（助詞や語順など）のみで、同じ義務。",
        "Only the wording differs slightly (particles or word order); the same duty.",
    )


def _article_note(corpus: Corpus, left: str, right: str, reviewed: dict[str, Text | None]) -> Text:
    differing = []
    others = {q.local: q for q in corpus.walk(right) if q.ref != right}
    for q in corpus.walk(left):
        if q.ref == left:
            continue
        other = others.get(q.local)
        if other is None or _notation(q.ja) != _notation(other.ja):
            differing.append(q)
    if not differing:
        return Text(
            "各項・各号の文言は、会員・顧客の呼び方と表記を除いて同じ。",
            "Every paragraph and item has the same wording apart from how members and customers are named, "
            "and notation.",
        )
    from tui.domain.corpus import article_label

    return Text(
        "文言が異なる項・号：" + "、".join(article_label(p, "ja") for p in differing) + "（それぞれの注記を参照）。",
        "Paragraphs and items whose wording differs: "
        + ", ".join(article_label(p, "en") for p in differing)
        + " (see the note on each).",
    )


def explain_jvcea_differences(corpus: Corpus, reviewed: dict[str, Text | None]) -> None:
    """Give every same-numbered JVCEA link that is not `equal` a note saying how the two texts differ."""
    for ref, links in corpus.equivalents.items():
        prov = corpus.get(ref)
        if prov is None or prov.rulebook not in JVCEA:
            continue
        for n, e in enumerate(links):
            other = corpus.get(e.ref)
            if other is None or other.rulebook not in JVCEA or e.relation == "equal" or e.note is not None:
                continue
            if other.local != prov.local:
                continue
            links[n] = replace(e, note=difference_note(corpus, ref, e.ref, reviewed))


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
