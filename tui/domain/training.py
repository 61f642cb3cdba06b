"""Training modules, quizzes and tabletop exercises: plain objects, scoring, completion and review scheduling."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tui.domain.text import Text
from tui.i18n import N_


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: Text
    body: Text  # Markdown, both languages
    minutes: int
    cites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: Text
    correct: bool
    explanation: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: str  # single | multiple
    text: Text
    choices: tuple[Choice, ...]
    cites: tuple[str, ...]
    lesson: str | None = None

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    def is_correct(self, picked: set[str] | frozenset[str]) -> bool:
        """Single choice: the one right answer; multiple choice: exactly the right set."""
        return frozenset(picked) == self.correct_ids


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    text: Text
    score: int
    debrief: Text  # what happens because of it, and which provisions it touches
    critical: bool = False  # fails the exercise whatever the score (hiding the incident, lying to customers, …)
    sets: tuple[str, ...] = ()  # flags later injects depend on ("waited", "kept-withdrawals", …)


#: Who speaks for the team at an inject, when a team takes the exercise around one laptop.
ROLES = {
    "csirt": N_("CSIRT lead"),
    "operations": N_("Operations"),
    "legal": N_("Legal and compliance"),
    "comms": N_("Communications"),
    "management": N_("Management"),
}


@dataclass(frozen=True, slots=True)
class Inject:
    id: str
    title: Text
    situation: Text
    decisions: tuple[Decision, ...]
    cites: tuple[str, ...]
    clock: str = ""  # the scenario's time, for the facilitator's clock ("02:10", "D+1 09:00")
    lead: str = ""  # a key of ROLES
    facilitator: Text | None = None  # notes for the facilitator: what to ask, what to watch for
    when: tuple[str, ...] = ()  # shown only when every one of these flags was set by an earlier decision
    unless: tuple[str, ...] = ()  # and none of these
    clock_if: tuple[tuple[str, str], ...] = ()  # (flag, clock): the time when an earlier decision set the flag

    def clock_for(self, flags: set[str] | frozenset[str]) -> str:
        """The scenario's time at this inject on the path taken (waiting till morning moves every later clock)."""
        return next((clock for flag, clock in self.clock_if if flag in flags), self.clock)

    @property
    def best(self) -> int:
        return max(d.score for d in self.decisions)

    def reached(self, flags: set[str] | frozenset[str]) -> bool:
        return all(f in flags for f in self.when) and not any(f in flags for f in self.unless)


@dataclass(frozen=True, slots=True)
class Exercise:
    """A tabletop exercise whose injects depend on earlier decisions.

    Passed when no critical decision was taken and the score reaches `pass_mark` percent of the best score of the
    injects the team actually met.
    """

    id: str
    title: Text
    scenario: Text
    injects: tuple[Inject, ...]
    pass_mark: int
    roles: tuple[str, ...] = ()

    def next_inject(self, chosen: Mapping[str, str]) -> Inject | None:
        """The first inject not yet decided that the decisions so far lead to; None at the end."""
        flags = self.flags(chosen)
        for inject in self.injects:
            if inject.id not in chosen and inject.reached(flags):
                return inject
        return None

    def flags(self, chosen: Mapping[str, str]) -> set[str]:
        out: set[str] = set()
        for inject in self.injects:
            d = inject_decision(inject, chosen)
            if d is not None:
                out.update(d.sets)
        return out

    def path(self, chosen: Mapping[str, str]) -> list[Inject]:
        """The injects the decisions lead to, in order: those decided and those still open on the way."""
        out: list[Inject] = []
        flags: set[str] = set()
        for inject in self.injects:
            if not inject.reached(flags):
                continue
            out.append(inject)
            d = inject_decision(inject, chosen)
            if d is not None:
                flags.update(d.sets)
        return out

    @property
    def max_score(self) -> int:
        """The best score possible: the best decision at every inject along the path those decisions lead to."""
        chosen: dict[str, str] = {}
        while (inject := self.next_inject(chosen)) is not None:
            best = max(inject.decisions, key=lambda d: (d.score, not d.critical))
            chosen[inject.id] = best.id
        return sum(i.best for i in self.injects if i.id in chosen)


def inject_decision(inject: Inject, chosen: Mapping[str, str]) -> Decision | None:
    return next((d for d in inject.decisions if d.id == chosen.get(inject.id)), None)


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    title: Text
    summary: Text
    audience: Text
    objectives: tuple[Text, ...]
    minutes: int
    pass_mark: int
    lessons: tuple[Lesson, ...]
    quiz: tuple[Question, ...]
    exercise: Exercise | None = None


def quiz_score(module: Module, answers: dict[str, set[str]]) -> tuple[int, int, bool]:
    """(correct, total, passed) for a set of answers keyed by question id."""
    correct = sum(1 for q in module.quiz if q.is_correct(answers.get(q.id, set())))
    total = len(module.quiz)
    return correct, total, total > 0 and correct * 100 >= module.pass_mark * total


def exercise_score(exercise: Exercise, chosen: Mapping[str, str]) -> tuple[int, int, bool]:
    """(score, max, passed) for a tabletop exercise.

    `chosen` maps inject id → decision id. Only the injects the decisions lead to count: score is the sum of the
    chosen decisions there, max the sum of their best decisions (an inject left open scores 0). A critical decision
    fails the exercise whatever the score.
    """
    met = exercise.path(chosen)
    score = sum(d.score for i in met if (d := inject_decision(i, chosen)) is not None)
    best = sum(i.best for i in met)
    passed = bool(met) and not critical_decisions(exercise, chosen) and score * 100 >= exercise.pass_mark * best
    return score, best, passed


def critical_decisions(exercise: Exercise, chosen: Mapping[str, str]) -> list[tuple[Inject, Decision]]:
    """The decisions taken that fail the exercise on their own."""
    return [(i, d) for i in exercise.path(chosen) if (d := inject_decision(i, chosen)) is not None and d.critical]


def percent(score: int, total: int) -> int:
    """A score as a whole percentage, rounded down so that a shown 80 % is never a fail at an 80 % pass mark."""
    return score * 100 // total if total > 0 else 0


# --- spaced repetition -----------------------------------------------------------------------

MIN_DIFFICULTY, MAX_DIFFICULTY, NEW_DIFFICULTY = 1.0, 10.0, 5.0
MAX_INTERVAL = 365  # days: a well-known question still comes back once a year

AGAIN, HARD, GOOD, EASY = "again", "hard", "good", "easy"
RATINGS = (AGAIN, HARD, GOOD, EASY)
RATING_LABELS = {AGAIN: N_("Again"), HARD: N_("Hard"), GOOD: N_("Good"), EASY: N_("Easy")}


@dataclass(frozen=True, slots=True)
class CardState:
    """Where a missed question stands in review: when it is due and how well it is known."""

    due_on: dt.date
    stability: float = 0.0  # FSRS stability: days until recall falls to 90 % (0: never scheduled)
    difficulty: float = NEW_DIFFICULTY  # FSRS difficulty, 1 (easy) … 10 (hard)
    reps: int = 0  # correct reviews in a row
    lapses: int = 0  # days on which the question was missed
    last_reviewed: dt.date | None = None


@lru_cache(maxsize=1)
def _scheduler() -> Any:
    """FSRS (the `fsrs` package) in whole days: no same-day learning steps, intervals up to a year, no fuzz."""
    from fsrs import Scheduler

    return Scheduler(learning_steps=(), relearning_steps=(), maximum_interval=MAX_INTERVAL, enable_fuzzing=False)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def schedule(card: CardState | None, answer: bool | str, today: dt.date) -> CardState:
    """The card's next state after one answer given on `today` (a pure function; `None` is a new card).

    `answer` is a rating (again / hard / good / easy) or, from a quiz, right (good) / wrong (again). FSRS computes
    stability and difficulty from the rating *and the time since the last review*: a question remembered 30 days
    late grows more than one reviewed on the day. A wrong answer is due tomorrow; a right one never sooner than
    the day after. Two misses on the same day count as one lapse.
    """
    from fsrs import Card, Rating, State

    rating = answer if isinstance(answer, str) else (GOOD if answer else AGAIN)
    if rating not in RATINGS:
        raise ValueError(rating)
    fsrs_rating = {AGAIN: Rating.Again, HARD: Rating.Hard, GOOD: Rating.Good, EASY: Rating.Easy}[rating]
    reps = card.reps if card is not None else 0
    lapses = card.lapses if card is not None else 0
    if card is None or card.stability <= 0:
        before = Card()
    else:  # a card saved before FSRS may lack its last review: its interval, counted back from the due day
        last = card.last_reviewed or card.due_on - dt.timedelta(days=max(1, round(card.stability)))
        before = Card(
            state=State.Review,
            stability=min(float(MAX_INTERVAL), card.stability),
            difficulty=min(MAX_DIFFICULTY, max(MIN_DIFFICULTY, card.difficulty)),
            due=_noon(card.due_on),
            last_review=_noon(min(last, today)),
        )
    after, _log = _scheduler().review_card(before, fsrs_rating, _noon(today))
    stability = min(float(MAX_INTERVAL), float(after.stability or 0.0))
    difficulty = min(MAX_DIFFICULTY, max(MIN_DIFFICULTY, float(after.difficulty or NEW_DIFFICULTY)))
    if rating == AGAIN:
        missed_today_already = card is not None and card.last_reviewed == today and card.reps == 0
        return CardState(
            today + dt.timedelta(days=1), stability, difficulty, 0, lapses + (0 if missed_today_already else 1), today
        )
    days = max(2, min(MAX_INTERVAL, (after.due.date() - today).days))
    return CardState(today + dt.timedelta(days=days), stability, difficulty, reps + 1, lapses, today)


# --- trainees, sessions, attempts and completion ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trainee:
    id: int
    name: str
    department: str = ""
    firm_id: int | None = None
    lang: str = ""  # the language the trainee takes lessons and quizzes in; "" follows the session or the UI
    uid: str = ""  # stable across laptops and bundles (the xAPI account name)
    email: str = ""
    deleted: bool = False  # personal data erased: only anonymous counts remain


@dataclass(frozen=True, slots=True)
class TrainingSession:
    """A trainer's session of one module on one day, for a roster of trainees."""

    id: int
    module_id: str
    held_on: dt.date
    trainer: str
    lang: str
    note: str = ""
    firm_id: int | None = None
    roster: tuple[Trainee, ...] = ()
    mode: str = "practice"
    uid: str = ""  # stable across laptops and bundles
    prepost: bool = False  # the session has a pre-test before the lessons and a post-test after them


QUIZ, EXERCISE = "quiz", "exercise"
PRE, POST = "pre", "post"
PHASES = ("", PRE, POST)
PHASE_LABELS = {PRE: N_("pre-test"), POST: N_("post-test")}
PRACTICE, EXAM = "practice", "exam"  # exam: no explanation or verdict until the end of the quiz
MODES = (PRACTICE, EXAM)
MODE_LABELS = {PRACTICE: N_("practice"), EXAM: N_("exam")}


def shuffle_order(
    groups: Iterable[tuple[str, Sequence[Choice] | Sequence[Decision]]], rng: random.Random | None = None
) -> dict[str, list[str]]:
    """Key → the ids of its options in a random order, e.g. question id → choice ids."""
    rng = rng or random.SystemRandom()
    out: dict[str, list[str]] = {}
    for key, options in groups:
        ids = [o.id for o in options]
        rng.shuffle(ids)
        out[key] = ids
    return out


def make_layout(module: Module, kind: str, rng: random.Random | None = None) -> dict[str, list[str]]:
    """The order one attempt shows its options in: every question's choices (or every inject's decisions) shuffled.

    Stored with the attempt, so resuming it and reviewing it later show the same order; a new attempt gets a new
    order, so the position of the right answer teaches nothing.
    """
    if kind == EXERCISE:
        injects = module.exercise.injects if module.exercise is not None else ()
        return shuffle_order(((i.id, i.decisions) for i in injects), rng)
    return shuffle_order(((q.id, q.choices) for q in module.quiz), rng)


def in_order(items: Iterable[Any], order: Sequence[str] | None) -> tuple[Any, ...]:
    """`items` (choices or decisions, each with an `id`) in the stored `order`; any not named keep content order."""
    items = tuple(items)
    if not order:
        return items
    rank = {item_id: n for n, item_id in enumerate(order)}
    return tuple(sorted(items, key=lambda item: rank.get(item.id, len(rank) + items.index(item))))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One quiz or exercise taken by one trainee; `answers` grows answer by answer as they are given."""

    id: int
    trainee_id: int
    module_id: str
    kind: str  # quiz | exercise
    lang: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    score: int = 0
    total: int = 0
    passed: bool = False
    answers: Mapping[str, object] = field(default_factory=dict)  # question id → [choice ids]; inject id → decision id
    session_id: int | None = None
    layout: Mapping[str, Sequence[str]] = field(default_factory=dict)  # question id → choice ids as shown
    mode: str = PRACTICE
    uid: str = ""
    phase: str = ""  # "" | pre | post: a session's pre-test or post-test (a pre-test never completes a module)
    roles: Mapping[str, str] = field(default_factory=dict)  # exercise: role key → trainee uid who played it

    def choices(self, question: Question) -> tuple[Choice, ...]:
        """The question's choices in the order this attempt showed them."""
        return in_order(question.choices, self.layout.get(question.id))

    def decisions(self, inject: Inject) -> tuple[Decision, ...]:
        """The inject's decisions in the order this attempt showed them."""
        return in_order(inject.decisions, self.layout.get(inject.id))

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int:
        return percent(self.score, self.total)

    @property
    def minutes(self) -> int:
        """Whole minutes from start to finish, rounded up (0 while unfinished)."""
        if self.finished_at is None:
            return 0
        seconds = max(0.0, (self.finished_at - self.started_at).total_seconds())
        return max(1, math.ceil(seconds / 60))

    @property
    def seconds(self) -> int:
        if self.finished_at is None:
            return 0
        return max(0, int((self.finished_at - self.started_at).total_seconds()))


def picked(attempt: Attempt, question_id: str) -> frozenset[str]:
    value = attempt.answers.get(question_id)
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(str(v) for v in value)
    return frozenset((str(value),)) if value else frozenset()


def score_attempt(module: Module, attempt: Attempt) -> tuple[int, int, bool]:
    """(score, total, passed) of an attempt from the answers it holds: quiz questions or exercise decisions."""
    if attempt.kind == EXERCISE:
        if module.exercise is None:
            return 0, 0, False
        chosen = {k: str(v) for k, v in attempt.answers.items() if isinstance(v, str)}
        return exercise_score(module.exercise, chosen)
    return quiz_score(module, {q.id: set(picked(attempt, q.id)) for q in module.quiz})


NOT_STARTED, IN_PROGRESS, PASSED, FAILED = "not_started", "in_progress", "passed", "failed"
COMPLETION_STATUSES = (NOT_STARTED, IN_PROGRESS, PASSED, FAILED)
COMPLETION_LABELS = {
    NOT_STARTED: N_("not started"),
    IN_PROGRESS: N_("in progress"),
    PASSED: N_("passed"),
    FAILED: N_("not passed"),
}


@dataclass(frozen=True, slots=True)
class Completion:
    """Where one trainee stands in one module: the row of the training records."""

    trainee: Trainee
    module_id: str
    module_title: Text
    status: str  # not_started | in_progress | passed | failed
    attempts: int  # quiz and exercise attempts started
    best_percent: int | None  # the best finished quiz, in percent
    best_score: int  # that quiz's correct answers …
    best_total: int  # … out of its questions
    first_on: dt.date | None
    last_on: dt.date | None
    minutes: int  # time actually spent in finished attempts
    passed_on: dt.date | None = None  # the day the quiz was first passed
    last_at: dt.datetime | None = None
    failed: bool = False  # finished at least one quiz, none passed yet
    exercise_percent: int | None = None
    exercise_passed: bool = False

    @property
    def status_label(self) -> str:
        return COMPLETION_LABELS[self.status]


def completion(module: Module, trainee: Trainee, attempts: Sequence[Attempt]) -> Completion:
    """A trainee's completion of `module` from their attempts (attempts of other trainees or modules are ignored).

    Not started: no attempt. Passed: a finished quiz scored at least the module's pass mark. Not passed: every
    finished quiz scored below it and none is open. In progress: anything between. Minutes are the real time of
    finished attempts; dates are the days attempts started. Pass only the attempts that count (one session's, one
    period's): results of another year must not complete this year's refresher.
    """
    mine = sorted(
        (a for a in attempts if a.trainee_id == trainee.id and a.module_id == module.id and a.phase != PRE),
        key=lambda a: (a.started_at, a.id),
    )
    quizzes = [a for a in mine if a.kind == QUIZ and a.finished]
    exercises = [a for a in mine if a.kind == EXERCISE and a.finished]
    best = max(quizzes, key=lambda a: (a.percent, a.score, -a.id), default=None)
    passes = [a for a in quizzes if a.passed]
    best_ex = max(exercises, key=lambda a: (a.percent, a.score, -a.id), default=None)
    pre_only = any(a.trainee_id == trainee.id and a.module_id == module.id and a.phase == PRE for a in attempts)
    if not mine:
        status = IN_PROGRESS if pre_only else NOT_STARTED
    elif passes:
        status = PASSED
    elif quizzes and not any(a.kind == QUIZ and not a.finished for a in mine):
        status = FAILED
    else:
        status = IN_PROGRESS
    ends = [a.finished_at or a.started_at for a in mine]
    return Completion(
        trainee=trainee,
        module_id=module.id,
        module_title=module.title,
        status=status,
        attempts=len(mine),
        best_percent=best.percent if best else None,
        best_score=best.score if best else 0,
        best_total=best.total if best else len(module.quiz),
        first_on=mine[0].started_at.date() if mine else None,
        last_on=max(ends).date() if ends else None,
        minutes=sum(a.minutes for a in mine),
        passed_on=(passes[0].finished_at or passes[0].started_at).date() if passes else None,
        last_at=max(ends) if ends else None,
        failed=bool(quizzes) and not passes,
        exercise_percent=best_ex.percent if best_ex else None,
        exercise_passed=any(a.passed for a in exercises),
    )


@dataclass(frozen=True, slots=True)
class PrePost:
    """One trainee's pre-test and post-test in one session, in percent (None: not taken or not finished)."""

    pre: int | None
    post: int | None

    @property
    def gain(self) -> int | None:
        """Post minus pre, in percentage points, when both were taken."""
        return None if self.pre is None or self.post is None else self.post - self.pre


def pre_post(trainee_id: int, attempts: Sequence[Attempt]) -> PrePost:
    """The trainee's first finished pre-test and best finished post-test among `attempts` (one session's).

    The first pre-test is what the trainee knew before; the best post-test is what they know after.
    """
    mine = sorted(
        (a for a in attempts if a.trainee_id == trainee_id and a.kind == QUIZ and a.finished),
        key=lambda a: (a.started_at, a.id),
    )
    pres = [a.percent for a in mine if a.phase == PRE]
    posts = [a.percent for a in mine if a.phase == POST]
    return PrePost(pres[0] if pres else None, max(posts) if posts else None)


#: How a completion report names each status: 合格, 不合格, 受講中, 未受講 (a failed trainee is 不合格, not 受講中).
REPORT_LABELS = {
    PASSED: N_("Pass"),
    FAILED: N_("Fail"),
    IN_PROGRESS: N_("In progress"),
    NOT_STARTED: N_("Not attended"),
}


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of a session's completion report."""

    trainee: Trainee
    status: str  # a COMPLETION_STATUSES key
    best_percent: int | None
    best_score: int
    best_total: int
    prepost: PrePost
    completed_on: dt.date | None  # the day the trainee passed (None: not passed)
    exercise_percent: int | None = None


@dataclass(frozen=True, slots=True)
class SessionReport:
    session: TrainingSession
    module: Module
    firm: str
    rows: tuple[ReportRow, ...]
    written_on: dt.date | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def shows_prepost(self) -> bool:
        """Pre/post columns when the session has them, or when anyone took a pre- or post-test in it."""
        return self.session.prepost or any(r.prepost.pre is not None or r.prepost.post is not None for r in self.rows)


def session_report(
    session: TrainingSession,
    module: Module,
    attempts: Sequence[Attempt],
    firm: str = "",
    written_on: dt.date | None = None,
) -> SessionReport:
    """The completion report of one session from the attempts taken in it (attempts of other sessions ignored)."""
    mine = [a for a in attempts if a.session_id == session.id]
    rows = []
    for t in session.roster:
        c = completion(module, t, mine)
        rows.append(
            ReportRow(
                trainee=t,
                status=c.status,
                best_percent=c.best_percent,
                best_score=c.best_score,
                best_total=c.best_total,
                prepost=pre_post(t.id, mine),
                completed_on=c.passed_on,
                exercise_percent=c.exercise_percent,
            )
        )
    return SessionReport(session, module, firm, tuple(rows), written_on)


def parse_role_numbers(text: str, roles: Sequence[str], roster_size: int) -> dict[str, int] | str:
    """Role key → roster index (0-based) from "1 2 3 1 2": one number per role in `roles`' order, 0 or "-" for
    nobody; or the sentence saying what is wrong."""
    from tui.i18n import _

    parts = text.replace(",", " ").replace("、", " ").split()
    if len(parts) != len(roles):
        return _("Type {n} numbers, one per role.").format(n=len(roles))
    out: dict[str, int] = {}
    for role, part in zip(roles, parts, strict=True):
        if part in ("0", "-", "－", "ー"):
            continue
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= roster_size:
            return _("Each number must be one on the roster (1–{n}) or 0 for nobody.").format(n=roster_size)
        out[role] = int(part) - 1
    return out


def role_players(attempt: Attempt, trainees: Mapping[str, Trainee]) -> list[tuple[str, str]]:
    """(role key, the name of who played it) in the order of ROLES, for the roles recorded in an exercise attempt;
    a player no longer known (erased, or from another laptop) shows as a dash."""
    out = []
    for role in ROLES:
        uid = attempt.roles.get(role)
        if uid:
            t = trainees.get(uid)
            out.append((role, t.name if t is not None else "—"))
    return out


# --- roster import ------------------------------------------------------------------------------

ROSTER_HEADERS = {
    "name": ("name", "氏名", "名前", "受講者"),
    "department": ("department", "部署", "所属"),
    "email": ("email", "e-mail", "メール", "メールアドレス"),
}
MAX_ROSTER = 1000


def parse_roster(rows: Sequence[Sequence[str]]) -> tuple[list[tuple[str, str, str]], str]:
    """(name, department, email) per row of a roster table whose first row names the columns; or an error sentence.

    Blank rows are skipped; a row without a name, an over-long value or a malformed e-mail refuses the whole file.
    """
    import re
    import unicodedata

    from tui.i18n import _

    if not rows:
        return [], _("The roster is empty.")
    header = [unicodedata.normalize("NFKC", str(h)).strip().lower() for h in rows[0]]
    cols: dict[str, int] = {}
    for key, names in ROSTER_HEADERS.items():
        for n, h in enumerate(header):
            if h in names:
                cols[key] = n
                break
    if "name" not in cols:
        return [], _("The first row must name the columns: name (氏名), department (部署), email (メール).")
    body = [r for r in rows[1:] if any(str(v).strip() for v in r)]
    if len(body) > MAX_ROSTER:
        return [], _("A roster has at most {n} rows.").format(n=MAX_ROSTER)
    out: list[tuple[str, str, str]] = []
    for line, r in enumerate(body, 2):

        def cell(key: str, r: Sequence[str] = r) -> str:
            n = cols.get(key)
            return str(r[n]).strip() if n is not None and n < len(r) else ""

        name, dept, email = cell("name"), cell("department"), cell("email")
        if not name:
            return [], _("Row {n} has no name.").format(n=line)
        if len(name) > 100 or len(dept) > 100:
            return [], _("Row {n}: a name or department longer than 100 characters.").format(n=line)
        if email and (len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
            return [], _("Row {n}: {email} is not an e-mail address.").format(n=line, email=email[:80])
        out.append((name, dept, email))
    return out, ""
