"""Render the guides' screenshots: drive the TUI on demo data, save SVGs, turn them into PNGs with Chromium.

    .venv/bin/python tests/guide/render.py            # writes tests/__snapshots__/guide/{ja,en}-*.png

Run it after a change to a screen the guides show; tests/test_guides.py checks every picture they reference exists.
Needs Chromium (Debian: `apt-get install chromium`) and a Japanese font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "__snapshots__" / "guide"
SIZE = (110, 32)

# name → keys pressed from the home screen ("_" waits for the screen to settle, "~" for the workers too,
# "text:日本語|English" types the text of the language shot)
SHOTS: dict[str, list[str]] = {
    "home": ["_"],
    "new-firm": ["f", "_"],
    "inspection": ["enter", "_", "pagedown", "pagedown", "_"],
    "training": ["r", "~", "_"],  # the modules are read by a worker
    "why": ["enter", "_", "w", "_"],
    "export": ["enter", "_", "e", "_"],
    "finalize": ["enter", "_", "f", "_"],
    "plan": ["enter", "_", "P", "_"],
    "due": ["o", "_"],
    "search": ["slash", "_", "text:外部委託先の監査|outsourcing audit", "~", "~", "_"],
    "help": ["enter", "_", "question_mark", "_"],
}


async def _shoot(lang: str, name: str, keys: list[str], home: Path) -> str:
    from tui.app import make_app
    from tui.workspace import Workspace

    ws = Workspace(home)
    ws.set_language(lang)
    ws.apply_language()
    app = make_app(ws, warm_corpus=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for key in keys:
                if key == "_":
                    await pilot.pause(0.3)
                elif key == "~":  # the workers (the search index, a search) done
                    await app.workers.wait_for_complete()
                    await pilot.pause(0.3)
                elif key.startswith("text:"):  # typed text: "text:日本語|English"
                    ja, en = key[5:].split("|")
                    await pilot.press(*("space" if c == " " else c for c in (ja if lang == "ja" else en)))
                else:
                    await pilot.press(key)
            await pilot.pause(0.3)
            return app.export_screenshot(title="tenken")
    finally:
        ws.close()


def _png(svg: str, target: Path, chromium: str) -> None:
    # Each span already sits at its cell position; the textLength Rich adds squeezes wide (CJK) characters.
    svg = re.sub(r' textLength="[0-9.]+"', "", svg)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "shot.html"
        page.write_text(
            "<!doctype html><meta charset=utf-8><style>body{margin:0;background:#0c0c0c}"
            "svg{display:block;width:1000px;height:auto}</style>" + svg,
            encoding="utf-8",
        )
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--hide-scrollbars", "--window-size=1000,640",
             f"--screenshot={target}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium is needed to turn the screenshots into PNG (apt-get install chromium).", file=sys.stderr)
        return 1
    sys.path.insert(0, str(REPO))
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        os.environ["TENKEN_HOME"] = str(home)
        from tui.demo import create_demo
        from tui.workspace import Workspace

        ws = Workspace(home)
        create_demo(ws, today=dt.date.today())
        ws.close()
        for lang in ("ja", "en"):
            for name, keys in SHOTS.items():
                if sys.argv[1:] and name not in sys.argv[1:]:  # render.py search why: only those
                    continue
                svg = asyncio.run(_shoot(lang, name, keys, home))
                target = OUT / f"{lang}-{name}.png"
                _png(svg, target, chromium)
                print(target.relative_to(REPO))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
