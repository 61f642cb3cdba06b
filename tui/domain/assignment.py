"""Assignment and delegation: items assigned to a person with a due date, "my items", and the rules for a
delegation workbook (one person's items in a spreadsheet, filled by someone who does not install tenken).

The assignment is two answer fields (`assignee`, `assignee_due`) recorded in the change rows like every other
answer field, so it travels in bundles and merges (tui.domain.sync). A filled workbook comes back as change rows
attributed to the person, whose parents are the heads each field had when the workbook was written: a field
changed on the laptop meanwhile becomes a conflict, never an overwrite. Importing a workbook twice adds nothing:
a field whose value equals what the workbook already gave it (or what it had at export) writes no row.

Pure Python: the store keeps the rows, tui.export.delegate reads and writes the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tui.domain.inspection import RISK_LABELS, RISKS, STATUS_LABELS, STATUSES, parse_date
from tui.domain.sync import Change, Clock
from tui.i18n import N_, gettext_in

FORMAT = "tenken-delegate"
VERSION = 1
#: The answer fields a delegation workbook asks for, in column order.
DELEGATED_FIELDS = ("status", "note", "finding", "risk", "remediation", "owner", "target_date", "justification")
#: Limits for a workbook read back (README: limits): far above one person's share, far below what hurts.
MAX_ROWS = 2_000
MAX_CELL = 20_000  # characters in one cell (= a bundle's answer field)
MAX_FILE_BYTES = 8 << 20
MAX_UNPACKED_BYTES = 64 << 20
#: Text a spreadsheet would take for a formula when typed: always written as a plain string.
FORMULA_STARTS = ("=", "+", "-", "@")


class DelegationRefused(ValueError):
    """A workbook that cannot be imported: `message` is a msgid fragment with {row} and {limit} to fill in."""

    def __init__(self, message: str, row: int = 0):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True, slots=True)
class AssignedItem:
    """One item assigned to a person, for "my items"."""

    inspection_id: int
    inspection_title: str
    item_id: str
    assignee: str
    due: dt.date | None
    status: str
    number: str = ""  # as the inspection screen numbers it (「2-3」); "" when its template is gone

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and still unanswered."""
        return self.due is not None and self.due < today and self.status == "unanswered"

    def due_note(self, today: dt.date) -> str:
        """Days left or overdue, while the item still waits for an answer; nothing once it is answered (an answered
        item is not overdue, so "9 days overdue" beside it contradicted the count of overdue items)."""
        from tui.domain.inspection import days_left_text

        if self.due is None or self.status != "unanswered":
            return ""
        return days_left_text(self.due, today)


def sort_assigned(items: Iterable[AssignedItem]) -> list[AssignedItem]:
    """Earliest due first; items without a due date last."""
    return sorted(items, key=lambda a: (a.due is None, a.due or dt.date.max, a.inspection_id, a.item_id))


def find_person(name: str, names: Sequence[str]) -> str | None:
    """The known person `name` means (spaces normalized, full-width letters as half-width), or None."""
    import unicodedata

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()

    wanted = norm(name)
    return next((n for n in names if norm(n) == wanted), None) if wanted else None


# --- the delegation workbook ---------------------------------------------------------------------------------


def is_formula_text(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def normalize_text(text: str) -> str:
    """A cell's text as compared and stored: line breaks as \\n (spreadsheets save \\r\\n)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def digest(text: str) -> str:
    """What the workbook remembers of a value at export: its SHA-256 (the value itself is in the cell)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def sign(key: bytes, lines: Iterable[str]) -> str:
    """The HMAC-SHA256 of the workbook's fixed part (ids, person, inspection, heads), keyed by this database."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for line in lines:
        mac.update(line.encode("utf-8") + b"\n")
    return mac.hexdigest()


def signature_ok(key: bytes, lines: Iterable[str], signature: str) -> bool:
    return hmac.compare_digest(sign(key, lines), signature)


def status_choices(lang: str) -> list[str]:
    """The status column's list, in the workbook's language."""
    return [gettext_in(lang, STATUS_LABELS[s]) for s in STATUSES]


def risk_choices(lang: str) -> list[str]:
    return [gettext_in(lang, RISK_LABELS[r]) for r in RISKS]


def _code(text: str, codes: Sequence[str], labels: Mapping[str, str]) -> str | None:
    t = " ".join(text.split())
    if t in codes:
        return t
    for code in codes:
        if t in (gettext_in("en", labels[code]), gettext_in("ja", labels[code])):
            return code
    return None


def cell_value(field: str, text: str) -> str:
    """A filled cell as the answer field's history text (status and risk as codes, dates as ISO), or
    DelegationRefused whose message (a msgid) the caller formats with the row and MAX_CELL as `limit`."""
    text = normalize_text(text)
    if len(text) > MAX_CELL:
        raise DelegationRefused(N_("row {row}: a cell holds more than {limit} characters"))
    if field == "status":
        code = _code(text, STATUSES, STATUS_LABELS) if text.strip() else "unanswered"
        if code is None:
            raise DelegationRefused(N_("row {row}: the status is not one of the list"))
        return code
    if field == "risk":
        if not text.strip():
            return ""
        code = _code(text, RISKS, RISK_LABELS)
        if code is None:
            raise DelegationRefused(N_("row {row}: the risk rating is not one of the list"))
        return code
    if field == "target_date":
        try:
            day = parse_date(text)
        except ValueError:
            raise DelegationRefused(N_("row {row}: the target date is not a date like 2026-12-23")) from None
        if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise DelegationRefused(N_("row {row}: the target date is not a date like 2026-12-23"))
        return day.isoformat() if day else ""
    return text


@dataclass(frozen=True, slots=True)
class Base:
    """One field of one item when the workbook was written: its value's digest and the change rows it came from."""

    digest: str
    heads: tuple[str, ...]


def device_of(workbook: str) -> str:
    """The device the workbook's change rows name: the workbook itself."""
    return "xlsx-" + workbook.replace("-", "")[:20]


def delegated_changes(
    workbook: str,
    person: str,
    inspection_uid: str,
    base: Mapping[str, Mapping[str, Base]],
    filled: Mapping[str, Mapping[str, str]],
    history: Iterable[Change],
    clock: Clock,
    now: int,
) -> list[Change]:
    """The change rows a filled workbook adds to the history (empty when it adds nothing new).

    A field gets a row when its value differs from what the workbook last gave it (an earlier import of the same
    workbook), or else from its value at export. The row replaces that earlier import's row, or else the field's
    heads at export: a change made on the laptop since then stays a separate head, and the merge reports a
    conflict. Row ids derive from the workbook, the field, its parents and the value, so a second import of the same
    file yields the same rows.
    """
    device = device_of(workbook)
    rows = list(history)
    known = {c.uid for c in rows}
    own: dict[tuple[str, str], list[Change]] = {}
    for c in rows:
        if c.device == device:
            own.setdefault((c.item_id, c.field), []).append(c)
    out: list[Change] = []
    for item_id in sorted(filled):
        for name in DELEGATED_FIELDS:
            if name not in filled[item_id] or name not in base.get(item_id, {}):
                continue
            value = filled[item_id][name]
            mine = own.get((item_id, name), [])
            if mine:
                replaced = {p for c in mine for p in c.parents}
                heads = sorted((c for c in mine if c.uid not in replaced), key=lambda c: c.hlc)
                if heads[-1].value == value:
                    continue
                parents = tuple(sorted(c.uid for c in heads))
            else:
                if digest(value) == base[item_id][name].digest:
                    continue
                parents = tuple(sorted(base[item_id][name].heads))
            text = "\x1f".join((workbook, item_id, name, *parents, value))
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, "tenken-delegate:" + text))
            if uid in known:
                continue
            out.append(Change(uid, inspection_uid, item_id, name, value, parents, clock.tick(now), person, device))
    return out
