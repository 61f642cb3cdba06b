"""Search as you type: one index over provisions, guideline comments, inspection items and lessons."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, Input, Select

from tui.domain.search import Hit
from tui.i18n import N_, _, get_language
from tui.screens.base import STYLES, TenkenScreen
from tui.screens.plain import Option, OptionList, Static, show_in_place
from tui.widgets.footer import TenkenFooter
from tui.widgets.hit_lines import HitLines

KIND_LABELS = {
    "provision": N_("provision"),
    "guideline": N_("guideline"),
    "item": N_("inspection item"),
    "lesson": N_("lesson"),
}


def hit_prompt(hit: Hit) -> HitLines:
    """Title and snippet with the matched characters highlighted."""
    return HitLines(
        _(KIND_LABELS.get(hit.kind, hit.kind)), hit.title, hit.snippet, hit.title_highlights, hit.highlights
    )


class SearchScreen(TenkenScreen[None]):
    CSS_PATH = STYLES / "browse.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="search.back"),
        Binding("down", "results", N_("Results"), id="search.results", show=False),
        Binding("f2", "other_language", N_("Other language"), id="search.other_language"),
    ]

    class Results(Message):
        def __init__(self, query: str, hits: list[Hit]) -> None:
            super().__init__()
            self.query = query
            self.hits = hits

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[Hit] = []
        self.other_language = False  # hits in the UI language; F2 shows them in the other one

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Search the rules, guideline comments, inspection items and lessons"), classes="screen-title")
        with Horizontal(id="search-bar"):
            yield Input(
                self.initial, placeholder=_("e.g. クラウド, 第26条第3項, art 10(2), contingency plan"), id="query"
            )
            yield Select(
                [(_("all kinds"), "")] + [(_(label), kind) for kind, label in KIND_LABELS.items()],
                value="",
                allow_blank=False,
                id="kind",
            )
        yield Static("", id="search-status", classes="hint")
        yield OptionList(id="results")
        yield TenkenFooter()

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        query.focus()
        # Watched rather than through Input.Changed: the search runs while the key is handled, so the typed
        # character and the results it finds are painted in one frame (the message came after the echo's frame).
        self.watch(query, "value", self.search_for, init=False)
        if self.initial:
            self.search_for(self.initial)

    @on(Select.Changed, "#kind")
    def _kind_changed(self) -> None:
        self.search_for(self.query_one("#query", Input).value)

    def search_for(self, query: str) -> None:
        """Search as the key is handled once the index is loaded (a few milliseconds: the key's echo and its results
        then reach the screen in one frame, with no thread to start); before that, in a worker, so typing never waits
        for the index to load."""
        if self.tenken.ws.search_loaded:
            self.on_search_screen_results(self.Results(query, self._hits(query)))
        else:
            self.run_search(query)

    def _hits(self, query: str) -> list[Hit]:
        chosen = self.query_one("#kind", Select).value
        kind = chosen if isinstance(chosen, str) and chosen else None  # Select.BLANK: every kind
        if not query.strip():
            return []
        return self.tenken.ws.search_index.search(query, limit=30, kind=kind, prefer=self.shown_language())

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        """Off the event loop while the index loads; a newer keystroke cancels the older search."""
        self.post_message(self.Results(query, self._hits(query)))

    def on_search_screen_results(self, message: Results) -> None:
        if not (self.query("#query") and self.query("#results")):
            return  # the screen is being rebuilt (a language switch); it searches again once it is
        if message.query != self.query_one("#query", Input).value:
            return  # an older search finishing late
        self.hits = message.hits
        with self.app.batch_update():  # the status line and the hits in one frame
            self._show_results(message)

    def _show_results(self, message: Results) -> None:
        results = self.query_one("#results", OptionList)
        options = [Option(hit_prompt(h), id=str(n)) for n, h in enumerate(self.hits)]
        if options:
            results.set_options(options)
        else:
            results.clear_options()  # set_options([]) would leave the last results painted
        status = self.query_one("#search-status", Static)
        if message.query.strip() and not self.hits:
            show_in_place(status, _("No match for “{query}”.").format(query=message.query))
        elif self.hits:
            show_in_place(status, _("{n} results — ↓ to the list, Enter to open").format(n=len(self.hits)))
        else:
            show_in_place(status, "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.open(self.hits[0])

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open(self.hits[int(event.option.id or 0)])

    def open(self, hit: Hit) -> None:
        self.tenken.open_hit(hit)

    def shown_language(self) -> str:
        """The language hits are shown in: the UI language, or the other one after F2."""
        ui = get_language()
        return ("en" if ui == "ja" else "ja") if self.other_language else ui

    def action_other_language(self) -> None:
        self.other_language = not self.other_language
        self.search_for(self.query_one("#query", Input).value)

    def action_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = 0

    def action_back(self) -> None:
        if self.focused is self.query_one("#results", OptionList):
            self.query_one("#query", Input).focus()
            return
        self.dismiss(None)

    async def on_language_changed(self) -> None:
        self.initial = self.query_one("#query", Input).value
        await self.recompose()
        self.on_mount()
