"""Training records: trainees, trainer sessions with their rosters, attempts saved answer by answer, review cards.

Every write is one atomic transaction under `guarded()`, as in repo.py, and every read returns the plain objects
of tui.domain.training. A quiz answer is stored the moment it is given (with the review card it touches, in the
same transaction), so a trainee loses nothing when the app is killed in the middle of a quiz.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from tui.domain.training import MODES, PHASES, PRACTICE, Attempt, CardState, Trainee, TrainingSession
from tui.i18n import LANGUAGES, _
from tui.store import models as m
from tui.store.db import StoreError
from tui.store.repo import Store, guarded

if TYPE_CHECKING:
    from peewee import SqliteDatabase

#: The trainee's content language lives in the settings table (the trainee table has no column for it).
LANG_KEY = "trainee_lang.{id}"


def normalize_name(name: str) -> str:
    """Names compare after NFKC and with runs of spaces (also full-width ones) collapsed.

    「山田　太郎」 = "山田 太郎".
    """
    return " ".join(unicodedata.normalize("NFKC", name).split())


def json_object(text: str) -> dict:
    """A stored JSON object (answers, layout, roles); {} when empty, damaged or not an object."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _attempt(row: m.Attempt) -> Attempt:
    return Attempt(
        id=row.id,
        trainee_id=row.trainee_id,
        module_id=row.module_id,
        kind=row.kind,
        lang=row.lang,
        started_at=row.started_at,
        finished_at=row.finished_at,
        score=row.score,
        total=row.total,
        passed=bool(row.passed),
        answers=json_object(row.answers),
        session_id=row.session_id,
        layout=json_object(row.layout),
        mode=row.mode,
        uid=row.uid,
        phase=row.phase or "",
        roles={str(k): str(v) for k, v in json_object(row.roles).items()},
    )


def tombstone_digest(uid: str) -> str:
    """What a tombstone keeps of an erased trainee: the SHA-256 of their old uid (the uid itself is gone)."""
    import hashlib

    return hashlib.sha256(f"tenken-trainee:{uid}".encode()).hexdigest()


def _card(row: m.ReviewCard) -> CardState:
    return CardState(row.due_on, row.stability, row.difficulty, row.reps, row.lapses, row.last_reviewed)


class TrainingStore:
    """The training tables of one Store (same database, same transactions, the models bound by the Store)."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def db(self) -> SqliteDatabase:
        return self.store.db

    @property
    def models(self) -> Any:
        """The models, bound to the store's database (see Store.bind)."""
        return self.store.models

    # --- trainees -------------------------------------------------------------------------

    def _languages(self) -> dict[int, str]:
        m = self.models
        rows = m.Setting.select().where(m.Setting.key.startswith("trainee_lang."))
        out = {}
        for r in rows:
            try:
                out[int(r.key.rsplit(".", 1)[1])] = r.value
            except ValueError:
                continue
        return out

    def _trainee(self, row: m.Trainee, langs: dict[int, str] | None = None) -> Trainee:
        lang = self.store.get_setting(LANG_KEY.format(id=row.id)) or "" if langs is None else langs.get(row.id, "")
        if row.deleted_at is not None:
            return Trainee(row.id, _("(deleted trainee)"), "", None, "", row.uid, "", True)
        return Trainee(row.id, row.name, row.department, row.firm_id, lang, row.uid, row.email)

    def create_trainee(self, name: str, department: str = "", firm_id: int | None = None, lang: str = "") -> Trainee:
        m = self.models
        name = normalize_name(name)
        if not name:
            raise StoreError(_("A trainee needs a name."))
        with guarded(_("save the trainee")), self.db.atomic():
            row = m.Trainee.create(name=name, department=department.strip(), firm=firm_id)
            if lang in LANGUAGES:
                self.store._put_setting(LANG_KEY.format(id=row.id), lang)
        return Trainee(row.id, row.name, row.department, firm_id, lang if lang in LANGUAGES else "", row.uid, row.email)

    def update_trainee(
        self,
        trainee_id: int,
        name: str | None = None,
        department: str | None = None,
        email: str | None = None,
        firm_id: int | None | bool = False,
    ) -> Trainee:
        """Change what is given (firm_id=False: leave the firm as it is; None: no firm)."""
        m = self.models
        with guarded(_("save the trainee")), self.db.atomic():
            row = m.Trainee.get_or_none((m.Trainee.id == trainee_id) & m.Trainee.deleted_at.is_null())
            if row is None:
                raise StoreError(_("There is no trainee with id {id}.").format(id=trainee_id))
            if name is not None and normalize_name(name):
                row.name = normalize_name(name)
            if department is not None:
                row.department = department.strip()
            if email is not None:
                row.email = email.strip()
            if firm_id is not False:
                row.firm = firm_id
            row.save()
        return self._trainee(row)

    def merge_trainees(self, keep_id: int, drop_id: int) -> Trainee:
        """One person entered twice: `drop`'s attempts, rosters and review cards move to `keep`; `drop` goes."""
        m = self.models
        with guarded(_("merge the trainees")), self.db.atomic():
            keep = m.Trainee.get_or_none((m.Trainee.id == keep_id) & m.Trainee.deleted_at.is_null())
            drop = m.Trainee.get_or_none((m.Trainee.id == drop_id) & m.Trainee.deleted_at.is_null())
            if keep is None or drop is None or keep_id == drop_id:
                raise StoreError(_("Choose two different trainees to merge."))
            m.Attempt.update(trainee=keep_id).where(m.Attempt.trainee == drop_id).execute()
            for r in m.Roster.select().where(m.Roster.trainee == drop_id):
                m.Roster.insert(session=r.session_id, trainee=keep_id).on_conflict_ignore().execute()
            m.Roster.delete().where(m.Roster.trainee == drop_id).execute()
            mine = {(c.module_id, c.question_id) for c in m.ReviewCard.select().where(m.ReviewCard.trainee == keep_id)}
            for c in m.ReviewCard.select().where(m.ReviewCard.trainee == drop_id):
                if (c.module_id, c.question_id) not in mine:
                    m.ReviewCard.update(trainee=keep_id).where(m.ReviewCard.id == c.id).execute()
            m.ReviewCard.delete().where(m.ReviewCard.trainee == drop_id).execute()
            if not keep.email and drop.email:
                keep.email = drop.email
            if not keep.department and drop.department:
                keep.department = drop.department
            keep.save()
            m.Setting.delete().where(m.Setting.key == LANG_KEY.format(id=drop_id)).execute()
            # a bundle that still names the dropped uid brings its records to `keep`, never the duplicate back
            m.TraineeTombstone.insert(
                digest=tombstone_digest(drop.uid), trainee_id=keep_id, erased_at=m.now()
            ).on_conflict_replace().execute()
            m.TraineeTombstone.update(trainee_id=keep_id).where(m.TraineeTombstone.trainee_id == drop_id).execute()
            drop.delete_instance()
        return self._trainee(keep)

    def delete_trainee(self, trainee_id: int) -> None:
        """Erase a trainee's personal data (APPI): name, department, e-mail, firm, language, review cards and a new
        uid, so no statement links to them. Their attempts stay, anonymous, so session counts still add up."""
        m = self.models
        import uuid

        with guarded(_("delete the trainee")), self.db.atomic():
            row = m.Trainee.get_or_none((m.Trainee.id == trainee_id) & m.Trainee.deleted_at.is_null())
            if row is None:
                raise StoreError(_("There is no trainee with id {id}.").format(id=trainee_id))
            m.TraineeTombstone.insert(
                digest=tombstone_digest(row.uid), trainee_id=row.id, erased_at=m.now()
            ).on_conflict_replace().execute()
            row.name, row.department, row.email, row.firm = "", "", "", None
            row.uid = str(uuid.uuid4())
            row.deleted_at = m.now()
            row.save()
            m.ReviewCard.delete().where(m.ReviewCard.trainee == trainee_id).execute()
            m.Setting.delete().where(m.Setting.key == LANG_KEY.format(id=trainee_id)).execute()

    def set_trainee_language(self, trainee_id: int, lang: str) -> None:
        m = self.models
        key = LANG_KEY.format(id=trainee_id)
        with guarded(_("save the trainee")), self.db.atomic():
            if lang in LANGUAGES:
                self.store._put_setting(key, lang)
            else:
                m.Setting.delete().where(m.Setting.key == key).execute()

    def trainee(self, trainee_id: int) -> Trainee | None:
        m = self.models
        with guarded(_("read the database")):
            row = m.Trainee.get_or_none(m.Trainee.id == trainee_id)
            return self._trainee(row) if row else None

    def trainees(self, include_deleted: bool = False) -> list[Trainee]:
        m = self.models
        with guarded(_("read the database")):
            langs = self._languages()
            q = m.Trainee.select()
            if not include_deleted:
                q = q.where(m.Trainee.deleted_at.is_null())
            rows = q.order_by(m.Trainee.name, m.Trainee.id)
            return [self._trainee(r, langs) for r in rows]

    def find_trainee(self, name: str, department: str | None = None) -> Trainee | None:
        """The trainee with this name (compared after normalisation); the oldest one when names repeat.

        With a department, only a trainee of that department, or one with none recorded: 「山田太郎, 営業部」 is
        not 総務部's 山田太郎.
        """
        m = self.models
        wanted = normalize_name(name)
        if not wanted:
            return None
        dept = normalize_name(department or "")
        with guarded(_("read the database")):
            same = [
                row
                for row in m.Trainee.select().where(m.Trainee.deleted_at.is_null()).order_by(m.Trainee.id)
                if normalize_name(row.name) == wanted
            ]
        if dept:
            same = [r for r in same if normalize_name(r.department) == dept] or [r for r in same if not r.department]
        return self._trainee(same[0]) if same else None

    # --- sessions and rosters --------------------------------------------------------------

    def _roster(self, session_ids: Sequence[int]) -> dict[int, list[Trainee]]:
        m = self.models
        langs = self._languages()
        rows = (
            m.Roster.select(m.Roster, m.Trainee)
            .join(m.Trainee)
            .where(m.Roster.session.in_(list(session_ids)))
            .order_by(m.Roster.id)
        )
        out: dict[int, list[Trainee]] = {}
        for r in rows:
            out.setdefault(r.session_id, []).append(self._trainee(r.trainee, langs))
        return out

    @staticmethod
    def _session(row: m.TrainingSession, roster: Sequence[Trainee]) -> TrainingSession:
        return TrainingSession(
            row.id,
            row.module_id,
            row.held_on,
            row.trainer,
            row.lang,
            row.note,
            row.firm_id,
            tuple(roster),
            row.mode,
            row.uid,
            bool(row.prepost),
        )

    def create_session(
        self,
        module_id: str,
        held_on: dt.date,
        trainer: str,
        lang: str,
        firm_id: int | None = None,
        note: str = "",
        mode: str = PRACTICE,
        prepost: bool = False,
    ) -> TrainingSession:
        m = self.models
        with guarded(_("save the training session")), self.db.atomic():
            row = m.TrainingSession.create(
                prepost=int(prepost),
                module_id=module_id,
                held_on=held_on,
                trainer=trainer.strip(),
                lang=lang if lang in LANGUAGES else "ja",
                note=note,
                firm=firm_id,
                mode=mode if mode in MODES else PRACTICE,
            )
        return self._session(row, ())

    def update_session(
        self,
        session_id: int,
        held_on: dt.date | None = None,
        trainer: str | None = None,
        lang: str | None = None,
        mode: str | None = None,
        note: str | None = None,
        prepost: bool | None = None,
    ) -> TrainingSession:
        m = self.models
        with guarded(_("save the training session")), self.db.atomic():
            row = m.TrainingSession.get_or_none(m.TrainingSession.id == session_id)
            if row is None:
                raise StoreError(_("There is no training session with id {id}.").format(id=session_id))
            if held_on is not None:
                row.held_on = held_on
            if trainer is not None and trainer.strip():
                row.trainer = trainer.strip()
            if lang in LANGUAGES:
                row.lang = lang
            if mode in MODES:
                row.mode = mode
            if note is not None:
                row.note = note
            if prepost is not None:
                row.prepost = int(prepost)
            row.save()
            return self._session(row, self._roster([row.id]).get(row.id, ()))

    def session(self, session_id: int) -> TrainingSession | None:
        m = self.models
        with guarded(_("read the database")):
            row = m.TrainingSession.get_or_none(m.TrainingSession.id == session_id)
            if row is None:
                return None
            return self._session(row, self._roster([row.id]).get(row.id, ()))

    def sessions(self, module_id: str | None = None) -> list[TrainingSession]:
        """Sessions, newest first, each with its roster (two queries)."""
        m = self.models
        with guarded(_("read the database")):
            q = m.TrainingSession.select().order_by(m.TrainingSession.held_on.desc(), m.TrainingSession.id.desc())
            if module_id is not None:
                q = q.where(m.TrainingSession.module_id == module_id)
            rows = list(q)
            rosters = self._roster([r.id for r in rows]) if rows else {}
        return [self._session(r, rosters.get(r.id, ())) for r in rows]

    def add_to_roster(self, session_id: int, trainee_id: int) -> None:
        """Put a trainee on a session's roster (nothing happens when they are on it already)."""
        m = self.models
        with guarded(_("save the roster")), self.db.atomic():
            if m.TrainingSession.get_or_none(m.TrainingSession.id == session_id) is None:
                raise StoreError(_("There is no training session with id {id}.").format(id=session_id))
            if m.Trainee.get_or_none(m.Trainee.id == trainee_id) is None:
                raise StoreError(_("There is no trainee with id {id}.").format(id=trainee_id))
            m.Roster.insert(session=session_id, trainee=trainee_id).on_conflict_ignore().execute()

    def remove_from_roster(self, session_id: int, trainee_id: int) -> None:
        """Take a trainee off a roster; their attempts stay in the records."""
        m = self.models
        with guarded(_("save the roster")), self.db.atomic():
            m.Roster.delete().where((m.Roster.session == session_id) & (m.Roster.trainee == trainee_id)).execute()

    # --- attempts -------------------------------------------------------------------------

    def start_attempt(
        self,
        trainee_id: int,
        module_id: str,
        kind: str,
        lang: str,
        total: int,
        session_id: int | None = None,
        layout: dict[str, list[str]] | None = None,
        mode: str = PRACTICE,
        phase: str = "",
    ) -> Attempt:
        """A new attempt with the order its options are shown in (`layout`) and its mode, saved before the first
        question is shown."""
        m = self.models
        with guarded(_("start the attempt")), self.db.atomic():
            row = m.Attempt.create(
                trainee=trainee_id,
                module_id=module_id,
                kind=kind,
                lang=lang,
                total=total,
                session=session_id,
                started_at=m.now(),
                answers="{}",
                layout=json.dumps(layout or {}, ensure_ascii=False),
                mode=mode if mode in MODES else PRACTICE,
                phase=phase if phase in PHASES else "",
            )
        return _attempt(row)

    def attempt(self, attempt_id: int) -> Attempt | None:
        m = self.models
        with guarded(_("read the database")):
            row = m.Attempt.get_or_none(m.Attempt.id == attempt_id)
            return _attempt(row) if row else None

    def unfinished_attempt(self, trainee_id: int, module_id: str, kind: str, phase: str = "") -> Attempt | None:
        """The latest attempt the trainee started and never finished (to resume it), if any."""
        m = self.models
        with guarded(_("read the database")):
            row = (
                m.Attempt.select()
                .where(
                    (m.Attempt.trainee == trainee_id)
                    & (m.Attempt.module_id == module_id)
                    & (m.Attempt.kind == kind)
                    & (m.Attempt.phase == phase)
                    & (m.Attempt.finished_at.is_null())
                )
                .order_by(m.Attempt.id.desc())
                .first()
            )
            return _attempt(row) if row else None

    def save_answer(
        self, attempt_id: int, key: str, value: object, card: tuple[str, str, CardState] | None = None
    ) -> Attempt:
        """Store one answer of an attempt (and the review card it moves: (module id, question id, state)) durably.

        An answer once given stays: answering the same question again keeps the first answer.
        """
        m = self.models
        with guarded(_("save the answer")), self.db.atomic():
            row = m.Attempt.get_or_none(m.Attempt.id == attempt_id)
            if row is None:
                raise StoreError(_("There is no attempt with id {id}.").format(id=attempt_id))
            if row.finished_at is not None:
                raise StoreError(_("This attempt is finished; start a new one to answer again."))
            answers = json_object(row.answers)
            if key in answers:
                return _attempt(row)
            answers[key] = value
            row.answers = json.dumps(answers, ensure_ascii=False)
            row.save()
            if card is not None:
                self._save_card(row.trainee_id, *card)
        return _attempt(row)

    def save_roles(self, attempt_id: int, roles: dict[str, str]) -> Attempt:
        """Record who plays which role in an exercise attempt (role key → trainee uid); replaces what was there."""
        m = self.models
        with guarded(_("save the roles")), self.db.atomic():
            row = m.Attempt.get_or_none(m.Attempt.id == attempt_id)
            if row is None:
                raise StoreError(_("There is no attempt with id {id}.").format(id=attempt_id))
            row.roles = json.dumps(roles, ensure_ascii=False, sort_keys=True)
            row.save()
        return _attempt(row)

    def finish_attempt(self, attempt_id: int, score: int, total: int, passed: bool) -> Attempt:
        m = self.models
        with guarded(_("save the result")), self.db.atomic():
            row = m.Attempt.get_or_none(m.Attempt.id == attempt_id)
            if row is None:
                raise StoreError(_("There is no attempt with id {id}.").format(id=attempt_id))
            if row.finished_at is None:
                row.finished_at = m.now()
                row.score, row.total, row.passed = score, total, int(passed)
                row.save()
        return _attempt(row)

    def attempts(self, trainee_id: int | None = None, module_id: str | None = None) -> list[Attempt]:
        m = self.models
        with guarded(_("read the database")):
            q = m.Attempt.select().order_by(m.Attempt.started_at, m.Attempt.id)
            if trainee_id is not None:
                q = q.where(m.Attempt.trainee == trainee_id)
            if module_id is not None:
                q = q.where(m.Attempt.module_id == module_id)
            return [_attempt(r) for r in q]

    def history(self, trainee_id: int) -> list[tuple[Attempt, TrainingSession | None]]:
        """Every attempt of a trainee, oldest first, with the session it was taken in (None: self-study)."""
        m = self.models
        with guarded(_("read the database")):
            attempts = [
                _attempt(r)
                for r in m.Attempt.select()
                .where(m.Attempt.trainee == trainee_id)
                .order_by(m.Attempt.started_at, m.Attempt.id)
            ]
            ids = {a.session_id for a in attempts if a.session_id is not None}
            sessions = (
                {
                    r.id: self._session(r, ())
                    for r in m.TrainingSession.select().where(m.TrainingSession.id.in_(list(ids)))
                }
                if ids
                else {}
            )
        return [(a, sessions.get(a.session_id) if a.session_id is not None else None) for a in attempts]

    def sessions_of(self, trainee_id: int) -> list[TrainingSession]:
        """The sessions whose roster holds the trainee, oldest first."""
        m = self.models
        with guarded(_("read the database")):
            rows = list(
                m.TrainingSession.select()
                .join(m.Roster)
                .where(m.Roster.trainee == trainee_id)
                .order_by(m.TrainingSession.held_on, m.TrainingSession.id)
            )
        return [self._session(r, ()) for r in rows]

    # --- review cards ---------------------------------------------------------------------

    def _save_card(self, trainee_id: int, module_id: str, question_id: str, state: CardState) -> None:
        m = self.models
        m.ReviewCard.insert(
            trainee=trainee_id,
            module_id=module_id,
            question_id=question_id,
            due_on=state.due_on,
            stability=state.stability,
            difficulty=state.difficulty,
            reps=state.reps,
            lapses=state.lapses,
            last_reviewed=state.last_reviewed,
        ).on_conflict(
            conflict_target=[m.ReviewCard.trainee, m.ReviewCard.module_id, m.ReviewCard.question_id],
            update={
                m.ReviewCard.due_on: state.due_on,
                m.ReviewCard.stability: state.stability,
                m.ReviewCard.difficulty: state.difficulty,
                m.ReviewCard.reps: state.reps,
                m.ReviewCard.lapses: state.lapses,
                m.ReviewCard.last_reviewed: state.last_reviewed,
            },
        ).execute()

    def save_card(self, trainee_id: int, module_id: str, question_id: str, state: CardState) -> None:
        """Insert or update the review card of one question for one trainee."""
        with guarded(_("save the review")), self.db.atomic():
            self._save_card(trainee_id, module_id, question_id, state)

    def card(self, trainee_id: int, module_id: str, question_id: str) -> CardState | None:
        m = self.models
        with guarded(_("read the database")):
            row = m.ReviewCard.get_or_none(
                (m.ReviewCard.trainee == trainee_id)
                & (m.ReviewCard.module_id == module_id)
                & (m.ReviewCard.question_id == question_id)
            )
            return _card(row) if row else None

    def cards(self, trainee_id: int, due_by: dt.date | None = None) -> list[tuple[str, str, CardState]]:
        """(module id, question id, state) of a trainee's cards, soonest due first.

        Only those due by `due_by` if given.
        """
        m = self.models
        with guarded(_("read the database")):
            q = m.ReviewCard.select().where(m.ReviewCard.trainee == trainee_id)
            if due_by is not None:
                q = q.where(m.ReviewCard.due_on <= due_by)
            rows = q.order_by(m.ReviewCard.due_on, m.ReviewCard.module_id, m.ReviewCard.question_id)
            return [(r.module_id, r.question_id, _card(r)) for r in rows]

    def due_counts(self, due_by: dt.date) -> dict[int, int]:
        """Trainee id → number of review cards due by `due_by`."""
        m = self.models
        from peewee import fn

        with guarded(_("read the database")):
            rows = (
                m.ReviewCard.select(m.ReviewCard.trainee, fn.COUNT(m.ReviewCard.id).alias("n"))
                .where(m.ReviewCard.due_on <= due_by)
                .group_by(m.ReviewCard.trainee)
            )
            # peewee's stubs type `.tuples()` as model rows
            return dict(cast("Iterable[tuple[int, int]]", rows.tuples()))
