"""Named people: who answered, who reviewed, who signed off. Chosen per OS login on each machine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.domain.merge import MERGED_FIELDS
from tui.i18n import N_

if TYPE_CHECKING:
    from tui.domain.sync import Change

ROLES = ("preparer", "reviewer", "officer")
ROLE_LABELS = {"preparer": N_("preparer"), "reviewer": N_("reviewer"), "officer": N_("officer")}
#: Who may be named as signing off an inspection.
SIGN_OFF_ROLES = ("officer",)
#: Who may finalize it: the person using tenken when it is finalized.
FINALIZE_ROLES = ("reviewer", "officer")
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    uid: str
    name: str
    role: str

    @property
    def can_sign_off(self) -> bool:
        return self.role in SIGN_OFF_ROLES

    @property
    def can_finalize(self) -> bool:
        """Finalizing is done at the keyboard of a reviewer or an officer (a preparer cannot sign in the officer's
        name); the signer named on the report must still be an officer."""
        return self.role in FINALIZE_ROLES


def check_person(name: str, role: str) -> str | None:
    """Why a person cannot be created as given (a msgid), or None."""
    if not name.strip():
        return N_("A person needs a name.")
    if len(name) > MAX_NAME:
        return N_("The name is too long.")
    if role not in ROLES:
        return N_("Unknown role: choose preparer, reviewer or officer.")
    return None


#: Roles whose change of an item's status counts as reviewing it.
REVIEW_ROLES = ("reviewer", "officer")
#: The answer fields whose changes make a person one who answered the item (assignment is not answering).
ANSWER_CONTENT_FIELDS = tuple(f for f in MERGED_FIELDS if f not in ("assignee", "assignee_due"))


@dataclass(frozen=True, slots=True)
class ItemPeople:
    """Who answered and who reviewed one item, by name."""

    answered_by: tuple[str, ...] = ()
    reviewed_by: str = ""


def attribution(changes: Iterable[Change], people: Iterable[Person], signed_off_by: str = "") -> dict[str, ItemPeople]:
    """Who answered and who reviewed each item, from the change rows and the people's roles.

    Only named people count (a change row naming an OS login or a person unknown here names nobody).

    - Answered by: the people with the preparer role who changed any answer field of the item, in the order of
      their first change; when no preparer did, the person who last changed the item's status.
    - Reviewed by: the person with the reviewer or officer role who last changed the item's status (by the change
      rows' clock); when none did, the officer who signed the inspection off (`signed_off_by`), if any.
    """
    roles = {p.name: p.role for p in people}
    signer = signed_off_by if roles.get(signed_off_by) in SIGN_OFF_ROLES else ""
    by_item: dict[str, list[Change]] = {}
    for c in changes:
        if c.field in ANSWER_CONTENT_FIELDS and c.person in roles:
            by_item.setdefault(c.item_id, []).append(c)
    out: dict[str, ItemPeople] = {}
    for item_id, rows in by_item.items():
        rows.sort(key=lambda c: c.hlc)
        preparers: list[str] = []
        for c in rows:
            if roles[c.person] == "preparer" and c.person not in preparers:
                preparers.append(c.person)
        status_rows = [c for c in rows if c.field == "status"]
        if not preparers and status_rows:
            preparers = [status_rows[-1].person]
        reviews = [c.person for c in status_rows if roles[c.person] in REVIEW_ROLES]
        out[item_id] = ItemPeople(tuple(preparers), reviews[-1] if reviews else signer)
    return out


def everyone(people: Iterable[ItemPeople]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The inspection's answerers and reviewers, each once, in the order of the items given."""
    answered: list[str] = []
    reviewed: list[str] = []
    for p in people:
        answered += [n for n in p.answered_by if n not in answered]
        if p.reviewed_by and p.reviewed_by not in reviewed:
            reviewed.append(p.reviewed_by)
    return tuple(answered), tuple(reviewed)
