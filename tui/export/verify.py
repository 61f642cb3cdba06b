"""`tenken verify FILE`: does a report file match a locked revision in the database?

A finalized JSON or Word report carries the SHA-256 of the locked revision's canonical content
(tui.domain.finalize.content_sha256): JSON as "content_sha256", Word in the document's core properties
(identifier "sha256:<hex>"). For JSON the fingerprint is also recomputed from the answers in the file, so an
edited file is caught; a Word file is matched by the fingerprint it carries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.domain.finalize import content_sha256
from tui.domain.inspection import Answer, Evidence
from tui.i18n import _

MAX_BYTES = 64 * 1024 * 1024
_HEX = re.compile(r"[0-9a-f]{64}")


class VerifyError(Exception):
    """The file cannot be checked (not a tenken report, unreadable): one sentence."""


@dataclass(frozen=True, slots=True)
class Claim:
    sha256: str  # the fingerprint the file carries
    recomputed: str | None  # from the file's own answers (JSON), None when the format cannot tell (Word)


def _answers_from_json(data: dict[str, Any]) -> list[Answer]:
    out = []
    for row in data.get("annex") or []:
        a = row["answer"]
        target = a.get("target_date")
        out.append(
            Answer(
                item_id=str(row["item_id"]),
                status=str(a["status"]["id"]),
                note=a.get("note") or "",
                finding=a.get("finding") or "",
                risk=(a.get("risk") or {}).get("id") or "",
                remediation=a.get("remediation") or "",
                owner=a.get("owner") or "",
                target_date=dt.date.fromisoformat(target) if target else None,
                justification=a.get("justification") or "",
                evidence=tuple(Evidence(e.get("label") or "", None, e.get("sha256")) for e in a.get("evidence") or []),
            )
        )
    return out


def read_claim(path: Path) -> Claim:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise VerifyError(_("{path} is too large to be a tenken report.").format(path=path))
        head = path.read_bytes()[:4]
    except OSError as exc:
        raise VerifyError(_("Cannot read {path} ({reason}).").format(path=path, reason=exc.strerror or exc)) from None
    if head.startswith(b"PK"):
        return _docx_claim(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("tenken-report/"):
            raise ValueError
        claimed = str(data.get("content_sha256") or "")
        recomputed = content_sha256(_answers_from_json(data))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise VerifyError(_("{path} is not a tenken report in JSON or Word format.").format(path=path)) from None
    if not _HEX.fullmatch(claimed):
        raise VerifyError(
            _("{path} is a draft report: only a finalized report carries a fingerprint.").format(path=path)
        )
    return Claim(claimed, recomputed)


def _docx_claim(path: Path) -> Claim:
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        raise VerifyError(_("{path} is not a tenken report in JSON or Word format.").format(path=path)) from None
    found = re.search(r"<dc:identifier>sha256:([0-9a-f]{64})</dc:identifier>", core)
    if not found:
        raise VerifyError(
            _("{path} is a draft report: only a finalized report carries a fingerprint.").format(path=path)
        )
    return Claim(found.group(1), None)
