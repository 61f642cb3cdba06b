"""Bilingual text and obligation levels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, overload

from tui.i18n import N_, get_language


class Bilingual(Protocol):
    """Anything with a Japanese and an English string (the content schemas)."""

    @property
    def ja(self) -> str: ...
    @property
    def en(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Text:
    """One string in Japanese and English."""

    ja: str
    en: str

    def get(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        return (self.ja or self.en) if lang == "ja" else (self.en or self.ja)

    def __str__(self) -> str:
        return self.get()

    @overload
    @classmethod
    def of(cls, data: Bilingual) -> Text: ...
    @overload
    @classmethod
    def of(cls, data: Bilingual | None) -> Text | None: ...
    @classmethod
    def of(cls, data: Bilingual | None) -> Text | None:
        if data is None:
            return None
        return cls(ja=data.ja, en=data.en)


#: Strongest first.
LEVELS = ("shall", "endeavor", "consider", "desirable", "example", "info")
LEVEL_LABELS = {
    "shall": N_("shall"),
    "endeavor": N_("endeavor"),
    "consider": N_("consider"),
    "desirable": N_("desirable"),
    "example": N_("example"),
    "info": N_("info"),
}


def strongest(levels: Iterable[str]) -> str:
    """The strongest obligation level among `levels` (info when empty)."""
    present = set(levels)
    for level in LEVELS:
        if level in present:
            return level
    return "info"
