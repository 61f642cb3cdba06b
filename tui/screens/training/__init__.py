"""Training: modules and their lessons, trainer sessions with rosters, trainees, their history and reviews.

One module per screen: home (modules, sessions, trainees), module, lesson, new_session, session, trainee; quizzes and
review rounds in quiz, tabletop exercises in exercise (both on runner). What the screens share lives in common and
launch, and what other screens may use too (wrapping Japanese text, citations) in tui/widgets. Every rule and every
write goes through the Workspace's training methods.
"""

from tui.screens.training.exercise import ExerciseScreen
from tui.screens.training.home import TrainingScreen
from tui.screens.training.lesson import LessonViewer
from tui.screens.training.module import ModuleScreen
from tui.screens.training.new_session import NewSessionDialog
from tui.screens.training.quiz import QuizScreen
from tui.screens.training.session import SessionScreen
from tui.screens.training.trainee import TraineeScreen

__all__ = [
    "ExerciseScreen",
    "LessonViewer",
    "ModuleScreen",
    "NewSessionDialog",
    "QuizScreen",
    "SessionScreen",
    "TraineeScreen",
    "TrainingScreen",
]
