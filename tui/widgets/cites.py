"""Citations under a question, inject or lesson: their labels, and opening one in the rule browser."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer

from tui.domain.corpus import Corpus, article_label
from tui.i18n import N_, _
from tui.screens.base import TenkenModal, TenkenScreen
from tui.screens.plain import Label, Option, OptionList


def cite_label(corpus: Corpus, ref: str, lang: str) -> str:
    """「交換業規則第9条第3項第3号」 / "Exchange Rules Art. 9(3)(iii)"; the bare ref when unknown.

    An article with a single paragraph is cited without it, as readers do: 「仲介業者規則第4条第13号」,
    "FSI Rules Art. 4(xiii)", not 第4条第1項第13号 / Art. 4(1)(xiii).
    """
    import dataclasses

    prov = corpus.get(ref)
    if prov is None:
        return ref
    if prov.paragraph is not None and prov.kind in ("paragraph", "item") and _single_paragraph(corpus, prov):
        prov = dataclasses.replace(prov, paragraph=None)
    sep = "" if lang == "ja" else " "
    label = article_label(prov, lang)
    if lang == "en" and prov.kind != "guideline":
        if prov.rulebook == "fsa-notice-2020" and not prov.article.startswith("part"):
            label = article_label(prov, "ja")  # the notice's own markers (⑤ト), the form its readers know
        elif prov.item is not None and str(prov.item).isdigit():  # items in roman numerals: Art. 9(3)(iii)
            label = article_label(dataclasses.replace(prov, item=None), "en") + f"({roman(int(prov.item))})"
    return f"{corpus.rulebooks[prov.rulebook].name.get(lang)}{sep}{label}"


def roman(n: int) -> str:
    """1 → i, 4 → iv, 13 → xiii (item numbers in English citations)."""
    out = ""
    for value, letters in ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def _single_paragraph(corpus: Corpus, prov) -> bool:
    article = corpus.get(f"{prov.rulebook}:{prov.article}")
    if article is None:
        return False
    paragraphs = [c for c in article.children if (child := corpus.get(c)) is not None and child.kind == "paragraph"]
    return len(paragraphs) == 1


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
