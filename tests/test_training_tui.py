"""Training in the TUI, driven by the keyboard alone: what trainers and trainees see, and what ends up stored."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from textual.widgets import DataTable, Input, Static

from tests.conftest import PINNED_TODAY
from tui.domain.training import EXERCISE, CardState
from tui.i18n import gettext_in
from tui.screens.training import (
    ExerciseScreen,
    LessonViewer,
    ModuleScreen,
    NewSessionDialog,
    QuizScreen,
    SessionScreen,
    TraineeScreen,
    TrainingScreen,
)
from tui.widgets.cites import CitesDialog
from tui.widgets.linebreak import wrap_offsets
from tui.workspace import Workspace

pytestmark = pytest.mark.usefixtures("pinned")
SIZE = (140, 40)
MODULE = "security-awareness"


async def _open_training(app, pilot) -> TrainingScreen:
    await pilot.pause()
    await pilot.press("r")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, TrainingScreen)
    return app.screen


async def _open_module(app, pilot, module_id: str = MODULE) -> TrainingScreen:
    """From home, the training screen, then Enter on `module_id`'s row; returns the training screen."""
    screen = await _open_training(app, pilot)
    module_row = [m.id for m in screen.modules].index(module_id)
    await pilot.press(*["down"] * module_row, "enter")
    await pilot.pause()
    return screen


async def _answer_dialog(app, pilot, text: str) -> None:
    """Fill the one-line dialog that just opened and press Enter (typing each character would only be slower)."""
    await pilot.pause()
    app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


def _keys(screen, question, wrong: bool = False) -> list[str]:
    """The number keys that pick the right answer (or one wrong choice) in the order the quiz screen shows them."""
    ids = [c.id for c in screen.choices(question)]
    if wrong:
        return [str(ids.index(next(c.id for c in question.choices if not c.correct)) + 1)]
    return [str(ids.index(c) + 1) for c in sorted(question.correct_ids)]


def _text(screen, widget_id: str) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(screen.query_one(f"#{widget_id}", Static).content)
    return console.export_text()


async def test_training_opens_from_home_and_lists_modules_sessions_trainees(ws, app_factory):
    s = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    ws.add_to_roster(s.id, "山田太郎", "総務部")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_training(app, pilot)
        modules = screen.query_one("#training-modules", DataTable)
        assert modules.row_count == len(ws.modules)
        titles = [str(modules.get_row_at(r)[0]) for r in range(modules.row_count)]
        assert "全役職員向けセキュリティ意識向上研修" in titles
        sessions = screen.query_one("#training-sessions", DataTable)
        assert sessions.row_count == 1 and "佐藤花子" in [str(c) for c in sessions.get_row_at(0)]
        trainees = screen.query_one("#training-trainees", DataTable)
        assert [str(c) for c in trainees.get_row_at(0)][:2] == ["山田太郎", "総務部"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TrainingScreen)


async def test_take_a_quiz_by_keyboard_to_the_end_and_the_score_is_stored(app_factory, data_dir):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _open_module(app, pilot)
        assert isinstance(app.screen, ModuleScreen)
        await pilot.press("s")
        await _answer_dialog(app, pilot, "山田太郎")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        module = app.ws.training_module(MODULE)
        missed = module.quiz[0]
        await pilot.press("enter")  # nothing chosen: refused, nothing saved
        assert quiz.stage == "question"
        for n, question in enumerate(module.quiz):
            await pilot.press(*_keys(app.screen, question, wrong=(question is missed)), "enter")
            assert quiz.stage == "feedback"
            if n == 0:
                feedback = _text(quiz, "run-options")
                for choice in question.choices:  # every choice's explanation is shown
                    assert choice.explanation.ja[:12] in feedback.replace("\n", "").replace(" ", "")
            await pilot.press("enter")
        assert quiz.stage == "result"
        assert f"{len(module.quiz) - 1}" in _text(quiz, "run-question")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ModuleScreen)
    ws = Workspace(data_dir)
    try:
        trainee = ws.training.find_trainee("山田太郎")
        (attempt,) = ws.training.attempts(trainee.id, MODULE)
        assert attempt.finished and attempt.score == len(module.quiz) - 1 and attempt.total == len(module.quiz)
        assert attempt.passed == (attempt.percent >= module.pass_mark)
        card = ws.training.card(trainee.id, MODULE, missed.id)
        assert card is not None and card.due_on == PINNED_TODAY + dt.timedelta(days=1)
    finally:
        ws.close()


async def test_leaving_mid_quiz_keeps_the_answers_and_resumes(ws, app_factory):
    trainee = ws.add_trainee("鈴木一郎")
    module = ws.training_module(MODULE)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(ModuleScreen(MODULE))
        await pilot.pause()
        await pilot.press("s")
        await _answer_dialog(app, pilot, "鈴木一郎")
        for question in module.quiz[:2]:
            await pilot.press(*_keys(app.screen, question), "enter", "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ModuleScreen)
        await pilot.press("s")
        await _answer_dialog(app, pilot, "鈴木一郎")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.index == 2 and quiz.resumed == 2
        assert "設問 3／" in _text(quiz, "run-question")
        await pilot.press("l")  # the interface switches to English; the quiz stays where it was, in Japanese
        await pilot.pause()
        assert app.screen is quiz and quiz.index == 2 and quiz.lang == "ja"
        assert "Question 3 of" in _text(quiz, "run-question")
        assert module.quiz[2].text.ja[:20] in _text(quiz, "run-question").replace("\n", "")
    (attempt,) = ws.training.attempts(trainee.id, MODULE)
    assert not attempt.finished and set(attempt.answers) == {module.quiz[0].id, module.quiz[1].id}


async def test_trainer_creates_a_session_adds_trainees_and_runs_a_quiz_in_english(ws, app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _open_training(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NewSessionDialog)
        dialog.query_one("#session-module", expect_type=None).value = MODULE
        trainer = dialog.query_one("#session-trainer", Input)
        trainer.value = "佐藤花子"
        trainer.focus()
        await pilot.press("enter")
        await pilot.pause()
        session_screen = app.screen
        assert isinstance(session_screen, SessionScreen)
        await pilot.press("a")
        await _answer_dialog(app, pilot, "Alex Kim")
        await pilot.press("a")
        await _answer_dialog(app, pilot, "山田太郎，総務部")
        roster = session_screen.query_one(DataTable)
        assert roster.row_count == 2
        await pilot.press("up")  # Alex
        await pilot.press("g")  # Alex takes the training in English; the interface stays Japanese
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.lang == "en"
        question = ws.training_module(MODULE).quiz[0]
        assert question.text.en[:30] in _text(quiz, "run-question").replace("\n", " ")
        assert gettext_in("ja", "Question {n} of {total}").format(
            n=1, total=len(ws.training_module(MODULE).quiz)
        ) in _text(quiz, "run-question")
        await pilot.press(*_keys(app.screen, question), "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        cells = [str(c) for c in roster.get_row_at(roster.cursor_row)]
        assert cells[0] == "Alex Kim" and "English" in cells and "受講中" in cells
    (session,) = ws.training_sessions()
    assert session.module_id == MODULE and session.trainer == "佐藤花子"
    assert [(t.name, t.department) for t in session.roster] == [("Alex Kim", ""), ("山田太郎", "総務部")]
    alex = session.roster[0]
    assert ws.trainee(alex.id).lang == "en"
    (attempt,) = ws.training.attempts(alex.id)
    assert attempt.session_id == session.id and attempt.lang == "en" and len(attempt.answers) == 1


async def test_run_the_tabletop_exercise_to_the_end(ws, app_factory):
    module = ws.training_module("csirt-onboarding")
    session = ws.create_training_session(module.id, PINNED_TODAY, "佐藤花子", "ja")
    trainee = ws.add_to_roster(session.id, "山田太郎")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _open_training(app, pilot)
        await pilot.press("tab", "enter")  # the sessions list, the first session
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("x")
        await pilot.pause()
        ex = app.screen
        assert isinstance(ex, ExerciseScreen) and ex.stage == "scenario"
        assert "CSIRT" in _text(ex, "run-feedback")  # the roles around the table
        await pilot.press("enter")
        expected, seen = 0, []
        for n in range(len(module.exercise.injects)):
            inject = ex.current
            if inject is None:
                break
            seen.append(inject.id)
            # the clock follows the path taken: waiting at 02:10 moves the later injects to the morning
            assert inject.clock_for(ex.exercise.flags(ex.chosen)) in _text(ex, "run-question")
            pick = n % len(inject.decisions)
            shown = ex.attempt.decisions(inject)  # shuffled for this attempt
            if shown[pick].critical:
                pick = (pick + 1) % len(shown)
            expected += shown[pick].score
            await pilot.press("f")  # the facilitator's notes
            assert inject.facilitator.ja[:8] in _text(ex, "run-question").replace("\n", "").replace(" ", "")
            await pilot.press("f")
            await pilot.press(str(pick + 1), "enter")
            assert ex.stage == "debrief"
            debrief = _text(ex, "run-feedback").replace("\n", "").replace(" ", "")
            assert shown[pick].debrief.ja[:10] in debrief
            assert "根拠" in _text(ex, "run-after") or "Provisions" in _text(ex, "run-after")
            await pilot.press("enter")
        assert ex.stage == "result"
        result = _text(ex, "run-question").replace("\n", "").replace(" ", "")
        for inject_id in seen:  # the debrief: every decision, its consequence, the provisions it touches
            inject = next(i for i in module.exercise.injects if i.id == inject_id)
            decided = next(d for d in inject.decisions if d.id == ex.chosen[inject_id])
            assert inject.title.ja in result and decided.debrief.ja[:12] in result
        assert "交換業規則" in result
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
    (attempt,) = ws.training.attempts(trainee.id, module.id)
    assert attempt.kind == EXERCISE and attempt.finished and attempt.session_id == session.id
    met = [i for i in module.exercise.injects if i.id in seen]
    assert attempt.score == expected and attempt.total == sum(i.best for i in met)
    assert attempt.passed == (expected * 100 >= module.exercise.pass_mark * attempt.total)


async def test_review_mode_asks_the_due_questions_and_reschedules_them(ws, app_factory):
    trainee = ws.add_trainee("山田太郎")
    module = ws.training_module(MODULE)
    question = module.quiz[4]
    ws.training.save_card(trainee.id, MODULE, question.id, CardState(PINNED_TODAY, 1.0, 6.0, 0, 1, PINNED_TODAY))
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(TraineeScreen(trainee.id))
        await pilot.pause()
        assert "1" in _text(app.screen, "trainee-head")
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, QuizScreen) and review.review and len(review.items) == 1
        await pilot.press(*_keys(app.screen, question), "enter")
        await pilot.pause()
        assert review.stage == "rate" and "4" in _text(review, "run-feedback")  # Again / Hard / Good / Easy
        assert ws.training.card(trainee.id, MODULE, question.id).reps == 0  # nothing saved before the rating
        await pilot.press("4")  # easy
        await pilot.pause()
        assert review.stage == "feedback"
        await pilot.press("enter")
        await pilot.pause()
        assert review.stage == "result"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TraineeScreen)
    card = ws.training.card(trainee.id, MODULE, question.id)
    assert card.due_on > PINNED_TODAY + dt.timedelta(days=1) and card.reps == 1


async def test_due_reviews_are_shown_when_tenken_starts(ws, app_factory, monkeypatch):
    trainee = ws.add_trainee("山田太郎")
    ws.training.save_card(trainee.id, MODULE, "q01", CardState(PINNED_TODAY, 1.0, 6.0, 0, 1, PINNED_TODAY))
    app = app_factory()
    said: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        said.append(str(message))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.settled()
        await pilot.pause()
    assert any("山田太郎 (1)" in m for m in said), said


async def test_lessons_page_with_arrows_and_cited_articles_open_in_the_browser(ws, app_factory):
    from tui.screens.browse import BrowseScreen

    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(ModuleScreen(MODULE))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, LessonViewer) and viewer.index == 0
        await pilot.press("right", "right")
        await pilot.pause()
        assert viewer.index == 2
        await pilot.press("left")
        await pilot.pause()
        assert viewer.index == 1
        await pilot.press("a")  # this lesson cites three provisions: choose one
        await pilot.pause()
        assert isinstance(app.screen, CitesDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


def test_japanese_lines_break_between_characters_not_only_at_spaces():
    text = "交換業規則 第9条第3項第3号は努力義務だが、第9条第1項・第2項の体制整備は義務。"
    from rich.cells import cell_len

    breaks = wrap_offsets(text, 30)
    lines = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    assert all(cell_len(line.rstrip()) <= 30 for line in lines)
    assert cell_len(lines[0].rstrip()) >= 26  # the first line is filled, not cut after 交換業規則
    assert not any(line.startswith(("、", "。")) for line in lines)
    english = "Exchange Rules Art. 9(3)(iii) is a best-efforts duty"
    pieces = [
        english[a:b]
        for a, b in zip([0, *wrap_offsets(english, 20)], [*wrap_offsets(english, 20), len(english)], strict=True)
    ]
    assert "".join(pieces) == english and all(p.strip() in english.split(" ") or " " in p.strip() for p in pieces)


async def test_an_exam_shows_no_verdict_or_explanation_until_the_end(ws, app_factory):
    module = ws.training_module(MODULE)
    session = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja", mode="exam")
    ws.add_to_roster(session.id, "山田太郎")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SessionScreen(session.id))
        await pilot.pause()
        assert "試験" in _text(app.screen, "session-head")
        await pilot.press("enter")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.exam
        first = module.quiz[0]
        await pilot.press(*_keys(quiz, first, wrong=True), "enter")
        await pilot.pause()
        assert quiz.stage == "question" and quiz.index == 1  # straight on: no verdict, no explanation
        shown = " ".join(_text(quiz, w) for w in ("run-question", "run-feedback", "run-options", "run-after"))
        assert "正解" not in shown and "不正解" not in shown
        assert not any(c.explanation.ja[:12] in shown.replace(" ", "") for c in first.choices)
        for question in module.quiz[1:]:
            await pilot.press(*_keys(quiz, question), "enter")
            await pilot.pause()
        assert quiz.stage == "result"
        result = _text(quiz, "run-question").replace("\n", "").replace(" ", "")
        for question in module.quiz:  # every question comes back with the right answer's explanation
            right = next(c for c in question.choices if c.correct)
            assert right.explanation.ja[:12].replace(" ", "") in result


async def test_pre_and_post_test_from_the_session_screen_then_the_report(ws, app_factory, tmp_path):
    """Enter runs the pre-test first, then the post-test; the roster shows both side by side with the gain, and p
    writes the completion report where 不合格 and 未受講 are what they are."""
    from docx import Document

    module = ws.training_module(MODULE)
    session = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    ws.add_to_roster(session.id, "山本次郎")
    ws.add_to_roster(session.id, "鈴木一郎")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SessionScreen(session.id))
        await pilot.pause()
        await pilot.press("e")  # pre-test and post-test on
        await pilot.pause()
        assert "事前・事後テストあり" in _text(app.screen, "session-head")
        for phase, wrong in (("pre", 9), ("post", 0)):
            await pilot.press("enter")
            await pilot.pause()
            quiz = app.screen
            assert isinstance(quiz, QuizScreen) and quiz.attempt.phase == phase
            for n, question in enumerate(module.quiz):
                await pilot.press(*_keys(quiz, question, wrong=n < wrong), "enter")
                await pilot.pause()
                if quiz.stage == "feedback":
                    await pilot.press("enter")
                    await pilot.pause()
            assert quiz.stage == "result"
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        table = app.screen.query_one(DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        n = len(module.quiz)
        pre = (n - 9) * 100 // n
        assert f"{pre}% → 100% (+{100 - pre})" in row
        await pilot.press("p")
        await _answer_dialog(app, pilot, str(tmp_path / "report.docx"))
        await pilot.press("h")  # the trainee's history names both tests
        await pilot.pause()
        assert isinstance(app.screen, TraineeScreen)
        history = app.screen.query_one("#trainee-history", DataTable)
        kinds = {str(history.get_row_at(n)[2]) for n in range(history.row_count)}
        assert {"事前テスト", "事後テスト"} <= kinds
    doc = Document(str(tmp_path / "report.docx"))
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert next(r for r in cells if "山本次郎" in r)[1:4:2] == ["山本次郎", "合格"]
    assert next(r for r in cells if "鈴木一郎" in r)[3] == "未受講"


async def test_who_plays_which_role_is_asked_and_shown_in_the_debrief(ws, app_factory):
    module = ws.training_module("csirt-onboarding")
    session = ws.create_training_session(module.id, PINNED_TODAY, "佐藤花子", "ja")
    lead = ws.add_to_roster(session.id, "山本次郎")
    ws.add_to_roster(session.id, "鈴木一郎")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SessionScreen(session.id))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        ex = app.screen
        assert isinstance(ex, ExerciseScreen) and ex.stage == "scenario"
        await pilot.press("o")
        roles = list(module.exercise.roles)
        numbers = ["1" if r == "csirt" else ("2" if r == "legal" else "0") for r in roles]
        await _answer_dialog(app, pilot, "9 " * len(roles))  # not on the roster: refused, the dialog stays
        assert not isinstance(app.screen, ExerciseScreen)
        await _answer_dialog(app, pilot, " ".join(numbers))
        assert isinstance(app.screen, ExerciseScreen)
        assert "CSIRT責任者: 山本次郎" in _text(ex, "run-feedback").replace(" ", "").replace(
            "CSIRT責任者:", "CSIRT責任者: "
        )
        await pilot.press("enter")
        while ex.current is not None and ex.stage != "result":
            inject = ex.current
            shown = ex.attempt.decisions(inject)
            pick = next(n for n, d in enumerate(shown) if d.score == inject.best)
            await pilot.press(str(pick + 1), "enter", "enter")
            await pilot.pause()
        assert ex.stage == "result"
        result = _text(ex, "run-question").replace("\n", "")
        assert "山本次郎" in result and "鈴木一郎" in result
    (attempt,) = ws.training.attempts(lead.id, module.id)
    assert attempt.roles["csirt"] == lead.uid


async def test_space_picks_the_highlighted_choice_in_a_quiz_and_an_exercise(ws, app_factory):
    """Down moves the highlight, space chooses what it is on (the footer's 「選択」), in both run screens."""
    module = ws.training_module(MODULE)
    quiz_session = ws.create_training_session(MODULE, PINNED_TODAY, "佐藤花子", "ja")
    ws.add_to_roster(quiz_session.id, "山田太郎")
    drill = ws.training_module("csirt-onboarding")
    exercise_session = ws.create_training_session(drill.id, PINNED_TODAY, "佐藤花子", "ja")
    ws.add_to_roster(exercise_session.id, "山田太郎")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _open_module(app, pilot)
        await pilot.press("s")
        await _answer_dialog(app, pilot, "鈴木一郎")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.picked == set()
        await pilot.press("down", "space")
        assert quiz.picked == {quiz.choices(module.quiz[0])[1].id}
        await pilot.press("escape")
        await pilot.pause()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _open_training(app, pilot)
        await pilot.press("tab", "enter")  # the sessions list, the newest session first: the exercise's
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.session.module_id == drill.id
        await pilot.press("x")
        await pilot.pause()
        ex = app.screen
        assert isinstance(ex, ExerciseScreen)
        await pilot.press("enter")  # past the scenario to the first inject
        inject = ex.current
        assert inject is not None and ex.choice is None
        await pilot.press("down", "space")
        assert ex.choice == ex.attempt.decisions(inject)[1].id


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_headings_never_say_the_same_thing_twice(ws, app_factory, lang):
    """「机上演習：机上演習：夜間のホットウォレット不正流出」 on the module screen (the exercise's title names
    itself), and the training screen's 「研修モジュール」 heading right above a 「研修モジュール」 column."""
    app = app_factory(lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_training(app, pilot)
        heading = next(
            str(w.render())
            for w in screen.query(".list-title")
            if w.region.y < screen.query_one("#training-modules").region.y
        )
        modules = screen.query_one("#training-modules", DataTable)
        assert heading.strip() != str(modules.ordered_columns[0].label).strip()
        app.push_screen(ModuleScreen("csirt-onboarding"))
        await pilot.pause()
        text = " ".join(str(w.content) for w in app.screen.query(Static))
        word = gettext_in(lang, "Tabletop exercise")
        exercise = ws.training_module("csirt-onboarding").exercise
        assert exercise.title.get(lang) in " ".join(text.split())
        assert f"{word}：{word}" not in text and f"{word}: {word}" not in text


async def test_training_asked_for_again_from_a_module_goes_back_to_it(ws, app_factory):
    """The palette offers Training on every screen: asked for from a module opened from the training screen, a second
    training screen was pushed over the first and Textual closed the app (two screens with one id; found by random
    keys at a fast typist's pace)."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        training = await _open_training(app, pilot)
        app.push_screen(ModuleScreen("csirt-onboarding"))
        await pilot.pause()
        app.open_training()
        await pilot.pause()
        assert app.is_running and app.screen is training
        assert sum(isinstance(s, TrainingScreen) for s in app.screen_stack) == 1


async def test_modules_loaded_while_the_training_screen_is_rebuilt_wait_for_it(ws, app_factory):
    """The modules are read in a worker; finishing during a language switch, it looked for a table that was not
    mounted yet, and the failed worker closed the app (found by random keys at a fast typist's pace)."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        training = await _open_training(app, pilot)
        modules = training.modules
        await training.query_one("#training-modules").remove()  # as in the middle of a recompose
        training._loaded_modules(modules)
        await pilot.pause()
        assert app.is_running and training.modules == modules
