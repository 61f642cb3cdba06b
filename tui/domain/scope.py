"""Scoping: which template items apply to a firm, at what level, and why (in words a person can read)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.domain.corpus import Corpus
from tui.domain.profile import Profile
from tui.domain.template import Template, TemplateItem, cites_for
from tui.domain.text import LEVEL_LABELS, Text, strongest
from tui.i18n import N_, _, get_language, gettext_in

SCOPE_LEVELS = ("required", "recommended", "optional")
SCOPE_LABELS = {"required": N_("required"), "recommended": N_("recommended"), "optional": N_("optional")}


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason as a msgid and its arguments, so it can be rendered in either language."""

    message: str
    ref: str = ""
    fact: Text | None = None

    def render(self, lang: str) -> str:
        fact = self.fact.get(lang) if self.fact else ""
        return gettext_in(lang, self.message).format(ref=self.ref, fact=fact)


@dataclass(frozen=True, slots=True)
class ScopedItem:
    item: TemplateItem
    template_id: str
    included: bool
    level: str  # required | recommended | optional ("" when excluded)
    reasons: tuple[Reason, ...]
    cites: tuple[str, ...]  # the cited refs in the firm's rulebooks (all cites if none match)
    merged_into: tuple[str, ...] = ()  # items of an earlier template that already ask this duty

    @property
    def asked(self) -> bool:
        """Included and not answered through another item: the question the firm answers."""
        return self.included and not self.merged_into

    def reason_text(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        return "; ".join(r.render(lang) for r in self.reasons)


def _condition_holds(profile: Profile, field: str, any_of: tuple[object, ...]) -> bool:
    value = profile.value(field)
    if isinstance(value, (tuple, list)):
        return any(v in any_of for v in value)
    return value in any_of


def scope_item(item: TemplateItem, template_id: str, profile: Profile, corpus: Corpus) -> ScopedItem:
    cites = cites_for(item, profile.rulebooks)
    primary = cites[0]
    reasons: list[Reason] = []
    for cond in item.conditions:
        holds = _condition_holds(profile, cond.field, cond.any_of)
        fact = cond.reason or Text(cond.field, cond.field)
        if not holds:
            reasons.append(Reason(N_("excluded: applies only if {fact} — {ref}"), primary, fact))
            return ScopedItem(item, template_id, False, "", tuple(reasons), cites)
        reasons.append(Reason(N_("included: {fact} — {ref}"), primary, fact))
    level = strongest([corpus.effective_level(r) for r in cites if r in corpus])
    size = profile.size_tier
    if level in ("shall", "endeavor", "consider"):
        scoped = "required"
    elif level == "desirable":
        scoped = "recommended"
    elif level == "example":
        scoped = "optional" if size == "small" else "recommended"
        if size == "small":
            reasons.append(
                Reason(
                    N_(
                        "optional rather than required for a small firm: the provision gives "
                        "it as an example (例えば) — {ref}"
                    ),
                    primary,
                )
            )
    else:
        scoped = "optional"
    if not item.conditions:
        reasons.append(Reason(N_("applies to every firm — {ref}"), primary))
    return ScopedItem(item, template_id, True, scoped, tuple(reasons), cites)


def scope(profile: Profile, templates: list[Template], corpus: Corpus) -> list[ScopedItem]:
    """Every item of `templates` for `profile`, in template order, each included or excluded with reasons.

    A firm under several rulebooks answers a shared duty once: an included item whose citations in the
    firm's rulebooks are all cited already by included items of earlier templates is merged into them
    (still in scope, shown with the items that answer it). An item id two templates share is listed once.
    """
    books = set(profile.rulebooks)
    seen: set[str] = set()
    out: list[ScopedItem] = []
    covered: dict[str, list[str]] = {}  # cited ref → items of earlier templates citing it
    for template in templates:
        this_template: list[ScopedItem] = []
        for item in template.items():
            if item.id in seen:
                continue
            seen.add(item.id)
            scoped = scope_item(item, template.id, profile, corpus)
            relevant = [r for r in item.cites if r.split(":", 1)[0] in books]
            if scoped.included and relevant and all(r in covered for r in relevant):
                into = tuple(dict.fromkeys(i for r in relevant for i in covered[r]))
                reason = Reason(
                    N_("answered once through {fact} — {ref}"), relevant[0], Text(", ".join(into), ", ".join(into))
                )
                scoped = replace(scoped, merged_into=into, reasons=scoped.reasons + (reason,))
            this_template.append(scoped)
        for scoped in this_template:
            if scoped.asked:
                for r in scoped.item.cites:
                    if r.split(":", 1)[0] in books:
                        covered.setdefault(r, []).append(scoped.item.id)
        out.extend(this_template)
    return out


def template_order(templates: list[Template]) -> list[Template]:
    """Rulebook templates before the notice, in rulebook order, so that shared duties are asked in the rules' words."""
    from tui.domain.corpus import RULEBOOK_ORDER

    rank = {slug: n for n, slug in enumerate(RULEBOOK_ORDER)}
    return sorted(templates, key=lambda t: min((rank.get(b, 99) for b in t.rulebooks), default=99))


def level_label(level: str) -> str:
    return _(SCOPE_LABELS.get(level, level)) if level in SCOPE_LABELS else _(LEVEL_LABELS.get(level, level))
