"""Training records in a bundle: a firm's trainees, sessions with their rosters, attempts with their answers, and
review cards, merged on import so that importing the same bundle twice changes nothing.

Identity. Trainees, sessions and attempts merge by their uid; a review card by (trainee, module, question).

Erasure (APPI). Erasing a trainee keeps a tombstone: the SHA-256 of the uid they had, never the uid. A bundle names
an erased trainee by that digest only, with no personal data. On import:
- a trainee whose uid's digest has a tombstone here is never created again: an older bundle that still holds their
  name brings in none of it; its attempts join the anonymous row (or, after a merge of duplicates, the kept one);
- a digest the bundle marks erased that matches a live trainee here erases them here too (the erasure travels);
- an erased trainee this laptop never knew arrives as one anonymous row, so session counts still add up.

Merging. Local values win for the trainee's and the session's fields (the bundle only fills what is empty here);
rosters are united; an attempt this laptop has unfinished takes the bundle's answers if the bundle's is finished;
a review card keeps the later review. Nothing is ever deleted by an import, except the erasure above.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.i18n import LANGUAGES, _
from tui.store import models as m
from tui.store.training import LANG_KEY, json_object, tombstone_digest

if TYPE_CHECKING:
    from tui.content.bundle_schema import TrainingPart


@dataclass
class TrainingImport:
    trainees: int = 0  # new trainees
    sessions: int = 0  # new sessions
    attempts: int = 0  # new or completed attempts
    cards: int = 0  # review cards added or moved to a later review
    erased: int = 0  # trainees here whose personal data the bundle's erasure removed
    withheld: int = 0  # trainees of the bundle not brought back because they were erased here

    @property
    def changed(self) -> bool:
        return any((self.trainees, self.sessions, self.attempts, self.cards, self.erased))


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def build_training(firm_id: int) -> dict | None:
    """The training records of one firm for a bundle: its sessions, the trainees of the firm or on those rosters,
    their attempts and review cards. None when the firm has none. (The models must be bound: build_payload does.)"""
    sessions = list(m.TrainingSession.select().where(m.TrainingSession.firm == firm_id).order_by(m.TrainingSession.id))
    session_ids = [s.id for s in sessions]
    rosters: dict[int, list[int]] = {}
    if session_ids:
        for r in m.Roster.select().where(m.Roster.session.in_(session_ids)).order_by(m.Roster.id):
            rosters.setdefault(r.session_id, []).append(r.trainee_id)
    ids = {t.id for t in m.Trainee.select(m.Trainee.id).where(m.Trainee.firm == firm_id)}
    ids |= {t for roster in rosters.values() for t in roster}
    if not ids and not sessions:
        return None
    trainees = list(m.Trainee.select().where(m.Trainee.id.in_(sorted(ids))).order_by(m.Trainee.id))
    stones = {row.trainee_id: row.digest for row in m.TraineeTombstone.select() if row.trainee_id is not None}
    langs = {
        int(s.key.rsplit(".", 1)[1]): s.value
        for s in m.Setting.select().where(m.Setting.key.startswith("trainee_lang."))
        if s.key.rsplit(".", 1)[1].isdigit()
    }
    ref: dict[int, str] = {}
    out_trainees = []
    for t in trainees:
        if t.deleted_at is not None:
            digest = stones.get(t.id)
            if digest is None:  # erased before tombstones existed: a digest of the row's current uid
                digest = tombstone_digest(t.uid)
            ref[t.id] = digest
            out_trainees.append({"ref": digest, "erased": True})
            continue
        ref[t.id] = t.uid
        out_trainees.append(
            {
                "ref": t.uid,
                "name": t.name,
                "department": t.department,
                "email": t.email,
                "of_firm": t.firm_id == firm_id,
                "lang": langs.get(t.id, "") if langs.get(t.id, "") in LANGUAGES else "",
            }
        )
    by_uid = {t.uid: ref[t.id] for t in trainees}
    session_uid = {s.id: s.uid for s in sessions}
    attempts = list(m.Attempt.select().where(m.Attempt.trainee.in_(sorted(ids))).order_by(m.Attempt.id))
    cards = list(m.ReviewCard.select().where(m.ReviewCard.trainee.in_(sorted(ids))).order_by(m.ReviewCard.id))
    return {
        "trainees": out_trainees,
        "sessions": [
            {
                "uid": s.uid,
                "module_id": s.module_id,
                "held_on": _iso(s.held_on),
                "trainer": s.trainer,
                "lang": s.lang if s.lang in LANGUAGES else "ja",
                "note": s.note,
                "of_firm": True,
                "mode": s.mode,
                "prepost": bool(s.prepost),
                "roster": [ref[t] for t in rosters.get(s.id, []) if t in ref],
            }
            for s in sessions
        ],
        "attempts": [
            {
                "uid": a.uid,
                "trainee": ref[a.trainee_id],
                "session": session_uid.get(a.session_id) if a.session_id is not None else None,
                "module_id": a.module_id,
                "kind": a.kind,
                "lang": a.lang if a.lang in LANGUAGES else "ja",
                "started_at": _iso(a.started_at),
                "finished_at": _iso(a.finished_at),
                "score": a.score,
                "total": a.total,
                "passed": bool(a.passed),
                "answers": json_object(a.answers),
                "layout": json_object(a.layout),
                "mode": a.mode,
                "phase": a.phase or "",
                "roles": {k: by_uid[v] for k, v in json_object(a.roles).items() if v in by_uid},
            }
            for a in attempts
        ],
        "cards": [
            {
                "trainee": ref[c.trainee_id],
                "module_id": c.module_id,
                "question_id": c.question_id,
                "due_on": _iso(c.due_on),
                "stability": c.stability,
                "difficulty": c.difficulty,
                "reps": c.reps,
                "lapses": c.lapses,
                "last_reviewed": _iso(c.last_reviewed),
            }
            for c in cards
        ],
    }


def training_problem(part: TrainingPart, latest: dt.datetime) -> str | None:
    """What makes well-typed training records unusable, as a fragment; None when usable."""
    refs = [t.ref for t in part.trainees]
    if len(set(refs)) != len(refs):
        return _("a trainee is listed twice")
    if any(t.erased != (len(t.ref) == 64) or (t.erased and (t.name or t.department or t.email)) for t in part.trainees):
        return _("an erased trainee carries personal data")
    if any(not t.erased and not t.name.strip() for t in part.trainees):
        return _("a trainee has no name")
    import re

    if any(t.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", t.email) for t in part.trainees):
        return _("a trainee's e-mail address is malformed")
    known = set(refs)
    sessions = [s.uid for s in part.sessions]
    if len(set(sessions)) != len(sessions):
        return _("a training session is listed twice")
    attempts = [a.uid for a in part.attempts]
    if len(set(attempts)) != len(attempts):
        return _("an attempt is listed twice")
    named = [r for s in part.sessions for r in s.roster] + [a.trainee for a in part.attempts]
    named += [r for a in part.attempts for r in a.roles.values()] + [c.trainee for c in part.cards]
    if any(r not in known for r in named):
        return _("the training records name a trainee they do not list")
    if any(a.session is not None and a.session not in set(sessions) for a in part.attempts):
        return _("an attempt names a training session the bundle does not list")
    stamps = [a.started_at for a in part.attempts] + [a.finished_at for a in part.attempts]
    if any(t is not None and t > latest for t in stamps):
        return _("it carries a time more than a day ahead of this computer's clock")
    if any(a.finished_at is not None and a.finished_at < a.started_at for a in part.attempts):
        return _("an attempt finishes before it starts")
    cards = [(c.trainee, c.module_id, c.question_id) for c in part.cards]
    if len(set(cards)) != len(cards):
        return _("a review card is listed twice")
    return None


def import_training(part: TrainingPart, firm_id: int) -> TrainingImport:
    """Merge the bundle's training records into the bound store (inside the caller's transaction)."""
    result = TrainingImport()
    stones = {row.digest: row.trainee_id for row in m.TraineeTombstone.select()}
    rows = {row.uid: row for row in m.Trainee.select()}
    live_digest = {tombstone_digest(uid): row for uid, row in rows.items() if row.deleted_at is None}
    local: dict[str, int] = {}  # bundle ref → local trainee id

    for t in part.trainees:
        if t.erased:
            target = stones.get(t.ref)
            if target is None and t.ref in live_digest:  # the erasure travels: erase the person here too
                row = live_digest[t.ref]
                _erase(row, t.ref)
                result.erased += 1
                target = row.id
            elif target is None:  # an erased trainee never known here: one anonymous row for the counts
                import uuid

                row = m.Trainee.create(name="", uid=str(uuid.uuid4()), deleted_at=m.now())
                m.TraineeTombstone.create(digest=t.ref, trainee_id=row.id, erased_at=m.now())
                target = row.id
            local[t.ref] = target
            stones[t.ref] = target
            continue
        digest = tombstone_digest(t.ref)
        if digest in stones:  # erased (or merged into another) here: never brought back
            target = stones[digest]
            if target is not None:
                local[t.ref] = target
            kept = m.Trainee.get_or_none(m.Trainee.id == target) if target is not None else None
            if kept is None or kept.deleted_at is not None:
                result.withheld += 1
            continue
        found = rows.get(t.ref)
        if found is None:
            row = m.Trainee.create(
                uid=t.ref,
                name=" ".join(t.name.split()),
                department=t.department.strip(),
                email=t.email.strip(),
                firm=firm_id if t.of_firm else None,
            )
            rows[t.ref] = row
            if t.lang:
                m.Setting.insert(key=LANG_KEY.format(id=row.id), value=t.lang).on_conflict_ignore().execute()
            result.trainees += 1
        else:  # local values win; the bundle fills what is empty here
            row = found
            fill: dict[str, Any] = {}
            if not row.department and t.department:
                fill["department"] = t.department.strip()
            if not row.email and t.email:
                fill["email"] = t.email.strip()
            if row.firm_id is None and t.of_firm:
                fill["firm"] = firm_id
            if fill:
                m.Trainee.update(**fill).where(m.Trainee.id == row.id).execute()
        local[t.ref] = row.id

    sessions: dict[str, int] = {}
    for s in part.sessions:
        srow = m.TrainingSession.get_or_none(m.TrainingSession.uid == s.uid)
        if srow is None:
            srow = m.TrainingSession.create(
                uid=s.uid,
                module_id=s.module_id,
                held_on=s.held_on,
                trainer=s.trainer.strip() or "—",
                lang=s.lang,
                note=s.note,
                firm=firm_id if s.of_firm else None,
                mode=s.mode,
                prepost=int(s.prepost),
            )
            result.sessions += 1
        sessions[s.uid] = srow.id
        for r in s.roster:
            if r in local:
                m.Roster.insert(session=srow.id, trainee=local[r]).on_conflict_ignore().execute()

    uid_of = {row.id: uid for uid, row in rows.items()}
    for a in part.attempts:
        trainee_id = local.get(a.trainee)
        if trainee_id is None:
            continue
        roles = {k: uid_of[local[v]] for k, v in a.roles.items() if v in local and local[v] in uid_of}
        values: dict[str, Any] = {
            "answers": json.dumps(a.answers, ensure_ascii=False),
            "layout": json.dumps(a.layout, ensure_ascii=False),
            "finished_at": a.finished_at,
            "score": a.score,
            "total": a.total,
            "passed": int(a.passed),
        }
        arow = m.Attempt.get_or_none(m.Attempt.uid == a.uid)
        if arow is None:
            m.Attempt.create(
                uid=a.uid,
                trainee=trainee_id,
                session=sessions.get(a.session) if a.session else None,
                module_id=a.module_id,
                kind=a.kind,
                lang=a.lang,
                started_at=a.started_at,
                mode=a.mode,
                phase=a.phase,
                roles=json.dumps(roles, ensure_ascii=False, sort_keys=True),
                **values,
            )
            result.attempts += 1
        elif arow.finished_at is None and a.finished_at is not None:  # finished on the other laptop
            m.Attempt.update(**values).where(m.Attempt.id == arow.id).execute()
            result.attempts += 1
        elif roles and not json_object(arow.roles):
            m.Attempt.update(roles=json.dumps(roles, ensure_ascii=False, sort_keys=True)).where(
                m.Attempt.id == arow.id
            ).execute()

    for c in part.cards:
        trainee_id = local.get(c.trainee)
        if trainee_id is None or m.Trainee.get_by_id(trainee_id).deleted_at is not None:
            continue  # an erased trainee keeps no review cards
        crow = m.ReviewCard.get_or_none(
            (m.ReviewCard.trainee == trainee_id)
            & (m.ReviewCard.module_id == c.module_id)
            & (m.ReviewCard.question_id == c.question_id)
        )
        card_values: dict[str, Any] = {
            "due_on": c.due_on,
            "stability": c.stability,
            "difficulty": c.difficulty,
            "reps": c.reps,
            "lapses": c.lapses,
            "last_reviewed": c.last_reviewed,
        }
        if crow is None:
            m.ReviewCard.create(trainee=trainee_id, module_id=c.module_id, question_id=c.question_id, **card_values)
            result.cards += 1
        elif c.last_reviewed is not None and (crow.last_reviewed is None or c.last_reviewed > crow.last_reviewed):
            m.ReviewCard.update(**card_values).where(m.ReviewCard.id == crow.id).execute()
            result.cards += 1
    return result


def _erase(row: m.Trainee, digest: str) -> None:
    """TrainingStore.delete_trainee's erasure, inside the import's transaction."""
    import uuid

    m.TraineeTombstone.insert(digest=digest, trainee_id=row.id, erased_at=m.now()).on_conflict_replace().execute()
    m.Trainee.update(name="", department="", email="", firm=None, uid=str(uuid.uuid4()), deleted_at=m.now()).where(
        m.Trainee.id == row.id
    ).execute()
    m.ReviewCard.delete().where(m.ReviewCard.trainee == row.id).execute()
    m.Setting.delete().where(m.Setting.key == LANG_KEY.format(id=row.id)).execute()
