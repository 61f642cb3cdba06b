"""A tabletop exercise: the scenario, then each inject the team's decisions lead to, a decision and its debrief.

A team takes it around one laptop: each inject names the role that speaks for the team (CSIRT lead, operations,
legal and compliance, communications, management), shows the scenario's clock, and `f` shows the facilitator's
notes. Which inject comes next depends on earlier decisions; a critical decision (hiding the incident, lying to
customers) fails the exercise whatever the score. The end is a debrief of every decision: its consequence and the
provisions it touches.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text as RichText
from textual.binding import Binding

from tui.domain.training import (
    ROLES,
    Attempt,
    Decision,
    Inject,
    Module,
    Trainee,
    critical_decisions,
    exercise_score,
    inject_decision,
    parse_role_numbers,
    percent,
    role_players,
)
from tui.i18n import N_, _, get_language
from tui.screens.training.common import LANGUAGE_NAMES
from tui.screens.training.runner import _number_bindings, _Runner
from tui.widgets.cites import cite_label, cites_text, open_cited
from tui.widgets.wrapped import option_grid


class ExerciseScreen(_Runner):
    """A tabletop exercise: the scenario, then each inject in turn, a decision, its debrief, and the final debrief."""

    attempt: Attempt  # an exercise always has its attempt

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.exercise.back"),
        Binding("enter", "submit", N_("Decide / next"), id="training.exercise.submit", priority=True),
        Binding("space", "choose", N_("Choose"), id="training.exercise.toggle", priority=True, show=False),
        Binding("up", "move(-1)", N_("Previous decision"), id="training.exercise.up", show=False, priority=True),
        Binding("down", "move(1)", N_("Next decision"), id="training.exercise.down", show=False, priority=True),
        Binding("a", "article", N_("Cited article"), id="training.exercise.article"),
        Binding("f", "facilitator", N_("Facilitator notes"), id="training.exercise.facilitator"),
        Binding("g", "trainee_language", N_("Trainee language"), id="training.exercise.language"),
        Binding("o", "roles", N_("Who plays which role"), id="training.exercise.roles"),
        *_number_bindings("training.exercise"),
    ]

    def __init__(self, trainee: Trainee, lang: str, attempt: Attempt, module: Module) -> None:
        super().__init__(trainee, lang)
        assert module.exercise is not None
        self.attempt = attempt
        self.module = module
        self.exercise = module.exercise
        self.current: Inject | None = None
        self.choice: str | None = None
        self.notes = False  # the facilitator's notes shown
        self.stage = "scenario"  # scenario | inject | debrief | result

    def on_mount(self) -> None:
        if self.attempt.answers and self.stage == "scenario":
            self.notify(_("Resuming: {n} decisions were already saved.").format(n=len(self.attempt.answers)))
            self.current = self.exercise.next_inject(self.chosen)
            self.stage = "inject"
            if self.current is None:
                self._finish()
        super().on_mount()

    @property
    def chosen(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.attempt.answers.items() if isinstance(v, str)}

    @property
    def inject(self) -> Inject | None:
        return self.current

    def _decided(self, inject: Inject) -> Decision | None:
        return inject_decision(inject, self.chosen)

    def action_pick(self, number: int) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None and number <= len(i.decisions):
            self.cursor = number - 1
            self.choice = self.attempt.decisions(i)[number - 1].id
            self.render_all()

    # Space: pick the highlighted choice (not named `toggle`: Textual's DOMNode.action_toggle toggles an attribute).
    def action_choose(self) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None:
            self.choice = self.attempt.decisions(i)[self.cursor].id
            self.render_all()

    def action_move(self, step: int) -> None:
        i = self.inject
        if self.stage == "inject" and i is not None:
            self.cursor = (self.cursor + step) % len(i.decisions)
            self.render_all()

    def _players(self) -> dict[str, str]:
        """Role key → the name of who plays it, as recorded in this attempt."""
        try:
            return dict(role_players(self.attempt, self.tenken.ws.trainees_by_uid()))
        except Exception:  # StoreError: the roles are a courtesy on screen, never a reason to stop the exercise
            return {}

    def action_roles(self) -> None:
        """Record which trainee on the session's roster plays each role (a team around one laptop)."""
        from tui.screens.dialogs import InputDialog

        ws = self.tenken.ws
        if self.attempt.session_id is None:
            self.notify(_("Roles are recorded for an exercise run in a training session."), severity="warning")
            return
        try:
            roster = [t for t in ws.training_session(self.attempt.session_id).roster if not t.deleted]
        except Exception as exc:  # StoreError or UserError
            self.notify(str(exc), severity="error")
            return
        roles = list(self.exercise.roles or ROLES)
        names = " · ".join(f"{n} {t.name}" for n, t in enumerate(roster, 1))
        current = {t.uid: n for n, t in enumerate(roster, 1)}
        value = " ".join(str(current.get(self.attempt.roles.get(r, ""), 0)) for r in roles)

        def done(text: str | None) -> None:
            if text is None:
                return
            parsed = parse_role_numbers(text, roles, len(roster))
            if isinstance(parsed, str):
                return
            try:
                self.attempt = ws.set_exercise_roles(self.attempt.id, {r: roster[n].id for r, n in parsed.items()})
            except Exception as exc:  # StoreError or UserError
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.notify(_("Roles saved."))
            self.render_all()

        self.app.push_screen(
            InputDialog(
                _("Who plays which role"),
                _("Roster: {names}.").format(names=names)
                + "\n"
                + _("For {roles}: the number of who plays each, separated by spaces (0: nobody).").format(
                    roles=", ".join(_(ROLES[r]) for r in roles)
                ),
                value=value,
                check=lambda v: (lambda r: r if isinstance(r, str) else None)(
                    parse_role_numbers(v, roles, len(roster))
                ),
            ),
            done,
        )

    def action_facilitator(self) -> None:
        self.notes = not self.notes
        self.render_all()

    def action_submit(self) -> None:
        if self.stage == "scenario":
            self.current = self.exercise.next_inject(self.chosen)
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
            self.current = self.exercise.next_inject(self.chosen)
            self.choice, self.cursor = None, 0
            if self.current is None:
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
            about = RichText(
                _("Roles around the table: {roles}.").format(
                    roles=("、" if get_language() == "ja" else ", ").join(_(ROLES[r]) for r in self.exercise.roles)
                )
                + "\n",
                style="dim",
            )
            about.append(
                _("Pass at {mark}% of the best score, with no critical decision.").format(mark=self.exercise.pass_mark),
                style="dim",
            )
            players = self._players()
            if players:
                about.append("\n" + self._players_line(players), style="bold cyan")
            self._set("run-feedback", about)
            self._set("run-options", "")
            self._set("run-after", "")
            self._set("run-hint", _("Enter: begin · o: who plays which role · f: facilitator notes"))
        elif self.stage == "result":
            self._set("run-question", self._result())
            for widget_id in ("run-feedback", "run-options", "run-after"):
                self._set(widget_id, "")
            self._set("run-hint", _("Enter or Escape: back."))
        else:
            i = self.inject
            assert i is not None
            chosen = self.chosen
            score = exercise_score(self.exercise, chosen)[0]
            best = sum(j.best for j in self.exercise.path(chosen) if j.id in chosen)  # the injects decided so far
            top = RichText()
            top.append(f"⏱ {i.clock_for(self.exercise.flags(chosen))}  ", style="bold")
            lead = _(ROLES.get(i.lead, i.lead))
            player = self._players().get(i.lead)
            top.append(_("{role} speaks for the team").format(role=lead), style="bold cyan")
            if player:
                top.append(f" ({player})", style="bold cyan")
            top.append("  · " + _("score so far: {score} of {max}").format(score=score, max=best) + "\n", style="dim")
            top.append(i.title.get(lang) + "\n", style="bold")
            top.append(i.situation.get(lang))
            if self.notes and i.facilitator is not None:
                top.append("\n\n" + _("Facilitator notes:") + " ", style="bold magenta")
                top.append(i.facilitator.get(lang), style="magenta")
            self._set("run-question", top)
            self._set("run-options", self._decisions(i))
            if self.stage == "debrief":
                self._set("run-feedback", self._debrief(i))
                self._set("run-after", cites_text(self.tenken.ws.corpus, i.cites, lang))
                self._set("run-hint", _("Enter: next inject · a: read the cited provision · f: facilitator notes"))
            else:
                self._set("run-feedback", "")
                self._set("run-after", "")
                self._set("run-hint", _("Number keys or ↑ ↓ and space: choose · Enter: decide · f: facilitator notes"))

    def _result(self) -> RichText:
        a = self.attempt
        lang = self.lang
        corpus = self.tenken.ws.corpus
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
            out.append(" " + _("Not passed") + " ", style="bold white on dark_red")
        out.append("  " + _("pass mark {mark}%").format(mark=self.exercise.pass_mark) + "\n")
        critical = critical_decisions(self.exercise, self.chosen)
        if critical:
            out.append(
                "\n" + _("Failed on a critical decision, whatever the score:") + "\n", style="bold white on dark_red"
            )
            for inject, wrong in critical:
                out.append(f"  ✗ {inject.title.get(lang)}: {wrong.text.get(lang)}\n", style="bold red")
        players = self._players()
        if players:
            out.append("\n" + self._players_line(players) + "\n", style="cyan")
        out.append(
            "\n" + _("Debrief: each decision, its consequence and the provisions it touches") + "\n", style="bold"
        )
        flags = self.exercise.flags(self.chosen)
        for i in self.exercise.path(self.chosen):
            d = self._decided(i)
            out.append(f"\n⏱ {i.clock_for(flags)} {i.title.get(lang)} ", style="bold")
            who = f": {players[i.lead]}" if i.lead in players else ""
            out.append(f"({_(ROLES.get(i.lead, i.lead))}{who}) ", style="cyan")
            out.append(f"{d.score if d else 0} / {i.best}\n", style="bold red" if d is not None and d.critical else "")
            if d is None:
                out.append("  " + _("No decision.") + "\n", style="dim")
                continue
            out.append(f"  ▶ {d.text.get(lang)}\n")
            out.append(f"  {d.debrief.get(lang)}\n", style="italic")
            out.append("  " + " / ".join(cite_label(corpus, r, lang) for r in i.cites) + "\n", style="dim")
        return out

    @staticmethod
    def _players_line(players: dict[str, str]) -> str:
        sep = "、" if get_language() == "ja" else ", "
        return _("Roles: {roles}").format(roles=sep.join(f"{_(ROLES[r])}: {name}" for r, name in players.items()))

    def _decisions(self, i: Inject) -> Table:
        rows = []
        decided = self._decided(i) if self.stage == "debrief" else None
        for n, d in enumerate(self.attempt.decisions(i)):
            if self.stage == "debrief":
                chosen = decided is not None and d.id == decided.id
                style = "bold" if chosen else ("green" if d.score == i.best else "dim")
                flag = " ✗" if d.critical else ""
                rows.append(
                    (
                        RichText(f"{'▶' if chosen else ' '} {n + 1} [{d.score:>2}/{i.best}]{flag}", style=style),
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
        if d.critical:
            out.append(" " + _("Critical: this decision fails the exercise") + " ", style="bold white on dark_red")
            out.append("\n")
        style = (
            "bold black on green"
            if d.score == i.best
            else ("bold black on yellow" if d.score > 0 else "bold white on dark_red")
        )
        out.append(" " + _("{score} of {max} points").format(score=d.score, max=i.best) + " ", style=style)
        out.append("\n" + d.debrief.get(self.lang), style="italic")
        return out
