"""`tenken verify FILE`: does a report file match a locked revision in the database?

A finalized JSON or Word report carries the SHA-256 of the locked revision's canonical content
(tui.domain.finalize.content_sha256): JSON as "content_sha256", Word in the document's core properties
(identifier "sha256:<hex>"). For JSON the fingerprint is also recomputed from the answers in the file, so an
edited file is caught. A Word file also carries the SHA-256 of its own text as written (core property
"description", `TEXT_MARK` + hex, over every paragraph of the body, tables included, in order): text edited in
Word afterwards no longer matches it. (Someone who also rewrites that property is not caught; the JSON report,
whose answers are checked against the database, is the stronger proof.)
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
#: How a Word report's core property "description" names the SHA-256 of its text.
TEXT_MARK = "tenken text SHA-256: "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def json_document_sha256(data: dict[str, Any]) -> str:
    """SHA-256 of a JSON report's whole content (less this fingerprint itself), in a canonical form: an edit to
    the cover, the problems or the damage section shows even where the answers in the annex still match."""
    import hashlib

    rest = {k: v for k, v in data.items() if k != "document_sha256"}
    text = json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def docx_text_sha256(body: Any) -> str:
    """SHA-256 of a Word body's text (an lxml element): each paragraph's text, tabs and line breaks, in order."""
    import hashlib

    lines = []
    for paragraph in body.iter(f"{_W}p"):
        parts = []
        for run in paragraph.iter(f"{_W}r"):  # runs only: a paragraph's tab stops are w:tab too
            for el in run:
                if el.tag == f"{_W}t":
                    parts.append(el.text or "")
                elif el.tag == f"{_W}tab":
                    parts.append("\t")
                elif el.tag in (f"{_W}br", f"{_W}cr"):
                    parts.append("\n")
        lines.append("".join(parts))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


class VerifyError(Exception):
    """The file cannot be checked (not a tenken report, unreadable): one sentence."""


@dataclass(frozen=True, slots=True)
class Claim:
    sha256: str  # the fingerprint the file carries
    recomputed: str | None  # from the file's own answers (JSON), None when the format cannot tell (Word)
    text_changed: bool = False  # the file's text no longer matches the fingerprint of its own text it carries


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
        document = data.get("document_sha256")  # absent from reports written before it
        changed = document is not None and document != json_document_sha256(data)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise VerifyError(_("{path} is not a tenken report in JSON or Word format.").format(path=path)) from None
    if not _HEX.fullmatch(claimed):
        raise VerifyError(
            _("{path} is a draft report: only a finalized report carries a fingerprint.").format(path=path)
        )
    return Claim(claimed, recomputed, text_changed=changed)


def _docx_claim(path: Path) -> Claim:
    from lxml import etree  # type: ignore[import-untyped]  # (python-docx parses with lxml too)

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:  # an Excel workbook (or another zip): not a draft, not checkable
                raise VerifyError(
                    _("{path} is not a JSON or Word report; only those carry what tenken verify checks.").format(
                        path=path
                    )
                )
            core = z.read("docProps/core.xml").decode("utf-8")
            found = re.search(r"<dc:identifier>sha256:([0-9a-f]{64})</dc:identifier>", core)
            if not found:
                raise VerifyError(
                    _("{path} is a draft report: only a finalized report carries a fingerprint.").format(path=path)
                )
            text = re.search(r"<dc:description>" + re.escape(TEXT_MARK) + r"([0-9a-f]{64})</dc:description>", core)
            changed = False
            if text:  # reports written before the text fingerprint carry only the content's
                info = z.getinfo("word/document.xml")
                if info.file_size > MAX_BYTES:
                    raise VerifyError(_("{path} is too large to be a tenken report.").format(path=path))
                parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
                root = etree.fromstring(z.read(info), parser)
                body = root.find(f"{_W}body")
                changed = body is None or docx_text_sha256(body) != text.group(1)
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError, etree.XMLSyntaxError):
        raise VerifyError(_("{path} is not a tenken report in JSON or Word format.").format(path=path)) from None
    return Claim(found.group(1), None, text_changed=changed)
