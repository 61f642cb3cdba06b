"""The response report as plain data, in one language, ready for any writer (md, html, xlsx, docx, json)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tui.domain import inspection as _inspection
from tui.domain.corpus import Corpus, article_label
from tui.domain.inspection import (
    FIELD_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    STATUS_SHORT,
    STATUSES,
    Answer,
    Evidence,
    InspectionInfo,
)
from tui.domain.people import ItemPeople, everyone
from tui.domain.profile import Profile
from tui.domain.scope import SCOPE_LABELS
from tui.domain.template import Template, cites_for, inspection_rulebooks, lay_out
from tui.i18n import N_, format_date, gettext_in


@dataclass(frozen=True, slots=True)
class Citation:
    ref: str  # internal id (jvcea-exchange:10.2): JSON only, never printed in a submission
    label: str  # 「交換業規則 第10条第2項」 / "Exchange Rules Art. 10(2)", 「監督指針 III-2-8(1)⑤イ」
    text: str


@dataclass(frozen=True, slots=True)
class RuleSource:
    """A rulebook cited in the report: the short name used in citations and its full title, printed once."""

    short: str
    title: str


EVIDENCE_FLAGS = {
    "changed": N_("changed since it was recorded"),
    "missing": N_("file no longer found"),
    "not-a-file": N_("no longer an ordinary file"),
    "sender": N_("a path on the computer that sent the bundle; not checked here"),
}


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    label: str
    path: str | None
    sha256: str | None
    status: str  # "" (no file), ok, changed, missing
    flag: str  # the warning in the report's language, "" when all is well

    @property
    def file_name(self) -> str:
        """The file's name only: a report never shows the folders of the laptop it was written on."""
        if not self.path:
            return ""
        return self.path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]

    @property
    def text(self) -> str:
        out = self.label
        if self.path:
            out += f" ({self.file_name}, SHA-256 {self.sha256})"
        if self.flag:
            out += f" ⚠ {self.flag}"
        return out


@dataclass(frozen=True, slots=True)
class ReportRow:
    number: str  # "1-3": section 1, item 3
    item_id: str
    section: str
    question: str
    level: str
    citations: tuple[Citation, ...]
    answer: Answer
    status_label: str
    risk_label: str
    evidence: tuple[EvidenceLine, ...] = ()
    answered_by: tuple[str, ...] = ()  # named people (tui.domain.people.attribution)
    reviewed_by: str = ""


@dataclass(frozen=True, slots=True)
class SummaryRow:
    section: str
    counts: dict[str, int]  # status → count
    total: int


#: The one plain statement on customer damage (the notice's second request).
DAMAGE_STATES = {
    "found": N_("Customer damage was found."),
    "none": N_("No customer damage was found."),
    "checking": N_("Whether customers suffered damage is still being checked."),
}


@dataclass(frozen=True, slots=True)
class DamageStep:
    """One of the notice's damage questions as the reader asks it, answered in plain words."""

    label: str  # "Reported to the authorities"
    status_label: str
    lines: tuple[str, ...]  # the answer's own words: note, finding, justification, remediation…


@dataclass
class CustomerDamage:
    """The notice's second request as its own section: one plain statement, then each case and what was done."""

    state: str = ""  # found | none | checking; "" when the inspection has no damage section
    statement: str = ""
    cases: list[str] = field(default_factory=list)  # what happened, one line per case (the finding)
    steps: list[DamageStep] = field(default_factory=list)  # how it was found / reported / customers answered
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.rows)


BRIEF_LIMIT = 600  # characters of a finding or plan shown in the problems table; the annex has the whole text


@dataclass
class Report:
    lang: str
    draft: bool
    title: str
    addressee: str
    firm: str
    representative: str
    responsible_officer: str
    received_on: dt.date
    due_on: dt.date
    submitted_on: dt.date | None
    generated_on: dt.date
    finalized_by: str
    revision: int
    rulebooks: tuple[str, ...]
    finalized_at: dt.datetime | None = None
    open_points: int = 0  # points the readiness check found open when it was overridden (--allow-incomplete)
    content_sha256: str = ""  # of the locked revision's canonical content (finalized only)
    sources: list[RuleSource] = field(default_factory=list)
    summary: list[SummaryRow] = field(default_factory=list)
    problems: list[ReportRow] = field(default_factory=list)
    damage: CustomerDamage = field(default_factory=CustomerDamage)
    annex: list[ReportRow] = field(default_factory=list)
    answered_by: tuple[str, ...] = ()  # every item's answerers, once each
    reviewed_by: tuple[str, ...] = ()

    def t(self, message: str) -> str:
        """A UI label in the report's language."""
        return gettext_in(self.lang, message)

    def date(self, value: dt.date | None) -> str:
        return format_date(value, self.lang)

    @property
    def customer_damage(self) -> list[ReportRow]:
        return self.damage.rows

    @property
    def document_date(self) -> dt.date:
        """The date the document carries: a finalized revision's sign-off date (the same at every re-export),
        else the day it was generated."""
        return self.finalized_at.date() if self.finalized_at is not None else self.generated_on

    @property
    def statuses(self) -> tuple[str, ...]:
        return STATUSES

    @property
    def totals(self) -> dict[str, int]:
        """Counts per status over every section."""
        return {s: sum(row.counts.get(s, 0) for row in self.summary) for s in STATUSES}

    @property
    def total(self) -> int:
        return sum(row.total for row in self.summary)

    def status_label(self, status: str) -> str:
        return self.t(STATUS_LABELS[status])

    def answer_lines(self, row: ReportRow, skip: tuple[str, ...] = ()) -> list[str]:
        """Every filled-in answer field of a row as 「label: value」 lines, in the annex's order."""
        a = row.answer
        lines = [
            f"{self.field_label(name)}: {getattr(a, name)}"
            for name in ("note", "finding", "remediation", "owner", "justification")
            if getattr(a, name).strip() and name not in skip
        ]
        if a.risk and "risk" not in skip:
            lines.append(f"{self.field_label('risk')}: {row.risk_label}")
        if a.target_date:
            lines.append(f"{self.field_label('target_date')}: {self.date(a.target_date)}")
        lines += [f"{self.field_label('evidence')}: {ev.text}" for ev in row.evidence]
        lines += [f"{label}: {names}" for label, names in self.people_lines(row)]
        return lines

    def names(self, names: Sequence[str]) -> str:
        return ("、" if self.lang == "ja" else ", ").join(names)

    def people_lines(self, row: ReportRow) -> list[tuple[str, str]]:
        """(label, names) for who answered and who reviewed the item, when named people did."""
        out = []
        if row.answered_by:
            out.append((self.t(N_("Answered by")), self.names(row.answered_by)))
        if row.reviewed_by:
            out.append((self.t(N_("Reviewed by")), row.reviewed_by))
        return out

    def status_short(self, status: str) -> str:
        """The status as a column header: one or two words ("problem", 「不適合」)."""
        return self.t(STATUS_SHORT[status])

    def brief(self, text: str, row: ReportRow, limit: int = BRIEF_LIMIT) -> str:
        """Text for a table cell: long text cut at `limit` characters with a pointer to the annex, which has it all."""
        if len(text) <= limit:
            return text
        more = self.t(N_("… (continued in the annex, item {number})")).format(number=row.number)
        return text[:limit].rstrip() + more

    def field_label(self, name: str) -> str:
        return self.t(FIELD_LABELS[name])


GUIDELINES_NAME = {"ja": "監督指針", "en": "Supervisory Guidelines"}
GUIDELINES_SECTION = "III-2-8(1)"  # the notice quotes the guideline's III-2-8 (1) points


def citation_label(corpus: Corpus, ref: str, lang: str) -> str:
    """A provision as the reader knows it: 「交換業規則 第10条第2項」, 「監督指針 III-2-8(1)⑤イ」, "Exchange Rules Art.
    10(2)". Never the internal id (an unknown reference is shown as 「（不明な条項）」)."""
    prov = corpus.get(ref)
    if prov is None:
        return gettext_in(lang, N_("(unknown provision)"))
    book = corpus.rulebooks[prov.rulebook]
    if book.kind == "notice" and not prov.article.startswith("part"):
        if lang == "ja":
            return f"{GUIDELINES_NAME['ja']} {GUIDELINES_SECTION}{article_label(prov, 'ja')}"
        item = f" {prov.item}" if prov.item else ""
        return f"{GUIDELINES_NAME['en']} {GUIDELINES_SECTION}({prov.article}){item}"
    short = book.name.get(lang)
    if prov.kind == "guideline":
        glabel = gettext_in(lang, N_("Guideline"))
        return (
            f"{short}{glabel} {article_label(prov, lang)}" if lang == "ja" else f"{short} {article_label(prov, lang)}"
        )
    sep = ", " if lang == "en" and prov.article.startswith("part") else " "
    return f"{short}{sep}{article_label(prov, lang)}"


def rule_sources(corpus: Corpus, refs: list[str], lang: str) -> list[RuleSource]:
    """The full titles of the rulebooks the report cites, once each, in order of first citation."""
    out: list[RuleSource] = []
    seen: set[str] = set()
    for ref in refs:
        prov = corpus.get(ref)
        if prov is None:
            continue
        book = corpus.rulebooks[prov.rulebook]
        if book.kind == "notice" and not prov.article.startswith("part"):
            key = "guidelines"
            if key not in seen:
                seen.add(key)
                quoted = next((r.text.get(lang) for r in book.references if r.label == "監督指針"), "")
                out.append(RuleSource(GUIDELINES_NAME[lang], quoted.strip('「」"') or GUIDELINES_NAME[lang]))
            continue
        if book.slug not in seen:
            seen.add(book.slug)
            title = book.title.get(lang)
            if book.label:  # the document type the source prints above its title: the notice's 「(周知文)」
                title = f"{book.label.get(lang)} {title}"
            out.append(RuleSource(book.name.get(lang), title))
    return out


def default_addressee(corpus: Corpus, books: list[str], lang: str) -> str:
    """Whom the report goes to: the association(s) whose rulebooks it answers ("… 御中" in Japanese).

    Two associations are both addressed; with none (the notice alone), the association that circulated it.
    """
    issuers: list[str] = []
    for slug in books:
        book = corpus.rulebooks.get(slug)
        if book is not None and book.issuer is not None:
            name = book.issuer.get(lang)
            name = name[:1].upper() + name[1:]  # "association of …" heads an address line
            if name not in issuers:
                issuers.append(name)
    if not issuers:
        return gettext_in(lang, N_("The association that circulated the notice"))
    if lang == "ja":
        return "、".join(f"{name} 御中" for name in issuers)
    return "; ".join(issuers)


def known_addressees(corpus: Corpus) -> dict[str, str]:
    """Japanese issuer name → rulebook slug: an addressee stored as an issuer's name follows the report's language."""
    return {b.issuer.ja: b.slug for b in corpus.rulebooks.values() if b.issuer is not None}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def clean(text: str) -> str:
    """Text fit for any format: line breaks and tabs kept, NUL, ESC, other controls and bidi overrides removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")) if text else text


def _clean_answer(a: Answer) -> Answer:
    return replace(
        a,
        note=clean(a.note),
        finding=clean(a.finding),
        remediation=clean(a.remediation),
        owner=clean(a.owner),
        justification=clean(a.justification),
        evidence=tuple(replace(e, label=clean(e.label), path=clean(e.path) if e.path else e.path) for e in a.evidence),
    )


def build_report(
    info: InspectionInfo,
    profile: Profile,
    templates: list[Template],
    items: list[tuple[str, str, str]],
    answers: dict[str, Answer],
    corpus: Corpus,
    lang: str,
    today: dt.date | None = None,
    title: str | None = None,
    evidence_status: Callable[[Evidence], str] | None = None,
    people: Mapping[str, ItemPeople] | None = None,
) -> Report:
    """Assemble the report of one inspection. `items` are the inspection's (item id, section, level); `people`
    says who answered and who reviewed each item (tui.domain.people.attribution)."""
    books = inspection_rulebooks(profile.rulebooks, templates)
    template_books = [b for t in templates for b in t.rulebooks]
    addressee = info.addressee.strip()
    known = known_addressees(corpus)
    if not addressee or addressee in known:
        wanted = [known[addressee]] if addressee in known else template_books + sorted(profile.rulebooks)
        addressee = default_addressee(corpus, wanted, lang)
    report = Report(
        lang=lang,
        draft=not info.finalized,
        title=clean(title or info.title),
        addressee=clean(addressee),
        firm=clean(profile.name),
        representative=clean(profile.representative or ""),
        responsible_officer=clean(profile.responsible_officer or ""),
        received_on=info.received_on,
        due_on=info.due_on,
        submitted_on=info.submitted_on,
        generated_on=today or _inspection.today(),
        finalized_by=clean(info.finalized_by),
        revision=info.revision,
        rulebooks=tuple(sorted(books)),
        finalized_at=info.finalized_at,
        open_points=getattr(info, "open_points", 0),
        content_sha256=getattr(info, "content_sha256", ""),
    )
    cited: list[str] = []
    for section, placed in lay_out(templates, items):
        counts = {s: 0 for s in STATUSES}
        title = section.title.get(lang)
        for p in placed:
            item = p.item
            answer = _clean_answer(answers.get(item.id, Answer(item.id)))
            who = (people or {}).get(item.id, ItemPeople())
            cites = cites_for(item, books)
            cited.extend(cites)
            row = ReportRow(
                number=p.number,
                item_id=item.id,
                section=title,
                question=item.question.get(lang),
                level=gettext_in(lang, SCOPE_LABELS[p.level]) if p.level in SCOPE_LABELS else p.level,
                citations=tuple(
                    Citation(r, citation_label(corpus, r, lang), corpus.full_text(r, lang) if r in corpus else "")
                    for r in cites
                ),
                answer=answer,
                status_label=gettext_in(lang, STATUS_LABELS[answer.status]),
                risk_label=gettext_in(lang, RISK_LABELS[answer.risk]) if answer.risk else "",
                evidence=tuple(_evidence_line(e, evidence_status, lang) for e in answer.evidence),
                answered_by=tuple(clean(n) for n in who.answered_by),
                reviewed_by=clean(who.reviewed_by),
            )
            counts[answer.status] += 1
            report.annex.append(row)
            if section.kind == "customer-damage":
                report.damage.rows.append(row)
            if answer.is_problem:
                report.problems.append(row)
        report.summary.append(SummaryRow(title, counts, len(placed)))
    report.sources = rule_sources(corpus, cited, lang)
    report.answered_by, report.reviewed_by = everyone(ItemPeople(r.answered_by, r.reviewed_by) for r in report.annex)
    _damage(report)
    return report


#: What each of the notice's damage questions tells the reader (by the item id's last part).
DAMAGE_STEPS = {
    "past-damage": N_("How damage was looked for, and when it was found"),
    "report": N_("Reported to the authorities (when and to whom)"),
    "customer-response": N_("How customers were answered"),
}


def damage_state(rows: list[ReportRow]) -> str:
    """found: the damage check records damage (a finding); none: checked and compliant; checking: otherwise."""
    if not rows:
        return ""
    check = next((r for r in rows if r.item_id.endswith("past-damage")), rows[0])
    if check.answer.finding.strip():
        return "found"
    if check.answer.status == "compliant":
        return "none"
    return "checking"


def _damage(report: Report) -> None:
    d = report.damage
    if not d.rows:
        return
    d.state = damage_state(d.rows)
    d.statement = report.t(DAMAGE_STATES[d.state])
    check = next((r for r in d.rows if r.item_id.endswith("past-damage")), d.rows[0])
    d.cases = [line.strip() for line in check.answer.finding.splitlines() if line.strip()]
    for row in d.rows:
        key = row.item_id.rsplit(".", 1)[-1]
        label = report.t(DAMAGE_STEPS[key]) if key in DAMAGE_STEPS else row.question
        lines = report.answer_lines(row, skip=("finding", "risk") if row is check else ("risk",))
        d.steps.append(DamageStep(label, row.status_label, tuple(lines)))


def _evidence_line(e: Evidence, status_of: Callable[[Evidence], str] | None, lang: str) -> EvidenceLine:
    status = status_of(e) if status_of is not None and e.path else ""
    flag = gettext_in(lang, EVIDENCE_FLAGS[status]) if status in EVIDENCE_FLAGS else ""
    return EvidenceLine(e.label, e.path, e.sha256, status, flag)


UNOFFICIAL_NOTE = N_(
    "English renderings of the rules are unofficial translations by tenken; the Japanese text is authoritative."
)
