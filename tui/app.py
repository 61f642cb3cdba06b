"""The Textual application: screens, global keys, language and theme. Little else lives here."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any, cast

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.i18n import N_, _, get_language, other_language
from tui.screens.home import HomeScreen
from tui.workspace import Workspace

THEMES = ("textual-dark", "textual-light")


def _tenken_commands():
    from tui.commands import TenkenCommands  # imported when the palette first opens, not at start-up

    return TenkenCommands


def _search_commands():
    from tui.commands import SearchCommands

    return SearchCommands


class TenkenApp(App[int]):
    """The application; notifications show their text as text (markup=False unless a caller asks for it)."""

    TITLE = "tenken"
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"  # the rest come with their screens
    COMMANDS = {_tenken_commands, _search_commands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("slash", "search", N_("Search"), id="app.search", key_display="/"),
        Binding("b", "browse", N_("Rules"), id="app.browse"),
        Binding("l", "toggle_language", N_("日本語"), id="app.language"),
        Binding("t", "toggle_theme", N_("Theme"), id="app.theme", show=False),
        Binding("question_mark,f1,fullwidth_question_mark", "help", N_("Help"), id="app.help", key_display="?"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
    ]

    def __init__(self, ws: Workspace, warm_corpus: bool = True) -> None:
        from tui.widgets import guards, toast

        toast.install()  # notifications wrap Japanese between phrases
        guards.install()  # PgDn in a list not laid out yet (the palette, typed quickly) does nothing, never crashes
        super().__init__()
        self.ws = ws
        self.warm_corpus = warm_corpus
        self.sub_title = _("self-inspection of system risk")

    def get_default_screen(self) -> Screen:
        """Home is the first screen on the stack, composed with the app: its first frame is the whole home screen
        (pushed on top of Textual's blank default screen, it came in three frames, the table last)."""
        return HomeScreen()

    def on_load(self) -> None:
        theme = self.ws.theme() or THEMES[0]  # before the first frame, which it colours
        self.theme = theme if theme in self.available_themes else THEMES[0]

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        super().notify(message, markup=markup, **kwargs)

    def on_mount(self) -> None:
        self.set_timer(0.5, self.settled)

    def settled(self) -> None:
        """The home screen is up: garbage collection back on (`tenken` starts without it), and the rulebooks,
        templates and search index loaded while the user looks at the screen (a thread started earlier would
        compete with the first paint)."""
        gc.enable()
        gc.set_threshold(10_000, 10, 10)
        self._ask_who()
        self.notify_due_reviews()
        if self.warm_corpus:
            threading.Thread(target=self._warm, daemon=True, name="content").start()

    def _ask_who(self) -> None:
        """Once people are named, tenken asks who is using it on this login (and remembers the answer)."""
        if self.ws.current_person() is not None or not self.ws.persons():
            return
        from tui.screens.team import PersonDialog

        def chosen(uid: str | None) -> None:
            if uid:
                self.ws.use_person(uid)

        self.push_screen(PersonDialog(), chosen)

    def notify_due_reviews(self) -> None:
        """Trainees with review questions due today, said once when tenken starts."""
        from tui.workspace import StoreError

        try:
            due = self.ws.due_review_summary()
        except StoreError:
            return
        if due:
            names = ", ".join(f"{t.name} ({n})" for t, n in due[:5]) + (" …" if len(due) > 5 else "")
            self.notify(
                _("Reviews due today: {names}. Open Training (r) to take them.").format(names=names),
                title=_("Spaced review"),
                timeout=15,
            )

    def _warm(self) -> None:
        problems = self.ws.warm()
        # The rulebooks, templates and search index now loaded live as long as the session: out of the collector's
        # reach, like the imports at start (cmd_tui). Left in, every full collection walked them again — 70–110 ms
        # at a time, a keystroke every few seconds that took that much longer to show (tests/bench/run.py).
        gc.freeze()
        for problem in problems:
            self.call_from_thread(
                self.notify, str(problem), title=_("A template file was skipped"), severity="warning", timeout=20
            )
        self._tell_this_week()

    def _tell_this_week(self) -> None:
        """What is due this week and what is overdue, once the content is loaded (never on the first paint)."""
        from tui.content.errors import ContentError
        from tui.screens.planning import this_week_message
        from tui.workspace import StoreError

        try:
            week = self.ws.planning.this_week()
        except (StoreError, ContentError):  # a reminder that cannot be worked out must not disturb the start
            return
        message = this_week_message(week)
        if message:
            self.call_from_thread(
                self.notify,
                message,
                title=_("This week"),
                severity="warning" if week.overdue else "information",
                timeout=10,
                markup=False,
            )

    # --- global actions ---------------------------------------------------------------------

    async def action_toggle_language(self) -> None:
        self.ws.set_language(other_language(get_language()))
        self.sub_title = _("self-inspection of system risk")
        for screen in list(self.screen_stack):
            handler = getattr(screen, "on_language_changed", None)
            if handler is not None and not screen.is_mounted:
                # Pushed a moment ago (a key typed right after the one that opened it): rebuilt once it is mounted,
                # not between its compose and its on_mount, which then found its widgets gone and closed the app.
                screen.call_after_refresh(handler)
            elif handler is not None:
                result = handler()
                if result is not None and hasattr(result, "__await__"):
                    await result
        self.refresh_bindings()

    def action_search(self, query: str = "") -> None:
        from tui.screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(query))

    def action_browse(self, ref: str | None = None) -> None:
        from tui.screens.browse import BrowseScreen

        if not isinstance(self.screen, BrowseScreen):
            self.push_screen(BrowseScreen(ref))

    def open_hit(self, hit) -> None:
        """Open what a search hit points at: the article, the inspection item, or the lesson."""
        from tui.screens.browse import BrowseScreen, LessonScreen

        if hit.kind in ("provision", "guideline"):
            self.push_screen(BrowseScreen(hit.ref))
        elif hit.kind == "item":
            found = self.ws.inspections_with_item(hit.ref)
            if found:
                self.open_inspection(found[0], item=hit.ref)
            else:
                from tui.screens.article import CitedProvisionsScreen

                item = next((t.item(hit.ref) for t in self.ws.templates.values() if t.item(hit.ref)), None)
                if item is not None:
                    self.push_screen(CitedProvisionsScreen(item.cites, item.question.get()))
        elif hit.kind == "lesson":
            module_id, _sep, lesson_id = hit.ref.removeprefix("lesson:").partition("/")
            module = self.ws.modules.get(module_id)
            lesson = next((les for les in module.lessons if les.id == lesson_id), None) if module else None
            if lesson is not None:
                self.push_screen(LessonScreen(lesson.title.get(), lesson.body.get()))

    async def run_in_thread_index(self):
        """The search index, loaded off the event loop the first time."""
        import asyncio

        return await asyncio.to_thread(lambda: self.ws.search_index)

    def action_command_palette(self) -> None:
        """Textual's palette, with its placeholder in the user's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        self.ws.set_theme(self.theme)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_demo(self) -> None:
        from tui.demo import create_demo

        info, created = create_demo(self.ws)
        self.notify(
            _("Created the demo firm “{firm}”.").format(firm=info.firm_name)
            if created
            else _("The demo firm “{firm}” already exists.").format(firm=info.firm_name)
        )
        self.go_home(select=info.id)

    def go_home(self, select: int | None = None) -> None:
        while len(self.screen_stack) > 1:  # home is at the bottom
            self.pop_screen()
        home = self.screen_stack[-1]
        if isinstance(home, HomeScreen):
            home.reload(select=select)

    def open_inspection(self, inspection_id: int, item: str | None = None) -> None:
        from tui.screens.inspection import InspectionScreen

        self.go_home()
        self.push_screen(InspectionScreen(inspection_id, item=item))

    def open_plan(self, inspection_id: int) -> None:
        from tui.screens.planning import PlanScreen

        self.push_screen(PlanScreen(inspection_id))

    def open_training(self) -> None:
        """The training home: modules, trainer sessions, trainees."""
        from tui.screens.training import TrainingScreen

        existing = next((s for s in self.screen_stack if isinstance(s, TrainingScreen)), None)
        if existing is None:
            self.push_screen(TrainingScreen())
            return
        # Already open under a module, a lesson or a dialog (the palette offers Training on every screen): back to
        # it, as home's key goes back home. A second one pushed on top closed the app (two screens of one id).
        while self.screen is not existing:
            self.pop_screen()

    def new_firm(self) -> None:
        from tui.screens.firm import FirmScreen

        def done(firm_id: int | None) -> None:
            if firm_id is not None:
                self.go_home()
                self.new_inspection(firm_id)

        self.push_screen(FirmScreen(), done)

    def edit_firm(self, firm_id: int) -> None:
        """The firm's profile form; saving rescopes its open inspections after showing what changes."""
        from tui.screens.firm import FirmScreen

        def done(saved: int | None) -> None:
            if saved is not None:
                self.go_home()

        self.push_screen(FirmScreen(firm_id), done)

    def new_inspection(self, firm_id: int) -> None:
        from tui.screens.firm import NewInspectionDialog

        def done(inspection_id: int | None) -> None:
            if inspection_id is not None:
                self.open_inspection(inspection_id)

        self.push_screen(NewInspectionDialog(firm_id), done)

    def export_report(self, inspection_id: int) -> None:
        from tui.screens.export import ExportDialog

        info = self.ws.inspection(inspection_id)
        self.push_screen(ExportDialog(inspection_id, info.firm_name))


def make_app(ws: Workspace, warm_corpus: bool = True) -> TenkenApp:
    """The one factory the CLI and the tests use."""
    return TenkenApp(ws, warm_corpus=warm_corpus)
