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
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from tui import __version__
from tui.domain.inspection import Answer, Evidence
from tui.domain.merge import MERGED_FIELDS, evidence_json
from tui.i18n import _
from tui.store import models as m
from tui.store.db import StoreError
from tui.store.repo import Store, guarded
from tui.store.repo import _answer as row_answer
from tui.textsafe import printable

if TYPE_CHECKING:
    from pydantic import ValidationError

    from tui.content.bundle_schema import AnswerPart, BundlePayload
    from tui.domain.sync import Change
    from tui.store.bundle_training import TrainingImport

FORMAT = "tenken-bundle"
#: 2: the payload may carry the firm's training records (a bundle without them is still written as version 1, so
#: an older tenken reads it).
VERSION = 2
ANSWER_FIELDS = MERGED_FIELDS
DATE_FIELDS = ("target_date", "assignee_due")
#: A bundle file is refused above this size on disk, and above MAX_JSON_BYTES once decompressed (README: limits).
MAX_FILE_BYTES = 16 << 20
MAX_JSON_BYTES = 64 << 20
#: Rows per INSERT: 100 rows of at most 8 columns stay under SQLite's oldest default of 999 variables.
INSERT_CHUNK = 100


class BundleError(StoreError):
    """A bundle that cannot be used; nothing was changed."""


@dataclass
class ImportResult:
    firm_name: str
    inspection_id: int
    created: bool
    updated: list[str] = field(default_factory=list)  # items whose answer the merged change rows changed
    kept: list[str] = field(default_factory=list)  # items with a conflict: both laptops changed one field
    added: list[str] = field(default_factory=list)  # items only the bundle had
    history_added: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (item, field) for a person to settle
    training: TrainingImport | None = None  # what the training records brought (bundle version 2)


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def _digest(payload: dict) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def build_payload(store: Store, inspection_id: int, training: bool = True) -> dict:
    """The bundle's content; with `training`, the firm's training records too (tui.store.bundle_training)."""
    store.bind()
    insp = m.Inspection.get_or_none(m.Inspection.id == inspection_id)
    if insp is None:
        raise StoreError(_("Inspection {id} does not exist.").format(id=inspection_id))
    firm = insp.firm
    items = m.InspectionItem.select().where(m.InspectionItem.inspection == insp.id).order_by(m.InspectionItem.position)
    answers = m.Answer.select().where(m.Answer.inspection == insp.id).order_by(m.Answer.item_id)
    history = m.AnswerHistory.select().where(m.AnswerHistory.inspection == insp.id).order_by(m.AnswerHistory.id)
    payload = {
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
                    **{f: (_iso(getattr(a, f)) if f in DATE_FIELDS else getattr(a, f)) for f in ANSWER_FIELDS},
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
                    "uid": h.uid,
                    "device": h.device,
                    "hlc": h.hlc or None,
                    "parents": json.loads(h.parents or "[]"),
                    "person": h.person,
                }
                for h in history
            ],
        },
    }
    if training:
        from tui.store.bundle_training import build_training

        records = build_training(firm.id)
        if records is not None:
            payload["training"] = records
    return payload


def write_bundle(
    store: Store,
    inspection_id: int,
    path: Path,
    force: bool = False,
    passphrase: str | None = None,
    recipients: Sequence[str] = (),
    training: bool = True,
) -> Path:
    """Write a bundle; with a passphrase or recipients it is encrypted and carries the evidence files (sealed).

    The firm's training records travel with it unless `training` is False."""
    from tui.fsutil import write_atomically

    payload = build_payload(store, inspection_id, training)
    document = {
        "format": FORMAT,
        "version": VERSION if "training" in payload else 1,
        "tenken": __version__,
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "sha256": _digest(payload),
        "payload": payload,
    }
    data = gzip.compress(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), mtime=0)
    if passphrase is None and not recipients:
        return write_atomically(path, lambda tmp: tmp.write_bytes(data), force=force)
    from tui.store import sealed

    if not recipients:
        sealed.check_passphrase(passphrase or "")
    sealed.parse_recipients(recipients)
    carried = carried_files(payload)
    work = sealed.work_dir(store.data_dir)
    try:
        plain = work / "bundle.tar"
        with open(plain, "wb") as out:
            sealed.write_archive(out, data, carried)
        return write_atomically(path, lambda tmp: sealed.seal(plain, tmp, passphrase, recipients), force=force)
    finally:
        sealed.remove_tree(work)


def carried_files(payload: dict) -> list:
    """The evidence files an encrypted bundle carries: every file recorded on this computer, once per SHA-256.

    A file missing or no longer a file stops the export with a sentence; evidence that came in a bundle without its
    file (the sender's path) stays a reference.
    """
    from tui.content.files import FileRefused, regular_file
    from tui.store.sealed import Carried, SealError

    out: dict[str, Carried] = {}
    for a in payload["inspection"]["answers"]:
        for e in json.loads(a["evidence"] or "[]"):
            if not e.get("path") or not e.get("sha256") or e.get("origin") == "bundle" or e["sha256"] in out:
                continue
            source = Path(e["path"])
            try:
                st = regular_file(source)
            except FileRefused as exc:
                raise SealError(
                    _("The evidence file {path} of {item} cannot be sent: {reason}. Nothing was written.").format(
                        path=source, item=a["item_id"], reason=exc.reason
                    )
                ) from None
            out[e["sha256"]] = Carried(e["sha256"], source, st.st_size)
    return list(out.values())


def check_carried(path: Path, bundle: BundlePayload, files: dict[str, Path]) -> None:
    """Every evidence file the sender recorded travelled with the bundle; else one sentence, nothing imported."""
    for a in bundle.inspection.answers:
        for e in a.evidence:
            if e.path and e.sha256 and e.origin != "bundle" and e.sha256 not in files:
                raise BundleError(
                    _(
                        "Cannot import {path}: the evidence file {name} of {item} is missing. Nothing was imported."
                    ).format(path=path, name=printable(e.path[-120:]), item=a.item_id)
                )


def received_names(bundle: BundlePayload) -> dict[str, str]:
    """The sender's file name of each evidence file, by SHA-256 (for the received copy's name)."""
    out: dict[str, str] = {}
    for a in bundle.inspection.answers:
        for e in a.evidence:
            if e.path and e.sha256:
                out.setdefault(e.sha256, e.path)
    return out


def received_files(folder: Path) -> dict[str, Path]:
    """Evidence files received for one inspection, by SHA-256 (file names start with it)."""
    out: dict[str, Path] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for entry in entries:
        digest = entry.name[:64]
        if len(entry.name) > 65 and entry.name[64] == "-" and entry.is_file(follow_symlinks=False):
            out.setdefault(digest, Path(entry.path))
    return out


def localize_evidence(store: Store, inspection_id: int, files: dict[str, Path]) -> int:
    """Evidence that came in a bundle and whose file was received points at the received copy; how many entries."""
    store.bind()
    changed = 0
    for row in m.Answer.select().where(m.Answer.inspection == inspection_id):
        entries = json.loads(row.evidence or "[]")
        touched = False
        for e in entries:
            local = files.get(e.get("sha256") or "")
            if e.get("origin") == "bundle" and local is not None:
                st = local.stat()
                e.update(path=str(local), origin=None, size=st.st_size, mtime_ns=st.st_mtime_ns)
                e.pop("origin")
                touched = True
                changed += 1
        if touched:
            m.Answer.update(evidence=json.dumps(entries, ensure_ascii=False)).where(m.Answer.id == row.id).execute()
    return changed


def _refused(path: Path, reason: str) -> BundleError:
    return BundleError(_("Cannot import {path}: {reason}. Nothing was imported.").format(path=path, reason=reason))


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Decompress at most `limit` bytes; a bomb stops at the limit instead of filling the memory."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflate.decompress(raw, limit + 1)
    if len(data) > limit or inflate.unconsumed_tail:
        raise OverflowError
    if not inflate.eof:
        raise EOFError
    return data


def read_bundle(path: Path, now: dt.datetime | None = None) -> BundlePayload:
    """The validated payload of a bundle file, or BundleError saying why it cannot be used.

    `now` is this computer's time (the store's clock by default): nothing in the bundle may be more than a day later.
    """
    from tui.content.files import FileRefused, read_limited

    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise _refused(path, exc.reason) from None
    return parse_bundle(raw, path, now)


def parse_bundle(raw: bytes, path: Path, now: dt.datetime | None = None) -> BundlePayload:
    """The validated payload of a bundle document's bytes (gzip JSON); `path` names it in sentences."""
    from tui.content.files import size_text

    try:
        document = json.loads(_gunzip(raw, MAX_JSON_BYTES).decode("utf-8"))
    except OverflowError:
        raise _refused(path, _("it unpacks to more than {limit}").format(limit=size_text(MAX_JSON_BYTES))) from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, RecursionError):
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
    return validate_payload(payload, path, now)


def validate_payload(payload: dict, path: Path, now: dt.datetime | None = None) -> BundlePayload:
    """A payload checked by the bundle's schema models and consistency rules, or BundleError saying why not."""
    from pydantic import ValidationError

    from tui.content.bundle_schema import BundlePayload

    try:
        bundle = BundlePayload.model_validate(payload)
    except ValidationError as exc:
        raise BundleError(
            _("{path} cannot be imported: {problem}. Nothing was imported.").format(
                path=path, problem=_validation_problem(exc)
            )
        ) from None
    problem = _inconsistency(bundle, now or m.now())
    if problem:
        raise BundleError(
            _("{path} cannot be imported: {problem}. Nothing was imported.").format(path=path, problem=problem)
        )
    return bundle


def delegated_payload(store: Store, inspection_id: int, changes: Sequence[Change]) -> dict:
    """The inspection as a bundle payload with a filled delegation workbook's change rows added (their answers as
    they would read), to go through the same checks and the same merge as a bundle from another laptop."""
    from tui.domain.merge import apply_field, field_text

    payload = build_payload(store, inspection_id)
    answers = {a["item_id"]: a for a in payload["inspection"]["answers"]}
    local = store.answers(inspection_id)
    stamp = m.now()
    by_item: dict[str, list[Change]] = {}
    for c in changes:
        by_item.setdefault(c.item_id, []).append(c)
    for item_id, rows in by_item.items():
        answer = local[item_id]
        for c in sorted(rows, key=lambda c: c.field != "justification"):
            old = field_text(answer, c.field)
            answer = apply_field(answer, c.field, c.value)
            payload["inspection"]["history"].append(
                {
                    "item_id": item_id,
                    "field": c.field,
                    "old": old,
                    "new": c.value,
                    "changed_at": _iso(stamp),
                    "changed_by": c.person,
                    "uid": c.uid,
                    "device": c.device,
                    "hlc": c.hlc.text(),
                    "parents": list(c.parents),
                    "person": c.person,
                }
            )
            answers[item_id][c.field] = _iso(answer.target_date) if c.field == "target_date" else c.value
        answers[item_id]["updated_at"] = _iso(stamp)
    return payload


def _validation_problem(exc: ValidationError) -> str:
    from tui.content.validate import _expected

    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    detail = _expected(first)
    if first.get("type") in ("value_error", "assertion_error"):
        detail = _("invalid value")
    if first.get("type") == "string_too_long":
        detail = _("the text is too long")
    elif first.get("type") == "too_long":
        detail = _("too many entries")
    # one line: a field name from the file may hold a newline (printable keeps newlines for multi-line text)
    return printable(f"{where}: {detail}"[:300]).replace("\n", "\\n")


def _inconsistency(bundle: BundlePayload, now: dt.datetime) -> str | None:
    """What makes a well-typed bundle still unusable, as a fragment; None when it is usable."""
    from tui.domain.inspection import AnswerRejected, check_answer
    from tui.domain.merge import newest_allowed

    insp = bundle.inspection
    latest = newest_allowed(now)
    stamps = [insp.created_at, insp.finalized_at, *(a.updated_at for a in insp.answers)]
    stamps += [h.changed_at for h in insp.history]
    if any(t is not None and t > latest for t in stamps):
        return _("it carries a time more than a day ahead of this computer's clock")
    items = [row[0] for row in insp.items]
    if len(set(items)) != len(items):
        return _("an item is listed twice")
    known = set(items)
    answered = [a.item_id for a in insp.answers]
    if len(set(answered)) != len(answered):
        return _("an item has two answers")
    stray = next((i for i in answered if i not in known), None) or next(
        (h.item_id for h in insp.history if h.item_id not in known), None
    )
    if stray:
        return _("the item {item} is not part of the inspection").format(item=stray)
    for a in insp.answers:
        try:
            check_answer(_domain_answer(a))
        except AnswerRejected as exc:
            return _("the answer to {item} would be refused here ({reason})").format(item=a.item_id, reason=exc)
    if bundle.training is not None:
        from tui.store.bundle_training import training_problem

        return training_problem(bundle.training, latest)
    return None


def _domain_answer(a: AnswerPart) -> Answer:
    """An answer of the bundle; its evidence files are the sender's, marked so that nobody looks for them here."""
    return Answer(
        item_id=a.item_id,
        status=a.status,
        note=a.note,
        finding=a.finding,
        risk=a.risk,
        remediation=a.remediation,
        owner=a.owner,
        target_date=a.target_date,
        justification=a.justification,
        evidence=tuple(Evidence(e.label, e.path, e.sha256, "bundle" if e.path else None) for e in a.evidence),
        updated_at=a.updated_at,
        assignee=a.assignee,
        assignee_due=a.assignee_due,
    )


def _answer_values(a: Answer) -> dict:
    values = {f: getattr(a, f) for f in ANSWER_FIELDS if f != "evidence"}
    values["evidence"] = evidence_json(a.evidence)
    values["updated_at"] = a.updated_at
    return values


def _insert(model, rows: list[dict]) -> None:
    """Insert many rows with one prepared statement (executemany): peewee's insert_many builds the SQL text value
    by value, which dominated a merge of thousands of change rows. Defaults and value conversion as peewee's."""
    if not rows:
        return
    meta = model._meta
    given = {k for r in rows for k in r}
    fields = [f for f in meta.sorted_fields if f.name in given or (f.default is not None and not f.primary_key)]
    db = meta.database
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'  # names from the models

    # Per column: its name, its conversion, and how to fill it when a row does not give it; decided once, not per
    # value (a merge inserts thousands of rows). A value already of the column's stored type (text for a text column,
    # an int for an id) goes in as it is: peewee's conversion would return it unchanged.
    plans = []
    for f in fields:
        if isinstance(f, (CharField, TextField)):
            same: type | None = str
        elif isinstance(f, (ForeignKeyField, IntegerField)) and not isinstance(f, BooleanField):
            same = int
        elif isinstance(f, DateTimeField):
            same = dt.datetime
        else:
            same = None
        plans.append((f.name, same, f.db_value, f.default, callable(f.default)))

    def row_params(row: dict) -> tuple:
        out = []
        for name, same, db_value, default, call in plans:
            if name in row:
                v = row[name]
                out.append(v if v is None or type(v) is same else db_value(v))
            else:
                out.append(db_value(default() if call else default))
        return tuple(out)

    params = [row_params(r) for r in rows]
    cursor = db.cursor()
    for start in range(0, len(params), INSERT_CHUNK * 10):
        cursor.executemany(sql, params[start : start + INSERT_CHUNK * 10])


def _latest_stamp(changes: Sequence[Change]) -> list[str]:
    """The stamp to observe for these rows: a clock that observed the latest of them (by wall time and counter)
    ends where observing each in turn would, and only the latest can be too far in the future."""
    return [max(c.hlc for c in changes).text()] if changes else []


def _incoming_changes(inspection_uid: str, parts) -> list[Change]:
    """The bundle's history as change rows; rows from a tenken before change rows get their derived ids."""
    from tui.domain.sync import HLC, Change, legacy_uid

    out = []
    previous: dict[tuple[str, str], str] = {}
    for h in parts:
        stamp = h.changed_at.isoformat(" ")
        uid = h.uid or legacy_uid(inspection_uid, h.item_id, h.field, h.old, h.new, stamp, h.changed_by)
        hlc = HLC.parse(h.hlc) if h.hlc else HLC(int(h.changed_at.timestamp() * 1000), 0, "legacy")
        parents = (
            tuple(h.parents)
            if h.uid
            else ((previous[(h.item_id, h.field)],) if (h.item_id, h.field) in previous else ())
        )
        previous[(h.item_id, h.field)] = uid
        out.append(
            Change(
                uid,
                inspection_uid,
                h.item_id,
                h.field,
                h.new,
                parents,
                hlc,
                h.person or h.changed_by,
                h.device or hlc.device,
            )
        )
    return out


def _history_rows(inspection_id: int, entries, changes: list[Change] | None = None) -> list[dict]:
    """Rows for answer_history; `changes` (same order) carry the change-row columns."""
    rows = []
    dumps = json.dumps
    for n, h in enumerate(entries):
        row = {
            "inspection": inspection_id,
            "item_id": h.item_id,
            "field": h.field,
            "old": h.old,
            "new": h.new,
            "changed_at": h.changed_at,
            "changed_by": h.changed_by,
        }
        if changes is not None:
            c = changes[n]
            row.update(
                uid=c.uid,
                device=c.device,
                hlc=c.hlc.text(),
                parents=dumps(list(c.parents)) if c.parents else "[]",
                person=c.person,
            )
        rows.append(row)
    return rows


def import_payload(store: Store, bundle: BundlePayload, who: str) -> ImportResult:
    """Bring a validated bundle in, in one transaction: a new inspection, or a merge of the change rows
    (tui.domain.merge.merge_by_history): nothing either laptop typed is lost, conflicts are reported. The firm's
    training records merge in the same transaction (tui.store.bundle_training): importing twice changes nothing."""
    store.bind()
    with guarded(_("import the bundle")), store.db.atomic():
        result = _import_inspection(store, bundle, who)
        if bundle.training is not None:
            from tui.store.bundle_training import import_training

            firm = m.Firm.get(m.Firm.uid == bundle.firm.uid)
            result.training = import_training(bundle.training, firm.id)
        return result


def _import_inspection(store: Store, bundle: BundlePayload, who: str) -> ImportResult:
    import time

    from tui.domain.merge import merge_by_history
    from tui.domain.sync import check_history

    fb, ib = bundle.firm, bundle.inspection
    incoming = [_domain_answer(a) for a in ib.answers]
    history = ib.history  # HistoryPart has the fields of a HistoryEntry that _history_rows reads
    incoming_changes = _incoming_changes(ib.uid, ib.history)
    now_ms = int(time.time() * 1000)
    try:
        check_history(incoming_changes, now_ms)
    except ValueError as exc:
        raise BundleError(
            _("The bundle's history cannot be right ({reason}); nothing was imported.").format(reason=exc)
        ) from None
    store.bind()
    with guarded(_("import the bundle")), store.db.atomic():
        firm = m.Firm.get_or_none(m.Firm.uid == fb.uid)
        insp = m.Inspection.get_or_none(m.Inspection.uid == ib.uid)
        if insp is not None and insp.firm.uid != fb.uid:
            raise BundleError(
                _(
                    "The bundle says it is from {firm}, but its inspection belongs to {other} on this laptop; "
                    "nothing was imported."
                ).format(firm=fb.name, other=insp.firm.name)
            )
        if firm is None:
            profile = fb.profile.model_dump()
            firm = m.Firm.create(uid=fb.uid, name=fb.name, profile=json.dumps(profile, ensure_ascii=False))
        if insp is None:
            insp = m.Inspection.create(
                uid=ib.uid,
                firm=firm.id,
                title=ib.title,
                templates=json.dumps(ib.templates),
                received_on=ib.received_on,
                due_on=ib.due_on,
                submitted_on=ib.submitted_on,
                created_at=ib.created_at or m.now(),
                finalized_at=ib.finalized_at,
                finalized_by=ib.finalized_by,
                revision=ib.revision,
                addressee=ib.addressee,
            )
            _insert(
                m.InspectionItem,
                [
                    {"inspection": insp.id, "item_id": i, "section": s, "position": p, "level": lv}
                    for i, s, p, lv in ib.items
                ],
            )
            _insert(m.Answer, [{"inspection": insp.id, "item_id": a.item_id, **_answer_values(a)} for a in incoming])
            _insert(m.AnswerHistory, _history_rows(insp.id, history, incoming_changes))
            store.observe(_latest_stamp(incoming_changes))
            return ImportResult(firm.name, insp.id, True, history_added=len(history))
        if insp.finalized_at is not None:
            raise BundleError(
                _(
                    "The inspection on this laptop is finalized; reopen it as a new revision, "
                    "then import. Nothing was imported."
                )
            )
        local_items = {i.item_id for i in m.InspectionItem.select().where(m.InspectionItem.inspection == insp.id)}
        next_position = len(local_items)
        new_items = []
        for item_id, section, _position, level in ib.items:
            if item_id not in local_items:
                new_items.append(
                    {
                        "inspection": insp.id,
                        "item_id": item_id,
                        "section": section,
                        "position": next_position,
                        "level": level,
                    }
                )
                next_position += 1
        _insert(m.InspectionItem, new_items)
        rows = {a.item_id: a for a in m.Answer.select().where(m.Answer.inspection == insp.id)}
        local_changes = store.changes(insp.id)
        try:
            check_history([*local_changes, *incoming_changes], now_ms)
        except ValueError as exc:
            raise BundleError(
                _("The bundle's history cannot be right ({reason}); nothing was imported.").format(reason=exc)
            ) from None
        plan = merge_by_history({k: row_answer(r) for k, r in rows.items()}, incoming, local_changes, incoming_changes)
        _insert(m.Answer, [{"inspection": insp.id, "item_id": a.item_id, **_answer_values(a)} for a in plan.added])
        stamp = m.now()
        for a in plan.updated:
            values = {**_answer_values(a), "updated_at": stamp}
            m.Answer.update(**values).where(m.Answer.id == rows[a.item_id].id).execute()
        fresh = set(plan.new_rows)
        pairs = [(h, c) for h, c in zip(history, incoming_changes, strict=True) if c.uid in fresh]
        _insert(m.AnswerHistory, _history_rows(insp.id, [h for h, _c in pairs], [c for _h, c in pairs]))
        store.observe(_latest_stamp([c for _h, c in pairs]))
        for f in plan.filled:  # a value only the bundle had, from a tenken before change rows: recorded as a change
            store.record_change(insp.id, f.item_id, f.field, f.old, f.new, who)
        return ImportResult(
            firm.name,
            insp.id,
            False,
            updated=[a.item_id for a in plan.updated],
            kept=sorted({c.item_id for c in plan.conflicts}),
            added=[a.item_id for a in plan.added],
            history_added=len(pairs),
            conflicts=[(c.item_id, c.field) for c in plan.conflicts],
        )
