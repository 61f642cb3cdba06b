"""Readings of the kanji words in the texts (pykakasi), so hiragana and romaji queries can find them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tui.domain.analyze import fold


def build_readings(texts: Iterable[str]) -> dict[str, list[str]]:
    """Hiragana reading → the folded kanji words of `texts` read so (pykakasi), for hiragana and romaji queries."""
    import pykakasi  # only here: the dictionary loads when the index is built, never at start-up

    kks = pykakasi.kakasi()  # type: ignore[no-untyped-call]  # pykakasi ships no type hints
    runs: set[str] = set()
    for text in texts:
        runs.update(m.group() for m in re.finditer(r"[\u3005\u4e00-\u9fff]+", text))
    out: dict[str, list[str]] = {}
    for run in sorted(runs):
        parts = kks.convert(run)
        words = [(fold(p["orig"]), p["hira"]) for p in parts if p["hira"]]
        if len(parts) > 1:
            words.append((fold(run), "".join(p["hira"] for p in parts)))
        for orig, hira in words:
            if orig != hira and len(hira) >= 2:
                bucket = out.setdefault(hira, [])
                if orig not in bucket and len(bucket) < 6:
                    bucket.append(orig)
    return out
