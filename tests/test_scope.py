"""Scoping a firm profile: what applies, why, never a shall duty dropped for size, shared duties asked once."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from tests.test_duties import is_covered
from tui.content.loader import build_corpus, load_templates
from tui.domain.profile import BUSINESS_LINES, CHARACTERISTICS, OUTSOURCING, SIZE_TIERS, Profile
from tui.domain.scope import scope, template_order

CORPUS = build_corpus()
TEMPLATES, _PROBLEMS = load_templates(CORPUS)
RULE_TEMPLATES = [t for t in ("jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp") if t in TEMPLATES]
ALL = template_order([TEMPLATES[t] for t in TEMPLATES if not t.endswith("-part2")])

profiles = st.builds(
    Profile,
    name=st.just("x"),
    business=st.lists(st.sampled_from(BUSINESS_LINES), min_size=1, max_size=5, unique=True).map(tuple),
    staff=st.integers(min_value=1, max_value=2000),
    size=st.none() | st.sampled_from(SIZE_TIERS),
    outsourcing=st.sampled_from(OUTSOURCING),
    **{c: st.booleans() for c in CHARACTERISTICS},
)


def in_scope(profile: Profile) -> set[str]:
    return {s.item.id for s in scope(profile, ALL, CORPUS) if s.included}


@settings(max_examples=60, deadline=None)
@given(profiles, st.sampled_from(BUSINESS_LINES))
def test_adding_a_business_line_never_removes_an_item(profile, line):
    bigger = replace(profile, business=tuple(dict.fromkeys(profile.business + (line,))))
    assert in_scope(profile) <= in_scope(bigger)


@settings(max_examples=60, deadline=None)
@given(profiles, st.sampled_from(CHARACTERISTICS + ("outsourcing",)))
def test_adding_a_characteristic_never_removes_an_item(profile, characteristic):
    if characteristic == "outsourcing":
        more = OUTSOURCING[min(OUTSOURCING.index(profile.outsourcing) + 1, len(OUTSOURCING) - 1)]
        bigger = replace(profile, outsourcing=more)
    else:
        bigger = replace(profile, **{characteristic: True})
    assert in_scope(profile) <= in_scope(bigger)


@settings(max_examples=40, deadline=None)
@given(profiles)
def test_shall_items_are_included_for_every_size(profile):
    """A duty the firm's own rulebooks state with しなければならない is required whatever the firm's size."""
    from tui.domain.text import strongest

    by_size = {size: {s.item.id: s for s in scope(replace(profile, size=size), ALL, CORPUS)} for size in SIZE_TIERS}
    for item_id, small in by_size["small"].items():
        own_level = strongest([CORPUS.effective_level(r) for r in small.cites if r in CORPUS])
        if own_level != "shall":
            continue
        for size in SIZE_TIERS:
            scoped = by_size[size][item_id]
            assert scoped.included == small.included, item_id  # size never includes or excludes
            if scoped.included:
                assert scoped.level == "required", (item_id, size)


@settings(max_examples=30, deadline=None)
@given(profiles)
def test_scope_is_deterministic_and_in_template_order(profile):
    first = [(s.item.id, s.included, s.level, s.merged_into) for s in scope(profile, ALL, CORPUS)]
    again = [(s.item.id, s.included, s.level, s.merged_into) for s in scope(profile, ALL, CORPUS)]
    assert first == again
    order = [i.id for t in ALL for i in t.items()]
    ids = [i for i, *_ in first]
    assert ids == sorted(ids, key=order.index)


def test_conditional_provisions_follow_their_condition():
    base = Profile(name="x", business=("crypto-exchange",), staff=10)
    items = {s.item.id: s for s in scope(base, ALL, CORPUS)}
    cloud = [i for i, s in items.items() if any(c.field == "uses_cloud" for c in s.item.conditions)]
    assert cloud and all(not items[i].included for i in cloud)
    with_cloud = {s.item.id: s for s in scope(replace(base, uses_cloud=True), ALL, CORPUS)}
    assert all(with_cloud[i].included for i in cloud)
    reason = with_cloud[cloud[0]].reason_text("ja")
    assert "クラウド" in reason and ":" in reason  # names the fact and the provision


def test_excluded_items_stay_visible_with_their_reason():
    base = Profile(name="x", business=("online-securities",), staff=10)
    excluded = [s for s in scope(base, ALL, CORPUS) if not s.included]
    assert excluded and all(s.reason_text("en").startswith("excluded") for s in excluded)


def test_a_firm_under_two_regimes_answers_a_shared_duty_once():
    both = Profile(name="x", business=("crypto-exchange", "online-securities"), staff=10, online_transactions=True)
    scoped = scope(both, ALL, CORPUS)
    asked = [s for s in scoped if s.asked]
    cited = [r for s in asked for r in s.cites]
    merged = [s for s in scoped if s.merged_into]
    assert merged, "the notice's CSIRT item should be answered through the JVCEA items"
    for s in merged:
        assert all(r in cited for r in s.cites if r.split(":")[0] in both.rulebooks)


@pytest.mark.parametrize("slug", ["jvcea-exchange", "jvcea-derivatives", "jvcea-epayment", "fsi-bcp"])
def test_every_duty_of_every_rulebook_is_cited_by_an_item(slug):
    cited = {r for t in TEMPLATES.values() for i in t.items() for r in i.cites}
    uncovered = []
    for p in CORPUS.provisions.values():
        if (
            p.rulebook != slug
            or p.kind not in ("paragraph", "item")
            or p.level not in ("shall", "endeavor", "consider")
        ):
            continue
        if not is_covered(p.ref, cited):
            uncovered.append(p.ref)
    assert not uncovered, uncovered


def test_every_item_cites_and_every_condition_names_a_profile_field():
    fields = set(Profile.__dataclass_fields__) | {"size", "has_contractors"}  # derived facts Profile.value gives
    for t in TEMPLATES.values():
        for item in t.items():
            assert item.cites, item.id
            assert all(c.field in fields for c in item.conditions), item.id
            assert item.question.ja.endswith(("か。", "か？")), item.id
            assert item.question.en.endswith("?"), item.id


def test_cli_scope_json(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: 株式会社テスト\nbusiness: [crypto-exchange]\nstaff: 12\nuses_cloud: true\n", encoding="utf-8"
    )
    proc = run_cli("scope", "--profile", str(profile), "--template", "jvcea-exchange", "--all", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all({"id", "refs", "level", "reason"} <= set(r) for r in rows)
    assert any(r["excluded"] for r in rows) and any(not r["excluded"] for r in rows)
