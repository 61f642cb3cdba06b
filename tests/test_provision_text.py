"""One way a provision reads, on the command line (`tenken show`) and in the TUI (`a`, the rule browser)."""

from __future__ import annotations

import pytest

from tui.cli.show import render_text
from tui.domain.provision_text import UNOFFICIAL_NOTE, plain_text, provision_lines
from tui.i18n import gettext_in
from tui.screens.article import provision_text

REFS = ("fsa-notice-2020:5", "jvcea-exchange:10", "jvcea-exchange:10.2", "jvcea-epayment:3")


@pytest.fixture(scope="module")
def corpus():
    from tui.content.loader import build_corpus

    return build_corpus()


def _tui_text(corpus, ref: str, lang: str) -> str:
    """What the TUI shows, with each level badge written as the command line writes it."""
    lines = provision_lines(corpus, ref, lang)
    text = provision_text(corpus, ref, lang).plain
    for line in lines:
        for span in line:
            if span.role == "level":
                text = text.replace(f" {span.text} ", f"[{span.text}]", 1)
    return text.rstrip("\n")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("ref", REFS)
def test_show_and_the_tui_say_the_same(corpus, ref: str, lang: str) -> None:
    cli = render_text(corpus, ref, lang)
    tui = _tui_text(corpus, ref, lang)
    cli_head, _sep, cli_rest = cli.partition("\n")
    tui_head, _sep, tui_rest = tui.partition("\n")
    assert cli_head == f"{tui_head}  {ref}"  # the command line also names the ref, to copy
    assert cli_rest.startswith(tui_rest)


def test_notice_items_are_labelled_with_their_kana(corpus) -> None:
    ja = plain_text(provision_lines(corpus, "fsa-notice-2020:5", "ja")).splitlines()
    en = plain_text(provision_lines(corpus, "fsa-notice-2020:5", "en")).splitlines()
    assert any(line.startswith("  ハ．サイバー攻撃に備え") for line in ja)
    assert any(line.startswith("  ハ. ") for line in en)


def test_paragraphs_from_the_second_are_numbered_and_items_are_numbered(corpus) -> None:
    ja = plain_text(provision_lines(corpus, "jvcea-exchange:10", "ja")).splitlines()
    assert ja[1].startswith("会員は、サイバー攻撃に備え")  # the first paragraph has no number
    assert any(line.startswith("2　会員は、サイバー攻撃を受けた場合") for line in ja)
    assert "  (1) 攻撃元のIPアドレスの特定と遮断" in ja


def test_the_unofficial_note_closes_the_english_text_only(corpus) -> None:
    note = gettext_in("en", UNOFFICIAL_NOTE)
    en = render_text(corpus, "jvcea-exchange:10", "en")
    body = plain_text(provision_lines(corpus, "jvcea-exchange:10", "en"))
    assert body.endswith(note)  # after the guideline comments, which are translated too
    assert en.count(note) == 1 and en.index(note) > en.index("Guideline on Art. 10(1)")
    assert note not in render_text(corpus, "jvcea-exchange:10", "ja")
