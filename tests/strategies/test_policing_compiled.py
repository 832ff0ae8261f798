"""The goal search gives the same runs compiled with numba and as plain Python."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_json(args, jit):
    env = dict(os.environ, PATROLSIM_JIT=jit, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(ROOT / "run.py"), "run", *args, "--json", "-", "-q"],
                         capture_output=True, text=True, check=True, env=env, cwd=ROOT, timeout=300)
    data = json.loads(out.stdout)
    data["run"].pop("wall_s")
    return data


@pytest.mark.parametrize("strategy", ["risk", "hotspot-dwell"])
def test_compiled_and_interpreted_goal_search_agree(strategy):
    args = ["maps/plaza.json", "--strategy", strategy, "--duration", "1800", "--agents", "2",
            "--set", "strategy.tau_s=20"]
    assert run_json(args, "0") == run_json(args, "1")
