"""The rulebook corpus: every provision and guideline comment, addressable by its stable ref."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tui.domain.text import Text, strongest

RULEBOOK_ORDER = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp", "fsa-notice-2020")

#: The notice quotes points labelled with kana; refs use their romaji.
KANA_ROMAJI = {
    "イ": "i",
    "ロ": "ro",
    "ハ": "ha",
    "ニ": "ni",
    "ホ": "ho",
    "ヘ": "he",
    "へ": "he",
    "ト": "to",
    "チ": "chi",
    "リ": "ri",
    "ヌ": "nu",
}
ROMAJI_KANA = {v: k for k, v in KANA_ROMAJI.items() if k != "へ"}
CIRCLED = {4: "④", 5: "⑤", 8: "⑧"}


@dataclass(frozen=True, slots=True)
class Provision:
    """An article, paragraph, item, or guideline comment.

    `ja`/`en` hold the provision's own text; an article's text is that of its paragraphs.
    """

    ref: str
    rulebook: str
    kind: str  # article | paragraph | item | guideline | supplementary
    article: str
    paragraph: int | None = None
    item: str | None = None
    ja: str = ""
    en: str = ""
    level: str = "info"
    caption: Text | None = None
    heading: str = ""  # guideline comments: the source heading (第10条関係第4項関係)
    bullets: tuple[Text, ...] = ()
    parent: str | None = None
    children: tuple[str, ...] = ()
    chapter: int | None = None
    section: int | None = None
    order: int = 0

    @property
    def text(self) -> Text:
        return Text(self.ja, self.en)

    @property
    def local(self) -> str:
        """The ref without its rulebook slug."""
        return self.ref.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class Chapter:
    number: int
    title: Text
    articles: tuple[str, ...]
    sections: tuple[tuple[int, Text, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    label: str
    text: Text
    url: str


@dataclass(frozen=True, slots=True)
class Rulebook:
    slug: str
    kind: str
    title: Text
    issuer: Text | None
    history: tuple[tuple[str, str], ...]  # (ISO date, event)
    guideline_title: Text | None
    chapters: tuple[Chapter, ...]
    articles: tuple[str, ...]  # article refs in order
    guidelines: tuple[str, ...]
    supplementary: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    short: Text | None = None

    @property
    def name(self) -> Text:
        """The short name when there is one."""
        return self.short or self.title


@dataclass(frozen=True, slots=True)
class Equivalent:
    ref: str
    relation: str  # equal | similar | broader | narrower (this side relative to the other)
    note: Text | None = None


@dataclass
class Corpus:
    rulebooks: dict[str, Rulebook] = field(default_factory=dict)
    provisions: dict[str, Provision] = field(default_factory=dict)
    equivalents: dict[str, list[Equivalent]] = field(default_factory=dict)

    def __contains__(self, ref: str) -> bool:
        return ref in self.provisions

    def get(self, ref: str) -> Provision | None:
        return self.provisions.get(ref)

    def __getitem__(self, ref: str) -> Provision:
        return self.provisions[ref]

    def ordered_rulebooks(self) -> list[Rulebook]:
        known = [self.rulebooks[s] for s in RULEBOOK_ORDER if s in self.rulebooks]
        extra = [b for s, b in sorted(self.rulebooks.items()) if s not in RULEBOOK_ORDER]
        return known + extra

    def walk(self, ref: str) -> Iterator[Provision]:
        """The provision and all its descendants, in document order."""
        prov = self.provisions[ref]
        yield prov
        for child in prov.children:
            yield from self.walk(child)

    def full_text(self, ref: str, lang: str) -> str:
        """All text under `ref` joined, for search and display."""
        parts: list[str] = []
        for p in self.walk(ref):
            text = p.ja if lang == "ja" else p.en
            if text:
                parts.append(text)
            parts.extend(b.get(lang) for b in p.bullets)
        return "\n".join(parts)

    def effective_level(self, ref: str) -> str:
        """An article's level is the strongest of its parts."""
        return strongest([p.level for p in self.walk(ref)])

    def guidelines_for(self, ref: str) -> list[Provision]:
        """Guideline comments on `ref`, on its descendants (for an article), or on its ancestors' chapter."""
        prov = self.provisions[ref]
        if prov.kind == "guideline":
            return []
        slug = prov.rulebook
        book = self.rulebooks[slug]
        local = prov.local
        out: list[Provision] = []
        for gref in book.guidelines:
            g = self.provisions[gref]
            target = g.local[1:]  # strip the leading "g"
            if target.startswith("ch"):
                if prov.kind == "article" and prov.chapter is not None and target == f"ch{prov.chapter}":
                    out.append(g)
                continue
            if target == local or target.startswith(local + ".") or local.startswith(target + "."):
                out.append(g)
        return out

    def equivalents_of(self, ref: str) -> list[Equivalent]:
        return self.equivalents.get(ref, [])

    def iter_kind(self, kinds: Iterable[str]) -> Iterator[Provision]:
        wanted = set(kinds)
        for p in self.provisions.values():
            if p.kind in wanted:
                yield p


def article_label(prov: Provision, lang: str) -> str:
    """「第10条第2項第4号」 / "Art. 10(2)(iv)"-style human label for a provision."""
    if prov.kind == "guideline":
        return prov.heading if lang == "ja" else _guideline_label_en(prov)
    if prov.article.startswith("part"):
        num = prov.article[4:]
        return f"要請{num}" if lang == "ja" else f"Request {num}"
    if prov.rulebook == "fsa-notice-2020" or (prov.item and not str(prov.item).isdigit()):
        circ = CIRCLED.get(int(prov.article), prov.article) if prov.article.isdigit() else prov.article
        if prov.item:
            kana = ROMAJI_KANA.get(prov.item, prov.item)
            return f"{circ}{kana}" if lang == "ja" else f"({prov.article}) {prov.item}"
        return str(circ) if lang == "ja" else f"({prov.article})"
    if lang == "ja":
        s = f"第{prov.article}条"
        if prov.paragraph is not None:
            s += f"第{prov.paragraph}項"
        if prov.item is not None:
            s += f"第{prov.item}号"
        return s
    s = f"Art. {prov.article}"
    if prov.paragraph is not None:
        s += f"({prov.paragraph})"
    if prov.item is not None:
        s += f"({prov.item})"
    return s


def _guideline_label_en(prov: Provision) -> str:
    target = prov.local[1:]
    if target.startswith("ch"):
        return f"Guideline on Chapter {target[2:]}"
    parts = target.split(".")
    s = f"Guideline on Art. {parts[0]}"
    for p in parts[1:]:
        s += f"({p})"
    return s
