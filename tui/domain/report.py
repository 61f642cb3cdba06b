"""The response report as plain data, in one language, ready for any writer (md, html, xlsx, docx, json)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.domain import inspection as _inspection
from tui.domain.corpus import Corpus, article_label
from tui.domain.inspection import (
    FIELD_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    STATUSES,
    Answer,
    Evidence,
    InspectionInfo,
)
from tui.domain.profile import Profile
from tui.domain.scope import SCOPE_LABELS
from tui.domain.template import Template, cites_for, inspection_rulebooks, lay_out
from tui.i18n import N_, format_date, gettext_in


@dataclass(frozen=True, slots=True)
class Citation:
    ref: str
    label: str  # 「暗号資産交換業… 第10条第2項」 / "jvcea-exchange Art. 10(2)"
    text: str


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
    def text(self) -> str:
        out = self.label
        if self.path:
            out += f" ({self.path}, SHA-256 {self.sha256})"
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


@dataclass(frozen=True, slots=True)
class SummaryRow:
    section: str
    counts: dict[str, int]  # status → count
    total: int


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
    summary: list[SummaryRow] = field(default_factory=list)
    problems: list[ReportRow] = field(default_factory=list)
    customer_damage: list[ReportRow] = field(default_factory=list)
    annex: list[ReportRow] = field(default_factory=list)

    def t(self, message: str) -> str:
        """A UI label in the report's language."""
        return gettext_in(self.lang, message)

    def date(self, value: dt.date | None) -> str:
        return format_date(value, self.lang)

    @property
    def statuses(self) -> tuple[str, ...]:
        return STATUSES

    def status_label(self, status: str) -> str:
        return self.t(STATUS_LABELS[status])

    def field_label(self, name: str) -> str:
        return self.t(FIELD_LABELS[name])


def citation_label(corpus: Corpus, ref: str, lang: str) -> str:
    prov = corpus.get(ref)
    if prov is None:
        return ref
    book = corpus.rulebooks[prov.rulebook]
    name = book.title.get(lang)
    sep = " " if lang == "en" else ""
    return f"{name}{sep}{article_label(prov, lang)}"


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
) -> Report:
    """Assemble the report of one inspection. `items` are the inspection's (item id, section, level)."""
    books = inspection_rulebooks(profile.rulebooks, templates)
    report = Report(
        lang=lang,
        draft=not info.finalized,
        title=title or info.title,
        addressee=info.addressee,
        firm=profile.name,
        representative=profile.representative or "",
        responsible_officer=profile.responsible_officer or "",
        received_on=info.received_on,
        due_on=info.due_on,
        submitted_on=info.submitted_on,
        generated_on=today or _inspection.today(),
        finalized_by=info.finalized_by,
        revision=info.revision,
        rulebooks=tuple(sorted(books)),
    )
    for section, placed in lay_out(templates, items):
        counts = {s: 0 for s in STATUSES}
        title = section.title.get(lang)
        for p in placed:
            item = p.item
            answer = answers.get(item.id, Answer(item.id))
            cites = cites_for(item, books)
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
            )
            counts[answer.status] += 1
            report.annex.append(row)
            if section.kind == "customer-damage":
                report.customer_damage.append(row)
            elif answer.is_problem:
                report.problems.append(row)
        report.summary.append(SummaryRow(title, counts, len(placed)))
    return report


def _evidence_line(e: Evidence, status_of: Callable[[Evidence], str] | None, lang: str) -> EvidenceLine:
    status = status_of(e) if status_of is not None and e.path else ""
    flag = gettext_in(lang, EVIDENCE_FLAGS[status]) if status in EVIDENCE_FLAGS else ""
    return EvidenceLine(e.label, e.path, e.sha256, status, flag)


UNOFFICIAL_NOTE = N_(
    "English renderings of the rules are unofficial translations by tenken; the Japanese text is authoritative."
)
