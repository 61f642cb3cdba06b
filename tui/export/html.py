"""The response report as one self-contained, print-ready HTML file (Jinja2, autoescaped).

No JavaScript and no external resources: the CSS is inline (with @media print and @page rules for A4 and page
numbers where the browser supports page margin boxes) and the summary chart is inline SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from rich.cells import cell_len

from tui.domain.report import UNOFFICIAL_NOTE, Report, ReportRow
from tui.export import PROBLEM_COLUMNS, STATUS_COLORS, fit_cells, header_fields, report_heading
from tui.i18n import N_

TEMPLATE = (Path(__file__).parent / "report.html.j2").read_text(encoding="utf-8")

_CHART_WIDTH = 720
_BAR_WIDTH = 660
_BAR_HEIGHT = 18
_ROW_HEIGHT = 44
_CHAR = 6.3  # px per terminal cell at font-size 12: a rough width for layout of labels


def _chart(report: Report) -> dict[str, Any]:
    """Geometry of a stacked horizontal bar per section: one segment per status, legend on top."""
    legend, x, y = [], 0.0, 0
    for s in report.statuses:
        label = report.status_label(s)
        w = 17 + cell_len(label) * _CHAR + 18
        if x and x + w > _CHART_WIDTH:
            x, y = 0.0, y + 18
        legend.append({"x": round(x, 1), "y": y, "color": STATUS_COLORS[s], "label": label})
        x += w
    top = y + 18 + 24
    biggest = max((row.total for row in report.summary), default=0) or 1
    bars = []
    for i, row in enumerate(report.summary):
        by = top + i * _ROW_HEIGHT
        segs, sx = [], 0.0
        for s in report.statuses:
            n = row.counts.get(s, 0)
            if not n:
                continue
            w = _BAR_WIDTH * n / biggest
            ink = "1d1d1f" if s in ("unanswered", "partial") else "ffffff"
            segs.append(
                {
                    "x": round(sx, 2),
                    "w": round(w, 2),
                    "color": STATUS_COLORS[s],
                    "ink": ink,
                    "count": n,
                    "label": report.status_label(s),
                    "show": w >= 8 + 7 * len(str(n)),
                }
            )
            sx += w
        bars.append(
            {
                "y": by,
                "section": row.section,
                "caption": fit_cells(row.section, int(_CHART_WIDTH / _CHAR)),
                "segments": segs,
                "total": row.total,
            }
        )
    height = top + len(bars) * _ROW_HEIGHT - (_ROW_HEIGHT - _BAR_HEIGHT) + 6 if bars else top
    return {
        "width": _CHART_WIDTH,
        "height": height,
        "bar_width": _BAR_WIDTH,
        "bar_height": _BAR_HEIGHT,
        "legend": legend,
        "bars": bars,
    }


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True)


def render_html(report: Report) -> str:
    t = report.t
    labels = {
        "heading": t(N_("Response report on the self-inspection")),
        "draft": t(N_("DRAFT")),
        "not_finalized": t(N_("This inspection has not been finalized.")),
        "summary": t(N_("Summary by section and status")),
        "section": t(N_("Section")),
        "total": t(N_("Total")),
        "problems": t(N_("Problems and vulnerabilities found")),
        "no_problems": t(N_("No problems or vulnerabilities were found.")),
        "damage": t(N_("Status of customer damage")),
        "no_damage": t(N_("This inspection has no customer-damage section.")),
        "annex": t(N_("Annex: all answers")),
        "cited": t(N_("Cited provisions")),
        "scope": t(N_("Scope")),
        "sources": t(N_("Rules cited")),
        "what_happened": t(N_("What happened")),
    }
    columns = list(PROBLEM_COLUMNS)
    fields = ("status", "note", "finding", "risk", "remediation", "owner", "target_date", "justification", "evidence")
    header = [
        (label, value if isinstance(value, str) else report.date(value)) for label, value in header_fields(report)
    ]
    rows: list[ReportRow] = report.annex
    return (
        _environment()
        .from_string(TEMPLATE)
        .render(
            lang=report.lang,
            draft=report.draft,
            page_title=report_heading(report),
            title=report.title,
            labels=labels,
            header=header,
            statuses=[{"id": s, "label": report.status_short(s)} for s in report.statuses],
            summary=report.summary,
            totals=report.totals,
            total=report.total,
            problem_count=t(N_("Problems and vulnerabilities found: {n}")).format(n=len(report.problems)),
            sources=report.sources,
            chart=_chart(report),
            problem_columns=[t(c) for c in columns],
            problems=report.problems,
            damage=report.damage,
            annex=rows,
            field={name: report.field_label(name) for name in fields},
            text_fields=("note", "finding", "remediation", "owner", "justification"),
            date=report.date,
            people=report.people_lines,
            brief=report.brief,
            unofficial_note=t(UNOFFICIAL_NOTE) if report.lang == "en" else "",
        )
    )


def write_html(report: Report, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")
