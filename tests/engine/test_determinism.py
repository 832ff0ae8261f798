"""Same scenario and seed: identical results, in another process and compiled or not."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_json(args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "run", *args, "--json", "-", "-q"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    data = json.loads(out.stdout)
    data["run"].pop("wall_s")
    return data


def test_two_processes_agree_bit_for_bit():
    args = ["scenarios/office.toml", "--strategy", "random", "--duration", "600", "--agents", "3"]
    assert run_json(args) == run_json(args)


def test_compiled_and_interpreted_loops_agree():
    args = ["scenarios/office.toml", "--strategy", "hcr", "--duration", "600", "--seed", "7"]
    assert run_json(args, {"PATROLSIM_JIT": "0"}) == run_json(args, {"PATROLSIM_JIT": "1"})


def test_another_seed_gives_another_run():
    args = ["scenarios/office.toml", "--strategy", "random", "--duration", "600"]
    assert run_json(args + ["--seed", "1"])["metrics"] != run_json(args + ["--seed", "2"])["metrics"]
