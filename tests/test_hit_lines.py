"""Search hits as the result list draws them: laid out once per width, highlights on the matched characters,
text shown as text."""

from __future__ import annotations

import pytest
from textual.style import Style
from textual.visual import RenderOptions

from tui.widgets.hit_lines import HitLines

SNIPPET = "…会員は、システムに係るリスク管理が、外部委託先任せにならないように、委託元として要員を配置する。"


def _render(hit: HitLines, width: int):
    options = RenderOptions(Style.parse, {}, None, None)
    return hit.render_strips(width, None, Style(), options)


@pytest.mark.parametrize("width", [20, 37, 78, 116])
def test_every_line_fits_and_the_height_is_what_is_drawn(width):
    hit = HitLines("規定", "交換業規則 第26条 外部委託先のモニタリング", SNIPPET, ((11, 14),), ((19, 24),))
    strips = _render(hit, width)
    assert hit.get_height({}, width) == len(strips) >= 2
    assert all(strip.cell_length <= width for strip in strips)
    drawn = "".join(strip.text.strip() for strip in strips)
    assert drawn.replace(" ", "") == hit.plain.replace("\n", "").replace(" ", "")  # nothing lost or repeated
    title_lines = HitLines("規定", "交換業規則 第26条 外部委託先のモニタリング", "").get_height({}, width)
    assert all(strip.text.startswith("  ") for strip in strips[title_lines:])  # the snippet indented


def test_highlights_fall_on_the_matched_characters():
    hit = HitLines(
        "規定", "交換業規則 第26条", SNIPPET, ((0, 3),), ((SNIPPET.index("外部委託先"), SNIPPET.index("任せ")),)
    )
    strips = _render(hit, 200)
    marked = ["".join(seg.text for seg in strip if seg.style and seg.style.reverse) for strip in strips]
    assert marked == ["交換業", "外部委託先"]


def test_markup_and_control_characters_are_text():
    hit = HitLines("lesson", "[b]bold[/b] [link=https://evil.example]x[/link]", "a\x1b[2Jb\nc\x9bd")
    strips = _render(hit, 120)
    text = "\n".join(strip.text for strip in strips)
    assert "[b]bold[/b] [link=https://evil.example]x[/link]" in text
    assert not any(ch in text for ch in "\x1b\x9b") and "a [2Jb c d" in text
    assert len(strips) == 2  # the newline inside the snippet does not make a line of its own
