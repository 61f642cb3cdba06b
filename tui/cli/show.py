"""`tenken show`: provisions with their guideline comments, equivalents and differences."""

from __future__ import annotations

from tui.domain.corpus import Corpus, article_label
from tui.domain.equivalence import diff_texts, missing_counterparts
from tui.domain.provision_text import plain_text, provision_lines
from tui.i18n import N_, _

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
        "rulebook_label": {"ja": book.label.ja, "en": book.label.en} if book.label else None,
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


def render_text(corpus: Corpus, ref: str, lang: str) -> str:
    """The provision as `provision_lines` reads it (the TUI's too), then its equivalents and differences."""
    lines = [plain_text(provision_lines(corpus, ref, lang, with_ref=True))]
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
