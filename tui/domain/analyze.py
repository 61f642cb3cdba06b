"""Text analysis for search: folding, tokens for the index, query units, readings.

Japanese has no spaces, so the index holds character bigrams of every Japanese run (unigrams too, for a
one-character query) and English words with a light suffix stemmer. Both the index and the query are folded the
same way: NFKC (full/half width), case, katakana into hiragana, every dash into one, old kanji forms into current
ones, and month counts (「1ヶ月」「一か月」「１カ月」) into one form.

A query is cut into *units* at script changes (kanji, katakana, latin words, digits); hiragana between them is
grammar (が, を, したら) and is dropped unless the whole query is hiragana, which is then read as a reading.
Romaji (「gaibu itaku」) is turned into hiragana first. Pure Python, no textual, no files.
"""

from __future__ import annotations

import re
import unicodedata

from tui.domain.normalize import OLD_FORMS

_KATA_TO_HIRA: dict[int, int | str] = {c: c - 0x60 for c in range(0x30A1, 0x30F5)}
_FOLD: dict[int, int | str] = str.maketrans(
    {
        **_KATA_TO_HIRA,
        0x30F5: "か",  # ヵ
        0x30F6: "か",  # ヶ (not ゖ: 「1ヶ月」 is 「1か月」)
        **{ord(c): "-" for c in "‐‑‒–—―−－─━"},
    }
)
_KANJI_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_MONTHS = re.compile(r"([0-9]+|[一二三四五六七八九十]+)\s*[かカヶケヵ箇ゕゖ個]\s*月")

CJK = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u3006\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[0-9]*[{CJK}][{CJK}0-9]*|[a-z0-9]+")
_HIRA = re.compile(r"^[\u3041-\u3096ー]+$")

_STOP_TEXT = """a an the of in on at to for and or is are be been by with we do does did have has had when who whom
where what which how should must it its as from that this these those after before our us can i you they them their
there if any into about than then so not no yes shall may will would could etc"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def _kanji_months(m: re.Match[str]) -> str:
    n = m.group(1)
    if not n.isdigit():
        if n == "十":
            n = "10"
        elif n.startswith("十"):
            n = "1" + _KANJI_NUM.get(n[1:], "0")
        else:
            n = "".join(_KANJI_NUM.get(c, c) for c in n)
    return f"{n}か月"


def fold(text: str) -> str:
    """NFKC, case-folded, katakana as hiragana, one dash, current kanji forms, 「1か月」 for every month count."""
    text = unicodedata.normalize("NFKC", text)
    text = _MONTHS.sub(_kanji_months, text)
    return text.casefold().translate(_FOLD).translate(OLD_FORMS)


def stem(word: str) -> str:
    """A light English stemmer: plural and common verb endings, so "patches", "patching" and "patch" meet."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses")):
                continue
            return word[: len(word) - len(suffix)] + repl
    return word


def grams(run: str) -> list[str]:
    """Index terms of one Japanese run: its bigrams (the run itself when it is one character)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> list[str]:
    """Every term of a folded text, in order: Japanese bigrams and unigrams, English stems."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isascii() and tok[-1].isascii() and tok.isascii():
            out.append(stem(tok))
        else:
            out += grams(tok)
            out += [c for c in tok if not c.isascii()]  # unigrams, for a query of one character
    return out


def is_hiragana(text: str) -> bool:
    return bool(_HIRA.match(text))


def _script(c: str) -> str:
    o = ord(c)
    if 0x3041 <= o <= 0x3096:
        return "h"
    if 0x30A1 <= o <= 0x30FA or c == "ー":
        return "k"
    if c.isascii() and c.isalnum():
        return "l"
    if c in "々〆" or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF:
        return "j"
    return " "


def query_text(query: str) -> str:
    """The query as `query_units` positions refer to it: NFKC, month counts as 「1か月」."""
    return _MONTHS.sub(_kanji_months, unicodedata.normalize("NFKC", query))


def query_units(query: str) -> list[tuple[str, int, int]]:
    """The content units of a query as (folded text, start, end) in the NFKC query: script runs, grammar dropped.

    Hiragana runs are kept only when the whole query is hiragana (a reading) or they are long enough to be a
    word of their own (「まにゅある」, 「いつまで」)."""
    q = query_text(query)
    runs: list[tuple[str, int, int]] = []
    start, kind = 0, ""
    for i, c in enumerate(q + " "):
        k = _script(c)
        if k == "k" and kind == "h" and c == "ー":
            k = "h"
        if k != kind:
            if kind and kind != " ":
                runs.append((kind, start, i))
            start, kind = i, k
    # digits glued to the following Japanese run (「1か月」) stay together
    units: list[tuple[str, int, int]] = []
    all_hira = all(k == "h" for k, _s, _e in runs)
    n = 0
    while n < len(runs):
        k, s, e = runs[n]
        text = q[s:e]
        if k == "l" and text.isdigit() and n + 1 < len(runs) and runs[n + 1][1] == e and runs[n + 1][0] != "l":
            k2, s2, e2 = runs[n + 1]
            if q[s2:e2] == "か" and n + 2 < len(runs) and runs[n + 2][1] == e2 and q[e2] == "月":
                e2 = runs[n + 2][2]  # a month count (「1か月」「1か月以内」) is one unit, not 「1か」 and 「月」
                n += 1
            units.append((fold(q[s:e2]), s, e2))
            n += 2
            continue
        if k == "l":
            for m in re.finditer(r"[A-Za-z0-9]+", text):
                units.append((fold(m.group()), s + m.start(), s + m.end()))
        elif k == "h" and not all_hira and len(text) < 4:
            pass
        else:
            units.append((fold(text), s, e))
        n += 1
    return units


# --- romaji -----------------------------------------------------------------------------------------------------

_ROMAJI_TABLE = {
    "kya": "きゃ", "kyu": "きゅ", "kyo": "きょ", "sha": "しゃ", "shu": "しゅ", "sho": "しょ", "she": "しぇ",
    "sya": "しゃ", "syu": "しゅ", "syo": "しょ", "cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "che": "ちぇ",
    "tya": "ちゃ", "tyu": "ちゅ", "tyo": "ちょ", "nya": "にゃ", "nyu": "にゅ", "nyo": "にょ", "hya": "ひゃ",
    "hyu": "ひゅ", "hyo": "ひょ", "mya": "みゃ", "myu": "みゅ", "myo": "みょ", "rya": "りゃ", "ryu": "りゅ",
    "ryo": "りょ", "gya": "ぎゃ", "gyu": "ぎゅ", "gyo": "ぎょ", "ja": "じゃ", "ju": "じゅ", "jo": "じょ",
    "je": "じぇ", "jya": "じゃ", "jyu": "じゅ", "jyo": "じょ", "zya": "じゃ", "zyu": "じゅ", "zyo": "じょ",
    "bya": "びゃ", "byu": "びゅ", "byo": "びょ", "pya": "ぴゃ", "pyu": "ぴゅ", "pyo": "ぴょ", "shi": "し",
    "chi": "ち", "tsu": "つ", "thi": "てぃ", "dhi": "でぃ", "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
    "ti": "ち", "tu": "つ", "si": "し", "zi": "じ", "ji": "じ", "fu": "ふ", "hu": "ふ", "di": "ぢ", "du": "づ",
    "wo": "を", "va": "ゔぁ", "vi": "ゔぃ", "vu": "ゔ", "ve": "ゔぇ", "vo": "ゔぉ",
}  # fmt: skip
for _c, _row in {
    "": "あいうえお", "k": "かきくけこ", "s": "さしすせそ", "t": "たちつてと", "n": "なにぬねの", "h": "はひふへほ",
    "m": "まみむめも", "y": "や?ゆ?よ", "r": "らりるれろ", "w": "わ???を", "g": "がぎぐげご", "z": "ざじずぜぞ",
    "d": "だぢづでど", "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
}.items():  # fmt: skip
    for _v, _k in zip("aiueo", _row, strict=True):
        if _k != "?":
            _ROMAJI_TABLE.setdefault(_c + _v, _k)
_ROMAJI_KEYS = sorted(_ROMAJI_TABLE, key=len, reverse=True)


def romaji_to_hiragana(text: str) -> str | None:
    """「gaibu itaku」→「がいぶいたく」; None when `text` is not all romaji (an English word, a typo)."""
    s = re.sub(r"[\s'-]+", "", text.lower())
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "n" and (i + 1 == len(s) or s[i + 1] not in "aiueoy"):
            out.append("ん")
            i += 1
            continue
        if i + 1 < len(s) and c == s[i + 1] and c not in "aiueon":
            out.append("っ")
            i += 1
            continue
        for key in _ROMAJI_KEYS:
            if s.startswith(key, i):
                out.append(_ROMAJI_TABLE[key])
                i += len(key)
                break
        else:
            return None
    return "".join(out) or None


def long_vowel_variants(kana: str) -> list[str]:
    """Readings typed without long vowels (「bogyo」 for ぼうぎょ): the reading with う/お after o and u dropped."""
    return [kana, re.sub(r"([おこそとのほもよろごぞどぼぽょ])[うお]", r"\1", kana)]
