"""A tabletop exercise: the scenario, then each inject in turn, a decision, its score and the debrief."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text as RichText
from textual.binding import Binding

from tui.domain.training import (
    Attempt,
    Decision,
    Inject,
    Module,
    Trainee,
    exercise_score,
    percent,
)
from tui.i18n import N_, _
from tui.screens.training.common import LANGUAGE_NAMES
from tui.screens.training.runner import _number_bindings, _Runner
from tui.widgets.cites import cites_text, open_cited
from tui.widgets.wrapped import option_grid


class ExerciseScreen(_Runner):
    """A tabletop exercise: the scenario, then each inject in turn, a decision, its score and the debrief."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.exercise.back"),
        Binding("enter", "submit", N_("Decide / next"), id="training.exercise.submit", priority=True),
        Binding("space", "toggle", N_("Choose"), id="training.exercise.toggle", priority=True, show=False),
        Binding("up", "move(-1)", N_("Previous decision"), id="training.exercise.up", show=False, priority=True),
        Binding("down", "move(1)", N_("Next decision"), id="training.exercise.down", show=False, priority=True),
        Binding("a", "article", N_("Cited article"), id="training.exercise.article"),
        Binding("g", "trainee_language", N_("Trainee language"), id="training.exercise.language"),
        *_number_bindings("training.exercise"),
    ]

    def __init__(self, trainee: Trainee, lang: str, attempt: Attempt, module: Module) -> None:
        super().__init__(trainee, lang)
        assert module.exercise is not None
        self.attempt = attempt
        self.module = module
        self.exercise = module.exercise
        self.index = 0
        self.choice: str | None = None
        self.stage = "scenario"  # scenario | inject | debrief | result

    def on_mount(self) -> None:
        done = [i for i in self.exercise.injects if i.id in self.attempt.answers]
        if done and self.stage == "scenario":
            self.notify(_("Resuming: {n} decisions were already saved.").format(n=len(done)))
            self.index = self._next_open(0)
            self.stage = "inject"
            if self.index >= len(self.exercise.injects):
                self._finish()
        super().on_mount()

    def _next_open(self, start: int) -> int:
        n = start
        while n < len(self.exercise.injects) and self.exercise.injects[n].id in self.attempt.answers:
            n += 1
        return n

    @property
    def inject(self) -> Inject | None:
        return self.exercise.injects[self.index] if self.index < len(self.exercise.injects) else None

    def _decided(self, inject: Inject) -> Decision | None:
        chosen = self.attempt.answers.get(inject.id)
        return next((d for d in inject.decisions if d.id == chosen), None)

    def action_pick(self, number: int) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None and number <= len(i.decisions):
            self.cursor = number - 1
            self.choice = self.attempt.decisions(i)[number - 1].id
            self.render_all()

    def action_toggle(self) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None:
            self.choice = self.attempt.decisions(i)[self.cursor].id
            self.render_all()

    def action_move(self, step: int) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None:
            self.cursor = (self.cursor + step) % len(i.decisions)
            self.render_all()

    def action_submit(self) -> None:
        if self.stage == "scenario":
            self.stage = "inject"
        elif self.stage == "inject":
            i = self.inject
            if i is None:
                return
            if self.choice is None:
                self.notify(
                    _("Choose a decision first: a number key, or space on the highlighted one."), severity="warning"
                )
                return
            try:
                self.attempt = self.tenken.ws.choose_decision(self.attempt.id, i.id, self.choice)
            except Exception as exc:  # StoreError or UserError
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.stage = "debrief"
        elif self.stage == "debrief":
            self.index = self._next_open(self.index + 1)
            self.choice, self.cursor = None, 0
            if self.index >= len(self.exercise.injects):
                self._finish()
            else:
                self.stage = "inject"
        else:
            self.dismiss(self.attempt.id)
            return
        self._top()
        self.render_all()

    def action_article(self) -> None:
        i = self.inject
        if i is not None and self.stage in ("inject", "debrief"):
            open_cited(self, i.cites, self.lang)

    def action_back(self) -> None:
        if self.stage not in ("scenario", "result") and self.attempt.answers:
            self.notify(_("Your decisions are saved; the exercise resumes where you left it."))
        self.dismiss(self.attempt.id if self.stage == "result" else None)

    def _running_score(self) -> tuple[int, int]:
        chosen = {k: str(v) for k, v in self.attempt.answers.items()}
        score, _max, _ok = exercise_score(self.exercise, chosen)
        so_far = sum(i.best for i in self.exercise.injects if i.id in chosen)
        return score, so_far

    def render_all(self) -> None:
        lang = self.lang
        head = _("{what}: {title} — {name} ({language})").format(
            what=_("Exercise"),
            title=self.exercise.title.get(lang),
            name=self.trainee.name,
            language=LANGUAGE_NAMES.get(lang, lang),
        )
        self._set("run-head", head)
        if self.stage == "scenario":
            self._set("run-question", RichText(self.exercise.scenario.get(lang)))
            self._set(
                "run-feedback",
                RichText(
                    _("{n} injects; pass at {score} of {max} points.").format(
                        n=len(self.exercise.injects), score=self.exercise.pass_score, max=self.exercise.max_score
                    ),
                    style="dim",
                ),
            )
            self._set("run-options", "")
            self._set("run-after", "")
            self._set("run-hint", _("Enter: begin"))
        elif self.stage == "result":
            self._set("run-question", self._result())
            for widget_id in ("run-feedback", "run-options", "run-after"):
                self._set(widget_id, "")
            self._set("run-hint", _("Enter or Escape: back."))
        else:
            i = self.inject
            assert i is not None
            score, so_far = self._running_score()
            top = RichText()
            top.append(
                _("Inject {n} of {total}").format(n=self.index + 1, total=len(self.exercise.injects)), style="dim"
            )
            top.append(" · " + _("score so far: {score} of {max}").format(score=score, max=so_far) + "\n", style="dim")
            top.append(i.title.get(lang) + "\n", style="bold")
            top.append(i.situation.get(lang))
            self._set("run-question", top)
            self._set("run-options", self._decisions(i))
            if self.stage == "debrief":
                self._set("run-feedback", self._debrief(i))
                self._set("run-after", cites_text(self.tenken.ws.corpus, i.cites, lang))
                self._set("run-hint", _("Enter: next inject · a: read the cited provision"))
            else:
                self._set("run-feedback", "")
                self._set("run-after", "")
                self._set("run-hint", _("Number keys or ↑ ↓ and space: choose · Enter: decide"))

    def _result(self) -> RichText:
        a = self.attempt
        lang = self.lang
        out = RichText(
            _("Final score: {score} of {max} points ({percent}%)").format(
                score=a.score, max=a.total, percent=percent(a.score, a.total)
            ),
            style="bold",
        )
        out.append("\n")
        if a.passed:
            out.append(" " + _("Passed") + " ", style="bold black on green")
        else:
            out.append(" " + _("Not passed yet") + " ", style="bold white on dark_red")
        out.append("  " + _("pass score {score}").format(score=self.exercise.pass_score) + "\n\n")
        for i in self.exercise.injects:
            d = self._decided(i)
            out.append(f"  {i.title.get(lang)}: ", style="bold")
            out.append(f"{d.score if d else 0} / {i.best}\n")
        return out

    def _decisions(self, i: Inject) -> Table:
        rows = []
        decided = self._decided(i) if self.stage == "debrief" else None
        for n, d in enumerate(self.attempt.decisions(i)):
            if self.stage == "debrief":
                chosen = decided is not None and d.id == decided.id
                style = "bold" if chosen else ("green" if d.score == i.best else "dim")
                rows.append(
                    (
                        RichText(f"{'▶' if chosen else ' '} {n + 1} [{d.score:>2}/{i.best}]", style=style),
                        RichText(d.text.get(self.lang), style=style),
                    )
                )
            else:
                here = n == self.cursor
                box = "(•)" if d.id == self.choice else "( )"
                rows.append(
                    (
                        RichText(f"{'›' if here else ' '} {n + 1} {box}", style="bold" if here else ""),
                        RichText(d.text.get(self.lang), style="reverse" if here else ""),
                    )
                )
        return option_grid(rows)

    def _debrief(self, i: Inject) -> RichText:
        d = self._decided(i)
        out = RichText()
        if d is None:
            return out
        style = (
            "bold black on green"
            if d.score == i.best
            else ("bold black on yellow" if d.score > 0 else "bold white on dark_red")
        )
        out.append(" " + _("{score} of {max} points").format(score=d.score, max=i.best) + " ", style=style)
        out.append("\n" + d.debrief.get(self.lang), style="italic")
        return out
