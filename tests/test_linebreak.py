"""Japanese line breaking: at phrase boundaries (BudouX), with kinsoku rules, never wider than the line."""

from __future__ import annotations

import budoux
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.widgets.linebreak import NO_LINE_END, NO_LINE_START, quick_offsets, wrap_offsets

SENTENCES = [
    "交換業規則第9条第3項第3号は、組織内CSIRT等の緊急時対応及び早期警戒のための体制を求めています。",
    "リンクは開かず、確認が必要なら公式アプリかブックマークから開き、SMSの画面をスクリーンショットにして報告する。",
    "「出金できない」「ハッキングでは」という投稿が広がり、問い合わせ窓口にも電話が入り始めました。",
    "個人情報保護委員会への速報はおおむね3〜5日以内、確報は30日以内（不正の目的によるものは60日以内）です。",
]


def _lines(text: str, width: int, offsets=wrap_offsets) -> list[str]:
    breaks = offsets(text, width)
    return [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("width", [16, 24, 30, 41])
def test_lines_break_between_phrases_and_never_overflow(text, width):
    phrases = budoux.load_default_japanese_parser().parse(text)
    bounds = {0}
    for p in phrases:
        bounds.add(max(bounds) + len(p))
    breaks = wrap_offsets(text, width)
    lines = _lines(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= width for line in lines)
    widest_phrase = max(cell_len(p) for p in phrases)
    if widest_phrase <= width:
        # a phrase boundary, or one character around it for kinsoku (a bracket pulled along)
        assert all(any(abs(b - x) <= 1 for x in bounds) for b in breaks), (breaks, sorted(bounds))


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("width", [10, 16, 24, 30])
def test_kinsoku_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket(text, width):
    lines = _lines(text, width)
    assert not any(line[0] in NO_LINE_START for line in lines[1:]), lines
    assert not any(line.rstrip()[-1] in NO_LINE_END for line in lines[:-1]), lines


def test_the_old_behaviour_cut_words_in_half():
    """Before BudouX a line could break inside a word: 「緊急時対応」 split as 「緊急時対」/「応」."""
    text = SENTENCES[0]
    for width in range(32, 60):  # wider than the longest phrase, so no phrase needs folding
        joined = ["".join(_lines(text, width))]
        assert joined == [text]
        for line in _lines(text, width)[:-1]:
            assert not line.endswith(("緊急時対", "早期警", "体制を求め")), (width, line)


def test_english_words_stay_whole_and_long_urls_fold():
    english = "Exchange Rules Art. 9(3)(iii) is a best-efforts duty"
    pieces = _lines(english, 20)
    assert "".join(pieces) == english and all(p.strip() in english.split(" ") or " " in p.strip() for p in pieces)
    url = "https://example.com/" + "a" * 50
    assert all(cell_len(line) <= 20 for line in _lines(url, 20))


def test_a_line_of_wide_characters_at_an_odd_width_never_splits_a_character():
    text = "あ" * 21
    lines = _lines(text, 7)
    assert all(cell_len(line) == 6 for line in lines[:-1]) and "".join(lines) == text


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("あいう漢字カナ、。「」（）abc XYZ123.,")), min_size=0, max_size=80),
    st.integers(2, 60),
)
def test_any_text_is_cut_into_lines_that_fit(text, width):
    lines = _lines(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip()) <= width for line in lines)


def _quick_lines(text: str, width: int) -> list[str]:
    return _lines(text, width, quick_offsets)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("あいう漢字カナ、。「」（）abc XYZ123.,…")), min_size=0, max_size=120),
    st.integers(2, 60),
)
def test_quick_breaks_cut_any_text_into_lines_that_fit(text, width):
    """The search list's line breaks: nothing lost, no line wider than the list (spaces at a cut are trimmed)."""
    lines = _quick_lines(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line.rstrip(" ")) <= width for line in lines), lines


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("width", [10, 16, 24, 30])
def test_quick_breaks_keep_kinsoku_and_english_words(text, width):
    lines = _quick_lines(text, width)
    assert not any(line[0] in NO_LINE_START for line in lines[1:]), lines
    assert not any(line.rstrip()[-1] in NO_LINE_END for line in lines[:-1]), lines
    english = "The member shall establish a contingency plan for system failures caused by cyberattacks"
    words = set(english.split(" "))
    if width >= max(len(w) for w in words):  # a word wider than the line is folded, as it must be
        assert all(piece in words for line in _quick_lines(english, width) for piece in line.split())


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_the_inspection_screen_wraps_questions_and_guidance_between_phrases(demo, app_factory, size):
    """The question and the 'what good looks like' text broke anywhere: 「…多段階のサ」 / 「イバーセキュリティ対策…」,
    and a line of guidance started with 「）」 (「…不要なIDの削除」 / 「）、出口対策…」)."""
    from tui.widgets.linebreak import NO_LINE_END, NO_LINE_START

    app = app_factory("ja")
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        bad = []
        for _ in range(len(screen.placed)):
            for wid in ("#question", "#expectation"):
                widget = screen.query_one(wid)
                text = str(widget.content).replace("\n", "")
                lines = ["".join(s.text for s in widget.render_line(y)).rstrip() for y in range(widget.size.height)]
                lines = [line.strip() for line in lines if line.strip()]
                for line in lines:
                    if line[0] in NO_LINE_START or line[-1] in NO_LINE_END:
                        bad.append((screen.placed[screen.current].number, line))
                # every line ends where a phrase ends: joined back together, no line break split a word of
                # katakana (the 「サ」/「イバー」 case) — a line ending in katakana is followed by a non-katakana one
                for a, b in zip(lines, lines[1:], strict=False):
                    if _katakana(a[-1]) and _katakana(b[0]) and (a[-1] + b[0]) in text:
                        bad.append((screen.placed[screen.current].number, a + " / " + b))
            await pilot.press("pagedown")
            await pilot.pause()
        assert not bad, bad[:5]


def _katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "ー"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_notifications_wrap_between_phrases(demo, app_factory, size):
    """Moving an inspection to the trash said 「…自主点検（20」 / 「20年周知文）をごみ箱に移しました。」 in its
    toast."""
    app = app_factory("ja")
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        message = (
            "株式会社サンプル の点検 #1 オンライン取引に係るシステムリスク管理態勢の自主点検（2020年周知文）を"
            "ごみ箱に移しました。z で元に戻せます。"
        )
        app.notify(message, title="お知らせ", timeout=30)
        await pilot.pause(0.3)
        toast = app.screen.query_one("Toast")
        painted = app.screen._compositor.render_strips()
        region = toast.content_region
        lines = [painted[y].crop(region.x, region.right).text.strip() for y in range(region.y, region.bottom)]
        lines = [line for line in lines if line]
        assert lines[0] == "お知らせ"
        assert "".join(lines[1:]).replace(" ", "") == message.replace(" ", "")  # nothing lost
        for a, b in zip(lines[1:], lines[2:], strict=False):
            assert not (a[-1].isdigit() and b[0].isdigit()), lines
            assert b[0] not in NO_LINE_START and a[-1] not in NO_LINE_END, lines
