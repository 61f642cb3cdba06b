"""The response report as Markdown.

Text from answers is shown as text: `&`, `<` and `>` become entities (no raw HTML such as `<script>` or
`<img onerror=…>` reaches a Markdown viewer), `|` is escaped in tables and line breaks become `<br>`.
"""

from __future__ import annotations

from pathlib import Path

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import PROBLEM_COLUMNS, header_fields, report_heading
from tui.i18n import N_


def _text(text: str) -> str:
    """User text made inert: no raw HTML, no Markdown emphasis or links taken from it."""
    out = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in ("\\", "`", "*", "_", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out


def _cell(text: str) -> str:
    return _text(text or "—").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _cites(row: ReportRow) -> str:
    return "<br>".join(_cell(c.label) for c in row.citations) or "—"


def render_markdown(r: Report) -> str:
    t = r.t
    out: list[str] = []
    # Labels are looked up outside f-strings: message extraction cannot see inside them.
    out.append("# " + _cell(report_heading(r)))
    if r.draft:
        out.append("")
        draft, not_final = t(N_("DRAFT")), t(N_("This inspection has not been finalized."))
        out.append(f"> **{draft}** — {not_final}")
    out.append("")
    for label, value in header_fields(r):
        shown = _cell(value) if isinstance(value, str) else r.date(value)
        out.append(f"- **{label}:** {shown}")
    if r.sources:
        out.append("")
        out.append("**" + t(N_("Rules cited")) + "**")
        out.append("")
        for src in r.sources:
            out.append(f"- {_cell(src.short)}: {_cell(src.title)}")
    out.append("")
    out.append("## " + t(N_("Summary by section and status")))
    out.append("")
    header = [t(N_("Section"))] + [r.status_short(s) for s in r.statuses] + [t(N_("Total"))]
    out.append("| " + " | ".join(header) + " |")
    out.append("|---|" + "--:|" * (len(header) - 1))
    for s in r.summary:
        out.append(
            "| " + " | ".join([_cell(s.section)] + [str(s.counts[x]) for x in r.statuses] + [str(s.total)]) + " |"
        )
    totals = r.totals
    out.append(
        "| **"
        + t(N_("Total"))
        + "** | "
        + " | ".join([f"**{totals[x]}**" for x in r.statuses] + [f"**{r.total}**"])
        + " |"
    )
    out.append("")
    out.append(t(N_("Problems and vulnerabilities found: {n}")).format(n=len(r.problems)))
    out.append("")
    out.append("## " + t(N_("Problems and vulnerabilities found")))
    out.append("")
    if not r.problems:
        out.append(t(N_("No problems or vulnerabilities were found.")))
    else:
        cols = list(PROBLEM_COLUMNS)
        out.append("| " + " | ".join(t(c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for row in r.problems:
            a = row.answer
            out.append(
                "| "
                + " | ".join(
                    [
                        row.number,
                        _cell(row.question),
                        _cites(row),
                        row.status_label,
                        _cell(r.brief(a.finding, row)),
                        _cell(row.risk_label),
                        _cell(r.brief(a.remediation, row)),
                        _cell(a.owner),
                        r.date(a.target_date),
                    ]
                )
                + " |"
            )
    out.append("")
    out += _damage(r)
    out.append("")
    out.append("## " + t(N_("Annex: all answers")))
    cited_label, scope_label = t(N_("Cited provisions")), t(N_("Scope"))
    for row in r.annex:
        a = row.answer
        out.append("")
        out.append(f"### {row.number} {_cell(row.question)}")
        out.append("")
        out.append(f"- **{cited_label}:** {_cites(row)}")
        out.append(f"- **{scope_label}:** {row.level}")
        out.append(f"- **{r.field_label('status')}:** {row.status_label}")
        for name in ("note", "finding", "remediation", "owner", "justification"):
            value = getattr(a, name)
            if value:
                out.append(f"- **{r.field_label(name)}:** {_cell(value)}")
        if a.risk:
            out.append(f"- **{r.field_label('risk')}:** {row.risk_label}")
        if a.target_date:
            out.append(f"- **{r.field_label('target_date')}:** {r.date(a.target_date)}")
        for ev in row.evidence:
            extra = f" ({_cell(ev.file_name)}, SHA-256 `{ev.sha256}`)" if ev.path else ""
            flag = f" **⚠ {ev.flag}**" if ev.flag else ""
            out.append(f"- **{r.field_label('evidence')}:** {_cell(ev.label)}{extra}{flag}")
        for label, names in r.people_lines(row):
            out.append(f"- **{label}:** {_cell(names)}")
    out.append("")
    if r.lang == "en":
        out.append(f"*{t(UNOFFICIAL_NOTE)}*")
        out.append("")
    return "\n".join(out)


def _damage(r: Report) -> list[str]:
    t = r.t
    d = r.damage
    out = ["## " + t(N_("Status of customer damage")), ""]
    if not d.present:
        out.append(t(N_("This inspection has no customer-damage section.")))
        return out
    out.append(f"**{_cell(d.statement)}**")
    out.append("")
    if d.cases:
        out.append("**" + t(N_("What happened")) + "**")
        out.append("")
        for n, case in enumerate(d.cases, 1):
            out.append(f"{n}. {_cell(case)}")
        out.append("")
    for step in d.steps:
        out.append(f"- **{_cell(step.label)}** — {step.status_label}")
        for line in step.lines:
            out.append(f"  - {_cell(line)}")
    return out


def write_markdown(report: Report, path: Path) -> None:
    path.write_text(render_markdown(report), encoding="utf-8")
