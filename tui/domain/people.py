"""Named people: who answered, who reviewed, who signed off. Chosen per OS login on each machine."""

from __future__ import annotations

from dataclasses import dataclass

from tui.i18n import N_

ROLES = ("preparer", "reviewer", "officer")
ROLE_LABELS = {"preparer": N_("preparer"), "reviewer": N_("reviewer"), "officer": N_("officer")}
#: Who may finalize (sign off) an inspection.
SIGN_OFF_ROLES = ("officer",)
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


def check_person(name: str, role: str) -> str | None:
    """Why a person cannot be created as given (a msgid), or None."""
    if not name.strip():
        return N_("A person needs a name.")
    if len(name) > MAX_NAME:
        return N_("The name is too long.")
    if role not in ROLES:
        return N_("Unknown role: choose preparer, reviewer or officer.")
    return None
