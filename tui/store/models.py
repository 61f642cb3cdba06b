"""peewee models, bound at start-up through a DatabaseProxy (never at import time)."""

from __future__ import annotations

import datetime as dt

from peewee import (
    AutoField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class Firm(BaseModel):
    id = AutoField()
    name = TextField()
    profile = TextField()  # JSON of tui.domain.profile.Profile
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class Inspection(BaseModel):
    id = AutoField()
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
    previous = ForeignKeyField("self", null=True, backref="revisions", on_delete="SET NULL")


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


ALL_MODELS = [Setting, Firm, Inspection, InspectionItem, Answer, AnswerHistory]
