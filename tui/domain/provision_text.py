"""How a provision reads: one renderer for `tenken show` and the TUI's article views.

`provision_lines` decides what is said, in which order and with which labels (paragraph numbers, item labels
「ハ．」, guideline headings, the level, the unofficial-translation note); each front end only styles the spans
(plain text with the level in brackets on the command line, Rich styles and a badge in the TUI).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.domain.corpus import ROMAJI_KANA, Corpus, Provision, article_label
from tui.domain.text import LEVEL_LABELS
from tui.i18n import N_, gettext_in

#: What a span is, for styling: the rulebook's name, the provision's label and caption, its level, its ref,
#: rule text, guideline text, the note on the translation.
ROLES = ("book", "title", "level", "ref", "text", "guideline", "note")

UNOFFICIAL_NOTE = N_("(Unofficial translation; the Japanese text is authoritative.)")


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    role: str = "text"
    level: str = ""  # for role "level": the obligation level ("shall", …)


Line = tuple[Span, ...]


def _level(level: str, lang: str) -> Span:
    return Span(gettext_in(lang, LEVEL_LABELS.get(level, level)), "level", level)


def _label(part: Provision, shown: Provision, lang: str) -> str:
    """The number or letter in front of a paragraph or item (none for the provision shown itself)."""
    if part.ref == shown.ref:
        return ""
    if part.kind == "item":
        if part.item and part.item.isdigit():
            return f"  ({part.item}) "
        kana = ROMAJI_KANA.get(part.item or "", part.item or "")
        return f"  {kana}．" if lang == "ja" else f"  {kana}. "
    # the notice numbers its two requests, not the paragraphs under them
    if part.kind == "paragraph" and part.paragraph and part.paragraph > 1 and not shown.article.startswith("part"):
        return f"{part.paragraph}　" if lang == "ja" else f"{part.paragraph} "
    return ""


def provision_lines(corpus: Corpus, ref: str, lang: str, with_ref: bool = False) -> list[Line]:
    """The provision `ref` in `lang`: heading, its paragraphs, items and bullets, then its guideline comments,
    then (in English) the note that the translation is unofficial. `with_ref` ends the heading with the ref."""
    p = corpus[ref]
    book = corpus.rulebooks[p.rulebook]
    title = article_label(p, lang)
    if p.caption:
        title += f"（{p.caption.get(lang)}）" if lang == "ja" else f" ({p.caption.get(lang)})"
    heading = [Span(f"{book.name.get(lang)}  ", "book"), Span(title, "title"), Span("  ")]
    heading.append(_level(corpus.effective_level(ref), lang))
    if with_ref:
        heading += [Span("  "), Span(ref, "ref")]
    lines: list[Line] = [tuple(heading)]
    for part in corpus.walk(ref):
        text = part.ja if lang == "ja" else part.en
        if not text:
            continue
        lines.append((Span(_label(part, p, lang) + text),))
        indent = "    " if part.kind == "item" else "  "
        lines.extend((Span(f"{indent}・{b.get(lang)}"),) for b in part.bullets)
    for g in corpus.guidelines_for(ref):
        # "ガイドライン — 第10条関係…" / "Guideline on Art. 10(1)"
        name = f"{gettext_in('ja', 'Guideline')} — {g.heading}" if lang == "ja" else article_label(g, "en")
        lines.append(())
        lines.append((Span(f"{name} ", "guideline"), _level(g.level, lang)))
        lines.append((Span(g.ja if lang == "ja" else g.en, "guideline"),))
        lines.extend((Span(f"  ・{b.get(lang)}", "guideline"),) for b in g.bullets)
    if lang == "en":
        lines.append((Span(gettext_in("en", UNOFFICIAL_NOTE), "note"),))
    return lines


def plain_text(lines: list[Line]) -> str:
    """The lines as plain text: the level in brackets, everything else as it is."""
    return "\n".join("".join(f"[{s.text}]" if s.role == "level" else s.text for s in line) for line in lines)
