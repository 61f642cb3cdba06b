"""Merges that lose nothing: the change history is the unit of exchange between laptops (and the team database).

Every change to one field of one answer is a row with a UUID, the device and person that made it, a hybrid
logical clock (HLC) stamp, and the UUID of the change to the same field it replaced (its parent, as the writer saw
it). Merging is the union of the rows: commutative, associative and idempotent, so importing twice changes nothing
and the order of exchanges does not matter. A field's value is derived from its *heads* — the changes no other
change replaced. One head: that is the value. Several heads with different values: two people changed the field
without seeing each other's change, and the merge reports a conflict for a person to resolve (nothing is picked
silently). Resolving writes one more change whose parents are all the heads.

The HLC orders changes for display and history without trusting any laptop's clock to be right: a stamp never
goes backwards on a device and always follows every stamp the device has seen.

Pure Python; the store keeps the rows (answer_history) and applies derived values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

#: A clock stamp further ahead of the receiving device's wall clock than this is refused (milliseconds).
MAX_DRIFT_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True, order=True)
class HLC:
    """A hybrid logical clock stamp: wall time in ms, a counter for events within one ms, the device id."""

    wall: int
    counter: int = 0
    device: str = ""

    def text(self) -> str:
        return f"{self.wall:015d}.{self.counter:05d}.{self.device}"

    @staticmethod
    def parse(text: str) -> HLC:
        wall, counter, device = text.split(".", 2)
        return HLC(int(wall), int(counter), device)


@dataclass
class Clock:
    """One device's HLC. `now` is the wall clock in ms; the clock never runs backwards."""

    device: str
    last: HLC = field(default_factory=lambda: HLC(0, 0, ""))

    def tick(self, now: int) -> HLC:
        if now > self.last.wall:
            self.last = HLC(now, 0, self.device)
        else:
            self.last = HLC(self.last.wall, self.last.counter + 1, self.device)
        return self.last

    def observe(self, remote: HLC, now: int) -> None:
        """Receiving a stamp: later local stamps follow it. A stamp too far in the future is refused."""
        if remote.wall > now + MAX_DRIFT_MS:
            raise ValueError("clock stamp too far in the future")
        wall = max(self.last.wall, remote.wall, now)
        if wall == self.last.wall == remote.wall:
            counter = max(self.last.counter, remote.counter)
        elif wall == self.last.wall:
            counter = self.last.counter
        elif wall == remote.wall:
            counter = remote.counter
        else:
            counter = -1  # the next tick on `now` starts at 0
        self.last = HLC(wall, counter, self.device)


@dataclass(frozen=True, slots=True)
class Change:
    """One change of one field of one answer."""

    uid: str
    inspection: str  # the inspection's stable uid
    item_id: str
    field: str
    value: str
    parents: tuple[str, ...]  # the change(s) to this field this one replaced; () for the first
    hlc: HLC
    person: str = ""
    device: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.inspection, self.item_id, self.field)


def legacy_uid(inspection: str, item_id: str, field_name: str, old: str, new: str, changed_at: str, by: str) -> str:
    """The id of a change row written before rows had ids: derived from what it says, the same on every laptop."""
    stamp = changed_at.replace("T", " ")[:19]
    text = "\x1f".join((inspection, item_id, field_name, old, new, stamp, by))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "tenken-history:" + text))


def new_change(
    clock: Clock,
    now: int,
    inspection: str,
    item_id: str,
    field_name: str,
    value: str,
    heads: Iterable[Change],
    person: str = "",
) -> Change:
    """A change made on `clock`'s device, replacing the field's current heads."""
    stamp = clock.tick(now)
    return Change(
        str(uuid.uuid4()),
        inspection,
        item_id,
        field_name,
        value,
        tuple(sorted(h.uid for h in heads)),
        stamp,
        person,
        clock.device,
    )


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two or more people changed one field without seeing each other's change."""

    inspection: str
    item_id: str
    field: str
    heads: tuple[Change, ...]  # latest first

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(h.value for h in self.heads)


@dataclass(frozen=True, slots=True)
class FieldState:
    value: str
    heads: tuple[Change, ...]

    @property
    def conflict(self) -> bool:
        return len({h.value for h in self.heads}) > 1


def union(*histories: Iterable[Change]) -> dict[str, Change]:
    """All rows of all histories, once each (by UUID)."""
    out: dict[str, Change] = {}
    for history in histories:
        for change in history:
            out.setdefault(change.uid, change)
    return out


def heads(changes: Iterable[Change]) -> dict[tuple[str, str, str], tuple[Change, ...]]:
    """Per field: the changes no other change replaced, latest (by HLC) first."""
    by_key: dict[tuple[str, str, str], list[Change]] = {}
    replaced: set[str] = set()
    for c in changes:
        by_key.setdefault(c.key, []).append(c)
        replaced.update(c.parents)
    return {
        key: tuple(sorted((c for c in group if c.uid not in replaced), key=lambda c: c.hlc, reverse=True))
        for key, group in by_key.items()
    }


def derive(changes: Iterable[Change]) -> tuple[dict[tuple[str, str, str], FieldState], list[Conflict]]:
    """Every field's value and the conflicts to resolve. In a conflict the field keeps the latest head's value
    until a person chooses; the conflict lists every head, so nothing is lost."""
    states: dict[tuple[str, str, str], FieldState] = {}
    conflicts: list[Conflict] = []
    for key, hs in heads(changes).items():
        if not hs:  # a cycle cannot arise from new_change; a hostile history is refused before this
            continue
        state = FieldState(hs[0].value, hs)
        states[key] = state
        if state.conflict:
            conflicts.append(Conflict(*key, heads=hs))
    conflicts.sort(key=lambda c: (c.inspection, c.item_id, c.field))
    return states, conflicts


def resolve(clock: Clock, now: int, conflict: Conflict, value: str, person: str = "") -> Change:
    """The change that settles a conflict: it replaces every head."""
    first = conflict.heads[0]
    return new_change(clock, now, first.inspection, first.item_id, first.field, value, conflict.heads, person)


def check_history(changes: Iterable[Change], now: int) -> None:
    """Refuse a history that cannot come from tenken: a parent on another field, a stamp in the far future, a
    cycle. Raises ValueError with the reason."""
    rows = union(changes)
    latest = now + MAX_DRIFT_MS
    for c in rows.values():  # thousands of rows in a merge: the comparisons are written out, no tuples built
        stamp = c.hlc
        if stamp.wall > latest:
            raise ValueError(f"change {c.uid} is stamped too far in the future")
        for p in c.parents:
            parent = rows.get(p)
            if parent is None:
                continue
            if parent.field != c.field or parent.item_id != c.item_id or parent.inspection != c.inspection:
                raise ValueError(f"change {c.uid} replaces a change of another field")
            before = parent.hlc
            if not (
                before.wall < stamp.wall
                or (
                    before.wall == stamp.wall
                    and (
                        before.counter < stamp.counter
                        or (before.counter == stamp.counter and before.device < stamp.device)
                    )
                )
            ):
                raise ValueError(f"change {c.uid} is not later than the change it replaces")
