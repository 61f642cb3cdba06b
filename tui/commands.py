"""Command palette: every command, matched against both its Japanese and English titles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.i18n import N_, _, get_language, gettext_in
from tui.screens.plain import Content, plain_content, plain_help

if TYPE_CHECKING:
    from textual.fuzzy import Matcher

    from tui.app import TenkenApp


def _highlight(matcher: Matcher, candidate: str) -> Content:
    """The candidate with the matched characters highlighted, as text (Matcher.highlight reads it as markup)."""
    content = plain_content(candidate)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if offset < len(candidate) and not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


@dataclass(frozen=True)
class PaletteCommand:
    title: str  # msgid (English)
    help: str  # msgid
    run: Callable[[], object]
    extra: str = ""  # untranslated text shown after the title (a firm or inspection name)

    def titles(self) -> tuple[str, str]:
        return gettext_in("ja", self.title) + self.extra, self.title + self.extra

    def display(self) -> str:
        return _(self.title) + self.extra


class TenkenCommands(Provider):
    def commands(self) -> list[PaletteCommand]:
        app = cast("TenkenApp", self.app)  # the provider is registered by TenkenApp only
        cmds = [
            PaletteCommand(
                N_("Switch language (日本語 / English)"),
                N_("Show every screen in the other language"),
                app.action_toggle_language,
            ),
            PaletteCommand(
                N_("Toggle dark / light theme"),
                N_("Switch between the dark and the light theme"),
                app.action_toggle_theme,
            ),
            PaletteCommand(N_("Help: list of keys"), N_("Every key of this screen and what it does"), app.action_help),
            PaletteCommand(N_("New firm profile"), N_("Create a firm profile"), app.new_firm),
            PaletteCommand(
                N_("Load the demo firm"), N_("A sample firm with a partly answered inspection"), app.action_demo
            ),
            PaletteCommand(N_("Home: firms and inspections"), N_("Go back to the list of firms"), app.go_home),
            PaletteCommand(
                N_("Training: lessons, quizzes, sessions"),
                N_("Security awareness and CSIRT onboarding"),
                app.open_training,
            ),
            PaletteCommand(
                N_("Search the rules"), N_("Provisions, guideline comments, items and lessons"), app.action_search
            ),
            PaletteCommand(N_("Browse the rules"), N_("Rulebook, chapter, article"), app.action_browse),
            PaletteCommand(N_("Quit"), N_("Leave tenken; everything is already saved"), app.action_quit),
        ]
        from tui.domain.inspection import distinct_names

        firms = app.ws.firms()
        names = distinct_names(firms)  # two firms of the same name are told apart by id, size and business
        for firm in firms:
            cmds.append(
                PaletteCommand(
                    N_("New inspection: "),
                    N_("Start an inspection for this firm"),
                    partial(app.new_inspection, firm.id),
                    names[firm.id],
                )
            )
            for i in firm.inspections:
                cmds.append(
                    PaletteCommand(
                        N_("Open inspection: "),
                        N_("Open this inspection"),
                        partial(app.open_inspection, i.id),
                        f"{names[firm.id]} — {app.ws.inspection_title(i)} (#{i.id})",
                    )
                )
                cmds.append(
                    PaletteCommand(
                        N_("Export report: "),
                        N_("Write the response report as Markdown"),
                        partial(app.export_report, i.id),
                        f"{names[firm.id]} (#{i.id})",
                    )
                )
        return cmds

    async def discover(self) -> Hits:
        for cmd in self.commands()[:7]:
            yield DiscoveryHit(plain_content(cmd.display()), cmd.run, help=plain_help(_(cmd.help)))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        lang = get_language()
        for cmd in self.commands():
            ja, en = cmd.titles()
            score_ja, score_en = matcher.match(ja), matcher.match(en)
            score = max(score_ja, score_en)
            if score <= 0:
                continue
            shown = ja if lang == "ja" else en
            matched = ja if score_ja >= score_en else en
            prompt = _highlight(matcher, matched) if matched == shown else plain_content(shown)
            # The help line is in the UI language. The title in the other language is added only when the query
            # matched that one (so "language" typed in Japanese mode shows why 言語の切り替え came up); shown
            # always, it read as every command listed twice, once in English.
            about = _(cmd.help) if matched == shown else f"{matched} — {_(cmd.help)}"
            yield Hit(score, prompt, cmd.run, text=shown, help=plain_help(about))


class SearchCommands(Provider):
    """The rules and items themselves, straight from the command palette."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app = cast("TenkenApp", self.app)  # the provider is registered by TenkenApp only
        index = await app.run_in_thread_index()
        for hit in index.search(query, limit=6, prefer=get_language()):
            yield Hit(
                min(hit.score, 100) / 100 * 0.9,  # after exact command matches
                plain_content(f"{_('Open')}: {hit.title}"),
                partial(app.open_hit, hit),
                help=plain_help(hit.snippet),
            )
