"""`tenken show`: provisions with their guideline comments, equivalents and differences."""

from __future__ import annotations

from tui.domain.corpus import ROMAJI_KANA, Corpus, Provision, article_label
from tui.domain.equivalence import diff_texts, missing_counterparts
from tui.domain.text import LEVEL_LABELS
from tui.i18n import N_, _, gettext_in

RELATION_LABELS = {
    "equal": N_("equal"),
    "similar": N_("similar"),
    "broader": N_("broader"),
    "narrower": N_("narrower"),
}


def provision_json(corpus: Corpus, ref: str, lang: str | None = None) -> dict:
    p = corpus[ref]
    book = corpus.rulebooks[p.rulebook]
    return {
        "ref": p.ref,
        "rulebook": p.rulebook,
        "article": p.article,
        "kind": p.kind,
        "label": {"ja": article_label(p, "ja"), "en": article_label(p, "en")},
        "rulebook_title": {"ja": book.title.ja, "en": book.title.en},
        "rulebook_short": {"ja": book.name.ja, "en": book.name.en},
        "caption": {"ja": p.caption.ja, "en": p.caption.en} if p.caption else None,
        "ja": corpus.full_text(ref, "ja"),
        "en": corpus.full_text(ref, "en"),
        "level": corpus.effective_level(ref),
        "translation": "unofficial",
        "children": list(p.children),
        "guidelines": [
            {
                "ref": g.ref,
                "heading": g.heading,
                "ja": corpus.full_text(g.ref, "ja"),
                "en": corpus.full_text(g.ref, "en"),
                "level": g.level,
            }
            for g in corpus.guidelines_for(ref)
        ],
        "equivalents": [
            {
                "ref": e.ref,
                "relation": e.relation,
                "note": {"ja": e.note.ja, "en": e.note.en} if e.note else None,
                "differences": [
                    {"op": d.op, "text": d.text}
                    for d in diff_texts(corpus.full_text(ref, "ja"), corpus.full_text(e.ref, "ja"))
                    if d.op != "equal"
                ],
            }
            for e in corpus.equivalents_of(ref)
        ],
        "missing_in": missing_counterparts(corpus, ref),
    }


def _level(level: str, lang: str) -> str:
    return gettext_in(lang, LEVEL_LABELS.get(level, level))


def render_text(corpus: Corpus, ref: str, lang: str) -> str:
    p: Provision = corpus[ref]
    book = corpus.rulebooks[p.rulebook]
    lines = []
    head = f"{book.name.get(lang)} {article_label(p, lang)}"
    if p.caption:
        head += f"（{p.caption.get(lang)}）" if lang == "ja" else f" ({p.caption.get(lang)})"
    lines.append(f"{head}  [{_level(corpus.effective_level(ref), lang)}]  {ref}")
    for q in corpus.walk(ref):
        text = q.ja if lang == "ja" else q.en
        if not text:
            continue
        indent = {"article": "", "paragraph": "", "item": "  ", "guideline": ""}.get(q.kind, "")
        label = ""
        if q.kind == "paragraph" and p.kind == "article":
            # the notice numbers its two requests, not the paragraphs under them
            label = f"{q.paragraph} " if q.paragraph != 1 and not p.article.startswith("part") else ""
        elif q.kind == "item":
            label = f"({q.item}) " if q.item and q.item.isdigit() else f"{ROMAJI_KANA.get(q.item or '', q.item)}. "
        lines.append(f"{indent}{label}{text}")
        for b in q.bullets:
            lines.append(f"{indent}  ・{b.get(lang)}")
    if lang == "en":
        lines.append(_("(Unofficial translation; the Japanese text is authoritative.)"))
    for g in corpus.guidelines_for(ref):
        lines.append("")
        lines.append(
            f"{_('Guideline')} — {g.heading if lang == 'ja' else article_label(g, 'en')}  [{_level(g.level, lang)}]"
        )
        lines.append(g.ja if lang == "ja" else g.en)
        for b in g.bullets:
            lines.append(f"  ・{b.get(lang)}")
    eqs = corpus.equivalents_of(ref)
    if eqs:
        lines.append("")
        lines.append(_("Equivalent provisions:"))
        for e in eqs:
            q = corpus[e.ref]
            rb = corpus.rulebooks[q.rulebook]
            lines.append(f"  {e.ref}  {rb.name.get(lang)} {article_label(q, lang)}  ({_(RELATION_LABELS[e.relation])})")
            if e.note:
                lines.append(f"    {e.note.get(lang)}")
            # a character diff of the Japanese helps a Japanese reader; an English reader has the note
            diffs = [
                d for d in diff_texts(corpus.full_text(ref, "ja"), corpus.full_text(e.ref, "ja")) if d.op != "equal"
            ]
            if diffs and lang == "ja":
                shown = "  ".join(("−" if d.op == "delete" else "+") + d.text for d in diffs[:8])
                lines.append("    " + _("Differences:") + " " + shown)
    missing = missing_counterparts(corpus, ref)
    if missing:
        lines.append("")
        lines.append(_("No counterpart in: {rulebooks}").format(rulebooks=", ".join(missing)))
    return "\n".join(lines)
