"""Text normalization shared by the search index and queries, keeping a map back to the original text.

NFKC (full/half width), case folded, katakana folded into hiragana, every dash and long-vowel mark made one,
old kanji forms (會, 經 …) made current, whitespace removed. Each normalized character remembers the index of
the original character it came from, so a match can be highlighted in the text as written.
"""

from __future__ import annotations

import unicodedata

OLD_FORMS = str.maketrans(
    "會經國學體號條關爲總證據處從與舊權價圖團實數應擔當廣亂壓轉續變讀區畫發圓兩惡榮氣歸擧檢缺驗醫齋雜辯邊傳單斷",
    "会経国学体号条関為総証拠処従与旧権価図団実数応担当広乱圧転続変読区画発円両悪栄気帰挙検欠験医斎雑弁辺伝単断",
)
_OLD = frozenset(chr(k) for k in OLD_FORMS)
DASHES = set("‐‑‒–—―−－ｰー-─━")
_COMBINING = {"\u3099": 0, "\u309a": 1}


def _fold_char(ch: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        code = ord(c)
        if c in "ヵヶ":  # 「1ヶ月」「1ヵ月」 read 「1か月」
            c = "か"
        elif 0x30A1 <= code <= 0x30F6:  # katakana → hiragana
            c = chr(code - 0x60)
        elif c in DASHES:
            c = "-"
        out.append(c)
    return "".join(out).translate(OLD_FORMS)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the index of the source character."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if 0x3041 <= code <= 0x3096 or (0x4E00 <= code <= 0x9FFF and ch not in _OLD):
            chars.append(ch)  # hiragana and current kanji fold to themselves (the common case, kept fast)
            index.append(i)
            continue
        if code < 0x80 and ch not in "-":
            if not ch.isspace():
                chars.append(ch.lower())
                index.append(i)
            continue
        if ch.isspace():
            continue
        folded = _fold_char(ch)
        for c in folded:
            if c in _COMBINING and chars:
                # a half-width voiced mark (ｸﾞ): compose it with the previous kana
                composed = unicodedata.normalize("NFC", chars[-1] + c)
                if len(composed) == 1:
                    chars[-1] = composed
                    continue
            if c.isspace():
                continue
            chars.append(c)
            index.append(i)
    return "".join(chars), index


def normalize(text: str) -> str:
    return normalize_with_map(text)[0]
