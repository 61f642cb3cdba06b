"""One lesson's Markdown, paged through the module's lessons."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from tui.domain.training import (
    Module,
)
from tui.i18n import N_, _, get_language, other_language
from tui.screens.base import TenkenScreen
from tui.screens.plain import Static
from tui.widgets.cites import open_cited
from tui.widgets.footer import TenkenFooter


class LessonViewer(TenkenScreen[None]):
    """One lesson's Markdown; → and ← page through the module's lessons, `o` shows the other language."""

    DEFAULT_CSS = """
    LessonViewer #lesson-body { height: 1fr; padding: 0 2; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="training.lesson.back"),
        Binding("right,n", "step(1)", N_("Next lesson"), id="training.lesson.next", priority=True, key_display="→"),
        Binding(
            "left,p", "step(-1)", N_("Previous lesson"), id="training.lesson.previous", priority=True, key_display="←"
        ),
        Binding("o", "other_language", N_("Other language"), id="training.lesson.language"),
        Binding("a", "article", N_("Cited article"), id="training.lesson.article"),
    ]

    def __init__(self, module_id: str, index: int = 0, lang: str | None = None) -> None:
        super().__init__()
        self.module_id = module_id
        self.index = index
        self.lang = lang

    @property
    def module(self) -> Module:
        return self.tenken.ws.training_module(self.module_id)

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        yield Header(icon="")
        yield Static("", id="lesson-head", classes="screen-title")
        with VerticalScroll(id="lesson-body"):
            yield Markdown("", id="lesson-markdown")
        yield TenkenFooter()

    async def on_mount(self) -> None:
        self.query_one("#lesson-body", VerticalScroll).focus()
        await self.show()

    async def show(self) -> None:
        from textual.widgets import Markdown

        lang = self.lang or get_language()
        m = self.module
        lesson = m.lessons[self.index]
        self.query_one("#lesson-head", Static).update(
            _("Lesson {n} of {total}: {title} ({minutes} min)").format(
                n=self.index + 1, total=len(m.lessons), title=lesson.title.get(lang), minutes=lesson.minutes
            )
        )
        await self.query_one("#lesson-markdown", Markdown).update(lesson.body.get(lang))
        self.query_one("#lesson-body", VerticalScroll).scroll_home(animate=False)

    async def action_step(self, step: int) -> None:
        new = self.index + step
        if 0 <= new < len(self.module.lessons):
            self.index = new
            await self.show()
        else:
            self.notify(_("This is the last lesson.") if step > 0 else _("This is the first lesson."))

    async def action_other_language(self) -> None:
        self.lang = other_language(self.lang or get_language())
        await self.show()

    def action_article(self) -> None:
        open_cited(self, self.module.lessons[self.index].cites, self.lang or get_language())

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        await self.on_mount()
