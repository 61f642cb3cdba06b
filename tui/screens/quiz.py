"""Taking a quiz, a review round or a tabletop exercise, with the keyboard alone.

The content (questions, choices, explanations, injects) is shown in the *trainee's* language, which can differ
from the interface language and can be switched per trainee with `g`. Every answer is saved by the Workspace the
moment it is submitted, so leaving or a killed app loses nothing: the same attempt resumes at the next question.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header

from tui.domain.corpus import Corpus, article_label
from tui.domain.training import Attempt, Decision, Inject, Module, Question, Trainee, exercise_score, percent
from tui.i18n import N_, _, other_language
from tui.screens.base import TenkenModal, TenkenScreen
from tui.screens.plain import Label, Option, OptionList, Static
from tui.workspace import StoreError

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}  # endonyms: the same in every interface language
MAX_CHOICES = 8


# --- Japanese-aware wrapping -------------------------------------------------------------------
# Rich and Textual wrap at spaces only, so 「交換業規則 第9条第3項第3号は…」 breaks after 交換業規則 and leaves the
# line half empty. Here a line may break between any two wide characters, Latin words stay whole, and closing
# punctuation (、。」) never starts a line.

NO_LINE_START = set("、。，．,.)）」』】〕〉》｝!！?？:：;；ー・…ゝゞヽヾぁぃぅぇぉっゃゅょァィゥェォッャュョ")


def _tokens(line: str) -> list[tuple[int, int]]:
    """(start, end) of each unbreakable piece: a run of spaces, a run of narrow characters, or one wide character."""
    out, i, n = [], 0, len(line)
    while i < n:
        j = i + 1
        if line[i] == " ":
            while j < n and line[j] == " ":
                j += 1
        elif cell_len(line[i]) == 1:
            while j < n and line[j] != " " and cell_len(line[j]) == 1:
                j += 1
        out.append((i, j))
        i = j
    return out


def wrap_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newlines) so that no piece is wider than `width` cells."""
    width = max(width, 2)
    breaks: list[int] = []
    col, line_start = 0, 0
    tokens = _tokens(line)
    for k, (a, b) in enumerate(tokens):
        piece = line[a:b]
        w = cell_len(piece)
        if piece[0] == " ":
            if col + w > width:  # spaces at the end of a line disappear; the next line starts after them
                breaks.append(b)
                col, line_start = 0, b
            else:
                col += w
            continue
        if col + w <= width:
            col += w
            continue
        start = a
        if piece[0] in NO_LINE_START and k > 0 and tokens[k - 1][0] > line_start and line[tokens[k - 1][0]] != " ":
            start = tokens[k - 1][0]  # take the character before along, so the line does not start with 」 or 。
        if start > line_start:
            breaks.append(start)
            col, line_start = cell_len(line[start:b]), start
        if col > width or (start == line_start and cell_len(line[line_start:b]) > width):
            # A piece wider than the line (a long URL): fold it character by character.
            col = 0
            for pos in range(line_start, b):
                cw = cell_len(line[pos])
                if col + cw > width and pos > line_start:
                    breaks.append(pos)
                    line_start, col = pos, 0
                col += cw
    return breaks


class Wrapped:
    """A Rich renderable: `text` wrapped with `wrap_offsets`, styles kept."""

    def __init__(self, text: RichText | str, style: str = "") -> None:
        self.text = RichText(text, style=style) if isinstance(text, str) else text

    def lines(self, width: int) -> list[RichText]:
        out: list[RichText] = []
        for para in self.text.split("\n", allow_blank=True):
            for piece in para.divide(wrap_offsets(para.plain, width)):
                piece.rstrip()
                out.append(piece)
        return out

    def __rich_console__(self, console, options):
        for line in self.lines(options.max_width):
            line.end = "\n"
            line.no_wrap = True
            line.overflow = "crop"
            yield line

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        paras = self.text.plain.split("\n")
        widest = max((cell_len(p) for p in paras), default=0)
        return Measurement(min(widest, 2), min(widest, options.max_width))


def cite_label(corpus: Corpus, ref: str, lang: str) -> str:
    """「交換業規則 第9条第3項第3号」 / "Exchange Rules Art. 9(3)(iii)"; the bare ref when unknown."""
    prov = corpus.get(ref)
    if prov is None:
        return ref
    sep = "" if lang == "ja" else " "
    return f"{corpus.rulebooks[prov.rulebook].name.get(lang)}{sep}{article_label(prov, lang)}"


def cites_text(corpus: Corpus, refs: tuple[str, ...], lang: str) -> RichText:
    out = RichText(_("Provisions cited:") + " ", style="dim")
    out.append(" / ".join(cite_label(corpus, r, lang) for r in refs), style="italic")
    return out


class CitesDialog(TenkenModal[str | None]):
    """Choose one of several cited provisions to open in the rule browser."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="training.cites.cancel")]

    def __init__(self, refs: tuple[str, ...], lang: str) -> None:
        super().__init__()
        self.refs = refs
        self.lang = lang

    def compose(self) -> ComposeResult:
        corpus = self.tenken.ws.corpus
        with Vertical(classes="dialog"):
            yield Label(_("Open which provision?"), classes="dialog-title")
            yield OptionList(*[Option(cite_label(corpus, r, self.lang), id=r) for r in self.refs], id="cites")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_cited(screen: TenkenScreen, refs: tuple[str, ...], lang: str) -> None:
    """Open the cited provision in the rule browser; ask which one when there are several."""
    corpus = screen.tenken.ws.corpus
    refs = tuple(r for r in refs if r in corpus)
    if not refs:
        screen.notify(_("Nothing is cited here."), severity="warning")
        return
    if len(refs) == 1:
        screen.tenken.action_browse(refs[0])
        return

    def chosen(ref: str | None) -> None:
        if ref:
            screen.tenken.action_browse(ref)

    screen.app.push_screen(CitesDialog(refs, lang), chosen)


def option_grid(rows: Sequence[tuple[RichText, RichText | Wrapped]]) -> Table:
    """Numbered options with a hanging indent: wrapped lines stay under their text, not under the number."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for marker, text in rows:
        grid.add_row(marker, text if isinstance(text, Wrapped) else Wrapped(text))
    return grid


def _number_bindings(prefix: str) -> list[Binding]:
    return [
        Binding(str(n), f"pick({n})", N_("Choose by number"), id=f"{prefix}.pick{n}", show=False, priority=True)
        for n in range(1, MAX_CHOICES + 1)
    ]


class _Runner(TenkenScreen[int | None]):
    """What the quiz and the exercise share: a trainee, their language, a cursor over numbered options."""

    DEFAULT_CSS = """
    _Runner #run-body { height: 1fr; padding: 0 2; }
    _Runner #run-question { margin: 1 0 0 0; }
    _Runner #run-options { margin: 1 0 0 0; }
    _Runner #run-feedback { margin: 1 0 0 0; height: auto; }
    _Runner #run-after { margin: 1 0 0 0; }
    """
    attempt: Attempt | None  # set by each runner

    def __init__(self, trainee: Trainee, lang: str) -> None:
        super().__init__()
        self.trainee = trainee
        self.lang = lang
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("", id="run-head", classes="screen-title")
        with VerticalScroll(id="run-body"):
            yield Static("", id="run-question")
            yield Static("", id="run-feedback")
            yield Static("", id="run-options")
            yield Static("", id="run-after")
        yield Static("", id="run-hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#run-body", VerticalScroll).focus()
        self.render_all()

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()

    def render_all(self) -> None:
        """Draw the current state; the quiz and the exercise each override it."""

    def _finish(self) -> None:
        """Close the attempt (its score is computed from the answers saved so far) and show the result."""
        if self.attempt is not None:
            try:
                self.attempt = self.tenken.ws.finish_attempt(self.attempt.id)
            except StoreError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return
        self.stage = "result"

    def _set(self, widget_id: str, content: RichText | Table | str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        shown = True if isinstance(content, Table) else bool(content)
        widget.update(Wrapped(content) if isinstance(content, RichText) and shown else content)
        if widget.display != shown:  # setting it restyles the whole screen, even when unchanged
            widget.display = shown

    def _top(self) -> None:
        self.query_one("#run-body", VerticalScroll).scroll_home(animate=False)

    def action_trainee_language(self) -> None:
        new = other_language(self.lang)
        try:
            self.trainee = self.tenken.ws.set_trainee_language(self.trainee.id, new)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self.lang = new
        self.notify(
            _("{name} now takes training in {language}.").format(name=self.trainee.name, language=LANGUAGE_NAMES[new])
        )
        self.render_all()


class QuizScreen(_Runner):
    """A module's quiz (an attempt, saved answer by answer) or a review round over due review cards."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.quiz.back"),
        Binding("enter", "submit", N_("Submit / next"), id="training.quiz.submit", priority=True),
        Binding("space", "toggle", N_("Choose"), id="training.quiz.toggle", priority=True),
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
        if self.stage != "question" or q is None or number > len(q.choices):
            return
        self.cursor = number - 1
        self._toggle(q.choices[number - 1].id, q)

    # The binding's action; Textual's DOMNode.action_toggle(attribute) is not used on these screens.
    def action_toggle(self) -> None:  # type: ignore[override]
        q = self.question
        if self.stage == "question" and q is not None:
            self._toggle(q.choices[self.cursor].id, q)

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
            self.stage = "feedback"
        elif self.stage == "feedback":
            self.index = self._next_open(self.index + 1)
            self.picked, self.cursor = set(), 0
            if self.index >= len(self.items):
                self._finish()
            else:
                self.stage = "question"
            self._top()
        else:
            self.dismiss(self.attempt.id if self.attempt is not None else None)
            return
        self.render_all()

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
        if self.stage == "feedback":
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
        for n, c in enumerate(q.choices):
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
        right = ", ".join(str(n + 1) for n, c in enumerate(q.choices) if c.correct)
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
        return out


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
    attempt: Attempt  # an exercise always has its attempt

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
            self.choice = i.decisions[number - 1].id
            self.render_all()

    # The binding's action; Textual's DOMNode.action_toggle(attribute) is not used on these screens.
    def action_toggle(self) -> None:  # type: ignore[override]
        i = self.inject
        if self.stage == "inject" and i is not None:
            self.choice = i.decisions[self.cursor].id
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
        for n, d in enumerate(i.decisions):
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
