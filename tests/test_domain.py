"""Pure domain rules: dates, scoping, references."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.inspection import add_one_month, days_left_text, parse_date
from tui.domain.profile import Profile, SizeThresholds
from tui.domain.refs import kanji_to_int, parse_ref
from tui.i18n import set_language


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 12, 23)),
        (dt.date(2026, 12, 23), dt.date(2027, 1, 23)),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
    ],
)
def test_due_date_is_one_calendar_month_later(received, due):
    assert add_one_month(received) == due


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_due_date_is_28_to_31_days_later(day):
    assert 28 <= (add_one_month(day) - day).days <= 31


def test_days_left_text_in_both_languages():
    today = dt.date(2026, 11, 23)
    set_language("en")
    assert days_left_text(dt.date(2026, 12, 23), today) == "30 days left"
    assert days_left_text(today, today) == "due today"
    assert days_left_text(dt.date(2026, 11, 20), today) == "3 days overdue"
    set_language("ja")
    assert days_left_text(dt.date(2026, 12, 23), today) == "残り30日"


def test_parse_date_forms():
    assert parse_date("2026-12-31") == dt.date(2026, 12, 31)
    assert parse_date("２０２６年１２月３１日") == dt.date(2026, 12, 31)
    assert parse_date("2026/1/5") == dt.date(2026, 1, 5)
    assert parse_date("  ") is None
    with pytest.raises(ValueError):
        parse_date("next week")


def test_size_tiers_follow_thresholds():
    th = SizeThresholds()
    assert [th.tier(n) for n in (1, 49, 50, 299, 300)] == ["small", "small", "medium", "medium", "large"]
    assert SizeThresholds(10, 20).tier(15) == "medium"
    p = Profile(name="x", business=("crypto-exchange",), staff=400, size="small")
    assert p.size_tier == "small"


@pytest.mark.parametrize(
    ("text", "book", "local"),
    [
        ("交換業 第10条第2項", "jvcea-exchange", "10.2"),
        ("10条2項4号", None, "10.2.4"),
        ("第十条", None, "10"),
        ("第 26 条", None, "26"),
        ("art 10(2)", None, "10.2"),
        ("Art. 10(2)(iv)", None, "10.2.4"),
        ("10-2", None, "10.2"),
        ("g10.4", None, "g10.4"),
        ("第10条関係第4項関係", None, "g10.4"),
        ("第3章関係", None, "gch3"),
        ("④ハ", None, "4.ha"),
        ("⑤ロ", None, "5.ro"),
        ("周知文 ⑧ニ", "fsa-notice-2020", "8.ni"),
        ("jvcea-derivatives:27.1.5", "jvcea-derivatives", "27.1.5"),
        ("part2", None, "part2"),
    ],
)
def test_loose_references(text, book, local):
    parsed = parse_ref(text)
    assert parsed is not None and parsed.rulebook == book and parsed.local == local


@given(st.integers(min_value=1, max_value=199))
def test_kanji_numerals_round_trip(n):
    digits = "〇一二三四五六七八九"
    h, t, o = n // 100, (n // 10) % 10, n % 10
    text = (
        ("" if h == 0 else ("百" if h == 1 else digits[h] + "百"))
        + ("" if t == 0 else ("十" if t == 1 else digits[t] + "十"))
        + ("" if o == 0 else digits[o])
    )
    assert kanji_to_int(text) == n


@given(st.text(max_size=40))
def test_parse_ref_never_crashes(text):
    parse_ref(text)
