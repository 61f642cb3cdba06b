"""How the main screens look, in both languages, at a fixed size (SVG snapshots; review them as pictures)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("pinned", "demo")
SIZE = (120, 36)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_inspection(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), press=["enter", "pagedown", "_"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help(snap_compare, app_factory, lang):
    assert snap_compare(app_factory(lang), press=["enter", "_", "question_mark", "_"], terminal_size=SIZE)


def test_article_view(snap_compare, app_factory):
    assert snap_compare(app_factory("ja"), press=["enter", "_", "a", "_"], terminal_size=SIZE)


def test_new_firm_form(snap_compare, app_factory):
    assert snap_compare(app_factory("ja"), press=["f", "_"], terminal_size=(120, 48))
