"""One search over provisions, guideline comments, inspection items and lessons, in both languages.

References (「第26条第3項」, "art 26(3)", 「交換業 27条」) jump straight to the provision. Everything else is found
through a character n-gram index (so a query touches only the entries that share its characters) and ranked
with rapidfuzz: typo-tolerant, a heading or caption match outranks a passing mention, ties go by rulebook order.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel  # noqa: F401 - imported for rapidfuzz's C backends warm-up

from tui.domain.corpus import RULEBOOK_ORDER, Corpus, article_label
from tui.domain.normalize import normalize, normalize_with_map
from tui.domain.refs import resolve

if TYPE_CHECKING:
    from tui.domain.template import Template
    from tui.domain.training import Module

KINDS = ("provision", "guideline", "item", "lesson")
TITLE_BONUS = 8.0
MAX_CANDIDATES = 160


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable text in one language."""

    id: int
    ref: str  # provision ref, template item id, or "lesson:<module>/<lesson>"
    kind: str
    rulebook: str  # slug, "" for lessons and items without one
    article: str
    lang: str
    title: str
    body: str
    order: int  # rulebook structure order, for ties
    norm_title: str
    norm_body: str
    body_map: tuple[int, ...]
    title_map: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    ref: str
    kind: str
    rulebook: str
    article: str
    lang: str
    title: str
    snippet: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()  # spans in `snippet` to highlight
    title_highlights: tuple[tuple[int, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "rulebook": self.rulebook,
            "article": self.article,
            "kind": self.kind,
            "lang": self.lang,
            "title": self.title,
            "snippet": self.snippet,
            "score": round(self.score, 1),
        }


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    unigrams: dict[str, list[int]] = field(default_factory=dict)
    bigrams: dict[str, list[int]] = field(default_factory=dict)
    corpus: Corpus | None = None

    # --- building ---------------------------------------------------------------------------

    def add(
        self, ref: str, kind: str, rulebook: str, article: str, lang: str, title: str, body: str, order: int
    ) -> None:
        norm_title, title_map = normalize_with_map(title)
        norm_body, body_map = normalize_with_map(body)
        entry = Entry(
            len(self.entries),
            ref,
            kind,
            rulebook,
            article,
            lang,
            title,
            body,
            order,
            norm_title,
            norm_body,
            tuple(body_map),
            tuple(title_map),
        )
        self.entries.append(entry)
        text = norm_title + "\x00" + norm_body
        for ch in set(text) - {"\x00"}:
            self.unigrams.setdefault(ch, []).append(entry.id)
        for bg in {text[i : i + 2] for i in range(len(text) - 1)} - {""}:
            if "\x00" not in bg:
                self.bigrams.setdefault(bg, []).append(entry.id)

    # --- querying ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        rulebook: str | None = None,
        kind: str | None = None,
        lang: str | None = None,
        prefer: str = "ja",
    ) -> list[Hit]:
        """Hits for `query`, best first. `lang` filters; `prefer` is the language of reference hits."""
        q = normalize(query)
        if not q:
            return []
        hits: list[Hit] = []
        seen: set[str] = set()
        if self.corpus is not None:
            for ref in resolve(query, self.corpus):
                hit = self._ref_hit(ref, lang or prefer, 1000.0 - len(hits))
                if (
                    hit.ref not in seen
                    and (not rulebook or hit.rulebook == rulebook)
                    and (not kind or hit.kind == kind)
                ):
                    seen.add(hit.ref)
                    hits.append(hit)
        scored = self._rank(q, rulebook, kind, lang)
        for score, e, span, in_title in scored:
            if e.ref in seen:
                continue
            seen.add(e.ref)
            if span is None:  # ranked without alignment; align only what is shown
                al = fuzz.partial_ratio_alignment(q, e.norm_title if in_title else e.norm_body)
                span = (al.dest_start, al.dest_end) if al is not None else None
            hits.append(self._hit(e, score, span, in_title))
            if len(hits) >= limit:
                break
        return hits[:limit]

    def _keep(self, e: Entry, rulebook: str | None, kind: str | None, lang: str | None) -> bool:
        return (
            (not rulebook or e.rulebook == rulebook) and (not kind or e.kind == kind) and (not lang or e.lang == lang)
        )

    def _ref_hit(self, ref: str, lang: str, score: float) -> Hit:
        """A reference typed by the user: the provision itself, whatever its depth."""
        assert self.corpus is not None
        p = self.corpus[ref]
        book = self.corpus.rulebooks[p.rulebook]
        article = self.corpus.get(f"{p.rulebook}:{p.article}")
        caption = article.caption.get(lang) if article is not None and article.caption else ""
        title = f"{book.name.get(lang)} {article_label(p, lang)}" + (f" {caption}" if caption else "")
        snippet, _hl = _window(self.corpus.full_text(ref, lang), None)
        kind = "guideline" if p.kind == "guideline" else "provision"
        number = f"{p.article}.{p.item}" if book.kind == "notice" and p.item else p.article
        return Hit(ref, kind, p.rulebook, number, lang, title, snippet, score)

    def _candidates(self, q: str) -> list[int]:
        if len(q) == 1:
            return self.unigrams.get(q, [])
        grams = [q[i : i + 2] for i in range(len(q) - 1)]
        counts: Counter[int] = Counter()
        for g in set(grams):
            counts.update(self.bigrams.get(g, ()))
        if not counts:
            return []
        need = max(1, int(len(set(grams)) * 0.5))
        best = [i for i, n in counts.most_common(MAX_CANDIDATES * 3) if n >= need]
        return best[: MAX_CANDIDATES * 3]

    def _rank(
        self, q: str, rulebook: str | None, kind: str | None, lang: str | None
    ) -> list[tuple[float, Entry, tuple[int, int] | None, bool]]:
        out: list[tuple[float, Entry, tuple[int, int] | None, bool]] = []
        long_candidates: list[Entry] = []
        short = len(q) <= 2
        for i in self._candidates(q):
            e = self.entries[i]
            if not self._keep(e, rulebook, kind, lang):
                continue
            if short:
                # One or two characters: exact occurrences only, headings first, earlier mentions first.
                t = e.norm_title.find(q)
                if t >= 0:
                    out.append((100.0 + TITLE_BONUS - min(t, 20) * 0.05, e, (t, t + len(q)), True))
                    continue
                b = e.norm_body.find(q)
                if b >= 0:
                    out.append((100.0 - min(b, 200) * 0.01, e, (b, b + len(q)), False))
                continue
            long_candidates.append(e)
        if long_candidates:
            # Scored in rapidfuzz's C loop; the matched span is found later for the few hits shown.
            titles = process.extract(
                q, [e.norm_title for e in long_candidates], scorer=fuzz.partial_ratio, limit=None, score_cutoff=60
            )
            bodies = process.extract(
                q, [e.norm_body for e in long_candidates], scorer=fuzz.partial_ratio, limit=None, score_cutoff=60
            )
            title_scores = {i: score + TITLE_BONUS for _c, score, i in titles}
            for _c, score, i in bodies:
                if title_scores.get(i, 0.0) < score:
                    out.append((score, long_candidates[i], None, False))
            body_best = {i: score for _c, score, i in bodies}
            for i, score in title_scores.items():
                if score >= body_best.get(i, 0.0):
                    out.append((score, long_candidates[i], None, True))
        if len(q) > 2:
            out = [t for t in out if t[0] >= 70]
        kind_rank = {"provision": 0, "guideline": 1, "item": 2, "lesson": 3}
        return heapq.nsmallest(
            MAX_CANDIDATES, out, key=lambda t: (-round(t[0], 1), kind_rank.get(t[1].kind, 9), t[1].order, t[1].lang)
        )

    def _hit(self, e: Entry, score: float, span: tuple[int, int] | None, in_title: bool = False) -> Hit:
        title_hl: tuple[tuple[int, int], ...] = ()
        if span is not None and in_title:
            title_hl = (_orig_span(e.title_map, span),)
            snippet, hl = _window(e.body, None)
        elif span is not None:
            snippet, hl = _window(e.body, _orig_span(e.body_map, span))
        else:
            snippet, hl = _window(e.body, None)
        return Hit(e.ref, e.kind, e.rulebook, e.article, e.lang, e.title, snippet, score, hl, title_hl)


def _orig_span(index: tuple[int, ...], span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if not index:
        return (0, 0)
    start = min(start, len(index) - 1)
    end = min(max(end, start + 1), len(index))
    return (index[start], index[end - 1] + 1)


def _window(text: str, span: tuple[int, int] | None, width: int = 80) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line snippet of about `width` characters around the match, with the match's place in it."""
    flat = text.replace("\n", " ")
    if span is None:
        return (flat[:width] + ("…" if len(flat) > width else "")), ()
    start, end = span
    left = max(0, start - width // 3)
    right = min(len(flat), max(end, left + width))
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(flat) else ""
    snippet = prefix + flat[left:right] + suffix
    offset = len(prefix) - left
    return snippet, ((start + offset, min(end, right) + offset),)


def markdown_to_text(markdown: str) -> str:
    """Lesson Markdown as plain lines for search snippets: no heading marks, list bullets, emphasis or code ticks."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"^\s{0,3}(#{1,6}\s*|>\s?|[-*+]\s+|\d+\.\s+|- \[[ x]\]\s*)", "", line)
        line = re.sub(r"(\*\*|__|`|\*)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        if line.strip():
            lines.append(line.strip())
    return "\n".join(lines)


def build_index(
    corpus: Corpus, templates: dict[str, Template] | None = None, modules: dict[str, Module] | None = None
) -> SearchIndex:
    """Index every article (notice items individually), guideline comment, template item and lesson, in ja and en."""
    index = SearchIndex(corpus=corpus)
    book_rank = {slug: n for n, slug in enumerate(RULEBOOK_ORDER)}
    for p in sorted(corpus.provisions.values(), key=lambda p: (book_rank.get(p.rulebook, 99), p.order)):
        order = book_rank.get(p.rulebook, 99) * 100_000 + p.order
        book = corpus.rulebooks[p.rulebook]
        notice = book.kind == "notice"
        if p.kind == "article" and not (notice and p.article.isdigit()):
            for lang in ("ja", "en"):
                caption = p.caption.get(lang) if p.caption else ""
                title = f"{book.name.get(lang)} {article_label(p, lang)}" + (f" {caption}" if caption else "")
                index.add(p.ref, "provision", p.rulebook, p.article, lang, title, corpus.full_text(p.ref, lang), order)
        elif p.kind == "item" and notice:
            for lang in ("ja", "en"):
                grandparent = corpus[p.parent].parent if p.parent else None
                parent = corpus[grandparent] if grandparent else None
                caption = parent.caption.get(lang) if parent and parent.caption else ""
                title = f"{book.name.get(lang)} {article_label(p, lang)} {caption}".strip()
                index.add(
                    p.ref,
                    "provision",
                    p.rulebook,
                    f"{p.article}.{p.item}",
                    lang,
                    title,
                    corpus.full_text(p.ref, lang),
                    order,
                )
        elif p.kind == "guideline":
            for lang in ("ja", "en"):
                title = f"{book.name.get(lang)} {article_label(p, lang)}"
                index.add(p.ref, "guideline", p.rulebook, p.article, lang, title, corpus.full_text(p.ref, lang), order)
    base = 10_000_000
    for t in (templates or {}).values():
        for n, item in enumerate(t.items()):
            first = item.cites[0] if item.cites else ""
            slug = first.split(":", 1)[0] if first else ""
            art = corpus[first].article if first in corpus else ""
            for lang in ("ja", "en"):
                extra = [item.guidance.get(lang)] if item.guidance else []
                extra += [e.get(lang) for e in item.evidence]
                index.add(item.id, "item", slug, art, lang, item.question.get(lang), "\n".join(extra), base + n)
        base += 100_000
    for m in (modules or {}).values():
        for n, lesson in enumerate(m.lessons):
            for lang in ("ja", "en"):
                index.add(
                    f"lesson:{m.id}/{lesson.id}",
                    "lesson",
                    "",
                    "",
                    lang,
                    lesson.title.get(lang),
                    markdown_to_text(lesson.body.get(lang)),
                    base + n,
                )
        base += 1000
    return index
