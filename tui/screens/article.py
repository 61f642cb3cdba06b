"""The text of provisions: the ones an item cites, with their guideline comments and equivalents."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from tui.domain.corpus import Corpus
from tui.domain.provision_text import provision_lines
from tui.domain.text import LEVEL_LABELS
from tui.i18n import N_, get_language, gettext_in, other_language
from tui.screens.base import TenkenModal
from tui.screens.plain import Label, Static
from tui.widgets.footer import TenkenFooter

LEVEL_STYLE = {
    "shall": "bold white on dark_red",
    "endeavor": "bold black on dark_orange",
    "consider": "bold black on yellow",
    "desirable": "bold black on green",
    "example": "bold black on cyan",
    "info": "white on grey37",
}


def level_badge(level: str, lang: str | None = None) -> RichText:
    label = gettext_in(lang or get_language(), LEVEL_LABELS.get(level, level))
    return RichText(f" {label} ", style=LEVEL_STYLE.get(level, "reverse"))


#: How each span of `provision_lines` is styled (the level is a badge).
ROLE_STYLE = {"book": "dim", "title": "bold", "ref": "dim", "guideline": "italic", "note": "dim"}


def provision_text(corpus: Corpus, ref: str, lang: str) -> RichText:
    """A provision rendered for reading, as `tenken show` reads it: heading with level badge, its paragraphs,
    items and bullets, guideline comments, the note on the translation."""
    out = RichText()
    for line in provision_lines(corpus, ref, lang):
        for span in line:
            if span.role == "level":
                out.append_text(level_badge(span.level, lang))
            else:
                out.append(span.text, style=ROLE_STYLE.get(span.role, ""))
        out.append("\n")
    return out


class CitedProvisionsScreen(TenkenModal[None]):
    """Every provision an item cites, in the active language; `o` shows the other language alongside."""

    BINDINGS = [
        Binding("escape,a", "close", N_("Close"), id="article.close"),
        Binding("o", "other_language", N_("Other language"), id="article.other_language"),
    ]

    def __init__(self, refs: tuple[str, ...], title: str) -> None:
        super().__init__()
        self.refs = refs
        self.title_text = title
        self.both = False

    def compose(self) -> ComposeResult:
        corpus = self.tenken.ws.corpus
        lang = get_language()
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(id="article-body"):
                for ref in self.refs:
                    if ref not in corpus:
                        continue
                    yield Static(provision_text(corpus, ref, lang), classes="provision")
                    if self.both:
                        yield Static(provision_text(corpus, ref, other_language(lang)), classes="provision other")
        yield TenkenFooter()

    async def action_other_language(self) -> None:
        self.both = not self.both
        await self.recompose()

    def action_close(self) -> None:
        self.dismiss(None)
