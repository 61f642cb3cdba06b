"""Inspection templates: the questions staff answer, each citing the provisions it covers."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.domain.text import Text


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

    def items(self) -> list[TemplateItem]:
        return [i for s in self.sections for i in s.items]

    def item(self, item_id: str) -> TemplateItem | None:
        for s in self.sections:
            for i in s.items:
                if i.id == item_id:
                    return i
        return None
