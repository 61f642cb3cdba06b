"""Taking a quiz, a review round or a tabletop exercise, with the keyboard alone.

The content (questions, choices, explanations, injects) is shown in the *trainee's* language, which can differ
from the interface language and can be switched per trainee with `g`. Every answer is saved by the Workspace the
moment it is submitted, so leaving or a killed app loses nothing: the same attempt resumes at the next question.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text as RichText
from textual.binding import Binding

from tui.domain.training import (
    EASY,
    EXAM,
    GOOD,
    HARD,
    RATING_LABELS,
    Attempt,
    Choice,
    Module,
    Question,
    Trainee,
    in_order,
    shuffle_order,
)
from tui.i18n import N_, _
from tui.screens.training.common import LANGUAGE_NAMES
from tui.screens.training.runner import _number_bindings, _Runner
from tui.widgets.cites import cites_text, open_cited
from tui.widgets.wrapped import option_grid


class QuizScreen(_Runner):
    """A module's quiz (an attempt, saved answer by answer) or a review round over due review cards."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.quiz.back"),
        Binding("enter", "submit", N_("Submit / next"), id="training.quiz.submit", priority=True),
        Binding("space", "choose", N_("Choose"), id="training.quiz.toggle", priority=True),
        Binding("up", "move(-1)", N_("Previous choice"), id="training.quiz.up", show=False, priority=True),
        Binding("down", "move(1)", N_("Next choice"), id="training.quiz.down", show=False, priority=True),
        Binding("a", "article", N_("Cited article"), id="training.quiz.article"),
        Binding("g", "trainee_language", N_("Trainee language"), id="training.quiz.language"),
        *_number_bindings("training.quiz"),
    ]

    def __init__(
        self,
        trainee: Trainee,
        lang: str,
        attempt: Attempt | None = None,
        module: Module | None = None,
        review: list[tuple[Module, Question]] | None = None,
    ) -> None:
        """A quiz: `attempt` and its `module`; a review round: `review`, the (module, question) pairs due."""
        super().__init__(trainee, lang)
        self.attempt = attempt
        self.review = attempt is None
        if attempt is not None:
            assert module is not None and module.id == attempt.module_id
            self.items: list[tuple[Module, Question]] = [(module, q) for q in module.quiz]
        else:
            self.items = list(review or [])
        self.results: dict[int, bool] = {}  # item index → correct
        self.index = 0
        self.picked: set[str] = set()
        self.stage = "question"  # question | feedback | result
        self.resumed = 0
        self.exam = attempt is not None and attempt.mode == EXAM
        # A review round is not stored as an attempt: its choices are shuffled once for the round.
        self.review_order = shuffle_order((q.id, q.choices) for _m, q in self.items) if self.review else {}

    def choices(self, q: Question) -> tuple[Choice, ...]:
        """The question's choices in the order this attempt (or review round) shows them."""
        if self.attempt is not None:
            return self.attempt.choices(q)
        return in_order(q.choices, self.review_order.get(q.id))

    def on_mount(self) -> None:
        if self.attempt is not None and self.stage == "question" and not self.results:
            for n, (_m, q) in enumerate(self.items):
                if q.id in self.attempt.answers:
                    self.results[n] = q.is_correct(self._stored(q))
            self.resumed = len(self.results)
            if self.resumed:
                self.notify(_("Resuming: {n} answers were already saved.").format(n=self.resumed))
            self.index = self._next_open(0)
            if self.index >= len(self.items):
                self._finish()
        if not self.items and self.stage == "question":
            self.stage = "result"
        super().on_mount()

    # --- state ----------------------------------------------------------------------------

    def _stored(self, q: Question) -> set[str]:
        value = self.attempt.answers.get(q.id) if self.attempt else None
        return {str(v) for v in value} if isinstance(value, list) else set()

    def _next_open(self, start: int) -> int:
        n = start
        while n < len(self.items) and n in self.results:
            n += 1
        return n

    @property
    def question(self) -> Question | None:
        return self.items[self.index][1] if self.index < len(self.items) else None

    # --- actions --------------------------------------------------------------------------

    def action_pick(self, number: int) -> None:
        q = self.question
        if self.stage == "rate":
            rating = {2: HARD, 3: GOOD, 4: EASY}.get(number)
            if rating is not None:
                self._rate(rating)
            return
        if self.stage != "question" or q is None or number > len(q.choices):
            return
        self.cursor = number - 1
        self._toggle(self.choices(q)[number - 1].id, q)

    # Space: pick the highlighted choice (not named `toggle`: Textual's DOMNode.action_toggle toggles an attribute).
    def action_choose(self) -> None:
        q = self.question
        if self.stage == "question" and q is not None:
            self._toggle(self.choices(q)[self.cursor].id, q)

    def _toggle(self, choice_id: str, q: Question) -> None:
        if q.kind == "single":
            self.picked = {choice_id}
        else:
            self.picked ^= {choice_id}
        self.render_all()

    def action_move(self, step: int) -> None:
        q = self.question
        if self.stage == "question" and q is not None:
            self.cursor = (self.cursor + step) % len(q.choices)
            self.render_all()

    def action_submit(self) -> None:
        ws = self.tenken.ws
        if self.stage == "question":
            q = self.question
            if q is None:
                return
            if not self.picked:
                self.notify(
                    _("Choose an answer first: a number key, or space on the highlighted choice."), severity="warning"
                )
                return
            module = self.items[self.index][0]
            if self.attempt is None and q.is_correct(self.picked):
                self.stage = "rate"  # a right review answer: the trainee says how well they knew it (FSRS)
                self.render_all()
                return
            try:
                if self.attempt is not None:
                    self.attempt = ws.answer_question(self.attempt.id, q.id, sorted(self.picked))
                    correct = q.is_correct(self._stored(q))
                else:
                    correct, _card = ws.review_answer(self.trainee.id, module.id, q.id, sorted(self.picked))
            except Exception as exc:  # StoreError or UserError: say it, keep the choice on screen
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.results[self.index] = correct
            if self.exam:  # no verdict and no explanation until the end
                self._advance()
                self.render_all()
                return
            self.stage = "feedback"
        elif self.stage == "rate":
            self._rate(GOOD)
            return
        elif self.stage == "feedback":
            self._advance()
        else:
            self.dismiss(self.attempt.id if self.attempt is not None else None)
            return
        self.render_all()

    def _rate(self, rating: str) -> None:
        """Save a right review answer with the trainee's rating, then show the explanations."""
        q = self.question
        if q is None:
            return
        module = self.items[self.index][0]
        try:
            correct, _card = self.tenken.ws.review_answer(
                self.trainee.id, module.id, q.id, sorted(self.picked), rating=rating
            )
        except Exception as exc:  # StoreError or UserError
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.results[self.index] = correct
        self.stage = "feedback"
        self.render_all()

    def _advance(self) -> None:
        """On to the next unanswered question, or to the result after the last one."""
        self.index = self._next_open(self.index + 1)
        self.picked, self.cursor = set(), 0
        if self.index >= len(self.items):
            self._finish()
        else:
            self.stage = "question"
        self._top()

    def action_article(self) -> None:
        q = self.question
        if q is not None and self.stage != "result":
            open_cited(self, q.cites, self.lang)

    def action_back(self) -> None:
        if self.stage != "result" and self.attempt is not None and self.results:
            self.notify(_("Your answers are saved; the quiz resumes where you left it."))
        self.dismiss(self.attempt.id if self.attempt is not None and self.stage == "result" else None)

    # --- drawing --------------------------------------------------------------------------

    def render_all(self) -> None:
        lang = self.lang
        what = _("Review") if self.review else _("Quiz")
        module = self.items[min(self.index, len(self.items) - 1)][0] if self.items else None
        title = module.title.get(lang) if module else what
        head = _("{what}: {title} — {name} ({language})").format(
            what=what, title=title, name=self.trainee.name, language=LANGUAGE_NAMES.get(lang, lang)
        )
        self._set("run-head", head)
        if self.stage == "result":
            self._set("run-question", self._result())
            for widget_id in ("run-feedback", "run-options", "run-after"):
                self._set(widget_id, "")
            self._set("run-hint", _("Enter or Escape: back."))
            return
        q = self.question
        assert q is not None
        top = RichText()
        top.append(_("Question {n} of {total}").format(n=self.index + 1, total=len(self.items)), style="dim")
        kind = _("choose one") if q.kind == "single" else _("choose every correct answer")
        top.append(f" · {kind}\n", style="dim")
        top.append(q.text.get(lang), style="bold")
        self._set("run-question", top)
        self._set("run-options", self._choices(q))
        if self.stage == "rate":
            prompt = RichText(" " + _("Correct") + " ", style="bold black on green")
            prompt.append(
                "  "
                + _("How well did you know it? {hard} · {good} · {easy} (Enter: {default})").format(
                    hard="2 " + _(RATING_LABELS[HARD]),
                    good="3 " + _(RATING_LABELS[GOOD]),
                    easy="4 " + _(RATING_LABELS[EASY]),
                    default=_(RATING_LABELS[GOOD]),
                )
            )
            self._set("run-feedback", prompt)
            self._set("run-after", "")
            self._set("run-hint", _("2 hard · 3 good · 4 easy · Enter: good"))
        elif self.stage == "feedback":
            self._set("run-feedback", self._verdict(q))
            self._set("run-after", cites_text(self.tenken.ws.corpus, q.cites, lang))
            self._set("run-hint", _("Enter: next question · a: read the cited provision"))
        else:
            self._set("run-feedback", "")
            self._set("run-after", "")
            self._set("run-hint", _("Number keys or ↑ ↓ and space: choose · Enter: submit"))

    def _choices(self, q: Question) -> Table:
        rows = []
        feedback = self.stage == "feedback"
        shown = self._stored(q) if feedback and self.attempt is not None else self.picked
        for n, c in enumerate(self.choices(q)):
            chosen = c.id in shown
            box = ("(•)" if chosen else "( )") if q.kind == "single" else ("[x]" if chosen else "[ ]")
            if feedback:
                mark = "✓" if c.correct else ("✗" if chosen else " ")
                style = "green" if c.correct else ("bold red" if chosen else "")
                text = RichText(c.text.get(self.lang), style=style)
                text.append(
                    "\n" + c.explanation.get(self.lang), style="italic" if (chosen or c.correct) else "italic dim"
                )
                rows.append((RichText(f"{mark} {n + 1} {box}", style=style), text))
            else:
                here = n == self.cursor
                rows.append(
                    (
                        RichText(f"{'›' if here else ' '} {n + 1} {box}", style="bold" if here else ""),
                        RichText(c.text.get(self.lang), style="reverse" if here else ""),
                    )
                )
        return option_grid(rows)

    def _verdict(self, q: Question) -> RichText:
        out = RichText()
        if self.results.get(self.index):
            out.append(" " + _("Correct") + " ", style="bold black on green")
            return out
        right = ", ".join(str(n + 1) for n, c in enumerate(self.choices(q)) if c.correct)
        out.append(" " + _("Not quite") + " ", style="bold white on dark_red")
        out.append("  " + _("The correct answer: {numbers}").format(numbers=right))
        out.append("  " + _("This question comes back for review tomorrow."), style="dim")
        return out

    def _result(self) -> RichText:
        out = RichText()
        total = len(self.items)
        if self.review:
            if not total:
                out.append(_("No review is due. Missed questions come back here on the day they are due."))
                return out
            right = sum(1 for ok in self.results.values() if ok)
            out.append(_("Review finished: {n} of {total} correct.").format(n=right, total=total), style="bold")
            out.append("\n" + _("Questions answered correctly come back later, missed ones tomorrow."), style="dim")
            return out
        a = self.attempt
        assert a is not None
        module = self.items[0][0]
        out.append(
            _("Score: {score} of {total} ({percent}%)").format(score=a.score, total=a.total, percent=a.percent),
            style="bold",
        )
        out.append("\n")
        if a.passed:
            out.append(" " + _("Passed") + " ", style="bold black on green")
        else:
            out.append(" " + _("Not passed yet") + " ", style="bold white on dark_red")
        out.append("  " + _("pass mark {mark}%").format(mark=module.pass_mark) + "\n")
        missed = [q for n, (_m, q) in enumerate(self.items) if not self.results.get(n, False)]
        if missed:
            out.append("\n" + _("Missed questions, which come back for review:") + "\n", style="bold")
            for q in missed:
                out.append(f"  • {q.text.get(self.lang)}\n")
        if self.exam:
            out.append("\n" + _("Answers and explanations:") + "\n", style="bold")
            for n, (_m, q) in enumerate(self.items, 1):
                self._explained(out, n, q)
        return out

    def _explained(self, out: RichText, n: int, q: Question) -> None:
        """One question of an exam, after the end: the question, every choice marked, the explanations that matter."""
        chosen = self._stored(q)
        out.append(f"\n{n}. {q.text.get(self.lang)}\n", style="bold")
        for k, c in enumerate(self.choices(q), 1):
            picked = c.id in chosen
            mark = "✓" if c.correct else ("✗" if picked else " ")
            style = "green" if c.correct else ("bold red" if picked else "dim")
            out.append(f"  {mark} {k} {'▶' if picked else ' '} {c.text.get(self.lang)}\n", style=style)
            if c.correct or picked:
                out.append(f"      {c.explanation.get(self.lang)}\n", style="italic")
