"""Training modules, quizzes and tabletop exercises: plain objects and the scoring rules."""

from __future__ import annotations

from dataclasses import dataclass

from tui.domain.text import Text


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
    debrief: Text


@dataclass(frozen=True, slots=True)
class Inject:
    id: str
    title: Text
    situation: Text
    decisions: tuple[Decision, ...]
    cites: tuple[str, ...]

    @property
    def best(self) -> int:
        return max(d.score for d in self.decisions)


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    title: Text
    scenario: Text
    injects: tuple[Inject, ...]
    pass_score: int

    @property
    def max_score(self) -> int:
        return sum(i.best for i in self.injects)


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
