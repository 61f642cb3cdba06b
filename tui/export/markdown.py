"""The response report as Markdown."""

from __future__ import annotations

from pathlib import Path

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import header_fields, report_heading
from tui.i18n import N_


def _cell(text: str) -> str:
    return (text or "—").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _cites(row: ReportRow) -> str:
    return "<br>".join(f"{c.label} (`{c.ref}`)" for c in row.citations)


def render_markdown(r: Report) -> str:
    t = r.t
    out: list[str] = []
    # Labels are looked up outside f-strings: message extraction cannot see inside them.
    out.append("# " + report_heading(r))
    if r.draft:
        out.append("")
        draft, not_final = t(N_("DRAFT")), t(N_("This inspection has not been finalized."))
        out.append(f"> **{draft}** — {not_final}")
    out.append("")
    for label, value in header_fields(r):
        shown = value if isinstance(value, str) else r.date(value)
        out.append(f"- **{label}:** {shown}")
    out.append("")
    out.append("## " + t(N_("Summary by section and status")))
    out.append("")
    header = [t(N_("Section"))] + [r.status_label(s) for s in r.statuses] + [t(N_("Total"))]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for s in r.summary:
        out.append(
            "| " + " | ".join([_cell(s.section)] + [str(s.counts[x]) for x in r.statuses] + [str(s.total)]) + " |"
        )
    out.append("")
    out.append("## " + t(N_("Problems and vulnerabilities found")))
    out.append("")
    if not r.problems:
        out.append(t(N_("No problems or vulnerabilities were found.")))
    else:
        cols = [
            N_("No."),
            N_("Item"),
            N_("Cited provisions"),
            N_("Status"),
            N_("Problems and vulnerabilities"),
            N_("Risk rating"),
            N_("Remediation plan"),
            N_("Owner"),
            N_("Target date"),
        ]
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
                        _cell(a.finding),
                        _cell(row.risk_label),
                        _cell(a.remediation),
                        _cell(a.owner),
                        r.date(a.target_date),
                    ]
                )
                + " |"
            )
    out.append("")
    out.append("## " + t(N_("Status of customer damage")))
    out.append("")
    if not r.customer_damage:
        out.append(t(N_("This inspection has no customer-damage section.")))
    for row in r.customer_damage:
        out.append(f"- **{row.question}** — {row.status_label}")
        if row.answer.note:
            out.append(f"  - {_cell(row.answer.note)}")
    out.append("")
    out.append("## " + t(N_("Annex: all answers")))
    cited_label, scope_label = t(N_("Cited provisions")), t(N_("Scope"))
    for row in r.annex:
        a = row.answer
        out.append("")
        out.append(f"### {row.number} {row.question}")
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
            extra = f" (`{ev.path}`, SHA-256 `{ev.sha256}`)" if ev.path else ""
            flag = f" **⚠ {ev.flag}**" if ev.flag else ""
            out.append(f"- **{r.field_label('evidence')}:** {_cell(ev.label)}{extra}{flag}")
    out.append("")
    if r.lang == "en":
        out.append(f"*{t(UNOFFICIAL_NOTE)}*")
        out.append("")
    return "\n".join(out)


def write_markdown(report: Report, path: Path) -> None:
    path.write_text(render_markdown(report), encoding="utf-8")
