"""Training without the TUI: review scheduling, scoring, completion, the store, records export, CLI, evidence."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PINNED_TODAY, run_cli
from tui.domain.text import Text
from tui.domain.training import (
    EXERCISE,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    PASSED,
    QUIZ,
    Attempt,
    CardState,
    Choice,
    Decision,
    Exercise,
    Inject,
    Module,
    Question,
    Trainee,
    completion,
    exercise_score,
    percent,
    quiz_score,
    schedule,
)
from tui.workspace import UserError, Workspace

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)

T = Text("t", "t")
DAY = dt.date(2026, 11, 23)


def _q(qid: str, kind: str, right: set[str], n: int = 4) -> Question:
    ids = "abcdefgh"[:n]
    return Question(qid, kind, T, tuple(Choice(c, T, c in right, T) for c in ids), ("jvcea-exchange:9.1",))


def _module(pass_mark: int = 80, exercise: Exercise | None = None) -> Module:
    quiz = (
        _q("q1", "single", {"a"}),
        _q("q2", "multiple", {"a", "c"}),
        _q("q3", "single", {"d"}),
        _q("q4", "multiple", {"b"}),
        _q("q5", "single", {"b"}),
    )
    return Module("m", T, T, T, (T, T), 60, pass_mark, (), quiz, exercise)


def _exercise() -> Exercise:
    def inject(iid: str) -> Inject:
        return Inject(iid, T, T, (Decision("a", T, 10, T), Decision("b", T, 4, T), Decision("c", T, 0, T)), ("x:1",))

    return Exercise("ex", T, T, (inject("i1"), inject("i2"), inject("i3")), 66)  # pass at 66% (was 20 of 30 points)


# --- scheduling ------------------------------------------------------------------------------

cards = st.builds(
    CardState,
    due_on=st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)),
    stability=st.floats(0, 400, allow_nan=False),
    difficulty=st.floats(0, 10, allow_nan=False),
    reps=st.integers(0, 50),
    lapses=st.integers(0, 50),
    last_reviewed=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)),
)
days = st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1))


@settings(max_examples=300, deadline=None)
@given(st.none() | cards, days)
def test_a_correct_answer_never_comes_back_sooner_than_a_wrong_one(card, today):
    right = schedule(card, True, today)
    wrong = schedule(card, False, today)
    assert right.due_on >= wrong.due_on
    assert right.due_on > today and wrong.due_on > today  # never due in the past, nor again today
    assert wrong.due_on == today + dt.timedelta(days=1)  # a missed question is due tomorrow


@settings(max_examples=300, deadline=None)
@given(st.none() | cards, days)
def test_intervals_grow_on_success_and_shrink_on_lapses(card, today):
    old = card.stability if card else 0.0
    right = schedule(card, True, today)
    wrong = schedule(card, False, today)
    # FSRS counts the time since the last review: answered again the same day, stability holds rather than grows
    same_day = card is not None and (card.last_reviewed is None or card.last_reviewed >= today)  # None: unknown
    assert right.stability > old or right.stability == 365 or (same_day and right.stability >= min(old, 365))
    assert right.stability <= 365
    assert wrong.stability <= max(old, 1.0)
    assert 1 <= right.difficulty <= 10 and 1 <= wrong.difficulty <= 10
    # a second miss on the same day is not a second lapse (the issue: two misses in one day counted twice)
    missed_today = card is not None and card.last_reviewed == today and card.reps == 0
    assert wrong.lapses == (card.lapses if card else 0) + (0 if missed_today else 1) and wrong.reps == 0
    assert right.reps == (card.reps if card else 0) + 1
    assert right.last_reviewed == wrong.last_reviewed == today


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=30), days)
def test_a_sequence_of_answers_only_moves_forward(answers, start):
    card, today = None, start
    for ok in answers:
        card = schedule(card, ok, today)
        assert card.due_on > today
        today = card.due_on  # reviewed on the day it is due


def test_three_correct_reviews_push_a_missed_question_weeks_away():
    card = schedule(None, False, DAY)
    assert card.due_on == DAY + dt.timedelta(days=1)
    gaps = []
    for _ in range(3):
        reviewed = card.due_on
        card = schedule(card, True, reviewed)
        gaps.append((card.due_on - reviewed).days)
    assert gaps == sorted(gaps) and gaps[-1] >= 14


# --- scoring and completion ------------------------------------------------------------------


def test_single_and_multiple_choice_scoring():
    m = _module()
    answers = {"q1": {"a"}, "q2": {"a", "c"}, "q3": {"d"}, "q4": {"b"}, "q5": {"b"}}
    assert quiz_score(m, answers) == (5, 5, True)
    assert quiz_score(m, {**answers, "q2": {"a"}}) == (4, 5, True)  # 80 % is a pass at 80
    assert quiz_score(m, {**answers, "q2": {"a", "c", "d"}, "q4": {"b", "a"}}) == (3, 5, False)  # too many picked
    assert quiz_score(m, {}) == (0, 5, False)
    assert percent(7, 9) == 77 and percent(0, 0) == 0


def test_exercise_scoring_sums_the_chosen_decisions():
    ex = _exercise()
    assert ex.max_score == 30
    assert exercise_score(ex, {"i1": "a", "i2": "a", "i3": "a"}) == (30, 30, True)
    assert exercise_score(ex, {"i1": "a", "i2": "a", "i3": "c"}) == (20, 30, True)  # ≥ 66 % passes
    assert exercise_score(ex, {"i1": "a", "i2": "b", "i3": "b"}) == (18, 30, False)
    assert exercise_score(ex, {"i1": "zz"}) == (0, 30, False)


def _attempt(aid, kind=QUIZ, score=0, total=5, passed=False, start=None, minutes=10, finished=True, trainee=1):
    start = start or dt.datetime(2026, 11, 1, 9, 0)
    return Attempt(
        aid,
        trainee,
        "m",
        kind,
        "ja",
        start,
        start + dt.timedelta(minutes=minutes) if finished else None,
        score,
        total,
        passed,
    )


def test_completion_not_started_in_progress_passed():
    m, me = _module(exercise=_exercise()), Trainee(1, "山田")
    c = completion(m, me, [])
    assert (c.status, c.attempts, c.best_percent, c.first_on, c.minutes) == (NOT_STARTED, 0, None, None, 0)
    first = _attempt(1, score=3, start=dt.datetime(2026, 11, 1, 9), minutes=12)
    unfinished = _attempt(2, start=dt.datetime(2026, 11, 3, 9), finished=False)
    c = completion(m, me, [first, unfinished, _attempt(9, trainee=2, score=5, passed=True)])
    assert c.status == IN_PROGRESS and c.failed and c.attempts == 2 and c.best_percent == 60
    assert c.first_on == dt.date(2026, 11, 1) and c.last_on == dt.date(2026, 11, 3) and c.minutes == 12
    passing = _attempt(3, score=4, passed=True, start=dt.datetime(2026, 11, 5, 9), minutes=8)
    drill = _attempt(4, kind=EXERCISE, score=24, total=30, passed=True, start=dt.datetime(2026, 11, 6, 9), minutes=40)
    c = completion(m, me, [first, unfinished, passing, drill])
    assert c.status == PASSED and not c.failed and c.best_percent == 80 and (c.best_score, c.best_total) == (4, 5)
    assert c.passed_on == dt.date(2026, 11, 5) and c.last_on == dt.date(2026, 11, 6)
    assert c.minutes == 12 + 8 + 40 and c.attempts == 4
    assert c.exercise_percent == 80 and c.exercise_passed


# --- store round trips -----------------------------------------------------------------------

MODULE = "security-awareness"


def _answer_all(ws: Workspace, attempt_id: int, wrong: set[str] = frozenset()):
    module = ws.training_module(MODULE)
    for q in module.quiz:
        picked = [next(c.id for c in q.choices if not c.correct)] if q.id in wrong else sorted(q.correct_ids)
        ws.answer_question(attempt_id, q.id, picked, today=PINNED_TODAY)
    return ws.finish_attempt(attempt_id)


def test_session_roster_and_trainees(ws):
    s = ws.create_training_session(MODULE, DAY, "佐藤 花子", "ja")
    yamada = ws.add_to_roster(s.id, "山田　太郎", "総務部")
    again = ws.add_to_roster(s.id, "山田 太郎")  # same person (full-width space normalised), not a duplicate
    assert again.id == yamada.id and yamada.name == "山田 太郎"
    smith = ws.add_to_roster(s.id, "John Smith", "IT")
    session = ws.training_session(s.id)
    assert [t.name for t in session.roster] == ["山田 太郎", "John Smith"]
    assert (session.module_id, session.held_on, session.trainer, session.lang) == (MODULE, DAY, "佐藤 花子", "ja")
    ws.remove_from_roster(s.id, smith.id)
    assert [t.id for t in ws.training_session(s.id).roster] == [yamada.id]
    assert ws.training.find_trainee("John Smith").id == smith.id  # off the roster, still a trainee
    with pytest.raises(UserError):
        ws.create_training_session("no-such-module", DAY, "x", "ja")
    with pytest.raises(UserError):
        ws.create_training_session(MODULE, DAY, "  ", "ja")


def test_trainee_language_is_their_own(ws):
    s = ws.create_training_session(MODULE, DAY, "trainer", "ja")
    t = ws.add_to_roster(s.id, "Alex")
    assert ws.trainee_language(t, s) == "ja"  # follows the session
    t = ws.set_trainee_language(t.id, "en")
    assert ws.trainee_language(t, s) == "en" and ws.trainee(t.id).lang == "en"
    attempt = ws.start_attempt(t.id, MODULE, session_id=s.id)
    assert attempt.lang == "en"


def test_each_answer_is_saved_at_once_and_survives_a_new_workspace(data_dir, pinned):
    ws = Workspace(data_dir)
    trainee = ws.add_trainee("山田太郎", "総務部")
    attempt = ws.start_attempt(trainee.id, MODULE)
    module = ws.training_module(MODULE)
    q1, q2 = module.quiz[0], module.quiz[1]
    ws.answer_question(attempt.id, q1.id, sorted(q1.correct_ids))
    wrong = next(c.id for c in q2.choices if not c.correct)
    ws.answer_question(attempt.id, q2.id, [wrong])
    ws.store.db.close()  # as if the app were killed here: no finish, no clean close
    again = Workspace(data_dir)
    try:
        resumed = again.start_attempt(trainee.id, MODULE)
        assert resumed.id == attempt.id and not resumed.finished
        assert resumed.answers == {q1.id: sorted(q1.correct_ids), q2.id: [wrong]}
        card = again.training.card(trainee.id, MODULE, q2.id)  # the missed one is scheduled for review tomorrow
        assert card is not None and card.due_on == PINNED_TODAY + dt.timedelta(days=1) and card.lapses == 1
        assert again.training.card(trainee.id, MODULE, q1.id) is None
        # An answer once given stays: a second answer to the same question is ignored.
        again.answer_question(attempt.id, q2.id, sorted(q2.correct_ids))
        assert again.training.attempt(attempt.id).answers[q2.id] == [wrong]
        with pytest.raises(UserError):
            again.answer_question(attempt.id, q1.id, ["zz"])
    finally:
        again.close()


def test_finishing_scores_from_the_stored_answers(ws, pinned):
    t = ws.add_trainee("山田太郎")
    done = _answer_all(ws, ws.start_attempt(t.id, MODULE).id, wrong={"q01", "q02"})
    module = ws.training_module(MODULE)
    assert (done.score, done.total) == (len(module.quiz) - 2, len(module.quiz)) and done.finished
    assert done.passed == ((len(module.quiz) - 2) * 100 >= module.pass_mark * len(module.quiz))
    fresh = ws.start_attempt(t.id, MODULE)  # finished attempts are not resumed
    assert fresh.id != done.id and fresh.answers == {}


def test_review_cards_come_due_and_move_on(ws, pinned):
    t = ws.add_trainee("山田太郎")
    _answer_all(ws, ws.start_attempt(t.id, MODULE).id, wrong={"q03"})
    assert ws.due_reviews(t.id, PINNED_TODAY) == []
    tomorrow = PINNED_TODAY + dt.timedelta(days=1)
    due = ws.due_reviews(t.id, tomorrow)
    assert [(m.id, q.id) for m, q, _c in due] == [(MODULE, "q03")]
    question = due[0][1]
    correct, state = ws.review_answer(t.id, MODULE, "q03", sorted(question.correct_ids), today=tomorrow)
    assert correct and state.due_on > tomorrow + dt.timedelta(days=1)
    assert ws.due_reviews(t.id, tomorrow) == []
    assert ws.training.due_counts(state.due_on) == {t.id: 1}


def test_history_across_two_sessions(ws, pinned):
    first = ws.create_training_session(MODULE, dt.date(2026, 10, 1), "佐藤", "ja")
    second = ws.create_training_session(MODULE, dt.date(2026, 11, 1), "鈴木", "en")
    t = ws.add_to_roster(first.id, "山田太郎")
    ws.add_to_roster(second.id, "山田太郎")
    a1 = _answer_all(ws, ws.start_attempt(t.id, MODULE, session_id=first.id).id, wrong={"q01", "q02", "q03", "q04"})
    a2 = _answer_all(ws, ws.start_attempt(t.id, MODULE, session_id=second.id).id)
    history = ws.trainee_history(t.id)
    assert [(a.id, s.id) for a, s in history] == [(a1.id, first.id), (a2.id, second.id)]
    assert not history[0][0].passed and history[1][0].passed
    assert [s.id for s in ws.training.sessions_of(t.id)] == [first.id, second.id]
    # Each session counts its own attempts: the October fail is not part of November's result and vice versa
    # (this test used to expect attempts == 2, i.e. every attempt ever, which made a yearly refresher no evidence).
    result = ws.session_results(second.id)[0]
    assert result.status == PASSED and result.attempts == 1 and result.best_percent == 100
    earlier = ws.session_results(first.id)[0]
    assert earlier.status == FAILED and earlier.attempts == 1 and earlier.best_percent == 77  # 14 of 18


def test_exercise_attempt_is_stored_with_its_decisions(ws, pinned):
    module = ws.training_module("csirt-onboarding")
    t = ws.add_trainee("山田太郎")
    attempt = ws.start_attempt(t.id, module.id, EXERCISE)
    chosen: dict[str, str] = {}
    while (inject := module.exercise.next_inject(chosen)) is not None:  # the injects branch on earlier decisions
        best = max(inject.decisions, key=lambda d: d.score)
        chosen = {k: str(v) for k, v in ws.choose_decision(attempt.id, inject.id, best.id).answers.items()}
    done = ws.finish_attempt(attempt.id)
    assert done.kind == EXERCISE and done.score == module.exercise.max_score and done.passed
    with pytest.raises(UserError):
        ws.start_attempt(t.id, MODULE, EXERCISE)  # security awareness has no exercise
    record = ws.training_records(module.id)[0]
    assert record.status == NOT_STARTED or record.status == IN_PROGRESS  # the quiz decides completion
    assert record.exercise_percent == 100 and record.exercise_passed


def test_training_evidence_counts_who_passed(ws, pinned):
    s = ws.create_training_session(MODULE, DAY, "佐藤", "ja")
    a = ws.add_to_roster(s.id, "山田太郎")
    b = ws.add_to_roster(s.id, "鈴木一郎")
    ws.add_to_roster(s.id, "田中花子")  # not started
    _answer_all(ws, ws.start_attempt(a.id, MODULE).id)
    _answer_all(ws, ws.start_attempt(b.id, MODULE).id)
    evidence = ws.training_evidence(MODULE)
    assert evidence.label == "研修記録: 全役職員向けセキュリティ意識向上研修 2名修了 (2026年11月23日)"
    assert evidence.path is None


# --- records export --------------------------------------------------------------------------


@pytest.fixture
def records_ws(ws, pinned):
    s = ws.create_training_session(MODULE, DAY, "佐藤", "ja")
    good = ws.add_to_roster(s.id, "山田太郎", "総務部")
    evil = ws.add_to_roster(s.id, "=cmd|' /C calc'!A0", "+IT")
    _answer_all(ws, ws.start_attempt(good.id, MODULE, session_id=s.id).id)
    _answer_all(ws, ws.start_attempt(evil.id, MODULE, session_id=s.id).id, wrong={"q01", "q02", "q03", "q04", "q05"})
    ws.start_attempt(good.id, "csirt-onboarding")  # started, nothing answered
    return ws


def test_csv_has_a_bom_one_row_per_trainee_and_module_and_no_formulas(records_ws, tmp_path):
    path = records_ws.export_training_records("csv", tmp_path / "records.csv", lang="ja")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    header, body = rows[0], rows[1:]
    assert header[0] == "受講者" and len(header) == 12
    assert len(body) == 2 * len(records_ws.modules)
    evil = [r for r in body if "cmd" in r[0]]
    assert evil and all(r[0] == "'=cmd|' /C calc'!A0" and r[1] == "'+IT" for r in evil)
    yamada = {r[2]: r for r in body if r[0] == "山田太郎"}
    assert yamada[MODULE][4] == "修了" and yamada[MODULE][5] == "100" and yamada[MODULE][7] == "2026-11-23"
    assert yamada["csirt-onboarding"][4] == "受講中" and yamada["system-risk-rules"][4] == "未受講"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in body for cell in r)


def test_csv_refuses_to_overwrite_without_force(records_ws, tmp_path):
    from tui.export import ExportError

    path = tmp_path / "records.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError):
        records_ws.export_training_records("csv", path)
    assert path.read_text(encoding="utf-8") == "keep me"
    records_ws.export_training_records("csv", path, force=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_has_a_frozen_filtered_header_and_text_cells(records_ws, tmp_path):
    from openpyxl import load_workbook

    path = records_ws.export_training_records("xlsx", tmp_path / "records.xlsx", lang="en")
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{1 + 2 * len(records_ws.modules)}"
    assert sheet["A1"].value == "Trainee" and sheet["E1"].value == "Completion"
    names = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    evil = [c for c in names if "cmd" in str(c.value)]
    assert evil and all(c.value == "=cmd|' /C calc'!A0" and c.data_type == "s" for c in evil)
    assert sheet.column_dimensions["D"].width >= 20  # module titles are wide
    dates = [sheet.cell(row=r, column=8).value for r in range(2, sheet.max_row + 1)]
    assert dt.datetime(2026, 11, 23) in dates


def test_json_is_a_list_of_xapi_statements(records_ws, tmp_path):
    path = records_ws.export_training_records("json", tmp_path / "records.json")
    statements = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(statements, list) and len(statements) == 3  # passed, failed, attempted; not-started have none
    verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in statements}
    assert verbs == {"passed", "failed", "attempted"}
    for s in statements:
        assert {"id", "actor", "verb", "object", "result", "timestamp"} <= set(s)
        assert s["actor"]["objectType"] == "Agent" and s["actor"]["name"]
        assert set(s["actor"]["account"]) == {"homePage", "name"}
        assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/") and set(s["verb"]["display"]) == {
            "ja",
            "en",
        }
        assert s["object"]["id"].startswith("https://tenken.example/modules/")
        assert set(s["object"]["definition"]["name"]) == {"ja", "en"}
        assert s["result"]["duration"].startswith("PT")
        dt.datetime.fromisoformat(s["timestamp"])
    passed = next(s for s in statements if s["verb"]["id"].endswith("passed"))
    score = passed["result"]["score"]
    assert score["scaled"] == 1.0 and score["raw"] == score["max"] and passed["result"]["success"] is True
    assert passed["result"]["completion"] is True
    failed = next(s for s in statements if s["verb"]["id"].endswith("failed"))
    assert failed["result"]["success"] is False and 0 <= failed["result"]["score"]["scaled"] < 1
    started = next(s for s in statements if s["verb"]["id"].endswith("attempted"))
    assert "score" not in started["result"] and started["result"]["completion"] is False


def test_iso_durations():
    from tui.export.records import iso_duration

    assert [iso_duration(m) for m in (0, 5, 60, 75)] == ["PT0M", "PT5M", "PT1H", "PT1H15M"]


# --- command line ----------------------------------------------------------------------------


def test_cli_train_list_json():
    proc = run_cli("train", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    modules = {m["id"]: m for m in json.loads(proc.stdout)}
    assert set(modules) >= {"security-awareness", "csirt-onboarding"}
    sa = modules["security-awareness"]
    assert sa["lessons"] == 6 and sa["questions"] == 18 and sa["pass_mark"] == 80 and sa["exercise"] is None
    ex = modules["csirt-onboarding"]["exercise"]
    assert ex["injects"] >= 3 and 0 < ex["pass_mark"] <= 100 and ex["max_score"] > 0 and len(ex["roles"]) >= 2


def test_cli_train_export_and_its_errors(records_ws, tmp_path, data_dir):
    env = {"TENKEN_HOME": str(data_dir)}
    records_ws.close()
    out = tmp_path / "out.csv"
    proc = run_cli("train", "export", "--format", "csv", "--out", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "山田太郎" in out.read_text(encoding="utf-8-sig")
    again = run_cli("train", "export", "--format", "csv", "--out", str(out), env=env)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "--force" in again.stderr
    proc = run_cli(
        "train", "export", "--format", "json", "--out", str(tmp_path / "x.json"), "--module", "nope", env=env
    )
    assert proc.returncode == 1 and "nope" in proc.stderr and "Traceback" not in proc.stderr
    usage = run_cli("train", "export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), env=env)
    assert usage.returncode == 2 and usage.stderr.startswith("tenken: ") and usage.stderr.count("\n") == 1
    assert run_cli("train", env=env).returncode == 2
