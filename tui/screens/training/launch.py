"""Starting a trainee's quiz, exercise or review round from any training screen."""

from __future__ import annotations

from tui.domain.training import (
    EXERCISE,
    PHASE_LABELS,
    Module,
    Trainee,
    TrainingSession,
)
from tui.i18n import _
from tui.screens.base import TenkenScreen
from tui.screens.training.common import _errors
from tui.screens.training.exercise import ExerciseScreen
from tui.screens.training.quiz import QuizScreen


def run_attempt(
    screen: TenkenScreen,
    trainee: Trainee,
    module: Module,
    kind: str,
    session: TrainingSession | None = None,
    done=None,
    phase: str = "",
) -> None:
    """Start (or resume) the trainee's quiz or exercise and show it in the trainee's language; `phase` pre or post
    for a session's pre-test or post-test."""
    ws = screen.tenken.ws
    try:
        attempt = ws.start_attempt(trainee.id, module.id, kind, session.id if session else None, phase=phase)
    except _errors() as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return
    if phase:
        screen.notify(_("{name}: {phase}").format(name=trainee.name, phase=_(PHASE_LABELS[phase])), timeout=6)
    lang = ws.trainee_language(trainee, session)
    if kind == EXERCISE:
        screen.app.push_screen(ExerciseScreen(trainee, lang, attempt, module), done)
    else:
        screen.app.push_screen(QuizScreen(trainee, lang, attempt=attempt, module=module), done)


def run_review(screen: TenkenScreen, trainee: Trainee, done=None) -> None:
    ws = screen.tenken.ws
    try:
        due = ws.due_reviews(trainee.id)
    except _errors() as exc:
        screen.notify(str(exc), severity="error")
        return
    if not due:
        screen.notify(_("No review is due for {name}.").format(name=trainee.name))
        return
    items = [(module, question) for module, question, _card in due]
    screen.app.push_screen(QuizScreen(trainee, ws.trainee_language(trainee), review=items), done)
