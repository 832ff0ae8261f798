"""The strategies' kernels (goal search, graph searches, tours) give the same runs compiled with numba
and as plain Python."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(argv, jit):
    """Standard output of ``python *argv`` in a fresh process with PATROLSIM_JIT=jit."""
    env = dict(os.environ, PATROLSIM_JIT=jit, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, check=True, env=env, cwd=ROOT, timeout=300
    ).stdout


def run_json(args, jit):
    data = json.loads(run_python([str(ROOT / "run.py"), "run", *args, "--json", "-", "-q"], jit))
    data["run"].pop("wall_s")
    return data


@pytest.mark.parametrize("strategy", ["risk", "hotspot-dwell"])
def test_compiled_and_interpreted_goal_search_agree(strategy):
    args = [
        "maps/plaza.json",
        "--strategy",
        strategy,
        "--duration",
        "1800",
        "--agents",
        "2",
        "--set",
        "strategy.tau_s=20",
    ]
    assert run_json(args, "0") == run_json(args, "1")


@pytest.mark.parametrize("strategy", ["hpcc", "cgg", "msp", "dtag", "dtap"])
def test_compiled_and_interpreted_graph_searches_and_tours_agree(strategy):
    args = ["scenarios/plaza.toml", "--strategy", strategy, "--agents", "2"]
    assert run_json(args, "0") == run_json(args, "1")


def test_compiled_and_interpreted_tours_by_graph_searches_agree():
    code = (
        "import numpy as np; from patrolsim.maps.occupancy import grid_map; "
        "from patrolsim.algorithms import tours; tours.MATRIX_MAX = 10; "
        "print(tours.tsp_tour(grid_map('g', np.ones((8, 9), bool)), 5).tolist())"
    )
    assert run_python(["-c", code], "0") == run_python(["-c", code], "1")
