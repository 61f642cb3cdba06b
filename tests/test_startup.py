"""The first screen: what `tenken` shows when it starts, and that the start-up shortcuts change nothing a user sees."""

from __future__ import annotations

import pytest
from textual.widgets import Footer

from tui.domain.profile import Profile
from tui.screens.home import HomeScreen
from tui.screens.inspection import InspectionScreen

pytestmark = pytest.mark.usefixtures("pinned")


def _footer_text(app) -> str:
    return " ".join(str(k.render()) for k in app.screen.query(Footer).first().query("FooterKey"))


async def test_a_firm_name_with_brackets_is_shown_as_written(ws, app_factory):
    """Names are text, never Rich markup: "[bold]" stays on screen and ":smile:" stays a word."""
    ws.add_firm(Profile(name="[bold]株式会社カッコ[/bold] :smile:", business=("online-securities",), staff=5))
    app = app_factory("ja")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
    assert "[bold]株式会社カッコ[/bold]" in screen.replace("&#160;", " ")
    assert ":smile:" in screen


async def test_home_keys_follow_the_first_firm(app_factory):
    """The footer shows Open and New inspection only once there is a firm: loading the demo from an empty home
    brings them (the footer is rebuilt when its keys change, not on every notice)."""
    app = app_factory("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        before = _footer_text(app)
        assert "New firm" in before and "Open" not in before and "New inspection" not in before
        await pilot.press("d")
        await pilot.pause()
        await pilot.pause()
        after = _footer_text(app)
        assert "Open" in after and "New inspection" in after


async def test_home_is_where_escape_and_go_home_lead(demo, app_factory):
    app = app_factory("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
        app.go_home()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Next item" not in _footer_text(app) and "Open" in _footer_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
