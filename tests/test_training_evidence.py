"""Training records that stand as evidence (issue 18): an answer key that cannot be guessed, results per session
and per period, exams without hints. Each test fails on the code before the issue."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random

import pytest

from tests.conftest import PINNED_TODAY, run_cli
from tui.domain.training import (
    EXAM,
    EXERCISE,
    FAILED,
    NOT_STARTED,
    PASSED,
    critical_decisions,
    exercise_score,
    make_layout,
)
from tui.store import models
from tui.workspace import Workspace

MODULE = "security-awareness"


def _answer_all(ws: Workspace, attempt_id: int, wrong: frozenset[str] = frozenset()):
    module = ws.training_module(MODULE)
    for q in module.quiz:
        picked = [next(c.id for c in q.choices if not c.correct)] if q.id in wrong else sorted(q.correct_ids)
        ws.answer_question(attempt_id, q.id, picked, today=PINNED_TODAY)
    return ws.finish_attempt(attempt_id)


def _at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    """The clock the store stamps attempts with."""
    monkeypatch.setattr(models, "now", lambda: when)


# --- 1. the answer key cannot be guessed -----------------------------------------------------------------------


def test_each_attempt_stores_its_own_choice_order_and_resumes_with_it(data_dir, pinned):
    ws = Workspace(data_dir)
    module = ws.training_module(MODULE)
    t = ws.add_trainee("山田太郎")
    first = ws.start_attempt(t.id, MODULE)
    for q in module.quiz:
        assert sorted(first.layout[q.id]) == sorted(c.id for c in q.choices)  # every choice, once
        assert [c.id for c in first.choices(q)] == list(first.layout[q.id])
    q1 = module.quiz[0]
    ws.answer_question(first.id, q1.id, sorted(q1.correct_ids), today=PINNED_TODAY)
    ws.close()
    again = Workspace(data_dir)
    resumed = again.start_attempt(t.id, MODULE)  # a killed app: the same attempt, in the same order
    assert resumed.id == first.id and resumed.layout == first.layout
    orders = set()
    for _n in range(12):
        a = again.start_attempt(t.id, MODULE, resume=False)
        orders.add(tuple(a.layout[q1.id]))
    assert len(orders) > 1, "a new attempt must get a new order"
    again.close()


def test_pressing_1_every_time_no_longer_passes(ws, pinned):
    """Pressing the first shown choice on every question: with the order shuffled the score is chance, not 100%."""
    t = ws.add_trainee("山田太郎")
    module = ws.training_module(MODULE)
    scores = []
    for seed in range(20):
        a = ws.start_attempt(t.id, MODULE, resume=False, rng=random.Random(seed))
        for q in module.quiz:
            ws.answer_question(a.id, q.id, [a.choices(q)[0].id], today=PINNED_TODAY)
        scores.append(ws.finish_attempt(a.id).percent)
    assert sum(scores) / len(scores) < 50
    assert sum(1 for s in scores if s >= module.pass_mark) <= 1


def test_exercise_decisions_are_shuffled_too(ws, pinned):
    module = ws.training_module("csirt-onboarding")
    layouts = {
        tuple(tuple(v) for v in make_layout(module, EXERCISE, random.Random(seed)).values()) for seed in range(5)
    }
    assert len(layouts) > 1
    t = ws.add_trainee("山田太郎")
    a = ws.start_attempt(t.id, module.id, EXERCISE)
    assert set(a.layout) == {i.id for i in module.exercise.injects}


def test_an_old_attempt_without_a_stored_order_shows_the_content_order(ws, pinned):
    module = ws.training_module(MODULE)
    t = ws.add_trainee("山田太郎")
    a = ws.start_attempt(t.id, MODULE)
    models.Attempt.update(layout="{}").where(models.Attempt.id == a.id).execute()
    old = ws.training.attempt(a.id)
    assert [c.id for c in old.choices(module.quiz[0])] == [c.id for c in module.quiz[0].choices]


def test_an_exam_session_gives_exam_attempts(ws, pinned):
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja", mode=EXAM)
    t = ws.add_to_roster(s.id, "山田太郎")
    assert ws.training_session(s.id).mode == EXAM
    assert ws.start_attempt(t.id, MODULE, session_id=s.id).mode == EXAM
    assert ws.start_attempt(t.id, MODULE, resume=False).mode == "practice"


# --- 3. results per session and per period ----------------------------------------------------------------------


def test_a_2027_session_does_not_inherit_a_2026_pass(ws, monkeypatch, pinned):
    """The issue's case: a trainee showed 「修了 92%」 in the 2027 refresher before taking anything."""
    s2026 = ws.create_training_session(MODULE, dt.date(2026, 11, 1), "佐藤", "ja")
    s2027 = ws.create_training_session(MODULE, dt.date(2027, 11, 1), "佐藤", "ja")
    hanako = ws.add_to_roster(s2026.id, "田中花子")
    ws.add_to_roster(s2027.id, "田中花子")
    _at(monkeypatch, dt.datetime(2026, 11, 1, 10, 0))
    _answer_all(ws, ws.start_attempt(hanako.id, MODULE, session_id=s2026.id).id)
    [now] = ws.session_results(s2027.id)
    assert now.status == NOT_STARTED and now.attempts == 0 and now.best_percent is None
    [then] = ws.session_results(s2026.id)
    assert then.status == PASSED and then.attempts == 1
    assert ws.session_passed_counts() == {s2026.id: 1, s2027.id: 0}


def test_a_failed_trainee_is_not_passed_not_in_progress(ws, pinned):
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    t = ws.add_to_roster(s.id, "山田太郎")
    _answer_all(ws, ws.start_attempt(t.id, MODULE, session_id=s.id).id, wrong=frozenset({"q01", "q02", "q03", "q04"}))
    [r] = ws.session_results(s.id)
    assert r.status == FAILED
    ws.start_attempt(t.id, MODULE, session_id=s.id)  # trying again: in progress
    [r] = ws.session_results(s.id)
    assert r.status != FAILED and r.status != PASSED


def test_an_unfinished_attempt_of_another_session_does_not_resume_in_this_one(ws, monkeypatch, pinned):
    old = ws.create_training_session(MODULE, dt.date(2026, 11, 1), "佐藤", "ja")
    new = ws.create_training_session(MODULE, dt.date(2027, 11, 1), "佐藤", "ja")
    t = ws.add_to_roster(old.id, "山田太郎")
    ws.add_to_roster(new.id, "山田太郎")
    left = ws.start_attempt(t.id, MODULE, session_id=old.id)
    fresh = ws.start_attempt(t.id, MODULE, session_id=new.id)
    assert fresh.id != left.id and fresh.session_id == new.id


def test_records_and_exports_filter_by_session_and_period(ws, monkeypatch, pinned, tmp_path):
    s2026 = ws.create_training_session(MODULE, dt.date(2026, 11, 1), "佐藤", "ja")
    s2027 = ws.create_training_session(MODULE, dt.date(2027, 11, 1), "佐藤", "ja")
    a = ws.add_to_roster(s2026.id, "田中花子")
    b = ws.add_to_roster(s2027.id, "鈴木一郎")
    ws.add_to_roster(s2027.id, "田中花子")
    _at(monkeypatch, dt.datetime(2026, 11, 1, 10, 0))
    _answer_all(ws, ws.start_attempt(a.id, MODULE, session_id=s2026.id).id)
    _at(monkeypatch, dt.datetime(2027, 11, 1, 10, 0))
    _answer_all(ws, ws.start_attempt(b.id, MODULE, session_id=s2027.id).id)

    in_2027 = ws.training_records(MODULE, since=dt.date(2027, 1, 1), until=dt.date(2027, 12, 31))
    assert {c.trainee.name: c.status for c in in_2027} == {"田中花子": NOT_STARTED, "鈴木一郎": PASSED}

    path = ws.export_training_records("csv", tmp_path / "s2027.csv", lang="ja", session_id=s2027.id)
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))[1:]
    assert {r[0]: r[4] for r in rows} == {"鈴木一郎": "修了", "田中花子": "未受講"}


def test_cli_export_by_session_and_dates(data_dir, tmp_path):
    ws = Workspace(data_dir)
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    ws.add_to_roster(s.id, "山田太郎")
    ws.close()
    env = {"TENKEN_HOME": str(data_dir)}
    out = tmp_path / "r.json"
    r = run_cli("train", "export", "--format", "csv", "--out", str(out), "--session", str(s.id), env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("train", "export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--from", "yesterday", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr and not (tmp_path / "x.csv").exists()
    r = run_cli(
        "train", "export", "--format", "csv", "--out", str(tmp_path / "y.csv"),
        "--from", "2027-01-01", "--to", "2026-01-01", env=env,
    )  # fmt: skip
    assert r.returncode == 1 and not (tmp_path / "y.csv").exists()
    r = run_cli("train", "export", "--format", "csv", "--out", str(tmp_path / "z.csv"), "--session", "999", env=env)
    assert r.returncode == 1 and "999" in r.stderr


# --- 2. the tabletop exercises branch, and critical decisions fail ----------------------------------------------


def _best(inject):
    return max(inject.decisions, key=lambda d: (d.score, not d.critical))


def _play(exercise, pick) -> dict[str, str]:
    """Decisions along the exercise's own path: `pick(inject)` returns the decision taken at each inject."""
    chosen: dict[str, str] = {}
    while (inject := exercise.next_inject(chosen)) is not None:
        chosen[inject.id] = pick(inject).id
    return chosen


def _decision(exercise, inject_id: str, text_en: str):
    inject = next(i for i in exercise.injects if i.id == inject_id)
    return next(d for d in inject.decisions if text_en in d.text.en)


@pytest.fixture(scope="module")
def exercises():
    from tui.content.loader import build_corpus, load_modules

    modules = load_modules(build_corpus())
    return {m.exercise.id: m.exercise for m in modules.values() if m.exercise is not None}


def test_two_scenarios_hot_wallet_and_back_office_ransomware(exercises):
    assert {"hot-wallet-outflow", "back-office-ransomware"} <= set(exercises)
    for ex in exercises.values():
        assert {"csirt", "operations", "legal", "comms", "management"} <= set(ex.roles)
        assert all(i.clock and i.lead in ex.roles and i.facilitator.ja and i.facilitator.en for i in ex.injects)
        assert any(d.critical for i in ex.injects for d in i.decisions)
        assert any(i.when for i in ex.injects), "at least one inject depends on an earlier decision"
        best = _play(ex, _best)
        assert exercise_score(ex, best) == (ex.max_score, ex.max_score, True)


def test_hiding_the_incident_or_calling_it_maintenance_fails_whatever_the_score(exercises):
    ex = exercises["hot-wallet-outflow"]
    for inject_id, text in (("i5", "Keep it inside the firm"), ("i6", "system maintenance")):
        bad = _decision(ex, inject_id, text)
        chosen = _play(ex, lambda i, inject_id=inject_id, bad=bad: bad if i.id == inject_id else _best(i))
        score, best, passed = exercise_score(ex, chosen)
        assert score * 100 >= ex.pass_mark * best, "the score alone would pass"
        assert not passed
        assert [(i.id, d.id) for i, d in critical_decisions(ex, chosen)] == [(inject_id, bad.id)]


def test_waiting_till_morning_moves_the_next_inject_to_the_morning(exercises):
    ex = exercises["hot-wallet-outflow"]
    wait = _decision(ex, "i1", "watch until the start of business")
    after = ex.next_inject({"i1": wait.id})
    assert after.id == "i2m" and after.clock == "07:30"  # no CSIRT lead joining at 02:30
    chosen = _play(ex, lambda i: wait if i.id == "i1" else _best(i))
    assert "i2" not in chosen and "i2m" in chosen
    flags = ex.flags(chosen)
    clocks = [i.clock_for(flags) for i in ex.path(chosen)]
    assert clocks[:3] == ["02:10", "07:30", "07:50"] and all(c >= "07:30" for c in clocks[1:] if ":" in c[:3])
    stop = _play(ex, _best)
    assert "i2" in stop and "i2m" not in stop


def test_waiting_and_keeping_withdrawals_running_fails(exercises):
    ex = exercises["hot-wallet-outflow"]
    wait = _decision(ex, "i1", "watch until the start of business")
    keep = _decision(ex, "i3", "keep customer withdrawals running")
    chosen = _play(ex, lambda i: wait if i.id == "i1" else keep if i.id == "i3" else _best(i))
    assert not exercise_score(ex, chosen)[2]


def test_every_critical_decision_fails_even_with_the_best_everywhere_else(exercises):
    for ex in exercises.values():
        for inject in ex.injects:
            for bad in (d for d in inject.decisions if d.critical):
                # reach the inject: take a flag-setting decision where the inject needs it, the best otherwise
                def pick(i, inject=inject, bad=bad):
                    if i.id == inject.id:
                        return bad
                    needed = [d for d in i.decisions if set(d.sets) & set(inject.when) and not d.critical]
                    return needed[0] if needed else _best(i)

                chosen = _play(ex, pick)
                assert chosen.get(inject.id) == bad.id, (ex.id, inject.id)
                assert not exercise_score(ex, chosen)[2], (ex.id, inject.id, bad.id)


def test_pressing_the_first_decision_every_time_fails(exercises):
    for ex in exercises.values():
        chosen = _play(ex, lambda i: i.decisions[0])
        assert not exercise_score(ex, chosen)[2], ex.id


def test_a_decision_the_path_does_not_lead_to_is_refused(ws, pinned):
    from tui.workspace import UserError

    module = ws.training_module("csirt-onboarding")
    t = ws.add_trainee("山田太郎")
    a = ws.start_attempt(t.id, module.id, EXERCISE)
    morning = next(i for i in module.exercise.injects if i.id == "i2m")
    with pytest.raises(UserError):
        ws.choose_decision(a.id, morning.id, morning.decisions[0].id)
    assert ws.training.attempt(a.id).answers == {}


# --- 6. spaced review with FSRS ---------------------------------------------------------------------------------

DAY0 = dt.date(2026, 11, 2)


def test_a_question_remembered_30_days_late_grows_more_than_one_reviewed_on_time():
    from tui.domain.training import schedule

    card = schedule(schedule(None, False, DAY0), True, DAY0 + dt.timedelta(days=1))
    on_time = schedule(card, True, card.due_on)
    late = schedule(card, True, card.due_on + dt.timedelta(days=30))
    assert late.stability > on_time.stability  # the old scheduler gave both the same +interval


def test_two_misses_on_one_day_are_one_lapse():
    from tui.domain.training import schedule

    once = schedule(None, False, DAY0)
    twice = schedule(once, False, DAY0)
    assert once.lapses == twice.lapses == 1 and twice.due_on == DAY0 + dt.timedelta(days=1)
    next_day = schedule(twice, False, DAY0 + dt.timedelta(days=1))
    assert next_day.lapses == 2


def test_hard_good_easy_space_the_next_review_further_apart():
    from tui.domain.training import EASY, GOOD, HARD, schedule

    card = schedule(schedule(None, False, DAY0), True, DAY0 + dt.timedelta(days=1))
    due = {r: schedule(card, r, card.due_on).due_on for r in (HARD, GOOD, EASY)}
    assert due[HARD] <= due[GOOD] <= due[EASY] and due[HARD] < due[EASY]


def test_review_answers_take_a_rating_and_due_reviews_are_listed_per_trainee(ws, pinned):
    from tui.workspace import UserError

    module = ws.training_module(MODULE)
    q = module.quiz[0]
    wrong = [next(c.id for c in q.choices if not c.correct)]
    yamada, suzuki = ws.add_trainee("山田太郎"), ws.add_trainee("鈴木一郎")
    for t in (yamada, suzuki):
        a = ws.start_attempt(t.id, MODULE)
        ws.answer_question(a.id, q.id, wrong, today=PINNED_TODAY)
    tomorrow = PINNED_TODAY + dt.timedelta(days=1)
    assert [(t.name, n) for t, n in ws.due_review_summary(tomorrow)] == [("山田太郎", 1), ("鈴木一郎", 1)]
    assert ws.due_review_summary(PINNED_TODAY) == []
    with pytest.raises(UserError):
        ws.review_answer(yamada.id, MODULE, q.id, sorted(q.correct_ids), today=tomorrow, rating="again")
    _ok, easy = ws.review_answer(yamada.id, MODULE, q.id, sorted(q.correct_ids), today=tomorrow, rating="easy")
    _ok, good = ws.review_answer(suzuki.id, MODULE, q.id, sorted(q.correct_ids), today=tomorrow)
    assert easy.due_on > good.due_on > tomorrow


# --- 4. trainees with a stable id, e-mail and firm; edit, merge, delete, roster import -----------------------------


def test_same_name_in_another_department_is_another_person(ws, pinned):
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    soumu = ws.add_to_roster(s.id, "山田太郎", "総務部")
    eigyo = ws.add_to_roster(s.id, "山田太郎", "営業部")
    assert soumu.id != eigyo.id and soumu.uid != eigyo.uid
    assert ws.add_to_roster(s.id, "山田太郎", "営業部").id == eigyo.id
    assert [(t.name, t.department) for t in ws.training_session(s.id).roster] == [
        ("山田太郎", "総務部"),
        ("山田太郎", "営業部"),
    ]


def test_edit_merge_and_delete_a_trainee(ws, pinned):
    from tui.workspace import UserError

    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    a = ws.add_to_roster(s.id, "山田太郎", "総務部")
    b = ws.add_to_roster(s.id, "山田 太郎x", "総務部")  # the same person, mistyped
    _answer_all(ws, ws.start_attempt(b.id, MODULE, session_id=s.id).id)
    with pytest.raises(UserError):
        ws.edit_trainee(a.id, email="not-an-address")
    assert ws.trainee(a.id).email == ""
    edited = ws.edit_trainee(a.id, email="yamada@example.co.jp", department="総務部 法務課")
    assert edited.email == "yamada@example.co.jp" and edited.department == "総務部 法務課" and edited.uid == a.uid
    merged = ws.merge_trainees(a.id, b.id)
    assert merged.id == a.id and [t.id for t in ws.training_session(s.id).roster] == [a.id]
    assert ws.session_results(s.id)[0].status == PASSED  # b's pass now belongs to a
    with pytest.raises(UserError):
        ws.trainee(b.id)
    ws.delete_trainee(a.id)
    assert all(t.id != a.id for t in ws.trainees())
    [row] = ws.session_results(s.id)  # the count stays, anonymous
    assert row.trainee.deleted and "山田" not in row.trainee.name and row.trainee.email == ""
    assert row.status == PASSED and ws.session_passed_counts() == {s.id: 1}
    stored = models.Trainee.get_by_id(a.id)
    assert stored.name == "" and stored.email == "" and stored.uid != a.uid


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_roster_import_from_csv_or_xlsx(ws, pinned, tmp_path, suffix):
    rows = [
        ["氏名", "部署", "メール"],
        ["山田太郎", "総務部", "yamada@example.co.jp"],
        ["", "", ""],
        ["鈴木一郎", "営業部", ""],
    ]
    path = tmp_path / f"roster{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8-sig")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    ws.add_trainee("山田太郎", "総務部")
    assert ws.import_roster(path, session_id=s.id) == (1, 1)
    roster = ws.training_session(s.id).roster
    assert [(t.name, t.department, t.email) for t in roster] == [
        ("山田太郎", "総務部", "yamada@example.co.jp"),
        ("鈴木一郎", "営業部", ""),
    ]


def test_a_bad_roster_changes_nothing(ws, tmp_path):
    from tui.workspace import UserError

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\n山田太郎,yamada@example.co.jp\n鈴木一郎,=cmd|calc\n", encoding="utf-8")
    with pytest.raises(UserError, match="3"):
        ws.import_roster(bad)
    assert ws.trainees() == []
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("山田太郎,総務部\n", encoding="utf-8")
    with pytest.raises(UserError):
        ws.import_roster(nohead)
    with pytest.raises(UserError):
        ws.import_roster(tmp_path / "roster.txt")


def test_cli_roster_import_and_trainee_housekeeping(data_dir, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,department,email\n山田太郎,総務部,yamada@example.co.jp\n鈴木一郎,営業部,\n", encoding="utf-8"
    )
    env = {"TENKEN_HOME": str(data_dir)}
    r = run_cli("train", "roster", str(roster), env=env)
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_cli("train", "trainee", "list", "--json", env=env).stdout)
    assert [(t["name"], t["email"]) for t in listed] == [("山田太郎", "yamada@example.co.jp"), ("鈴木一郎", "")]
    suzuki = next(t for t in listed if t["name"] == "鈴木一郎")
    r = run_cli("train", "trainee", "edit", str(suzuki["id"]), "--email", "bad", env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    r = run_cli("train", "trainee", "delete", str(suzuki["id"]), env=env)
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_cli("train", "trainee", "list", "--json", env=env).stdout)
    assert [t["name"] for t in listed] == ["山田太郎"]


# --- 7. classroom workflow ----------------------------------------------------------------------------------------


def test_the_trainer_is_never_the_os_login(ws, pinned, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    assert ws.default_trainer() != "root"
    ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    assert ws.default_trainer() == "佐藤花子"  # the last session's trainer, next time


def test_a_session_can_be_edited_and_keeps_its_attempts(ws, pinned):
    from tui.workspace import UserError

    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤", "ja")
    t = ws.add_to_roster(s.id, "山田太郎")
    _answer_all(ws, ws.start_attempt(t.id, MODULE, session_id=s.id).id)
    edited = ws.edit_training_session(s.id, held_on=dt.date(2026, 11, 24), trainer="鈴木", mode=EXAM)
    assert (edited.held_on, edited.trainer, edited.mode) == (dt.date(2026, 11, 24), "鈴木", EXAM)
    assert ws.session_results(s.id)[0].status == PASSED
    with pytest.raises(UserError):
        ws.edit_training_session(s.id, trainer=" ")


def test_a_certificate_only_for_a_pass_in_that_session(ws, pinned, tmp_path):
    from docx import Document

    from tui.workspace import UserError

    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    good = ws.add_to_roster(s.id, "山田太郎", "総務部")
    bad = ws.add_to_roster(s.id, "鈴木一郎")
    _answer_all(ws, ws.start_attempt(good.id, MODULE, session_id=s.id).id)
    _answer_all(ws, ws.start_attempt(bad.id, MODULE, session_id=s.id).id, frozenset({"q01", "q02", "q03", "q04"}))
    path = ws.training_certificate(s.id, good.id, tmp_path / "cert.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "修了証" in text and "山田太郎" in text and "佐藤花子" in text and "2026年11月23日" in text
    with pytest.raises(UserError):
        ws.training_certificate(s.id, bad.id, tmp_path / "no.docx")
    assert not (tmp_path / "no.docx").exists()
