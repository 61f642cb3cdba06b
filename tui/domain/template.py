"""Inspection templates: the questions staff answer, each citing the provisions it covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.domain.text import Text

if TYPE_CHECKING:
    from tui.domain.corpus import Corpus


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    any_of: tuple[str | bool, ...]
    reason: Text | None = None


@dataclass(frozen=True, slots=True)
class TemplateItem:
    id: str
    question: Text
    cites: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()
    expectations: dict[str, Text] = field(default_factory=dict)
    evidence: tuple[Text, ...] = ()
    guidance: Text | None = None
    section: str = ""
    level: str = "info"
    covers: tuple[str, ...] = ()  # reviewed: cited provisions of other rulebooks this question asks in full


def inspection_rulebooks(profile_rulebooks: tuple[str, ...], templates: list[Template]) -> set[str]:
    """The rulebooks an inspection answers to: the firm's own and those its templates inspect against."""
    return set(profile_rulebooks) | {b for t in templates for b in t.rulebooks}


def cites_for(item: TemplateItem, rulebooks: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The item's citations in the firm's rulebooks (all of them when none matches)."""
    books = set(rulebooks)
    return tuple(r for r in item.cites if r.split(":", 1)[0] in books) or item.cites


@dataclass(frozen=True, slots=True)
class TemplateSection:
    id: str
    title: Text
    kind: str  # items | customer-damage
    items: tuple[TemplateItem, ...]


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    title: Text
    description: Text | None
    rulebooks: tuple[str, ...]
    sections: tuple[TemplateSection, ...]
    source: str = ""
    include: tuple[str, ...] = ()

    def items(self) -> list[TemplateItem]:
        return [i for s in self.sections for i in s.items]

    def item(self, item_id: str) -> TemplateItem | None:
        for s in self.sections:
            for i in s.items:
                if i.id == item_id:
                    return i
        return None


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """An inspection item with its number (「2-3」: section 2, item 3), section and scope level."""

    number: str
    item: TemplateItem
    section: TemplateSection
    level: str


def lay_out(
    templates: list[Template], items: list[tuple[str, str, str]]
) -> list[tuple[TemplateSection, list[PlacedItem]]]:
    """Group an inspection's (item id, section id, level) rows by section, numbered, in template order.

    Items whose template is no longer installed are left out (their answers stay in the database).
    """
    sections: dict[str, TemplateSection] = {}
    lookup: dict[str, TemplateItem] = {}
    for t in templates:
        for s in t.sections:
            sections.setdefault(s.id, s)
            for i in s.items:
                lookup.setdefault(i.id, i)
    grouped: dict[str, list[tuple[TemplateItem, str]]] = {}
    for item_id, section_id, level in items:
        item = lookup.get(item_id)
        if item is None:
            continue
        sid = item.section if item.section in sections else section_id
        grouped.setdefault(sid, []).append((item, level))
    out = []
    for n, (sid, section) in enumerate(((s, sections[s]) for s in sections if s in grouped), start=1):
        placed = [PlacedItem(f"{n}-{k}", item, section, level) for k, (item, level) in enumerate(grouped[sid], start=1)]
        out.append((section, placed))
    return out


def find_item(text: str, placed: list[PlacedItem], corpus: Corpus | None = None) -> str | None:
    """The item a person means by `text`: its number (「2-3」, 「２－３」, 「2ー3」), its id, or a provision it cites
    (「第26条」, 「交換業 10条2項」; needs the corpus). None when nothing matches."""
    from tui.domain.inspection import normalize_item_number

    wanted = normalize_item_number(text)
    for p in placed:
        if p.number == wanted or p.item.id == text.strip():
            return p.item.id
    if corpus is None or not text.strip():
        return None
    from tui.domain.refs import resolve

    try:
        refs = resolve(text, corpus)
    except ValueError:  # not a reference either
        return None
    for ref in refs:
        for p in placed:
            if any(c == ref or c.startswith(ref + ".") for c in p.item.cites):
                return p.item.id
    return None
