"""Posting xAPI statements to a Learning Record Store: POST {endpoint}/statements, xAPI 1.0.3, HTTP Basic auth.

Statements go in batches; a batch that meets a network error or a 5xx / 429 answer is tried again (with a short,
growing pause) up to `retries` times. Statement ids are fixed by the attempt, so a batch sent twice after a lost
answer is the same statements: the LRS keeps one copy (and answers 204/200, or 409 for a conflicting one, which we
report). Standard library only (urllib), nothing on the start path.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from tui.export import ExportError
from tui.i18n import _

VERSION = "1.0.3"
TIMEOUT = 30  # seconds per request


def statements_url(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExportError(_("The LRS address must start with http:// or https://."))
    return endpoint.rstrip("/") + ("" if endpoint.rstrip("/").endswith("/statements") else "/statements")


def post_statements(
    endpoint: str,
    items: Sequence[dict[str, Any]],
    user: str = "",
    password: str = "",
    batch: int = 50,
    retries: int = 3,
    on_sent: Callable[[list[str]], None] | None = None,
    pause: float = 0.5,
) -> int:
    """Send `items` in batches; returns how many were sent. Raises ExportError (one sentence) when a batch fails."""
    import urllib.error
    import urllib.request

    url = statements_url(endpoint)
    batch = max(1, min(batch, 500))
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION}
    if user or password:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    sent = 0
    for start in range(0, len(items), batch):
        chunk = list(items[start : start + batch])
        body = json.dumps(chunk, ensure_ascii=False).encode("utf-8")
        for attempt in range(retries + 1):
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    response.read()
                break
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise ExportError(_("The LRS refused the user name or password.")) from exc
                if exc.code == 409:
                    raise ExportError(_("The LRS already holds a different statement with one of these ids.")) from exc
                if exc.code < 500 and exc.code != 429:
                    detail = exc.read()[:300].decode("utf-8", "replace")
                    raise ExportError(
                        _("The LRS rejected the statements ({code}): {detail}").format(code=exc.code, detail=detail)
                    ) from exc
                problem: Exception = exc
            except (urllib.error.URLError, OSError) as exc:
                problem = exc
            if attempt == retries:
                raise ExportError(
                    _("Could not reach the LRS after {n} tries: {problem}").format(n=retries + 1, problem=problem)
                )
            time.sleep(pause * (2**attempt))
        sent += len(chunk)
        if on_sent is not None:
            on_sent([st["id"] for st in chunk])
    return sent
