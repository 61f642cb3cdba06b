"""Bundles: one file holding a firm profile, an inspection, its answers and their history, to move between laptops.

The file is gzip-compressed JSON with a SHA-256 of its payload, so a damaged or foreign file is refused before
anything is written. Importing over an existing inspection never overwrites silently: per item the newer answer
wins, the older one stays in the history, and the caller is told what changed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tui import __version__
from tui.i18n import _
from tui.store import models as m
from tui.store.db import StoreError
from tui.store.repo import Store, guarded

FORMAT = "tenken-bundle"
VERSION = 1
ANSWER_FIELDS = (
    "status",
    "note",
    "finding",
    "risk",
    "remediation",
    "owner",
    "target_date",
    "justification",
    "evidence",
)


class BundleError(StoreError):
    """A bundle that cannot be used; nothing was changed."""


@dataclass
class ImportResult:
    firm_name: str
    inspection_id: int
    created: bool
    updated: list[str] = field(default_factory=list)  # items whose answer came from the bundle (it was newer)
    kept: list[str] = field(default_factory=list)  # items where this laptop's answer was newer and stayed
    added: list[str] = field(default_factory=list)  # items only the bundle had
    history_added: int = 0


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _digest(payload: dict) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def build_payload(store: Store, inspection_id: int) -> dict:
    store.bind()
    insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
    if insp is None:
        raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
    firm = insp.firm
    items = m.InspectionItem.select().where(m.InspectionItem.inspection == insp.id).order_by(m.InspectionItem.position)
    answers = m.Answer.select().where(m.Answer.inspection == insp.id).order_by(m.Answer.item_id)
    history = m.AnswerHistory.select().where(m.AnswerHistory.inspection == insp.id).order_by(m.AnswerHistory.id)
    return {
        "firm": {"uid": firm.uid, "name": firm.name, "profile": json.loads(firm.profile)},
        "inspection": {
            "uid": insp.uid,
            "title": insp.title,
            "templates": json.loads(insp.templates),
            "received_on": _iso(insp.received_on),
            "due_on": _iso(insp.due_on),
            "submitted_on": _iso(insp.submitted_on),
            "created_at": _iso(insp.created_at),
            "finalized_at": _iso(insp.finalized_at),
            "finalized_by": insp.finalized_by,
            "revision": insp.revision,
            "addressee": insp.addressee,
            "items": [[i.item_id, i.section, i.position, i.level] for i in items],
            "answers": [
                {
                    "item_id": a.item_id,
                    **{f: (_iso(getattr(a, f)) if f == "target_date" else getattr(a, f)) for f in ANSWER_FIELDS},
                    "updated_at": _iso(a.updated_at),
                }
                for a in answers
            ],
            "history": [
                {
                    "item_id": h.item_id,
                    "field": h.field,
                    "old": h.old,
                    "new": h.new,
                    "changed_at": _iso(h.changed_at),
                    "changed_by": h.changed_by,
                }
                for h in history
            ],
        },
    }


def write_bundle(store: Store, inspection_id: int, path: Path, force: bool = False) -> Path:
    from tui.fsutil import write_atomically

    payload = build_payload(store, inspection_id)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "tenken": __version__,
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "sha256": _digest(payload),
        "payload": payload,
    }
    data = gzip.compress(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), mtime=0)
    return write_atomically(path, lambda tmp: tmp.write_bytes(data), force=force)


def read_bundle(path: Path) -> dict:
    """The payload of a bundle file, or BundleError saying why it cannot be used."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleError(_("Cannot read {path} ({reason}).").format(path=path, reason=exc.strerror or exc)) from None
    try:
        document = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(
            _("{path} is not a tenken bundle, or it is damaged; nothing was imported.").format(path=path)
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError(_("{path} is not a tenken bundle; nothing was imported.").format(path=path))
    if not isinstance(document.get("version"), int) or document["version"] > VERSION:
        raise BundleError(
            _("{path} was written by a newer tenken; update tenken to import it. Nothing was imported.").format(
                path=path
            )
        )
    payload = document.get("payload")
    if not isinstance(payload, dict) or document.get("sha256") != _digest(payload):
        raise BundleError(_("{path} is damaged (its checksum does not match); nothing was imported.").format(path=path))
    try:
        _check_shape(payload)
    except (KeyError, TypeError, ValueError):
        raise BundleError(
            _("{path} is damaged (its contents are incomplete); nothing was imported.").format(path=path)
        ) from None
    return payload


def _check_shape(payload: dict) -> None:
    firm, insp = payload["firm"], payload["inspection"]
    str(firm["uid"]), str(firm["name"]), dict(firm["profile"])
    str(insp["uid"]), _date(insp["received_on"]), _date(insp["due_on"])
    for item in insp["items"]:
        str(item[0]), str(item[1]), int(item[2]), str(item[3])
    for a in insp["answers"]:
        str(a["item_id"]), str(a["status"]), _datetime(a["updated_at"]), _date(a["target_date"])
    for h in insp["history"]:
        str(h["item_id"]), str(h["field"]), _datetime(h["changed_at"])


def _answer_row(inspection_id: int, a: dict) -> dict:
    row = {"inspection": inspection_id, "item_id": a["item_id"], "updated_at": _datetime(a["updated_at"])}
    for f in ANSWER_FIELDS:
        row[f] = _date(a[f]) if f == "target_date" else a[f]
    return row


def _history_key(h: dict) -> tuple:
    return (h["item_id"], h["field"], h["old"], h["new"], h["changed_at"], h["changed_by"])


def import_payload(store: Store, payload: dict, who: str) -> ImportResult:
    fb, ib = payload["firm"], payload["inspection"]
    store.bind()
    with guarded(_("import the bundle")), store.db.atomic():
        firm = m.Firm.get_or_none(m.Firm.uid == fb["uid"])
        if firm is None:
            firm = m.Firm.create(uid=fb["uid"], name=fb["name"], profile=json.dumps(fb["profile"], ensure_ascii=False))
        insp = m.Inspection.get_or_none(m.Inspection.uid == ib["uid"])
        history = [
            {
                "item_id": h["item_id"],
                "field": h["field"],
                "old": h["old"],
                "new": h["new"],
                "changed_at": _datetime(h["changed_at"]),
                "changed_by": h["changed_by"],
            }
            for h in ib["history"]
        ]
        if insp is None:
            insp = m.Inspection.create(
                uid=ib["uid"],
                firm=firm.id,
                title=ib["title"],
                templates=json.dumps(ib["templates"]),
                received_on=_date(ib["received_on"]),
                due_on=_date(ib["due_on"]),
                submitted_on=_date(ib["submitted_on"]),
                created_at=_datetime(ib["created_at"]),
                finalized_at=_datetime(ib["finalized_at"]),
                finalized_by=ib["finalized_by"],
                revision=ib["revision"],
                addressee=ib["addressee"],
            )
            m.InspectionItem.insert_many(
                [
                    {"inspection": insp.id, "item_id": i, "section": s, "position": p, "level": lv}
                    for i, s, p, lv in ib["items"]
                ]
            ).execute()
            if ib["answers"]:
                m.Answer.insert_many([_answer_row(insp.id, a) for a in ib["answers"]]).execute()
            if history:
                m.AnswerHistory.insert_many([{**h, "inspection": insp.id} for h in history]).execute()
            return ImportResult(firm.name, insp.id, True, history_added=len(history))
        if insp.finalized_at is not None:
            raise BundleError(
                _(
                    "The inspection on this laptop is finalized; reopen it as a new revision, "
                    "then import. Nothing was imported."
                )
            )
        result = ImportResult(firm.name, insp.id, False)
        local_items = {i.item_id for i in m.InspectionItem.select().where(m.InspectionItem.inspection == insp.id)}
        next_position = len(local_items)
        for item_id, section, _position, level in ib["items"]:
            if item_id not in local_items:
                m.InspectionItem.create(
                    inspection=insp.id, item_id=item_id, section=section, position=next_position, level=level
                )
                next_position += 1
        local_answers = {a.item_id: a for a in m.Answer.select().where(m.Answer.inspection == insp.id)}
        stamp = m.now()
        for a in ib["answers"]:
            incoming = _answer_row(insp.id, a)
            local = local_answers.get(a["item_id"])
            if local is None:
                m.Answer.insert(incoming).execute()
                result.added.append(a["item_id"])
                continue
            theirs = incoming["updated_at"]
            if theirs is None or (local.updated_at is not None and local.updated_at >= theirs):
                if any(_text(getattr(local, f)) != _text(incoming[f]) for f in ANSWER_FIELDS):
                    result.kept.append(a["item_id"])
                continue
            changes = []
            for f in ANSWER_FIELDS:
                old, new = _text(getattr(local, f)), _text(incoming[f])
                if old != new:
                    changes.append(
                        {
                            "inspection": insp.id,
                            "item_id": a["item_id"],
                            "field": f,
                            "old": old,
                            "new": new,
                            "changed_at": stamp,
                            "changed_by": who,
                        }
                    )
                    setattr(local, f, incoming[f])
            if changes:
                local.updated_at = theirs
                local.save()
                m.AnswerHistory.insert_many(changes).execute()
                result.updated.append(a["item_id"])
        existing = {
            (h.item_id, h.field, h.old, h.new, _iso(h.changed_at), h.changed_by)
            for h in m.AnswerHistory.select().where(m.AnswerHistory.inspection == insp.id)
        }
        missing = [h for h in ib["history"] if _history_key(h) not in existing]
        if missing:
            m.AnswerHistory.insert_many(
                [
                    {
                        "inspection": insp.id,
                        "item_id": h["item_id"],
                        "field": h["field"],
                        "old": h["old"],
                        "new": h["new"],
                        "changed_at": _datetime(h["changed_at"]),
                        "changed_by": h["changed_by"],
                    }
                    for h in missing
                ]
            ).execute()
        result.history_added = len(missing)
        return result


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
