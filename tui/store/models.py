"""peewee models. Each Store binds them to its own database (`Store.bind`), never at import time."""

from __future__ import annotations

import datetime as dt

from tui.store.db import load_peewee

load_peewee()  # without the PostgreSQL drivers, which only a PostgreSQL URL loads (tui.store.pg)

from peewee import (  # noqa: E402
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


def new_uid() -> str:
    import uuid

    return str(uuid.uuid4())


class Firm(BaseModel):
    id = AutoField()
    uid = CharField(default=new_uid, unique=True)
    name = TextField()
    profile = TextField()  # JSON of tui.domain.profile.Profile
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)  # in the trash since then (migration 6)


class Inspection(BaseModel):
    id = AutoField()
    uid = CharField(default=new_uid, unique=True)
    firm = ForeignKeyField(Firm, backref="inspections", on_delete="CASCADE")
    title = TextField()
    templates = TextField()  # JSON list of template ids
    received_on = DateField()
    due_on = DateField()
    submitted_on = DateField(null=True)
    created_at = DateTimeField(default=now)
    finalized_at = DateTimeField(null=True)
    finalized_by = TextField(default="")
    revision = IntegerField(default=1)
    addressee = TextField(default="")
    open_points = IntegerField(default=0)  # v5: readiness points left open by an overridden finalize
    content_sha256 = CharField(default="")  # v5: of the locked revision's canonical content
    previous = ForeignKeyField("self", null=True, backref="revisions", on_delete="SET NULL")
    deleted_at = DateTimeField(null=True)  # in the trash since then (migration 6)


class InspectionItem(BaseModel):
    """The items in scope when the inspection was created, in order, so listing needs no template."""

    id = AutoField()
    inspection = ForeignKeyField(Inspection, backref="items", on_delete="CASCADE")
    item_id = CharField()
    section = CharField()
    position = IntegerField()
    level = CharField(default="required")

    class Meta:
        indexes = ((("inspection", "item_id"), True),)


class Answer(BaseModel):
    id = AutoField()
    inspection = ForeignKeyField(Inspection, backref="answers", on_delete="CASCADE")
    item_id = CharField()
    status = CharField(default="unanswered", index=True)
    note = TextField(default="")
    finding = TextField(default="")
    risk = CharField(default="")
    remediation = TextField(default="")
    owner = TextField(default="")
    target_date = DateField(null=True)
    justification = TextField(default="")
    evidence = TextField(default="[]")  # JSON list of {label, path, sha256}
    updated_at = DateTimeField(null=True)
    assignee = TextField(default="", index=True)  # v10: the name of the person the item is assigned to
    assignee_due = DateField(null=True)  # v10: by when

    class Meta:
        indexes = ((("inspection", "item_id"), True),)


class AnswerHistory(BaseModel):
    """Append-only: triggers refuse UPDATE and DELETE (see migrations)."""

    id = AutoField()
    inspection = ForeignKeyField(Inspection, backref="history", on_delete="CASCADE")
    item_id = CharField(index=True)
    field = CharField()
    old = TextField(default="")
    new = TextField(default="")
    changed_at = DateTimeField(default=now)
    changed_by = TextField(default="")
    uid = CharField(default=new_uid)  # tui.domain.sync: rows merge by id (unique per inspection)
    device = CharField(default="")
    hlc = CharField(default="")
    parents = TextField(default="[]")  # JSON list of the uids this change replaced
    person = TextField(default="")


class Person(BaseModel):
    """Someone who answers, reviews or signs off; chosen per OS login on each machine."""

    id = AutoField()
    uid = CharField(default=new_uid, unique=True)
    name = TextField()
    role = CharField()  # preparer | reviewer | officer
    created_at = DateTimeField(default=now)


class Trainee(BaseModel):
    id = AutoField()
    uid = CharField(default=new_uid, unique=True)
    name = TextField()
    department = TextField(default="")
    email = TextField(default="")
    deleted_at = DateTimeField(null=True)  # set when the trainee's personal data was erased (APPI)
    firm = ForeignKeyField(Firm, null=True, backref="trainees", on_delete="SET NULL")
    firm_id: int | None  # peewee's column attribute of `firm` (declared for the type checker)
    created_at = DateTimeField(default=now)


class TrainingSession(BaseModel):
    id = AutoField()
    module_id = CharField()
    held_on = DateField()
    trainer = TextField()
    lang = CharField()
    note = TextField(default="")
    firm = ForeignKeyField(Firm, null=True, backref="training_sessions", on_delete="SET NULL")
    firm_id: int | None
    mode = CharField(default="practice")  # practice | exam
    created_at = DateTimeField(default=now)
    uid = CharField(default=new_uid, unique=True)  # v11: the same session on every laptop a bundle reaches
    prepost = IntegerField(default=0)  # v11: 1 = the session has a pre-test and a post-test


class Roster(BaseModel):
    id = AutoField()
    session = ForeignKeyField(TrainingSession, backref="roster", on_delete="CASCADE")
    trainee = ForeignKeyField(Trainee, backref="sessions", on_delete="CASCADE")
    session_id: int
    trainee_id: int


class Attempt(BaseModel):
    id = AutoField()
    uid = CharField(default=new_uid, unique=True)  # the xAPI registration of this attempt
    trainee = ForeignKeyField(Trainee, backref="attempts", on_delete="CASCADE")
    session = ForeignKeyField(TrainingSession, null=True, backref="attempts", on_delete="SET NULL")
    trainee_id: int
    session_id: int | None
    module_id = CharField()
    kind = CharField(default="quiz")  # quiz | exercise
    lang = CharField()
    started_at = DateTimeField(default=now)
    finished_at = DateTimeField(null=True)
    score = IntegerField(default=0)
    total = IntegerField(default=0)
    passed = IntegerField(default=0)
    answers = TextField(default="{}")  # JSON: question id → picked choice ids (or inject id → decision id)
    layout = TextField(default="{}")  # JSON: question id → choice ids in the order shown (inject id → decision ids)
    mode = CharField(default="practice")  # practice | exam (no explanation until the end)
    phase = CharField(default="")  # v11: "" | pre | post (a session's pre-test and post-test)
    roles = TextField(default="{}")  # v11: JSON role → trainee uid, who played which role in an exercise


class TraineeTombstone(BaseModel):
    """A trainee whose personal data was erased (APPI): the SHA-256 of the uid they had, never the uid itself, so
    an older bundle that still holds them does not bring them back (v11)."""

    digest = CharField(primary_key=True)
    trainee_id = IntegerField(null=True)  # the anonymous row that keeps their counts, when it is on this laptop
    erased_at = DateTimeField(default=now)


class ReviewCard(BaseModel):
    """A quiz question a trainee missed, scheduled for review (spaced repetition)."""

    id = AutoField()
    trainee = ForeignKeyField(Trainee, backref="cards", on_delete="CASCADE")
    trainee_id: int
    module_id = CharField()
    question_id = CharField()
    due_on = DateField()
    stability = FloatField(default=0)
    difficulty = FloatField(default=0)
    reps = IntegerField(default=0)
    lapses = IntegerField(default=0)
    last_reviewed = DateField(null=True)


ALL_MODELS = [
    Setting,
    Firm,
    Inspection,
    InspectionItem,
    Answer,
    AnswerHistory,
    Person,
    Trainee,
    TrainingSession,
    Roster,
    Attempt,
    ReviewCard,
    TraineeTombstone,
]
