"""The text of provisions: the ones an item cites, with their guideline comments and equivalents."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui.domain.corpus import ROMAJI_KANA, Corpus, article_label
from tui.domain.text import LEVEL_LABELS
from tui.i18n import N_, get_language, gettext_in, other_language
from tui.screens.base import TenkenModal
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


def provision_text(corpus: Corpus, ref: str, lang: str) -> RichText:
    """A provision rendered for reading: heading with level badge, its paragraphs, items and bullets."""
    p = corpus[ref]
    book = corpus.rulebooks[p.rulebook]
    out = RichText()
    out.append(f"{book.name.get(lang)}  ", style="dim")
    out.append(article_label(p, lang), style="bold")
    if p.caption:
        out.append(f"（{p.caption.get(lang)}）" if lang == "ja" else f" ({p.caption.get(lang)})", style="bold")
    out.append("  ")
    out.append_text(level_badge(corpus.effective_level(ref), lang))
    out.append("\n")
    for q in corpus.walk(ref):
        text = q.ja if lang == "ja" else q.en
        if not text:
            continue
        prefix = ""
        if q.ref == ref:
            prefix = ""
        elif q.kind == "item":
            prefix = "  " + (f"({q.item})" if q.item and q.item.isdigit() else f"{ROMAJI_KANA.get(q.item or '', '')}．")
        elif q.kind == "paragraph" and q.paragraph and q.paragraph > 1:
            prefix = f"{q.paragraph}　" if lang == "ja" else f"{q.paragraph} "
        out.append(f"{prefix}{text}\n")
        for b in q.bullets:
            out.append(f"{'    ' if q.kind == 'item' else '  '}・{b.get(lang)}\n")
    for g in corpus.guidelines_for(ref):
        out.append("\n")
        out.append(
            f"{gettext_in('ja', 'Guideline')} — {g.heading} " if lang == "ja" else f"{article_label(g, 'en')} ",
            style="italic",
        )
        out.append_text(level_badge(g.level, lang))
        out.append("\n")
        out.append((g.ja if lang == "ja" else g.en) + "\n", style="italic")
        for b in g.bullets:
            out.append(f"  ・{b.get(lang)}\n", style="italic")
    if lang == "en":
        out.append(
            gettext_in("en", "(Unofficial translation; the Japanese text is authoritative.)") + "\n", style="dim"
        )
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
