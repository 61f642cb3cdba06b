"""What a bundle file may contain, as pydantic models: every field typed, every string and list bounded.

A bundle comes from another laptop and its checksum is unkeyed, so anyone can write one: nothing in it is used
before it has passed these models. Text loses its control characters on the way in (tui.textsafe).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from tui.content.schema import ProfileSchema
from tui.textsafe import strip_controls

#: Limits (also in the README): far above any real inspection, far below what hurts.
MAX_NAME = 300  # firm, people, titles
MAX_TEXT = 20_000  # one answer field
MAX_HISTORY_TEXT = 200_000  # one history value (an evidence list as JSON)
MAX_ITEMS = 5_000
MAX_HISTORY = 200_000
MAX_EVIDENCE = 200


def _clean(value: object) -> object:
    return strip_controls(value) if isinstance(value, str) else value


def _iso_date(value: object) -> object:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if value is None or isinstance(value, dt.date):
        return value
    raise ValueError("expected an ISO date")


def _iso_datetime(value: object) -> object:
    """An ISO date and time as this computer's local time without a zone (how the database keeps times)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
            if value.tzinfo is not None:
                value = value.astimezone().replace(tzinfo=None)
        except (OverflowError, OSError):
            raise ValueError("expected an ISO date and time") from None
    if value is None or isinstance(value, dt.datetime):
        return value
    raise ValueError("expected an ISO date and time")


Name = Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=MAX_NAME)]
Text = Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=MAX_TEXT)]
HistoryText = Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=MAX_HISTORY_TEXT)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.:-]{0,120}$")]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]
Stamp = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]
Status = Literal["unanswered", "compliant", "partial", "noncompliant", "na"]
Risk = Literal["", "low", "medium", "high", "critical"]
ScopeLevel = Literal["required", "recommended", "optional"]
Field_ = Literal[
    "status",
    "note",
    "finding",
    "risk",
    "remediation",
    "owner",
    "target_date",
    "justification",
    "evidence",
    "assignee",
    "assignee_due",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThresholdsSchema(Strict):
    medium_from: int = Field(ge=1, le=1_000_000)
    large_from: int = Field(ge=1, le=1_000_000)


class BundleProfile(ProfileSchema):
    """A profile as the database keeps it: the profile file's fields, and the size thresholds."""

    size: Literal["small", "medium", "large"] | None = None
    thresholds: ThresholdsSchema | None = None


class FirmPart(Strict):
    uid: Uid
    name: Name = Field(min_length=1)
    profile: BundleProfile


class EvidenceSchema(Strict):
    label: Name
    path: Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=4096)] | None = None
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    origin: Literal["bundle"] | None = None
    size: int | None = Field(default=None, ge=0)
    mtime_ns: int | None = None


class AnswerPart(Strict):
    item_id: Id
    status: Status
    note: Text
    finding: Text
    risk: Risk
    remediation: Text
    owner: Name
    target_date: Date | None
    justification: Text
    evidence: list[EvidenceSchema] = Field(max_length=MAX_EVIDENCE)
    updated_at: Stamp | None
    # Assignment (schema v10); absent in bundles from a tenken before it.
    assignee: Name = ""
    assignee_due: Date | None = None

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_json(cls, value: object) -> object:
        """Stored as JSON text in the database and so in the bundle."""
        if isinstance(value, str) and len(value) <= MAX_HISTORY_TEXT:
            try:
                return json.loads(value)
            except (ValueError, RecursionError):
                raise ValueError("evidence is not a JSON list") from None
        return value


Hlc = Annotated[str, StringConstraints(pattern=r"^[0-9]{15}\.[0-9]{5}\.[A-Za-z0-9_-]{1,64}$")]
Device = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{0,64}$")]


class HistoryPart(Strict):
    item_id: Id
    field: Field_
    old: HistoryText
    new: HistoryText
    changed_at: Stamp
    changed_by: Name
    # Change rows (tui.domain.sync); absent in bundles from a tenken before them.
    uid: Uid | None = None
    device: Device = ""
    hlc: Hlc | None = None
    parents: list[Uid] = Field(default_factory=list, max_length=32)
    person: Name = ""


ItemRow = tuple[Id, Id, Annotated[int, Field(ge=0, le=1_000_000)], ScopeLevel]


class InspectionPart(Strict):
    uid: Uid
    title: Name
    templates: list[Id] = Field(min_length=1, max_length=50)
    received_on: Date
    due_on: Date
    submitted_on: Date | None
    created_at: Stamp | None
    finalized_at: Stamp | None
    finalized_by: Name
    revision: int = Field(ge=1, le=100_000)
    addressee: Name
    items: list[ItemRow] = Field(max_length=MAX_ITEMS)
    answers: list[AnswerPart] = Field(max_length=MAX_ITEMS)
    history: list[HistoryPart] = Field(max_length=MAX_HISTORY)


# --- training records (bundle version 2) ----------------------------------------------------------

MAX_TRAINEES = 10_000
MAX_SESSIONS = 5_000
MAX_ATTEMPTS = 100_000
MAX_CARDS = 200_000
MAX_ANSWERS = 500  # questions or injects in one attempt
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: A trainee as the bundle names them: their uid, or, once erased, the SHA-256 their tombstone keeps.
TraineeRef = Annotated[
    str,
    StringConstraints(pattern=r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64})$"),
]
Lang = Literal["ja", "en"]
Role = Literal["csirt", "operations", "legal", "comms", "management"]


class TraineePart(Strict):
    ref: TraineeRef
    erased: bool = False  # personal data erased: ref is the tombstone's digest and every field below is empty
    name: Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=100)] = ""
    department: Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=100)] = ""
    email: Annotated[str, BeforeValidator(_clean), StringConstraints(max_length=254)] = ""
    of_firm: bool = False  # belongs to the bundle's firm
    lang: Lang | Literal[""] = ""


class SessionPart(Strict):
    uid: Uid
    module_id: Id
    held_on: Date
    trainer: Name
    lang: Lang
    note: Text = ""
    of_firm: bool = False
    mode: Literal["practice", "exam"] = "practice"
    prepost: bool = False
    roster: list[TraineeRef] = Field(default_factory=list, max_length=1_000)


class AttemptPart(Strict):
    uid: Uid
    trainee: TraineeRef
    session: Uid | None = None
    module_id: Id
    kind: Literal["quiz", "exercise"]
    lang: Lang
    started_at: Stamp
    finished_at: Stamp | None = None
    score: int = Field(ge=0, le=100_000)
    total: int = Field(ge=0, le=100_000)
    passed: bool
    answers: dict[Id, Id | Annotated[list[Id], Field(max_length=50)]] = Field(max_length=MAX_ANSWERS)
    layout: dict[Id, Annotated[list[Id], Field(max_length=50)]] = Field(max_length=MAX_ANSWERS)
    mode: Literal["practice", "exam"] = "practice"
    phase: Literal["", "pre", "post"] = ""
    roles: dict[Role, TraineeRef] = Field(default_factory=dict)


class CardPart(Strict):
    trainee: TraineeRef
    module_id: Id
    question_id: Id
    due_on: Date
    stability: float = Field(ge=0, le=100_000)
    difficulty: float = Field(ge=0, le=100)
    reps: int = Field(ge=0, le=100_000)
    lapses: int = Field(ge=0, le=100_000)
    last_reviewed: Date | None = None


class TrainingPart(Strict):
    trainees: list[TraineePart] = Field(max_length=MAX_TRAINEES)
    sessions: list[SessionPart] = Field(max_length=MAX_SESSIONS)
    attempts: list[AttemptPart] = Field(max_length=MAX_ATTEMPTS)
    cards: list[CardPart] = Field(max_length=MAX_CARDS)


class BundlePayload(Strict):
    firm: FirmPart
    inspection: InspectionPart
    training: TrainingPart | None = None  # version 2: the firm's training records
