"""Scoping: which template items apply to a firm, at what level, and why (in words a person can read)."""

from __future__ import annotations

from collections.abc import Callable
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

    def render(self, lang: str, cite: Callable[[str], str] | None = None) -> str:
        """`cite` turns the provision id into the citation a reader knows (「2020年周知文 ④ヘ」); without it the id."""
        fact = self.fact.get(lang) if self.fact else ""
        ref = cite(self.ref) if cite is not None and self.ref else self.ref
        return gettext_in(lang, self.message).format(ref=ref, fact=fact)


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

    def reason_text(self, lang: str | None = None, cite: Callable[[str], str] | None = None) -> str:
        lang = lang or get_language()
        return "; ".join(r.render(lang, cite) for r in self.reasons)


def _condition_holds(profile: Profile, field: str, any_of: tuple[object, ...]) -> bool:
    value = profile.value(field)
    if isinstance(value, (tuple, list)):
        return any(v in any_of for v in value)
    return value in any_of


#: The fact that puts a firm under each rulebook, as a clause (「…ため」 / "included: …").
BUSINESS_FACTS = {
    "jvcea-exchange": Text("暗号資産交換業を営んでいる", "you run a crypto-asset exchange business"),
    "jvcea-derivatives": Text(
        "暗号資産等関連デリバティブ取引業を営んでいる", "you deal in crypto-asset-related derivatives"
    ),
    "jvcea-epayment": Text("電子決済手段関連業務を営んでいる", "you run an electronic payment instrument business"),
    "fsi-bcp": Text("金融サービス仲介業を営んでいる", "you are a financial service intermediary"),
    "fsa-notice-2020": Text(
        "オンライン取引サービスを顧客に提供している", "you offer online trading services to customers"
    ),
}
_JVCEA = ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment")


def _book(ref: str) -> str:
    return ref.split(":", 1)[0]


def _family(slug: str) -> tuple[str, ...]:
    """The three JVCEA rulebooks share their items: a question written for one asks all three."""
    return _JVCEA if slug in _JVCEA else (slug,)


def asked_refs(item: TemplateItem, corpus: Corpus) -> frozenset[str]:
    """The cited provisions an item's question asks in full.

    Those of its own rulebook (the one it cites first, with the other JVCEA rulebooks for a JVCEA item), those
    linked `equal` to them, and those a reviewer declared in `covers:`. A provision an item only cites as related
    (a `similar`, `broader` or `narrower` link) is not asked by it.
    """
    home = _family(_book(item.cites[0]))
    own = {r for r in item.cites if _book(r) in home}
    out = own | set(item.covers)
    for r in own:
        out.update(e.ref for e in corpus.equivalents_of(r) if e.relation == "equal")
    return frozenset(out & set(item.cites))


def _inclusion_fact(item: TemplateItem, template: Template | None, profile: Profile, corpus: Corpus) -> Text:
    for r in item.cites:
        if _book(r) in profile.rulebooks:
            return BUSINESS_FACTS.get(_book(r), Text(_book(r), _book(r)))
    slug = template.rulebooks[0] if template and template.rulebooks else _book(item.cites[0])
    book = corpus.rulebooks.get(slug)
    name = book.name if book else Text(slug, slug)
    return Text(f"{name.ja}に基づく点検を選んだ", f"you chose to inspect against the {name.en}")


def scope_item(
    item: TemplateItem, template_id: str, profile: Profile, corpus: Corpus, template: Template | None = None
) -> ScopedItem:
    books = set(profile.rulebooks) | set(template.rulebooks if template else ())
    cites = cites_for(item, books)
    own = [r for r in cites if _book(r) in profile.rulebooks]
    primary = own[0] if own else cites[0]
    reasons: list[Reason] = []
    for cond in item.conditions:
        holds = _condition_holds(profile, cond.field, cond.any_of)
        fact = cond.reason or Text(cond.field, cond.field)
        if not holds:
            reasons.append(Reason(N_("excluded: applies only if {fact} — {ref}"), primary, fact))
            return ScopedItem(item, template_id, False, "", tuple(reasons), cites)
        reasons.append(Reason(N_("included: {fact} — {ref}"), primary, fact))
    if not item.conditions:
        reasons.append(
            Reason(N_("included: {fact} — {ref}"), primary, _inclusion_fact(item, template, profile, corpus))
        )
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
    return ScopedItem(item, template_id, True, scoped, tuple(reasons), cites)


def templates_for(profile: Profile, templates: list[Template]) -> list[Template]:
    """The templates a firm's business lines call for: those inspecting against one of its rulebooks."""
    wanted = set(profile.rulebooks)
    return template_order([t for t in templates if set(t.rulebooks) & wanted])


def scope(profile: Profile, templates: list[Template], corpus: Corpus) -> list[ScopedItem]:
    """Every item of `templates` for `profile`, in template order, each included or excluded with reasons.

    A firm under several rulebooks answers a shared duty once: an included item is absorbed into included
    items of earlier templates only when those questions ask every provision it cites in the inspection's
    rulebooks (`asked_refs`: the same rulebook, an `equal` link or a reviewed `covers:`), and a required item
    only into a required one. Anything less is asked on its own, with a reason naming the items that ask part
    of it. An item id two templates share is listed once.
    """
    books = set(profile.rulebooks) | {b for t in templates for b in t.rulebooks}
    seen: set[str] = set()
    out: list[ScopedItem] = []
    asked_by: dict[str, list[ScopedItem]] = {}  # ref → asked items of earlier templates that ask it in full
    cited_by: dict[str, list[str]] = {}  # ref → asked items of earlier templates that cite it
    for template in templates:
        this_template: list[ScopedItem] = []
        for item in template.items():
            if item.id in seen:
                continue
            seen.add(item.id)
            scoped = scope_item(item, template.id, profile, corpus, template)
            relevant = [r for r in item.cites if _book(r) in books]
            if scoped.included and relevant:
                scoped = _absorb(scoped, relevant, asked_by, cited_by)
            this_template.append(scoped)
        for scoped in this_template:
            if scoped.asked:
                asks = asked_refs(scoped.item, corpus)
                for r in scoped.item.cites:
                    if _book(r) in books:
                        cited_by.setdefault(r, []).append(scoped.item.id)
                        if r in asks:
                            asked_by.setdefault(r, []).append(scoped)
        out.extend(this_template)
    return out


def _absorb(
    scoped: ScopedItem, relevant: list[str], asked_by: dict[str, list[ScopedItem]], cited_by: dict[str, list[str]]
) -> ScopedItem:
    if all(r in asked_by for r in relevant):
        into: dict[str, ScopedItem] = {}
        for r in relevant:
            for s in asked_by[r]:
                into.setdefault(s.item.id, s)
        if scoped.level != "required" or any(s.level == "required" for s in into.values()):
            ids = ", ".join(into)
            reason = Reason(N_("answered once through {fact} — {ref}"), relevant[0], Text(ids, ids))
            return replace(scoped, merged_into=tuple(into), reasons=scoped.reasons + (reason,))
    partly = list(dict.fromkeys(i for r in relevant for i in cited_by.get(r, [])))
    if partly:
        ids = ", ".join(partly)
        reason = Reason(N_("asked on its own: not all of it is asked by {fact} — {ref}"), relevant[0], Text(ids, ids))
        return replace(scoped, reasons=scoped.reasons + (reason,))
    return scoped


def template_order(templates: list[Template]) -> list[Template]:
    """Rulebook templates before the notice, in rulebook order, so that shared duties are asked in the rules' words."""
    from tui.domain.corpus import RULEBOOK_ORDER

    rank = {slug: n for n, slug in enumerate(RULEBOOK_ORDER)}
    return sorted(templates, key=lambda t: min((rank.get(b, 99) for b in t.rulebooks), default=99))


def level_label(level: str) -> str:
    return _(SCOPE_LABELS.get(level, level)) if level in SCOPE_LABELS else _(LEVEL_LABELS.get(level, level))
