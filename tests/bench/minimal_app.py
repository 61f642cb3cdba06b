"""The baseline of the terminal start-up benchmark: a minimal Textual app (a header, a Static, a footer).

python minimal_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

TEXT = "A minimal Textual app"


class Minimal(App[None]):
    TITLE = "minimal"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TEXT)
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
