"""The rule for merging answers from another laptop (tui.domain.merge): newer wins per item, nothing is lost."""

from __future__ import annotations

import datetime as dt

from tui.domain.inspection import Answer, Evidence, HistoryEntry
from tui.domain.merge import evidence_json, merge_answers

BOTH_DATABASES = True  # the tests with `ws` run on SQLite and on PostgreSQL (tests/conftest.py)

T0 = dt.datetime(2026, 11, 20, 9, 0)
T1 = dt.datetime(2026, 11, 21, 9, 0)


def test_the_newer_answer_wins_and_each_changed_field_is_recorded():
    ours = {"a": Answer("a", status="partial", note="ours", updated_at=T0)}
    plan = merge_answers(ours, [Answer("a", status="compliant", note="theirs", updated_at=T1)])
    assert [a.note for a in plan.updated] == ["theirs"]
    assert {(c.field, c.old, c.new) for c in plan.changes} == {
        ("status", "partial", "compliant"),
        ("note", "ours", "theirs"),
    }
    assert plan.kept == [] and plan.added == []


def test_an_older_or_undated_answer_from_the_bundle_leaves_ours_and_says_so():
    ours = {"a": Answer("a", note="ours", updated_at=T1), "b": Answer("b", note="same", updated_at=T1)}
    incoming = [Answer("a", note="older", updated_at=T0), Answer("b", note="same", updated_at=T0)]
    plan = merge_answers(ours, incoming)
    assert plan.updated == [] and plan.changes == []
    assert plan.kept == ["a"]  # b is the same: nothing to report
    assert merge_answers(ours, [Answer("a", note="undated")]).kept == ["a"]


def test_items_only_the_bundle_has_are_added_as_they_came():
    plan = merge_answers({}, [Answer("new", note="x", updated_at=T0)])
    assert [a.item_id for a in plan.added] == ["new"]


def test_history_already_here_is_not_appended_twice():
    entry = HistoryEntry("a", "note", "", "x", T0, "佐藤")
    other = HistoryEntry("a", "note", "x", "y", T1, "鈴木")
    plan = merge_answers({}, [], local_history=[entry], incoming_history=[entry, other])
    assert plan.history == [other]


def test_a_file_this_laptop_recorded_stays_checkable_after_the_other_laptop_sends_it_back():
    own = Evidence("規程", "/home/me/kitei.pdf", "0" * 64)
    came_back = Evidence("規程", "/home/me/kitei.pdf", "0" * 64, origin="bundle")
    ours = {"a": Answer("a", note="old", evidence=(own,), updated_at=T0)}
    plan = merge_answers(ours, [Answer("a", note="new", evidence=(came_back,), updated_at=T1)])
    assert plan.updated[0].evidence == (own,)
    assert [c.field for c in plan.changes] == ["note"]  # the origin mark alone is no change


def test_evidence_is_stored_with_its_origin():
    assert '"origin": "bundle"' in evidence_json([Evidence("x", "/p", None, "bundle")])
    assert "origin" not in evidence_json([Evidence("x", "/p", None)])


def test_a_bundle_may_carry_changes_to_exactly_the_fields_that_are_merged():
    """The bundle schema spells the merged fields out for its validator (a Literal); they are the domain's list."""
    from typing import get_args

    from tui.content.bundle_schema import Field_
    from tui.domain.merge import MERGED_FIELDS

    assert get_args(Field_) == MERGED_FIELDS
