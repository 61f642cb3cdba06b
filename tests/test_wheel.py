"""The built wheel works on its own: installed into a fresh virtualenv, run from outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path):
    dist = tmp_path / "dist"
    # pip builds it in isolation: the build backend (hatchling) comes from the package registry, as for a user
    # running `pip install .`, not from this environment.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = list(dist.glob("tenken-*.whl"))
    from tui import __version__

    assert wheel.name.startswith(f"tenken-{__version__}-")  # the version lives in tui/__init__.py only
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # Its dependencies come from the package registry, resolved from pyproject.toml's ranges as a user's pip would.
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600, capture_output=True
    )
    tenken = env_dir / "bin" / "tenken"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "TENKEN_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    version = subprocess.run(
        [str(tenken), "--version"], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120
    )
    assert version.returncode == 0 and version.stdout.startswith("tenken ")
    show = subprocess.run(
        [str(tenken), "show", "fsa-notice-2020:5.ro"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert show.returncode == 0, show.stderr
    assert "CSIRT" in show.stdout
    # the data folders came from inside the wheel, not from this checkout
    where = subprocess.run(
        [str(py), "-c", "from tui.paths import data_root; print(data_root())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "_data" in where.stdout and str(REPO) not in where.stdout
    # the TUI itself from the wheel: stylesheets, catalogs, templates and the search index all found
    drive = (
        "import asyncio\n"
        "from pathlib import Path\n"
        "from tui.app import make_app\n"
        "from tui.demo import create_demo\n"
        "from tui.workspace import Workspace\n"
        "async def main():\n"
        "    ws = Workspace(Path(r'%s'))\n"
        "    create_demo(ws)\n"
        "    ws.apply_language()\n"
        "    app = make_app(ws, warm_corpus=False)\n"
        "    async with app.run_test(size=(120, 36)) as pilot:\n"
        "        await pilot.press('enter')\n"
        "        await pilot.pause()\n"
        "        inspection = type(app.screen).__name__\n"
        "        await pilot.press('slash', *'クラウド')\n"
        "        await app.workers.wait_for_complete()\n"
        "        await pilot.pause()\n"
        "        print(inspection, type(app.screen).__name__, len(app.screen.hits))\n"
        "    ws.close()\n"
        "asyncio.run(main())\n" % (tmp_path / "tui-home")
    )
    tui = subprocess.run([str(py), "-c", drive], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert tui.returncode == 0, tui.stderr[-2000:]
    first, second, hits = tui.stdout.split()
    assert (first, second) == ("InspectionScreen", "SearchScreen") and int(hits) > 0
