"""Reference parsing: the stable form `slug:10.2.4` and the loose forms people type.

Accepted loose forms include 「交換業 第10条第2項」, 「10条2項4号」, 「第十条」, "art 10(2)", "10-2", "g10.4",
「第10条関係第4項関係」, 「④ハ」, 「⑤ロ」, "5.ro", "part2". Without a rulebook name, every rulebook that has the
provision is returned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tui.domain.corpus import KANA_ROMAJI, RULEBOOK_ORDER, Corpus

RULEBOOK_ALIASES: dict[str, str] = {
    "jvcea-exchange": "jvcea-exchange",
    "exchange": "jvcea-exchange",
    "交換業": "jvcea-exchange",
    "交換": "jvcea-exchange",
    "暗号資産交換業": "jvcea-exchange",
    "jvcea-derivatives": "jvcea-derivatives",
    "derivatives": "jvcea-derivatives",
    "deriv": "jvcea-derivatives",
    "デリバティブ": "jvcea-derivatives",
    "デリバ": "jvcea-derivatives",
    "jvcea-epayment": "jvcea-epayment",
    "epayment": "jvcea-epayment",
    "e-payment": "jvcea-epayment",
    "電子決済": "jvcea-epayment",
    "電子決済手段": "jvcea-epayment",
    "電決": "jvcea-epayment",
    "fsi-bcp": "fsi-bcp",
    "fsi": "fsi-bcp",
    "bcp": "fsi-bcp",
    "仲介": "fsi-bcp",
    "仲介業": "fsi-bcp",
    "金融サービス仲介業": "fsi-bcp",
    "fsa-notice-2020": "fsa-notice-2020",
    "notice": "fsa-notice-2020",
    "fsa": "fsa-notice-2020",
    "周知文": "fsa-notice-2020",
    "要請": "fsa-notice-2020",
    "監督指針": "fsa-notice-2020",
    # the names tenken prints in front of a reference (「交換業規則 第26条第4項」, "Exchange Rules Art. 26(4)")
    "交換業規則": "jvcea-exchange",
    "暗号資産交換業規則": "jvcea-exchange",
    "exchangerules": "jvcea-exchange",
    "デリバティブ規則": "jvcea-derivatives",
    "derivativesrules": "jvcea-derivatives",
    "電子決済手段規則": "jvcea-epayment",
    "e-paymentrules": "jvcea-epayment",
    "epaymentrules": "jvcea-epayment",
    "仲介業者規則": "fsi-bcp",
    "仲介業者": "fsi-bcp",
    "fsirules": "fsi-bcp",
    "2020年周知文": "fsa-notice-2020",
    "2020notice": "fsa-notice-2020",
    "周知文2020": "fsa-notice-2020",
}
# 「III-2-8」「Ⅲ-2-8 (1)」: the section of the FSA's supervisory guideline the 2020 notice quotes
_III_2_8 = re.compile(r"^(?:監督指針|fsa|2020年周知文|2020notice)?iii-2-8(?:\(1\))?(?:主な着眼点)?")
NOTICE_SECTIONS = ("part1", "4", "5", "8")
_ALIAS_RE = "|".join(sorted(map(re.escape, RULEBOOK_ALIASES), key=len, reverse=True))

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def kanji_to_int(text: str) -> int | None:
    """「十」→10, 「二十七」→27, 「百一」→101; None when not a kanji numeral."""
    if not text or any(c not in _KANJI_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c in _KANJI_DIGITS:
            current = _KANJI_DIGITS[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def normalize_ref_text(text: str) -> str:
    """NFKC, lower case, no spaces, kanji numerals in 第…条/項/号 turned into digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", "", text)
    text = re.sub(
        r"([第])?([〇零一二三四五六七八九十百]+)(?=[条項号章])",
        lambda m: (m.group(1) or "") + str(kanji_to_int(m.group(2))),
        text,
    )
    return text


@dataclass(frozen=True, slots=True)
class ParsedRef:
    rulebook: str | None
    local: str  # "10.2.4", "g10.4", "gch3", "4.ha", "part2"


_KANA = "".join(KANA_ROMAJI)
_ROMAJI = "|".join(sorted(set(KANA_ROMAJI.values()), key=len, reverse=True))

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # stable local forms: 10.2.4, g10.4, gch3, 4.ha, part2
    (re.compile(rf"^(?P<local>(?:g?ch\d+|g?\d+(?:\.\d+){{0,2}}|\d+\.(?:{_ROMAJI})|part\d))$"), "local"),
    # 第10条関係第4項関係 / 第10条第4項関係 / 10条関係 / 第3章関係
    (re.compile(r"^第?(?P<a>\d+)条(?:関係)?(?:第?(?P<p>\d+)項(?:関係)?)?(?:第?(?P<i>\d+)号)?関係$"), "guideline"),
    (re.compile(r"^第?(?P<c>\d+)章関係$"), "chapter-guideline"),
    # 第10条第2項第4号 / 10条2項 / 第10条
    (re.compile(r"^第?(?P<a>\d+)条(?:第?(?P<p>\d+)項)?(?:第?(?P<i>\d+)号)?$"), "ja"),
    # art 10(2)(4), art.10(2), article 10, a10
    (re.compile(r"^(?:art(?:icle)?\.?|a)?(?P<a>\d+)(?:\((?P<p>\d+)\))?(?:\((?P<i>\d+|[ivx]+)\))?$"), "en"),
    # 10-2-4, 10/2
    (re.compile(r"^(?P<a>\d+)[-/](?P<p>\d+)(?:[-/](?P<i>\d+))?$"), "dash"),
    # ④ハ (after NFKC ④ is 4), 4ハ, (4)ハ, 5ロ
    (re.compile(rf"^\(?(?P<a>[458])\)?[.・]?(?P<k>[{_KANA}])\.?$"), "kana"),
    (re.compile(rf"^\(?(?P<a>[458])\)?[.・-]?(?P<r>{_ROMAJI})$"), "romaji"),
    (re.compile(r"^(?:要請|request|part)(?P<n>[12])$"), "part"),
    (re.compile(r"^(?:guidelineon|guideline|gl|ガイドライン)(?P<rest>.+)$"), "guideline-word"),
]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


def _local_from(text: str) -> str | None:
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        g = m.groupdict()
        if kind == "local":
            return "g" + g["local"] if g["local"].startswith("ch") else g["local"]
        if kind == "guideline":
            return "g" + ".".join(x for x in (g["a"], g.get("p"), g.get("i")) if x)
        if kind == "chapter-guideline":
            return f"gch{g['c']}"
        if kind in ("ja", "dash"):
            return ".".join(x for x in (g["a"], g.get("p"), g.get("i")) if x)
        if kind == "en":
            item = g.get("i")
            if item and not item.isdigit():
                item = str(_ROMAN.get(item, item))
            return ".".join(x for x in (g["a"], g.get("p"), item) if x)
        if kind == "kana":
            return f"{g['a']}.{KANA_ROMAJI[g['k']]}"
        if kind == "romaji":
            return f"{g['a']}.{g['r']}"
        if kind == "part":
            return f"part{g['n']}"
        if kind == "guideline-word":
            inner = _local_from(g["rest"])
            if inner and inner[0].isdigit():
                return "g" + inner
            if inner and inner.startswith("g"):
                return inner
    return None


def parse_ref(text: str) -> ParsedRef | None:
    """Parse a stable or loose reference; None when it does not look like one."""
    raw = text.strip()
    if ":" in raw:
        slug, _, local = raw.partition(":")
        slug_n = RULEBOOK_ALIASES.get(normalize_ref_text(slug))
        local_n = _local_from(normalize_ref_text(local))
        if slug_n and local_n:
            return ParsedRef(slug_n, local_n)
        return None
    norm = normalize_ref_text(raw)
    m3 = _III_2_8.match(norm)
    if m3:
        rest = norm[m3.end() :]
        if not rest:
            return ParsedRef("fsa-notice-2020", "")
        notice_local = _local_from(rest)
        return ParsedRef("fsa-notice-2020", notice_local) if notice_local else None
    m = re.match(rf"^(?P<book>{_ALIAS_RE})(?P<rest>.*)$", norm)
    book: str | None = None
    if m and m.group("rest"):
        book = RULEBOOK_ALIASES[m.group("book")]
        norm = m.group("rest").lstrip("-_・:")
    local_ref = _local_from(norm)
    if local_ref is None:
        return None
    return ParsedRef(book, local_ref)


def resolve(text: str, corpus: Corpus) -> list[str]:
    """Stable refs that `text` names, in rulebook order (empty when none)."""
    parsed = parse_ref(text)
    if parsed is None:
        return []
    if parsed.rulebook == "fsa-notice-2020" and not parsed.local:  # 「III-2-8」: the notice's quoted sections
        return [f"{parsed.rulebook}:{s}" for s in NOTICE_SECTIONS if f"{parsed.rulebook}:{s}" in corpus]
    books = [parsed.rulebook] if parsed.rulebook else [b for b in RULEBOOK_ORDER if b in corpus.rulebooks]
    out = []
    for b in books:
        ref = f"{b}:{parsed.local}"
        if ref in corpus:
            out.append(ref)
        elif "." in parsed.local and parsed.rulebook is None and b == "fsa-notice-2020":
            continue
    return out


def split_refs(words: list[str], corpus: Corpus) -> list[tuple[str, list[str]]]:
    """Words typed without quotes (`tenken show 交換業 第10条第2項`) grouped into the references they spell.

    Greedy, longest first: each group is the most words from here that still read as one reference. Returns
    (text, refs) pairs; refs is empty for words that name nothing (the caller reports them)."""
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 4), i, -1):
            text = " ".join(words[i:j])
            found = resolve(text, corpus)
            if found:
                out.append((text, found))
                i = j
                break
        else:
            out.append((words[i], []))
            i += 1
    return out


def nearest_refs(text: str, corpus: Corpus, limit: int = 5) -> list[str]:
    """Refs that look most like `text`, for "did you mean" answers."""
    from rapidfuzz import fuzz, process

    parsed = parse_ref(text)
    query = f"{parsed.rulebook or ''}:{parsed.local}" if parsed else normalize_ref_text(text)
    choices = [r for r, p in corpus.provisions.items() if p.kind != "supplementary"]
    found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit)
    return [c for c, _score, _i in found]
