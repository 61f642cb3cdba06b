"""The file formats of checklists/, training/ and profile files, as pydantic models.

These describe what a file may contain; `tui.content.loader` turns validated files into the
domain's plain objects. Every model forbids unknown fields so a typo is reported, not ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tui.textsafe import strip_controls

Level = Literal["shall", "endeavor", "consider", "desirable", "example", "info"]
BusinessLine = Literal["crypto-exchange", "crypto-derivatives", "e-payment", "fs-intermediary", "online-securities"]
SizeTier = Literal["small", "medium", "large"]
Outsourcing = Literal["none", "single", "multi-tier"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Bullet(Bilingual):
    level: Level | None = None


class ItemSchema(Bilingual):
    number: int | str
    level: Level | None = None
    bullets: list[Bullet] = []


class ParagraphSchema(Bilingual):
    number: int
    level: Level
    items: list[ItemSchema] = []
    bullets: list[Bullet] = []


class ArticleSchema(Strict):
    number: int | str
    caption: Bilingual | None = None
    paragraphs: list[ParagraphSchema] = Field(min_length=1)


class SectionSchema(Strict):
    number: int
    title: Bilingual
    articles: list[int | str]


class ChapterSchema(Strict):
    number: int
    title: Bilingual
    articles: list[int | str] = []
    sections: list[SectionSchema] = []


class HistoryEntry(Strict):
    date: dt.date
    event: Literal["enacted", "amended", "circulated"]


class GuidelineInfo(Strict):
    title: Bilingual
    history: list[HistoryEntry] = []


class GuidelineParagraph(Bilingual):
    level: Level
    bullets: list[Bullet] = []


class GuidelineSchema(Strict):
    ref: str = Field(pattern=r"^g(ch\d+|\d+(\.\d+){0,2})$")
    heading: str
    paragraphs: list[GuidelineParagraph] = Field(min_length=1)


class SupplementaryParagraph(Bilingual):
    level: Level = "info"


class SupplementarySchema(Strict):
    heading: Bilingual
    of: Literal["rules", "guideline"] = "rules"
    paragraphs: list[SupplementaryParagraph]


class ReferenceSchema(Strict):
    label: str
    ja: str
    en: str
    url: str


class RulebookSchema(Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["rules", "notice"] = "rules"
    issuer: Bilingual | None = None
    title: Bilingual
    short: Bilingual | None = None  # a short name for lists and citations
    label: Bilingual | None = None  # the document type printed above the title: the notice's 「(周知文)」
    history: list[HistoryEntry] = []
    guideline: GuidelineInfo | None = None
    chapters: list[ChapterSchema] = []
    articles: list[ArticleSchema] = Field(min_length=1)
    guidelines: list[GuidelineSchema] = []
    supplementary: list[SupplementarySchema] = []
    references: list[ReferenceSchema] = []


class EquivalentSchema(Strict):
    left: str
    right: str
    relation: Literal["equal", "similar", "broader", "narrower"]
    note: Bilingual | None = None


class SameNumberedNote(Strict):
    """A reviewed note on how same-numbered JVCEA provisions differ (the loader links them; this explains)."""

    ref: str = Field(pattern=r"^g?[0-9]+(\.[0-9]+){0,2}$")  # the local ref shared by the three rulebooks
    note: Bilingual


class EquivalentsFile(Strict):
    links: list[EquivalentSchema] = []
    same_numbered: list[SameNumberedNote] = []


# --- inspection templates -------------------------------------------------------------------

ProfileField = Literal[
    "business",
    "size",
    "uses_cloud",
    "outsourcing",
    "has_contractors",
    "online_transactions",
    "system_integration_planned",
    "custody",
    "bank_api",
    "in_house_development",
]


class Condition(Strict):
    """Applies when `field` has one of `any_of` (lists: shares a value with it)."""

    field: ProfileField
    any_of: list[str | bool] = Field(min_length=1)
    reason: Bilingual | None = None


class Expectations(Strict):
    small: Bilingual
    medium: Bilingual
    large: Bilingual


class TemplateItemSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    question: Bilingual
    cites: list[str] = Field(min_length=1)
    # Reviewed: cited provisions of other rulebooks that this question asks in full (checklists/README.md).
    covers: list[str] = []
    applies_if: list[Condition] = []
    expectations: Expectations | None = None
    evidence: list[Bilingual] = []
    guidance: Bilingual | None = None


class TemplateSectionSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: Bilingual
    kind: Literal["items", "customer-damage"] = "items"
    items: list[TemplateItemSchema] = Field(min_length=1)


class TemplateSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: Bilingual
    description: Bilingual | None = None
    rulebooks: list[str] = Field(min_length=1)
    # Templates whose items (those citing one of `rulebooks`) this template takes over, sections and all.
    include: list[str] = []
    sections: list[TemplateSectionSchema] = []


# --- training --------------------------------------------------------------------------------


class LessonSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Bilingual
    file: Bilingual  # paths of the Markdown files, relative to the module folder
    minutes: int = Field(ge=1, le=240)
    cites: list[str] = []


class ChoiceSchema(Bilingual):
    id: str = Field(pattern=r"^[a-z]$")
    correct: bool = False
    explanation: Bilingual


class QuestionSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Literal["single", "multiple"]
    question: Bilingual
    choices: list[ChoiceSchema] = Field(min_length=2, max_length=8)
    cites: list[str] = Field(min_length=1)
    lesson: str | None = None  # the lesson that teaches it


Role = Literal["csirt", "operations", "legal", "comms", "management"]  # = tui.domain.training.ROLES
Flag = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class DecisionSchema(Bilingual):
    id: str = Field(pattern=r"^[a-z]$")
    score: int = Field(ge=0, le=10)
    debrief: Bilingual  # the consequence, and the provisions it touches
    critical: bool = False  # fails the exercise whatever the score
    sets: list[Flag] = []  # flags that later injects' `when` / `unless` test


class InjectSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Bilingual
    situation: Bilingual
    decisions: list[DecisionSchema] = Field(min_length=2, max_length=6)
    cites: list[str] = Field(min_length=1)
    clock: str = Field(min_length=1, max_length=20)  # the scenario's time, e.g. "02:10" or "D+1 09:00"
    lead: Role  # who speaks for the team at this inject
    facilitator: Bilingual  # notes for the facilitator
    when: list[Flag] = []  # shown only when an earlier decision set every one of these flags
    unless: list[Flag] = []  # and none of these
    clock_if: dict[Flag, str] = {}  # the clock instead, when an earlier decision set that flag


class ExerciseSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Bilingual
    scenario: Bilingual
    roles: list[Role] = Field(min_length=2)
    injects: list[InjectSchema] = Field(min_length=3)
    pass_mark: int = Field(ge=1, le=100)  # percent of the best score of the injects met; critical decisions fail


class ModuleSchema(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Bilingual
    summary: Bilingual
    audience: Bilingual
    objectives: list[Bilingual] = Field(min_length=2)
    minutes: int = Field(ge=5, le=600)
    pass_mark: int = Field(ge=1, le=100)  # percent of quiz questions answered correctly
    lessons: list[LessonSchema] = Field(min_length=4)
    quiz: list[QuestionSchema] = Field(min_length=10)
    exercise: ExerciseSchema | None = None


# --- firm profile ----------------------------------------------------------------------------


class ProfileSchema(Strict):
    name: str = Field(min_length=1, max_length=300)
    business: list[BusinessLine] = Field(min_length=1)
    staff: int = Field(ge=1, le=1_000_000)
    size: SizeTier | None = None
    uses_cloud: bool = False
    outsourcing: Outsourcing = "none"
    online_transactions: bool = False
    system_integration_planned: bool = False
    custody: bool = False
    bank_api: bool = False
    in_house_development: bool = False
    representative: str | None = Field(default=None, max_length=300)
    responsible_officer: str | None = Field(default=None, max_length=300)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = strip_controls(value).strip()
        if not value:
            raise ValueError("the firm's name must not be blank")
        return value

    @field_validator("representative", "responsible_officer")
    @classmethod
    def _no_controls(cls, value: str | None) -> str | None:
        return strip_controls(value).strip() if value is not None else None

    @field_validator("business")
    @classmethod
    def _unique_lines(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))
