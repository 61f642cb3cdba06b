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
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    [wheel] = list(dist.glob("tenken-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # Dependencies come from the current environment's wheels cache / index as the user's pip would.
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600, capture_output=True)
    tenken = env_dir / "bin" / "tenken"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "TENKEN_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    version = subprocess.run([str(tenken), "--version"], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert version.returncode == 0 and version.stdout.startswith("tenken ")
    show = subprocess.run(
        [str(tenken), "show", "fsa-notice-2020:5.ro"], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120
    )
    assert show.returncode == 0, show.stderr
    assert "CSIRT" in show.stdout
    # the data folders came from inside the wheel, not from this checkout
    where = subprocess.run(
        [str(py), "-c", "from tui.paths import data_root; print(data_root())"], cwd=elsewhere, capture_output=True,
        text=True, env=env, timeout=60,
    )
    assert "_data" in where.stdout and str(REPO) not in where.stdout
