"""Browse the rules: rulebook → chapter → article with the keyboard; both languages side by side; equivalents."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Tree

from tui.domain.corpus import Corpus, article_label
from tui.domain.equivalence import diff_texts, missing_counterparts
from tui.i18n import N_, _, get_language, other_language
from tui.screens.article import provision_text
from tui.screens.base import STYLES, TenkenModal, TenkenScreen
from tui.screens.plain import Label, Static, plain
from tui.widgets.footer import TenkenFooter

RELATION_LABELS = {"equal": N_("equal"), "similar": N_("similar"), "broader": N_("broader"), "narrower": N_("narrower")}


def diff_text(left: str, right: str) -> RichText:
    """`right` with what it adds in green and what it lacks (present in `left`) struck through in red."""
    out = RichText()
    for seg in diff_texts(left, right):
        if seg.op == "equal":
            out.append(seg.text)
        elif seg.op == "insert":
            out.append(seg.text, style="bold green")
        else:
            out.append(seg.text, style="strike red")
    return out


class BrowseScreen(TenkenScreen[None]):
    CSS_PATH = STYLES / "browse.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="browse.back"),
        Binding("o", "side_by_side", N_("Both languages"), id="browse.side_by_side"),
        Binding("e", "equivalents", N_("Equivalents"), id="browse.equivalents"),
    ]

    def __init__(self, ref: str | None = None) -> None:
        super().__init__()
        self.current = ref
        self.side_by_side = False

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Rules and guideline comments (English: unofficial translation)"), classes="screen-title")
        with Horizontal(id="browse-body"):
            yield Tree(_("Rulebooks"), id="toc")
            with VerticalScroll(id="article-pane"):
                yield Horizontal(id="article-columns")
        yield TenkenFooter()

    def on_mount(self) -> None:
        self._build_tree()
        if self.current:
            self.show(self.current)
        self.query_one("#toc", Tree).focus()

    def _build_tree(self) -> None:
        corpus: Corpus = self.tenken.ws.corpus
        lang = get_language()
        tree = self.query_one("#toc", Tree)
        tree.clear()
        tree.root.expand()
        target = self._article_of(self.current) if self.current else None
        for book in corpus.ordered_rulebooks():
            node = tree.root.add(plain(book.name.get(lang)), data=book.articles[0] if book.articles else None)
            grouped = set()
            for ch in book.chapters:
                ch_label = f"第{ch.number}章 " if lang == "ja" else f"Ch. {ch.number} "
                ch_node = node.add(
                    f"{ch_label}{ch.title.get(lang)}",
                    data=ch.articles[0] if ch.articles else None,
                )
                for aref in ch.articles:
                    grouped.add(aref)
                    leaf = ch_node.add_leaf(plain(self._label(corpus, aref, lang)), data=aref)
                    if aref == target:
                        node.expand()
                        ch_node.expand()
                        self.call_after_refresh(tree.move_cursor, leaf)
            for aref in book.articles:
                if aref not in grouped:
                    leaf = node.add_leaf(plain(self._label(corpus, aref, lang)), data=aref)
                    if aref == target:
                        node.expand()
                        self.call_after_refresh(tree.move_cursor, leaf)
            if book.guidelines:
                g_node = node.add(_("Guideline"), data=book.guidelines[0])
                for gref in book.guidelines:
                    leaf = g_node.add_leaf(plain(article_label(corpus[gref], lang)), data=gref)
                    if gref == target:
                        node.expand()
                        g_node.expand()
                        self.call_after_refresh(tree.move_cursor, leaf)

    @staticmethod
    def _label(corpus: Corpus, ref: str, lang: str) -> str:
        p = corpus[ref]
        caption = p.caption.get(lang) if p.caption else ""
        return f"{article_label(p, lang)} {caption}".strip()

    def _article_of(self, ref: str) -> str:
        corpus = self.tenken.ws.corpus
        p = corpus[ref]
        if p.kind == "guideline":
            return ref
        return f"{p.rulebook}:{p.article}"

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data:
            self.show(event.node.data, keep=True)

    def show(self, ref: str, keep: bool = False) -> None:
        corpus = self.tenken.ws.corpus
        if ref not in corpus:
            return
        if not keep or self.current is None or self._article_of(self.current) != self._article_of(ref):
            self.current = ref
        columns = self.query_one("#article-columns", Horizontal)
        columns.remove_children()
        lang = get_language()
        shown = self._article_of(ref)
        langs = [lang, other_language(lang)] if self.side_by_side else [lang]
        columns.mount_all([Static(provision_text(corpus, shown, code), classes="article-text") for code in langs])
        self.query_one("#article-pane", VerticalScroll).scroll_home(animate=False)

    def action_side_by_side(self) -> None:
        self.side_by_side = not self.side_by_side
        if self.current:
            self.show(self.current, keep=True)

    def action_equivalents(self) -> None:
        if self.current:
            self.app.push_screen(EquivalentsScreen(self._article_of(self.current)))

    def action_back(self) -> None:
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        await self.recompose()
        self.on_mount()


class EquivalentsScreen(TenkenModal[None]):
    """For each part of an article: its counterparts in the other rulebooks, with the differences marked."""

    BINDINGS = [Binding("escape,e", "close", N_("Close"), id="equivalents.close")]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        corpus: Corpus = self.tenken.ws.corpus
        lang = get_language()
        p = corpus[self.ref]
        book = corpus.rulebooks[p.rulebook]
        with Vertical(classes="dialog wide"):
            yield Label(
                _("Equivalent provisions of {what}").format(what=f"{book.name.get(lang)} {article_label(p, lang)}"),
                classes="dialog-title",
            )
            yield Static(
                _("Green: only in the equivalent; red, struck through: only in this rulebook."), classes="hint"
            )
            with VerticalScroll():
                found = False
                for part in corpus.walk(self.ref):
                    eqs = corpus.equivalents_of(part.ref)
                    missing = missing_counterparts(corpus, part.ref)
                    if not eqs and not missing:
                        continue
                    found = True
                    yield Static(
                        RichText(f"{article_label(part, lang)}  {part.ja if lang == 'ja' else part.en}", style="bold"),
                        classes="provision",
                    )
                    for e in eqs:
                        q = corpus[e.ref]
                        mine, theirs = corpus.full_text(part.ref, "ja"), corpus.full_text(e.ref, "ja")
                        relation = _(RELATION_LABELS[e.relation])
                        if e.relation == "equal" and mine != theirs:
                            # "equal" is about the duty; when the words differ, say so rather than "identical"
                            relation = _("the same duty, worded differently")
                        head = RichText(
                            f"  → {corpus.rulebooks[q.rulebook].name.get(lang)} {article_label(q, lang)} ({relation})",
                            style="italic",
                        )
                        body = RichText("    ")
                        body.append_text(diff_text(mine, theirs))
                        if e.note:
                            body.append("\n    " + e.note.get(lang), style="dim")
                        yield Static(head)
                        yield Static(body, classes="provision")
                    for slug in missing:
                        yield Static(
                            RichText(
                                "  "
                                + _("No counterpart in {rulebook}.").format(
                                    rulebook=corpus.rulebooks[slug].name.get(lang)
                                ),
                                style="bold red",
                            ),
                            classes="provision",
                        )
                if not found:
                    yield Static(_("No equivalent provisions are linked to this article."))
        yield TenkenFooter()

    def action_close(self) -> None:
        self.dismiss(None)


class LessonScreen(TenkenModal[None]):
    """A lesson's Markdown, in the active language."""

    BINDINGS = [Binding("escape", "close", N_("Close"), id="lesson.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Markdown(self.body)
        yield TenkenFooter()

    def action_close(self) -> None:
        self.dismiss(None)
