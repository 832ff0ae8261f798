"""The engine and the CLI's headless paths never import pygame; without a display `run.py` says so once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_an_unreachable_display_is_no_display_and_runs_headless():
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py")],
        env=_env(DISPLAY=":4173"),  # set, but no X server there: SDL would fall back to an invisible window
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "headless" in lines[0]
    assert "coverage" in out.stdout


def test_an_offscreen_driver_nobody_asked_for_is_no_display(monkeypatch):
    import pygame

    from patrolsim.gui import NoDisplay, init_display

    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(pygame.display, "init", lambda: None)
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "offscreen")
    with pytest.raises(NoDisplay, match="no display"):
        init_display()
    assert init_display(offscreen_ok=True) == "offscreen"  # a scripted --run-to-end accepts it
    monkeypatch.setenv("SDL_VIDEODRIVER", "offscreen")
    assert init_display() == "offscreen"  # asked for


@pytest.mark.parametrize("driver", ["dummy", None])
def test_gui_run_to_end_exports_the_json_patrolsim_run_writes(tmp_path, driver):
    flags = ["scenarios/mall_security.toml", "--duration", "1800", "--agents", "3", "--set", "seed=4"]
    env = _env(SDL_VIDEODRIVER=driver) if driver else _env()
    gui = subprocess.run(
        [sys.executable, "run.py", "gui", *flags, "--run-to-end", "--export-json", str(tmp_path / "gui.json")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert gui.returncode == 0, gui.stderr
    run = subprocess.run(
        [sys.executable, "run.py", "run", *flags, "-q", "--json", str(tmp_path / "run.json")],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    a, b = (json.loads((tmp_path / f"{k}.json").read_text()) for k in ("gui", "run"))
    assert a["metrics"] == b["metrics"] and a["metrics"]["calls"] > 0
    a["run"].pop("wall_s"), b["run"].pop("wall_s")
    assert a == b  # and every table


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--size", "big"], "--size"),
        (["--size", "100x100"], "--size"),
        (["--export-json", "x.json"], "--export-json"),
        (["--agents", "0"], "--agents"),
    ],
)
def test_bad_gui_flags_are_one_line_errors(flags, named):
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "gui", *flags],
        env=_env(SDL_VIDEODRIVER="dummy"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    # (argparse's own errors come after its usage lines, as for every command)
    assert out.returncode == 2 and named in out.stderr.strip().splitlines()[-1] and "Traceback" not in out.stderr
