"""The response report as JSON: complete and machine-readable (schema "tenken-report/1").

Every field of the Report: the header, dates as ISO strings (null when unset), the summary counts per status,
the problems, the customer-damage rows and the annex, each row with its citations and every answer field.
Statuses and risk ratings carry both their id and their label in the report's language.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tui.domain.report import Report, ReportRow

SCHEMA = "tenken-report/2"  # 2: finalized_at, document_date, content_sha256, customer_damage as a section


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _row(report: Report, row: ReportRow) -> dict[str, Any]:
    a = row.answer
    return {
        "number": row.number,
        "item_id": row.item_id,
        "section": row.section,
        "question": row.question,
        "level": row.level,
        "citations": [{"ref": c.ref, "label": c.label, "text": c.text} for c in row.citations],
        "answer": {
            "status": {"id": a.status, "label": row.status_label},
            "note": a.note,
            "finding": a.finding,
            "risk": {"id": a.risk, "label": row.risk_label} if a.risk else None,
            "remediation": a.remediation,
            "owner": a.owner,
            "target_date": _iso(a.target_date),
            "justification": a.justification,
            "evidence": [
                {
                    "label": e.label,
                    "file": e.file_name or None,
                    "sha256": e.sha256,
                    "status": e.status or None,
                    "flag": e.flag or None,
                }
                for e in row.evidence
            ],
            "updated_at": _iso(a.updated_at),
        },
    }


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "schema": SCHEMA,
        "lang": report.lang,
        "draft": report.draft,
        "title": report.title,
        "addressee": report.addressee,
        "firm": report.firm,
        "representative": report.representative,
        "responsible_officer": report.responsible_officer,
        "received_on": _iso(report.received_on),
        "due_on": _iso(report.due_on),
        "submitted_on": _iso(report.submitted_on),
        "generated_on": _iso(report.generated_on),
        "document_date": _iso(report.document_date),
        "finalized_at": _iso(report.finalized_at),
        "finalized_by": report.finalized_by,
        "revision": report.revision,
        "open_points": report.open_points,
        "content_sha256": report.content_sha256 or None,
        "sources": [{"short": s.short, "title": s.title} for s in report.sources],
        "rulebooks": list(report.rulebooks),
        "statuses": [{"id": s, "label": report.status_label(s)} for s in report.statuses],
        "summary": [
            {"section": s.section, "counts": {st: s.counts.get(st, 0) for st in report.statuses}, "total": s.total}
            for s in report.summary
        ],
        "problems": [_row(report, r) for r in report.problems],
        "customer_damage": {
            "state": report.damage.state or None,
            "statement": report.damage.statement or None,
            "cases": list(report.damage.cases),
            "steps": [
                {"label": st.label, "status": st.status_label, "lines": list(st.lines)} for st in report.damage.steps
            ],
            "items": [_row(report, r) for r in report.customer_damage],
        },
        "annex": [_row(report, r) for r in report.annex],
    }


def write_json(report: Report, path: Path) -> None:
    data = report_data(report)
    if report.content_sha256:  # `tenken verify` tells a file edited afterwards, answers or not (tui.export.verify)
        from tui.export.verify import json_document_sha256

        data["document_sha256"] = json_document_sha256(data)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
