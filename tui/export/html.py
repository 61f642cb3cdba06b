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
from tui.export import STATUS_COLORS, header_fields, report_heading
from tui.i18n import N_

TEMPLATE = """\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tenken">
<title>{{ page_title }}</title>
<style>
:root {
  --ink: #1d1d1f; --muted: #5b5f6b; --rule: #c9ccd3; --head: #eef0f4; --draft: #b3261e;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 210mm; padding: 12mm 10mm 16mm; color: var(--ink); background: #fff;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic UI", "Yu Gothic", YuGothic, Meiryo,
    "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "Segoe UI", system-ui, sans-serif;
  font-size: 10.5pt; line-height: 1.6; font-kerning: normal; line-break: strict; overflow-wrap: anywhere;
}
h1 { font-size: 18pt; margin: 0 0 2mm; line-height: 1.3; }
h1 .subtitle { display: block; font-size: 12pt; font-weight: normal; color: var(--muted); margin-top: 1mm; }
h2 { font-size: 13pt; margin: 9mm 0 3mm; padding-bottom: 1mm; border-bottom: 2px solid var(--ink); break-after: avoid; }
h3 { font-size: 11pt; margin: 6mm 0 2mm; break-after: avoid; }
h3 .num { display: inline-block; min-width: 3.2em; color: var(--muted); font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 1px solid var(--rule); padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.text { white-space: pre-wrap; }
.ref { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85em; color: var(--muted); }
.cites { margin: 0; padding: 0; list-style: none; }
.cites li + li { margin-top: 1mm; }
.header-block { width: auto; min-width: 60%; }
.header-block th { width: 12em; }
.draft-banner {
  border: 2px solid var(--draft); color: var(--draft); padding: 2mm 4mm; margin: 3mm 0 5mm; font-weight: bold;
}
.watermark {
  position: fixed; top: 45%; left: 0; right: 0; text-align: center; transform: rotate(-30deg);
  font-size: 96pt; font-weight: bold; letter-spacing: 0.1em; color: rgba(179, 38, 30, 0.12);
  pointer-events: none; user-select: none; z-index: 10;
}
.chart { margin: 2mm 0 4mm; }
.chart svg { width: 100%; height: auto; display: block; }
.problems { font-size: 9pt; }
.problems td:first-child { white-space: nowrap; }
dl.fields { display: grid; grid-template-columns: 11em 1fr; gap: 1mm 3mm; margin: 0 0 3mm; }
dl.fields dt { font-weight: bold; color: var(--muted); }
dl.fields dd { margin: 0; }
.item { break-inside: avoid-page; border-top: 1px solid var(--rule); }
.damage li { margin-bottom: 2mm; }
.note-translation { margin-top: 10mm; font-style: italic; color: var(--muted); font-size: 9pt; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page {
  size: A4; margin: 15mm 14mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #5b5f6b; }
}
@page landscape { size: A4 landscape; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.problems-part { page: landscape; }
  h2 { break-after: avoid-page; }
  a { color: inherit; text-decoration: none; }
}
</style>
</head>
<body>
{% if draft %}<div class="watermark" aria-hidden="true">{{ labels.draft }}</div>{% endif %}
<header>
<h1>{{ labels.heading }}<span class="subtitle">{{ title }}</span></h1>
{% if draft %}<p class="draft-banner" role="note">{{ labels.draft }} — {{ labels.not_finalized }}</p>{% endif %}
<table class="header-block">
<tbody>
{% for label, value in header %}<tr><th scope="row">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</tbody>
</table>
</header>

<section>
<h2>{{ labels.summary }}</h2>
<table class="summary">
<thead><tr><th scope="col">{{ labels.section }}</th>{% for s in statuses %}<th scope="col" class="n">{{ s.label }}</th>{% endfor %}<th scope="col" class="n">{{ labels.total }}</th></tr></thead>
<tbody>
{% for row in summary %}<tr><td>{{ row.section }}</td>{% for s in statuses %}<td class="n">{{ row.counts[s.id] }}</td>{% endfor %}<td class="n">{{ row.total }}</td></tr>
{% endfor %}</tbody>
</table>
<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" aria-label="{{ labels.summary }}" font-size="12">
<title>{{ labels.summary }}</title>
{% for l in chart.legend %}<rect x="{{ l.x }}" y="{{ l.y }}" width="12" height="12" fill="#{{ l.color }}"/><text x="{{ l.x + 17 }}" y="{{ l.y + 10.5 }}" fill="#1d1d1f">{{ l.label }}</text>
{% endfor %}{% for bar in chart.bars %}<g>
<text x="0" y="{{ bar.y - 5 }}" fill="#1d1d1f"><title>{{ bar.section }}</title>{{ bar.caption }}</text>
<rect x="0" y="{{ bar.y }}" width="{{ chart.bar_width }}" height="{{ chart.bar_height }}" fill="#f4f5f7" stroke="#c9ccd3" stroke-width="0.5"/>
{% for seg in bar.segments %}<rect x="{{ seg.x }}" y="{{ bar.y }}" width="{{ seg.w }}" height="{{ chart.bar_height }}" fill="#{{ seg.color }}"><title>{{ seg.label }}: {{ seg.count }}</title></rect>{% if seg.show %}<text x="{{ seg.x + seg.w / 2 }}" y="{{ bar.y + 13 }}" text-anchor="middle" fill="#{{ seg.ink }}">{{ seg.count }}</text>{% endif %}
{% endfor %}<text x="{{ chart.bar_width + 8 }}" y="{{ bar.y + 13 }}" fill="#5b5f6b">{{ bar.total }}</text>
</g>
{% endfor %}</svg>
</figure>
</section>

<section class="problems-part">
<h2>{{ labels.problems }}</h2>
{% if problems %}<table class="problems">
<thead><tr>{% for c in problem_columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in problems %}<tr>
<td>{{ row.number }}</td>
<td class="text">{{ row.question }}</td>
<td><ul class="cites">{% for c in row.citations %}<li>{{ c.label }} <span class="ref">({{ c.ref }})</span></li>{% endfor %}</ul></td>
<td>{{ row.status_label }}</td>
<td class="text">{{ row.answer.finding or "—" }}</td>
<td>{{ row.risk_label or "—" }}</td>
<td class="text">{{ row.answer.remediation or "—" }}</td>
<td class="text">{{ row.answer.owner or "—" }}</td>
<td>{{ date(row.answer.target_date) }}</td>
</tr>
{% endfor %}</tbody>
</table>
{% else %}<p>{{ labels.no_problems }}</p>{% endif %}
</section>

<section>
<h2>{{ labels.damage }}</h2>
{% if damage %}<ul class="damage">
{% for row in damage %}<li><strong>{{ row.question }}</strong> — {{ row.status_label }}{% if row.answer.note %}<div class="text">{{ row.answer.note }}</div>{% endif %}</li>
{% endfor %}</ul>
{% else %}<p>{{ labels.no_damage }}</p>{% endif %}
</section>

<section>
<h2>{{ labels.annex }}</h2>
{% for row in annex %}<section class="item" id="item-{{ row.item_id }}">
<h3><span class="num">{{ row.number }}</span> {{ row.question }}</h3>
<dl class="fields">
<dt>{{ labels.cited }}</dt><dd><ul class="cites">{% for c in row.citations %}<li>{{ c.label }} <span class="ref">({{ c.ref }})</span></li>{% else %}<li>—</li>{% endfor %}</ul></dd>
<dt>{{ labels.scope }}</dt><dd>{{ row.level }}</dd>
<dt>{{ field.status }}</dt><dd>{{ row.status_label }}</dd>
{% for name in text_fields %}{% if row.answer[name] %}<dt>{{ field[name] }}</dt><dd class="text">{{ row.answer[name] }}</dd>
{% endif %}{% endfor %}{% if row.answer.risk %}<dt>{{ field.risk }}</dt><dd>{{ row.risk_label }}</dd>
{% endif %}{% if row.answer.target_date %}<dt>{{ field.target_date }}</dt><dd>{{ date(row.answer.target_date) }}</dd>
{% endif %}{% for ev in row.evidence %}<dt>{{ field.evidence }}</dt><dd><span class="text">{{ ev.label }}</span>{% if ev.path %} <span class="ref">({{ ev.path }}, SHA-256 {{ ev.sha256 }})</span>{% endif %}{% if ev.flag %} <strong class="flag">⚠ {{ ev.flag }}</strong>{% endif %}</dd>
{% endfor %}</dl>
</section>
{% endfor %}</section>
{% if unofficial_note %}
<p class="note-translation" lang="en">{{ unofficial_note }}</p>
{% endif %}
</body>
</html>
"""

_CHART_WIDTH = 720
_BAR_WIDTH = 660
_BAR_HEIGHT = 18
_ROW_HEIGHT = 44
_CHAR = 6.3  # px per terminal cell at font-size 12: a rough width for layout of labels


def _fit(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


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
                "caption": _fit(row.section, int(_CHART_WIDTH / _CHAR)),
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
    }
    columns = [
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
            statuses=[{"id": s, "label": report.status_label(s)} for s in report.statuses],
            summary=report.summary,
            chart=_chart(report),
            problem_columns=[t(c) for c in columns],
            problems=report.problems,
            damage=report.customer_damage,
            annex=rows,
            field={name: report.field_label(name) for name in fields},
            text_fields=("note", "finding", "remediation", "owner", "justification"),
            date=report.date,
            unofficial_note=t(UNOFFICIAL_NOTE) if report.lang == "en" else "",
        )
    )


def write_html(report: Report, path: Path) -> None:
    path.write_text(render_html(report), encoding="utf-8")
