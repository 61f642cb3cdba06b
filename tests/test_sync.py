"""Merges that lose nothing, checked against random edit sequences on two and three devices.

The ground truth is independent of tui.domain.sync: each simulated device keeps a vector clock, each change
records the vector clock at its creation, and a change happened before another exactly when its vector clock is
dominated. The latest changes to a field are those no other change of that field happened after.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.domain.sync import HLC, Clock, check_history, derive, new_change, resolve, union

FIELDS = ("note", "owner", "status")
ITEMS = ("notice.4.ha", "notice.4.ni")


class Device:
    def __init__(self, name: str, n: int, index: int):
        self.name = name
        self.clock = Clock(name)
        self.rows: dict = {}
        self.vc = [0] * n
        self.index = index
        self.vcs: dict[str, tuple[int, ...]] = {}

    def edit(self, now: int, item: str, field: str, value: str):
        states, _conflicts = derive(self.rows.values())
        state = states.get(("insp", item, field))
        self.vc[self.index] += 1
        change = new_change(self.clock, now, "insp", item, field, value, state.heads if state else ())
        self.rows[change.uid] = change
        self.vcs[change.uid] = tuple(self.vc)
        return change

    def receive(self, other: Device, now: int):
        for uid, c in other.rows.items():
            if uid not in self.rows:
                self.clock.observe(c.hlc, now)
        self.rows = union(self.rows.values(), other.rows.values())
        self.vcs.update(other.vcs)
        self.vc = [max(a, b) for a, b in zip(self.vc, other.vc, strict=True)]


def _before(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True)) and a != b


# A step: ("edit", device, item, field, value) or ("sync", from, to). Clocks: each device's wall clock may be
# skewed by up to ±10 minutes, so the HLC must not rely on laptops agreeing on the time.
edit = st.tuples(
    st.just("edit"), st.integers(0, 2), st.sampled_from(ITEMS), st.sampled_from(FIELDS), st.sampled_from("abc")
)
sync = st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2))
steps = st.lists(st.one_of(edit, edit, sync), min_size=1, max_size=40)
skews = st.tuples(*(st.integers(-600_000, 600_000) for _ in range(3)))


def _run(n: int, plan, skew):
    devices = [Device(f"dev{i}", n, i) for i in range(n)]
    t = 1_800_000_000_000
    made = []
    for step in plan:
        t += 1000
        if step[0] == "edit":
            d = devices[step[1] % n]
            made.append(d.edit(t + skew[d.index], *step[2:]))
        else:
            a, b = devices[step[1] % n], devices[step[2] % n]
            if a is not b:
                b.receive(a, t + skew[b.index])
    return devices, made


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 3), steps, skews)
def test_no_edit_is_lost_and_every_concurrent_change_is_surfaced(n, plan, skew):
    devices, made = _run(n, plan, skew)
    merged = union(*(d.rows.values() for d in devices))
    assert set(merged) == {c.uid for c in made}  # no edit lost
    vcs = {}
    for d in devices:
        vcs.update(d.vcs)
    states, conflicts = derive(merged.values())
    for key in {c.key for c in made}:
        of_field = [c for c in made if c.key == key]
        latest = [c for c in of_field if not any(_before(vcs[c.uid], vcs[o.uid]) for o in of_field)]
        state = states[key]
        assert {h.uid for h in state.heads} == {c.uid for c in latest}
        in_conflict = any(c.item_id == key[1] and c.field == key[2] for c in conflicts)
        assert in_conflict == (len({c.value for c in latest}) > 1)
        if not in_conflict:
            assert state.value == latest[0].value


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 3), steps, skews)
def test_merging_is_idempotent_commutative_and_associative(n, plan, skew):
    devices, _made = _run(n, plan, skew)
    histories = [list(d.rows.values()) for d in devices]
    results = []
    for order in itertools.permutations(range(n)):
        merged = union(*(histories[i] for i in order))
        states, conflicts = derive(merged.values())
        results.append(({k: (s.value, {h.uid for h in s.heads}) for k, s in states.items()}, len(conflicts)))
    assert all(r == results[0] for r in results)
    twice = union(histories[0], histories[0], *histories)
    assert derive(twice.values())[0].keys() == derive(union(*histories).values())[0].keys()


@settings(max_examples=200, deadline=None)
@given(steps, skews)
def test_a_devices_stamps_never_go_backwards_and_follow_what_it_saw(plan, skew):
    devices, made = _run(3, plan, skew)
    for d in devices:
        own = [c.hlc for c in made if c.device == d.name]
        assert own == sorted(own) and len(set(own)) == len(own)
    check_history(made, now=1_900_000_000_000)


def test_the_two_laptop_story_keeps_both_edits():
    """A edits the note of notice.4.ni; a second later B edits only its owner; A imports B's bundle."""
    a, b = Device("laptopA", 2, 0), Device("laptopB", 2, 1)
    a.edit(1000, "notice.4.ni", "note", "")
    b.receive(a, 1000)
    a.edit(5000, "notice.4.ni", "note", "権限は四半期ごとに棚卸し")
    b.edit(6000, "notice.4.ni", "owner", "B: システム部 高橋")
    a.receive(b, 7000)
    states, conflicts = derive(a.rows.values())
    assert states[("insp", "notice.4.ni", "note")].value == "権限は四半期ごとに棚卸し"
    assert states[("insp", "notice.4.ni", "owner")].value == "B: システム部 高橋"
    assert not conflicts


def test_the_same_field_changed_on_both_laptops_is_a_conflict_until_a_person_resolves_it():
    a, b = Device("laptopA", 2, 0), Device("laptopB", 2, 1)
    a.edit(1000, "notice.4.ni", "note", "v1")
    b.receive(a, 1000)
    a.edit(5000, "notice.4.ni", "note", "A's note")
    b.edit(4000, "notice.4.ni", "note", "B's note")  # B's clock is behind: no matter
    a.receive(b, 6000)
    _states, conflicts = derive(a.rows.values())
    assert len(conflicts) == 1 and set(conflicts[0].values) == {"A's note", "B's note"}
    fix = resolve(a.clock, 7000, conflicts[0], "A's note + B's note")
    a.rows[fix.uid] = fix
    states, conflicts = derive(a.rows.values())
    assert not conflicts and states[("insp", "notice.4.ni", "note")].value == "A's note + B's note"
    b.receive(a, 8000)
    assert derive(b.rows.values())[0][("insp", "notice.4.ni", "note")].value == "A's note + B's note"


def test_a_far_future_stamp_is_refused():
    clock = Clock("x")
    try:
        clock.observe(HLC(10**15, 0, "evil"), now=1_800_000_000_000)
    except ValueError:
        return
    raise AssertionError("a stamp decades ahead was accepted")
