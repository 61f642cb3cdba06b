"""Child process for the start-up benchmark: run an app headless until its first screen is painted, then exit.

    python startup_probe.py tenken DATA_DIR T0     (tenken's home screen)
    python startup_probe.py minimal - T0           (a minimal Textual app: header, a table, footer)

Prints the seconds from T0 (the parent's clock just before spawning) to the first paint, and the peak RSS in MiB.
"""

from __future__ import annotations

import os
import resource
import sys
import time


def main() -> None:
    kind, data_dir, t0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
    explore = len(sys.argv) > 4 and sys.argv[4] == "explore"
    ready: dict[str, float] = {}
    if kind == "minimal":
        from textual.app import App
        from textual.widgets import DataTable, Footer, Header

        class Minimal(App):
            def compose(self):
                yield Header()
                yield DataTable()
                yield Footer()

            def on_mount(self) -> None:
                self.query_one(DataTable).add_columns("a", "b")
                self.call_after_refresh(self._bench_ready)

            def _bench_ready(self) -> None:
                ready["t"] = time.time()
                self.exit()

        Minimal().run(headless=True, size=(120, 36))
    else:
        # Through the real entry point, `tenken` with no arguments, as a user launches it (the parent sets
        # TENKEN_HOME to DATA_DIR).
        from functools import partialmethod

        from textual.app import App

        from tui.app import TenkenApp
        from tui.cli.main import main as tenken_main
        from tui.screens.home import HomeScreen

        original = HomeScreen.on_mount

        def on_mount(self) -> None:
            original(self)
            self.call_after_refresh(self.app.call_later, done, self.app)

        async def done(app) -> None:
            ready["t"] = time.time()
            if explore:  # for the memory figure: open the inspection and the search index too
                from tui.screens.inspection import InspectionScreen

                _ = app.ws.search_index  # built now, so that the memory figure includes it
                firms = app.ws.firms()
                await app.push_screen(InspectionScreen(firms[0].inspections[0].id))
            app.exit()

        HomeScreen.on_mount = on_mount
        TenkenApp.run = partialmethod(App.run, headless=True, size=(120, 36))
        assert os.environ.get("TENKEN_HOME") == data_dir, "the parent sets TENKEN_HOME"
        tenken_main([])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{ready['t'] - t0:.6f} {rss_mb:.1f}")


if __name__ == "__main__":
    main()
