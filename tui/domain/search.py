"""One search over provisions, guideline comments, inspection items and lessons, in both languages.

The pipeline, in order:

1. References first: anything tenken prints as a reference (「交換業規則 第26条第4項」, "Exchange Rules Art. 26(4)",
   「Ⅲ-2-8 ⑧ロ」) jumps straight to the provision.
2. The query is cut into units (`tui.domain.analyze`): Japanese script runs without their grammar, English words
   without stop words. Each unit is a group of alternatives: the unit itself, the rule wording the reviewed synonym
   table gives for it (checklists/synonyms.yaml: 消す→削除, パッチ→セキュリティパッチ, …), English words it may be the
   beginning of (typing) or a typo of (rapidfuzz). Hiragana and romaji are also read as kanji words through a
   reading table built with pykakasi at index time.
3. BM25 over Japanese character bigrams and English word stems, every unit counting: a text that matches all the
   units of a query ranks above one that matches some of them very well.
4. Both languages of a provision are indexed; a hit is shown in the UI language, which also wins ties.
5. The passage shown is the one around the rarest matched unit, highlighted at word boundaries; an inspection
   item shows its question or guidance, not its evidence list.

When no unit matches at all, a rapidfuzz partial_ratio scan over the candidates sharing characters with the query
keeps typo-laden queries from coming back empty.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from tui.domain.analyze import (
    STOPWORDS,
    fold,
    grams,
    index_terms,
    is_hiragana,
    long_vowel_variants,
    query_text,
    query_units,
    romaji_to_hiragana,
    stem,
)
from tui.domain.corpus import RULEBOOK_ORDER, Corpus, article_label
from tui.domain.equivalence import JVCEA
from tui.domain.normalize import normalize_with_map
from tui.domain.refs import resolve

KINDS = ("provision", "guideline", "item", "lesson")
KIND_WEIGHT = {"provision": 1.0, "guideline": 0.97, "item": 0.7, "lesson": 0.65}  # measured on the relevance set
K1 = 1.2
B = 0.5
TITLE_REPEAT = 2  # a heading's words count as if written twice
TITLE_BONUS = 0.5  # a unit found whole in a provision's heading weighs this much more
CITED = {"item": 0.7, "lesson": 0.35}  # share of an item's or lesson's score that the provisions it cites receive
SPREAD = 3  # other hits that come before a second copy of one JVCEA article (SearchIndex._spread)
FORMAT = 4  # of the cached data (SearchIndex.to_data)


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
    extra: str = ""  # searched but shown only when nothing else matched (an item's evidence list)
    label: str = ""  # shown instead of the title when set (an item: the provision it cites; its title is its question)
    cites: str = ""  # an item's or lesson's cited provisions, as the refs of their indexed entries, space-separated


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

    def as_json(self) -> dict[str, Any]:
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


@dataclass(frozen=True, slots=True)
class Alt:
    """One way a query unit can match: its index terms, a weight, and the folded text to highlight."""

    terms: tuple[str, ...]
    weight: float
    surface: str


@dataclass
class Synonyms:
    """The reviewed synonym table: folded phrase → folded rule wordings (both languages)."""

    table: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[Iterable[str], Iterable[str]]]) -> Synonyms:
        table: dict[str, list[str]] = {}
        for sources, targets in rows:
            folded = [fold(t) for t in targets]
            for s in sources:
                table.setdefault(fold(s), [])
                table[fold(s)] += [t for t in folded if t not in table[fold(s)]]
        return cls({k: tuple(v) for k, v in table.items()})


@dataclass
class SearchIndex:
    entries: list[Entry] = field(default_factory=list)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # term → (entry ids, BM25)
    titles: dict[str, np.ndarray] = field(default_factory=dict)  # term → provisions with it in their heading
    readings: dict[str, list[str]] = field(default_factory=dict)  # hiragana reading → folded kanji words
    synonyms: Synonyms = field(default_factory=Synonyms)
    corpus: Corpus | None = None
    _english: list[str] = field(default_factory=list)
    _by_ref: dict[str, list[int]] = field(default_factory=dict)
    _folded: dict[int, tuple[str, array[int], str, array[int], str, array[int]]] = field(default_factory=dict)
    _max_reading: int = 0
    _compact_texts: list[str] = field(default_factory=list)
    _kind_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _masks: dict[tuple[str | None, str | None, str | None], np.ndarray] = field(default_factory=dict)
    _synonym_re: re.Pattern[str] | None = None
    _cite_src: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    _cite_dst: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    _cite_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _cite_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))

    # --- building ---------------------------------------------------------------------------

    def add(
        self,
        ref: str,
        kind: str,
        rulebook: str,
        article: str,
        lang: str,
        title: str,
        body: str,
        order: int,
        extra: str = "",
        label: str = "",
        cites: str = "",
    ) -> None:
        self.entries.append(
            Entry(len(self.entries), ref, kind, rulebook, article, lang, title, body, order, extra, label, cites)
        )

    def finish(self, readings: dict[str, list[str]] | None = None) -> None:
        """Weigh every term (BM25) once all entries are in; the query only adds the weights up."""
        tfs: list[dict[str, int]] = []
        lengths: list[int] = []
        titles: dict[str, list[int]] = {}
        for e in self.entries:
            title_terms = index_terms(fold(e.title))
            if e.kind == "provision":
                for t in set(title_terms):
                    titles.setdefault(t, []).append(e.id)
            repeat = 1 if e.kind == "item" else TITLE_REPEAT  # an item's question is its text, not a heading
            terms = title_terms * repeat + index_terms(fold(e.body + "\n" + e.extra))
            tf: dict[str, int] = {}
            for t in terms:
                tf[t] = tf.get(t, 0) + 1
            tfs.append(tf)
            lengths.append(len(terms))
        avg = sum(lengths) / max(1, len(lengths))
        df: dict[str, int] = {}
        for tf in tfs:
            for t in tf:
                df[t] = df.get(t, 0) + 1
        n = len(self.entries)
        postings: dict[str, tuple[list[int], list[float]]] = {}  # built as lists, kept as arrays
        for i, tf in enumerate(tfs):
            norm = K1 * (1 - B + B * lengths[i] / avg)
            for t, f in tf.items():
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                ids, ws = postings.setdefault(t, ([], []))
                ids.append(i)
                ws.append(round(idf * f * (K1 + 1) / (f + norm), 4))
        self.postings = {
            t: (np.asarray(ids, np.int32), np.asarray(ws, np.float32)) for t, (ids, ws) in postings.items()
        }
        self.titles = {t: np.asarray(ids, np.int32) for t, ids in titles.items()}
        if readings is not None:
            self.readings = readings
        self._prepare()

    def _prepare(self) -> None:
        self._english = sorted(t for t in self.postings if t.isascii() and t[:1].isalpha())
        self._by_ref = {}
        for e in self.entries:
            self._by_ref.setdefault(e.ref, []).append(e.id)
        self._max_reading = max((len(r) for r in self.readings), default=0)
        self._kind_weight = np.asarray([KIND_WEIGHT.get(e.kind, 0.6) for e in self.entries], np.float64)
        self._masks = {}
        self._folded = {}
        keys = sorted(self.synonyms.table, key=len, reverse=True)
        self._synonym_re = re.compile("|".join(map(re.escape, keys))) if keys else None
        src: list[int] = []
        dst: list[int] = []
        share: list[float] = []
        for e in self.entries:
            for ref in e.cites.split():
                for j in self._by_ref.get(ref, ()):
                    if self.entries[j].lang == e.lang:
                        src.append(e.id)
                        dst.append(j)
                        share.append(CITED.get(e.kind, 0.0))
        order = sorted(range(len(dst)), key=lambda k: dst[k])  # grouped by provision, for one reduceat per query
        self._cite_src = np.asarray([src[k] for k in order], np.int32)
        self._cite_share = np.asarray([share[k] for k in order], np.float64)
        ordered = [dst[k] for k in order]
        starts = [k for k in range(len(ordered)) if k == 0 or ordered[k] != ordered[k - 1]]
        self._cite_dst = np.asarray([ordered[k] for k in starts], np.int32)
        self._cite_starts = np.asarray(starts, np.intp)

    def warm(self) -> None:
        """Make what highlighting needs for every entry now (about 0.2 s), so no keystroke waits for it; the
        Workspace calls this in the background after loading the index. Without it the same is done per hit."""
        for e in self.entries:
            self._folds(e)

    # --- cache (plain data: JSON-able lists and dicts, never pickled objects) -----------------

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "entries": [
                [e.ref, e.kind, e.rulebook, e.article, e.lang, e.title, e.body, e.order, e.extra, e.label, e.cites]
                for e in self.entries
            ],
            "postings": {t: [ids.tolist(), ws.tolist()] for t, (ids, ws) in self.postings.items()},
            "titles": {t: ids.tolist() for t, ids in self.titles.items()},
            "readings": self.readings,
            "synonyms": self.synonyms.table,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], corpus: Corpus | None) -> SearchIndex:
        if data.get("format") != FORMAT:
            raise ValueError("search index cache of another format")
        index = cls(corpus=corpus)
        index.entries = [Entry(n, *row) for n, row in enumerate(data["entries"])]
        index.postings = {
            t: (np.asarray(p[0], np.int32), np.asarray(p[1], np.float32)) for t, p in data["postings"].items()
        }
        index.titles = {t: np.asarray(ids, np.int32) for t, ids in data["titles"].items()}
        index.readings = {k: list(v) for k, v in data["readings"].items()}
        index.synonyms = Synonyms({k: tuple(v) for k, v in data["synonyms"].items()})
        index._prepare()
        return index

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
        """Hits for `query`, best first. `lang` keeps one language only; otherwise a provision found in either
        language is shown in `prefer` (the UI language), which also wins ties."""
        query = query[:500]
        if not fold(query).strip():
            return []
        show = lang or prefer
        hits: list[Hit] = []
        seen: set[str] = set()
        if self.corpus is not None:
            for ref in resolve(query, self.corpus):
                hit = self._ref_hit(ref, show, 1000.0 - len(hits))
                if (
                    hit.ref not in seen
                    and (not rulebook or hit.rulebook == rulebook)
                    and (not kind or hit.kind == kind)
                ):
                    seen.add(hit.ref)
                    hits.append(hit)
        combined: np.ndarray | None = None
        used: list[list[Alt]] = []
        for groups in self._plans(query):
            scores = self._score(groups)
            if scores is not None and scores.any():
                used += groups
                combined = scores if combined is None else np.maximum(combined, scores)
        if combined is None:
            return hits or self._fuzzy(query, limit, rulebook, kind, lang, show)
        combined = self._cited(combined * self._kind_weight) * self._mask(rulebook, kind, lang)
        cand = np.flatnonzero(combined > 0)
        if not cand.size:
            return hits or self._fuzzy(query, limit, rulebook, kind, lang, show)
        k = (limit + len(seen)) * 3
        if cand.size > k:
            cand = cand[np.argpartition(-combined[cand], k - 1)[:k]]
        best: dict[str, tuple[float, int]] = {}  # ref → (score, entry id matched)
        for i in cand.tolist():
            e = self.entries[i]
            sc = round(float(combined[i]), 6)
            old = best.get(e.ref)
            if old is None or sc > old[0] or (sc == old[0] and e.lang == show):
                best[e.ref] = (sc, i)
        ranked = sorted(
            best.items(),
            key=lambda kv: (-round(kv[1][0], 3), self.entries[kv[1][1]].lang != show, self.entries[kv[1][1]].order),
        )
        top = ranked[0][1][0] if ranked else 1.0
        ranked = self._spread(ranked)
        surfaces = self._surfaces(used)
        for ref, (score, i) in ranked:
            if ref in seen:
                continue
            seen.add(ref)
            e = self._shown(ref, i, show)
            hits.append(self._hit(e, 100.0 * score / top, surfaces, self.entries[i] if e.id != i else None))
            if len(hits) >= limit:
                break
        return hits[:limit]

    def _spread(self, ranked: list[tuple[str, tuple[float, int]]]) -> list[tuple[str, tuple[float, int]]]:
        """The same provision of the other JVCEA rulebooks (which share one structure) follows the first one found
        after the next `SPREAD` other hits, so three copies of one article do not fill the top of the list."""
        seen: set[str] = set()
        keyed: list[tuple[int, bool, int]] = []
        for n, (ref, _v) in enumerate(ranked):
            book, _, local = ref.partition(":")
            group = f"jvcea:{local}" if book in JVCEA else ref
            again = group in seen
            seen.add(group)
            keyed.append((n + SPREAD if again else n, again, n))
        return [ranked[n] for _k, _a, n in sorted(keyed)]

    def _cited(self, scores: np.ndarray) -> np.ndarray:
        """An inspection item or lesson that matches is written in plainer words than the rules it cites: the
        provisions it cites receive a share of its score (the best such share), so they rank with it."""
        if not self._cite_src.size:
            return scores
        lift = np.zeros(len(scores))
        lift[self._cite_dst] = np.maximum.reduceat(scores[self._cite_src] * self._cite_share, self._cite_starts)
        return scores + lift

    def _mask(self, rulebook: str | None, kind: str | None, lang: str | None) -> np.ndarray:
        key = (rulebook, kind, lang)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.asarray([self._keep(e, rulebook, kind, lang) for e in self.entries], np.float64)
            if len(self._masks) < 64:
                self._masks[key] = mask
        return mask

    def _shown(self, ref: str, matched: int, show: str) -> Entry:
        """The entry of `ref` in the UI language (the matched one when there is none)."""
        for i in self._by_ref.get(ref, ()):
            if self.entries[i].lang == show:
                return self.entries[i]
        return self.entries[matched]

    @staticmethod
    def _keep(e: Entry, rulebook: str | None, kind: str | None, lang: str | None) -> bool:
        return (
            (not rulebook or e.rulebook == rulebook) and (not kind or e.kind == kind) and (not lang or e.lang == lang)
        )

    # --- query plans ------------------------------------------------------------------------

    def _alt(self, text: str, weight: float) -> Alt | None:
        """The alternative for one folded word or phrase (None when it has no index terms)."""
        terms: list[str] = []
        for m in re.finditer(r"[a-z0-9]+|[^\sa-z0-9]+", text):
            tok = m.group()
            if tok.isascii():
                if tok not in STOPWORDS:
                    terms.append(stem(tok))
            else:
                terms += grams(tok)
        return Alt(tuple(terms), weight, text) if terms else None

    def _plans(self, query: str) -> list[list[list[Alt]]]:
        """One or more readings of the query, each a list of unit groups (a group: its alternatives)."""
        units = query_units(query)
        folded = fold(query)
        plans = [self._groups(units, folded, query_text(query))]
        compact = re.sub(r"\s+", "", folded)
        kana = None
        if compact and is_hiragana(compact):
            kana = compact
        elif compact.isascii() and compact.isalpha():
            kana = romaji_to_hiragana(folded)
        if kana:
            for variant in long_vowel_variants(kana):
                reading = self._reading_groups(variant)
                if reading:
                    plans.append(reading)
        return [p for p in plans if p]

    def _groups(self, units: list[tuple[str, int, int]], folded: str, typed: str) -> list[list[Alt]]:
        """A group per query unit. A synonym phrase inside one unit (「育成」 in 「人材育成」) adds its rule wording as
        alternatives of that unit; a phrase across units (「パッチを当てる」, "fake apps") replaces them."""
        groups: list[list[Alt]] = []
        taken: list[tuple[int, int]] = []
        inside: dict[int, list[Alt]] = {}  # unit number → synonym alternatives found within it
        for m in self._synonym_re.finditer(folded) if self._synonym_re else ():
            key = m.group()
            targets = self.synonyms.table[key]
            a, b = m.span()
            if key.isascii() and ((a > 0 and folded[a - 1].isalnum()) or (b < len(folded) and folded[b].isalnum())):
                continue
            expansions = [x for x in (self._alt(t, 0.9) for t in targets) if x]
            within = [n for n, (_t, ua, ub) in enumerate(units) if ua <= a and b <= ub and ub - ua > b - a]
            if within:
                _t, ua, ub = units[within[0]]
                if len(key) >= 3 or not is_hiragana(typed[ua:ub]):  # 「とは」 in 「ことはなんですか」 is grammar
                    inside.setdefault(within[0], []).extend(expansions)
                continue
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            alts = [x for x in [self._alt(key, 1.0), *expansions] if x]
            if alts:
                groups.append(alts)
                taken.append((a, b))
        last = len(units) - 1
        for n, (text, a, b) in enumerate(units):
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            if text.isascii() and text in STOPWORDS:
                continue
            if len(units) > 1 and is_hiragana(typed[a:b]):
                # hiragana between words is grammar (「っていくときの」「しなければならないか」) unless it reads as a
                # word of the texts (「ぜいじゃく」→ 脆弱)
                words = [x for x in (self._alt(w, 1.0) for w in self.readings.get(text, ())[:4]) if x]
                words += inside.get(n, ())  # a synonym inside it (「いつまで」 in 「はいつまでに」) still counts
                if words:
                    groups.append(words)
                continue
            alt = self._alt(text, 1.0)
            if alt is None:
                continue
            alts = [alt, *inside.get(n, ())]
            if text.isascii() and text.isalpha():
                alts += self._english_alts(text, typing=n == last)
            groups.append(alts)
        return groups

    def _english_alts(self, word: str, typing: bool) -> list[Alt]:
        """Words the index has that `word` begins (still being typed, or a stem) or misspells."""
        out: list[Alt] = []
        s = stem(word)
        if len(word) >= 3 and (typing or s not in self.postings or len(word) >= 5):
            i = bisect.bisect_left(self._english, word[: max(3, len(word) - 1)] if len(word) >= 6 else word)
            while i < len(self._english) and len(out) < 6:
                t = self._english[i]
                if not t.startswith(word[: max(3, len(word) - 1)] if len(word) >= 6 else word):
                    break
                if t != s:
                    out.append(Alt((t,), 0.85, t))
                i += 1
        if s not in self.postings and not out and len(word) >= 4:
            for t, score, _i in process.extract(s, self._english, scorer=fuzz.ratio, limit=3, score_cutoff=75):
                out.append(Alt((t,), 0.8 * score / 100, t))
        return out

    def _reading_groups(self, kana: str) -> list[list[Alt]]:
        """Hiragana read as words of the texts (「がいぶいたく」→ 外部 委託); empty when most of it is not."""
        n = len(kana)
        inf = float("inf")
        cost = [inf] * (n + 1)
        back: list[tuple[int, str | None]] = [(0, None)] * (n + 1)
        cost[0] = 0.0
        for i in range(n):
            if cost[i] == inf:
                continue
            if cost[i] + 3 < cost[i + 1]:
                cost[i + 1], back[i + 1] = cost[i] + 3, (i, None)
            for j in range(i + 2, min(n, i + self._max_reading) + 1):
                piece = kana[i:j]
                if (piece in self.readings or piece in self.postings) and cost[i] + 1 < cost[j]:
                    cost[j], back[j] = cost[i] + 1, (i, piece)
        pieces: list[str] = []
        skipped = 0
        j = n
        while j > 0:
            i, found = back[j]
            if found is None:
                skipped += 1
            else:
                pieces.append(found)
            j = i
        if not pieces or skipped > max(1, n // 5):
            return []
        groups: list[list[Alt]] = []
        for piece in reversed(pieces):
            alts = [self._alt(w, 1.0) for w in self.readings.get(piece, ())[:4]]
            if piece in self.postings or len(piece) > 2:
                alts.append(self._alt(piece, 0.9))
            groups.append([a for a in alts if a])
        return [g for g in groups if g]

    # --- scoring ----------------------------------------------------------------------------

    def _score(self, groups: list[list[Alt]]) -> np.ndarray | None:
        """BM25 summed over each group's best alternative, times the squared share of groups a text matches
        (a group matches when its alternative's terms are mostly there): every word of the query counts."""
        n = len(self.entries)
        total = np.zeros(n)
        matched = np.zeros(n)
        counted = 0
        for alts in groups:
            counted += 1  # a unit nothing knows still counts against every text
            best: np.ndarray | None = None
            hit: np.ndarray | None = None
            for alt in alts:
                terms = set(alt.terms)
                found = [self.postings[t] for t in terms if t in self.postings]
                if not found:
                    continue
                sums = np.zeros(n)
                counts = np.zeros(n)
                for ids, ws in found:
                    sums[ids] += ws  # ids are unique within one term
                    counts[ids] += 1
                share = counts / len(terms)
                value = alt.weight * sums * share
                in_title = np.zeros(n)
                for t in terms:
                    if t in self.titles:
                        in_title[self.titles[t]] += 1
                value *= 1 + TITLE_BONUS * (in_title >= len(terms))
                best = value if best is None else np.maximum(best, value)
                hit = share >= 0.6 if hit is None else hit | (share >= 0.6)
            if best is not None and hit is not None:
                total += best
                matched += hit
        if not counted or not matched.any():
            return None
        return np.where(matched > 0, total * (matched / counted) ** 2, 0.0)

    def _fuzzy(
        self, query: str, limit: int, rulebook: str | None, kind: str | None, lang: str | None, show: str
    ) -> list[Hit]:
        """Last resort for a query no unit of which matched: partial_ratio over the texts sharing its bigrams."""
        q = re.sub(r"\s+", "", fold(query))
        if len(q) < 3:
            return []
        cand: dict[int, int] = {}
        for g in grams(q):
            for i in self.postings[g][0].tolist() if g in self.postings else ():
                cand[i] = cand.get(i, 0) + 1
        ids = [i for i, _n in sorted(cand.items(), key=lambda kv: -kv[1])[:300]]
        ids = [i for i in ids if self._keep(self.entries[i], rulebook, kind, lang)]
        if not self._compact_texts:
            self._compact_texts = [re.sub(r"\s+", "", fold(e.title + e.body)) for e in self.entries]
        texts = [self._compact_texts[i] for i in ids]
        found = process.extract(q, texts, scorer=fuzz.partial_ratio, limit=limit * 2, score_cutoff=70)
        hits: list[Hit] = []
        seen: set[str] = set()
        for _t, score, n in found:
            e = self.entries[ids[n]]
            if e.ref in seen:
                continue
            seen.add(e.ref)
            hits.append(self._hit(self._shown(e.ref, e.id, show), score, [q]))
        return hits[:limit]

    # --- showing ----------------------------------------------------------------------------

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

    def _folds(self, e: Entry) -> tuple[str, array[int], str, array[int], str, array[int]]:
        """The entry's heading, body and extra text normalized, with maps back to the text as written."""
        got = self._folded.get(e.id)
        if got is None:
            t, tm = normalize_with_map(e.title)
            b, bm = normalize_with_map(e.body)
            x, xm = normalize_with_map(e.extra)
            got = self._folded[e.id] = (t, array("I", tm), b, array("I", bm), x, array("I", xm))
        return got

    def _surfaces(self, groups: list[list[Alt]]) -> list[str]:
        """The words to highlight, rarest first (the passage shown is around the rarest one found)."""
        return sorted(
            {_compact(a.surface) for alts in groups for a in alts if _compact(a.surface)},
            key=lambda s: (-self._rarity(s), -len(s)),
        )

    def _hit(self, e: Entry, score: float, surfaces: list[str], matched: Entry | None = None) -> Hit:
        """The hit with the passage around its rarest matched word, highlights snapped to word boundaries. When the
        text shown (`e`, in the UI language) is not the one that matched (`matched`, the other language), the
        passage is the line of `e` that is parallel to the matching line of `matched`."""
        nt, tmap, nb, bmap, nx, xmap = self._folds(e)
        title_spans = _find_all(nt, tmap, e.title, surfaces)
        body_spans = _find_all(nb, bmap, e.body, surfaces)
        text = e.body
        if not body_spans and matched is not None and not e.label and e.body.count("\n") == matched.body.count("\n"):
            _mt, _mtm, mb, mbm, _mx, _mxm = self._folds(matched)
            found = _find_all(mb, mbm, matched.body, surfaces)
            if found:
                line = matched.body.count("\n", 0, min(found, key=lambda sr: sr[1])[0][0])
                start = 0
                for _n in range(line):
                    start = e.body.index("\n", start) + 1
                end = e.body.find("\n", start)
                snippet, _hl = _window(e.body, (start, end if end >= 0 else len(e.body)))
                title_hl = tuple(sorted(s for s, _r in title_spans))
                return Hit(e.ref, e.kind, e.rulebook, e.article, e.lang, e.title, snippet, score, (), title_hl)
        if not body_spans and not title_spans and e.extra:
            extra_spans = _find_all(nx, xmap, e.extra, surfaces)
            if extra_spans:
                text, body_spans = e.extra, extra_spans
        if not body_spans and not title_spans and surfaces:
            # nothing found as typed (a typo): rapidfuzz finds the passage that is closest to the longest word
            longest = max(surfaces, key=len)
            al = fuzz.partial_ratio_alignment(longest, nb, score_cutoff=70) if len(longest) >= 3 else None
            if al is not None and al.dest_end > al.dest_start:
                body_spans = [(_snap(e.body, (bmap[al.dest_start], bmap[al.dest_end - 1] + 1)), 0)]
        if e.label:
            # an item: headed by the provision it cites, its matching text below (question, guidance, or evidence)
            if title_spans:
                anchor = min(title_spans, key=lambda sr: sr[1])[0]
                snippet, hl = _window(e.title, anchor, width=160, extra=[s for s, _r in title_spans])
            elif body_spans:
                anchor = min(body_spans, key=lambda sr: sr[1])[0]
                snippet, hl = _window(text, anchor, width=160, extra=[s for s, _r in body_spans])
            else:
                snippet, hl = _window(e.title, None, width=160)
            return Hit(e.ref, e.kind, e.rulebook, e.article, e.lang, e.label, snippet, score, hl, ())
        if body_spans:
            anchor = min(body_spans, key=lambda sr: sr[1])[0]
            snippet, hl = _window(text, anchor, extra=[s for s, _r in body_spans])
        else:
            snippet, hl = _window(text, None)
        title_hl = tuple(sorted(s for s, _r in title_spans))
        return Hit(e.ref, e.kind, e.rulebook, e.article, e.lang, e.title, snippet, score, hl, title_hl)

    def _rarity(self, surface: str) -> float:
        terms = index_terms(surface)
        if not terms:
            return 0.0
        return sum(1.0 / max(1, len(self.postings[t][0]) if t in self.postings else 1) for t in terms) / len(terms)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_all(norm: str, index: array[int], original: str, surfaces: list[str]) -> list[tuple[tuple[int, int], int]]:
    """Spans of `surfaces` in `original` (found in its normalized form), with the surface's rank; not overlapping."""
    out: list[tuple[tuple[int, int], int]] = []
    for rank, s in enumerate(surfaces):
        if len(s) < 1 or (len(s) == 1 and s.isascii()):
            continue
        start = norm.find(s)
        count = 0
        latin = s[0].isascii() and s[0].isalnum()
        while start >= 0 and count < 3:
            first = index[start]
            if latin and first > 0 and _word(original[first - 1]):
                start = norm.find(s, start + 1)  # inside a word ("id" in "considered"): not a match
                continue
            span = _snap(original, (first, index[start + len(s) - 1] + 1))
            if not any(span[0] < b and a < span[1] for (a, b), _r in out):
                out.append((span, rank))
            count += 1
            start = norm.find(s, start + len(s))
    return out


def _snap(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a span over latin letters to whole words ("suffici|ent testing" → "sufficient testing")."""
    a, b = span
    while a > 0 and text[a - 1].isascii() and text[a - 1].isalnum() and text[a].isascii() and text[a].isalnum():
        a -= 1
    while b < len(text) and text[b].isascii() and text[b].isalnum() and text[b - 1].isascii() and text[b - 1].isalnum():
        b += 1
    return a, b


def _window(
    text: str, span: tuple[int, int] | None, width: int = 80, extra: list[tuple[int, int]] | None = None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line snippet of about `width` characters around the match, with the matches' places in it."""
    flat = text.replace("\n", " ")
    if span is None:
        return (flat[:width] + ("…" if len(flat) > width else "")), ()
    start, end = span
    left = max(0, start - width // 3)
    if left > 0:  # start the snippet at a word boundary
        while left < start and flat[left - 1].isascii() and flat[left - 1].isalnum():
            left += 1
    right = min(len(flat), max(end, left + width))
    while 0 < right < len(flat) and right < end + width + 20 and _word(flat[right - 1]) and _word(flat[right]):
        right += 1  # end it at a word boundary too
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(flat) else ""
    snippet = prefix + flat[left:right] + suffix
    offset = len(prefix) - left
    spans = []
    for a, b in sorted(set([span] + (extra or []))):
        if a >= left and b <= right:
            spans.append((a + offset, b + offset))
    return snippet, tuple(spans)


def _word(c: str) -> bool:
    return c.isascii() and c.isalnum()


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
    corpus: Corpus,
    templates: dict[str, Any] | None = None,
    modules: dict[str, Any] | None = None,
    synonyms: Synonyms | None = None,
    readings: Callable[[list[str]], dict[str, list[str]]] | None = None,
) -> SearchIndex:
    """Index every article (notice items individually), guideline comment, template item and lesson, in ja and en."""
    index = SearchIndex(corpus=corpus, synonyms=synonyms or Synonyms())
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
                grand = corpus[p.parent].parent if p.parent else None
                parent = corpus[grand] if grand else None
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
    indexed = {e.ref for e in index.entries}

    def cited_refs(refs: Iterable[str]) -> str:
        """The refs of the indexed provisions that `refs` fall under (an item of an article: the article)."""
        out: list[str] = []
        for ref in refs:
            p = corpus.get(ref)
            while p is not None and p.ref not in indexed:
                p = corpus.get(p.parent) if p.parent else None
            if p is not None and p.ref not in out:
                out.append(p.ref)
        return " ".join(out)

    base = 10_000_000
    for t in (templates or {}).values():
        for n, item in enumerate(t.items()):
            first = item.cites[0] if item.cites else ""
            slug = first.split(":", 1)[0] if first else ""
            art = corpus[first].article if first in corpus else ""
            cited = corpus.get(first) if first else None
            for lang in ("ja", "en"):
                label = (
                    f"{corpus.rulebooks[cited.rulebook].name.get(lang)} {article_label(cited, lang)}"
                    if cited is not None
                    else item.id
                )
                guidance = item.guidance.get(lang) if item.guidance else ""
                evidence = "\n".join(e.get(lang) for e in item.evidence)
                question = item.question.get(lang)
                index.add(
                    item.id,
                    "item",
                    slug,
                    art,
                    lang,
                    question,
                    guidance,
                    base + n,
                    evidence,
                    label,
                    cited_refs(item.cites),
                )
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
                    cites=cited_refs(lesson.cites),
                )
        base += 1000
    texts = [e.title + "\n" + e.body + "\n" + e.extra for e in index.entries if e.lang == "ja"]
    if readings is None:
        from tui.domain.readings import build_readings

        readings = build_readings
    index.finish(readings(texts))
    return index
