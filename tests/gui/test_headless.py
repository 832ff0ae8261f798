"""The engine and the CLI's headless paths never import pygame; without a display `run.py` says so once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def test_engine_runs_without_pygame():
    code = (
        "import sys\n"
        "from patrolsim.scenario import load_scenario\n"
        "from patrolsim.build import make\n"
        "import patrolsim.gui, patrolsim.gui.session\n"
        "r = make(load_scenario(sys.argv[1], duration=120)).run()\n"
        "assert r.metrics['visits_total'] > 0\n"
        "print('pygame' in sys.modules, 'pygame_gui' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "scenarios" / "office.toml")],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_no_display_prints_one_line_and_runs_headless():
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py")], env=_env(), capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "headless" in lines[0]
    assert "coverage" in out.stdout


def test_gui_command_without_display_is_a_one_line_error():
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "gui", "maps/plaza.json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "patrolsim run" in out.stderr


def test_gui_command_rejects_an_unknown_compare_strategy():
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "gui", "--compare", "nope"],
        env=_env(SDL_VIDEODRIVER="dummy"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "unknown strategy 'nope'" in out.stderr
