"""Driving sweeps in this process: results database contents, failures recorded, interrupt and resume."""

import sqlite3

import numpy as np
import pytest

from patrolsim.batch.executors import open_pool
from patrolsim.batch.runner import run_sweep
from patrolsim.batch.store import ResultStore
from patrolsim.batch.sweep import load_sweep
from patrolsim.build import make
from patrolsim.scenario import scenario_from_dict
from patrolsim.errors import SweepError
from sweep_helpers import ROOT, TINY, stable_runs, stable_tables, write


def _run(sweep, db, **kw):
    with ResultStore(db) as store, open_pool("serial") as pool:
        return run_sweep(sweep, store, pool, **kw)


def test_database_holds_runs_parameters_metrics_and_tables(tmp_path):
    sweep = load_sweep(write(tmp_path, TINY))
    outcome = _run(sweep, tmp_path / "r.db")
    assert (outcome.ok, outcome.skipped, outcome.failed) == (8, 0, [])
    with ResultStore(tmp_path / "r.db") as store:
        rows = store.runs("tiny")
        assert [r["run_index"] for r in rows] == list(range(8))
        first = rows[0]
        assert first["status"] == "ok" and first["error"] is None and first["version"] == "0.1.0"
        assert first["strategy.name"] == "cr" and first["agents.count"] == 1 and first["agents"] == 1
        assert first["seed"] == sweep.runs[0].seed and first["duration_s"] > 0
        # the stored metrics are exactly those of the same scenario run directly
        direct = make(scenario_from_dict(sweep.runs[0].scenario)).run()
        for name, value in direct.metrics.items():
            assert first[name] == pytest.approx(value, nan_ok=True) if value is not None else first[name] is None
        nodes = store.table("nodes", [first["run_id"]])[first["run_id"]]
        assert np.allclose(nodes["time_avg_idleness"], direct.nodes["time_avg_idleness"])
        series = store.table("timeseries", [first["run_id"]])[first["run_id"]]
        assert np.allclose(series["coverage"], direct.series["coverage"])
        assert store.completed("tiny") == {r.key for r in sweep.runs}


def test_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    text = TINY.replace("agents.count = 1", "agents.count = 1\nagents.starts = [5]")
    sweep = load_sweep(write(tmp_path, text))
    outcome = _run(sweep, tmp_path / "f.db")
    assert outcome.ok == 4 and len(outcome.failed) == 4
    assert all(r.params["agents.count"] == 3 for r, _ in outcome.failed)
    assert all("expected 3 starts" in e for _, e in outcome.failed)
    with ResultStore(tmp_path / "f.db") as store:
        failed = store.runs("tiny", status="failed")
        assert len(failed) == 4 and all("ScenarioError" in r["error"] for r in failed)
        assert store.table("nodes", [r["run_id"] for r in failed]) == {}
    # a rerun retries the failed runs only (they fail again, deterministically)
    again = _run(sweep, tmp_path / "f.db")
    assert again.skipped == 4 and len(again.failed) == 4


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path):
    sweep = load_sweep(write(tmp_path, TINY))
    _run(sweep, tmp_path / "whole.db")
    seen = []

    def interrupt(run, record):
        seen.append(run.key)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(sweep, tmp_path / "part.db", on_result=interrupt)
    with ResultStore(tmp_path / "part.db") as store:
        assert store.completed() == set(seen)
    outcome = _run(sweep, tmp_path / "part.db")
    assert outcome.skipped == 3 and outcome.ok == 5
    with ResultStore(tmp_path / "whole.db") as a, ResultStore(tmp_path / "part.db") as b:
        drop = {"run_index"}  # identical anyway; compared with the rest
        assert [{k: v for k, v in r.items() if k not in drop} for r in stable_runs(a)] == [
            {k: v for k, v in r.items() if k not in drop} for r in stable_runs(b)
        ]
        assert stable_tables(a) == stable_tables(b)


def test_write_is_atomic(tmp_path):
    sweep = load_sweep(write(tmp_path, TINY))
    run = sweep.runs[0]
    record = {
        "status": "ok",
        "run": {},
        "metrics": {"m": 1.0},
        "tables": {"nodes": {"id": np.arange(3), "bad": np.array([object(), 1, 2], dtype=object)}},
    }
    with ResultStore(tmp_path / "a.db") as store:
        with pytest.raises(sqlite3.Error):
            store.write_run("tiny", run, record)
        assert store.runs() == [] and store.table("nodes", [run.key]) == {}


def test_map_axis_keeps_the_written_value_as_parameter(tmp_path):
    text = TINY.replace('"agents.count" = [1, 3]', f'map = ["{ROOT / "maps" / "plaza.json"}", "../../../nowhere.txt"]')
    with pytest.raises(SweepError, match=r"key 'axes.map': value '../../../nowhere.txt': map .* not found"):
        load_sweep(write(tmp_path, text))
    text = TINY.replace(
        '"agents.count" = [1, 3]', f'map = ["{ROOT / "maps" / "plaza.json"}", "{ROOT / "maps" / "open_square.txt"}"]'
    ).replace("replications = 2", "replications = 1")
    sweep = load_sweep(write(tmp_path, text))
    _run(sweep, tmp_path / "m.db")
    with ResultStore(tmp_path / "m.db") as store:
        rows = store.runs()
        assert [r["map"] for r in rows[:2]] == [
            str(ROOT / "maps" / "plaza.json"),
            str(ROOT / "maps" / "open_square.txt"),
        ]
        assert rows[0]["result.map"] != rows[1]["result.map"] and rows[0]["nodes"] != rows[1]["nodes"]


def test_killed_driver_loses_only_runs_in_flight_and_resumes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    # hpcc runs take a few tenths of a second: the sweep is killed (SIGKILL) after its first two are written
    text = TINY.replace('["cr", "hcr"]', '["hpcc", "hcr"]').replace("duration = 120", "duration = 300")
    sweep = load_sweep(write(tmp_path, text))
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "batch",
            str(tmp_path / "sweep.toml"),
            "--out",
            str(db),
            "--serial",
            "-q",
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    done = 0
    while done < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    done = con.execute("SELECT count(*) FROM runs").fetchone()[0]
            except sqlite3.OperationalError:
                pass  # schema not created yet
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with ResultStore(db) as store:
        kept = store.completed()
        assert 2 <= len(kept) < len(sweep.runs)
    outcome = _run(sweep, db)
    assert outcome.skipped == len(kept) and outcome.ok == len(sweep.runs) - len(kept)
    _run(sweep, tmp_path / "whole.db")
    with ResultStore(db) as a, ResultStore(tmp_path / "whole.db") as b:
        assert stable_runs(a) == stable_runs(b) and stable_tables(a) == stable_tables(b)


def test_incident_runs_store_incidents_and_ledgers(tmp_path):
    text = f"""
[sweep]
scenario = "{ROOT / "scenarios" / "mall_security.toml"}"
[base]
duration = 1800
[axes]
"agents.count" = [3]
"""
    sweep = load_sweep(write(tmp_path, text))
    assert _run(sweep, tmp_path / "i.db").ok == 1
    with ResultStore(tmp_path / "i.db") as store:
        row = store.runs()[0]
        direct = make(scenario_from_dict(sweep.runs[0].scenario)).run()
        assert row["incidents_total"] == direct.metrics["incidents_total"] > 0
        assert row["response_mean_s"] == pytest.approx(direct.metrics["response_mean_s"])
        incidents = store.table("incidents", [row["run_id"]])[row["run_id"]]
        assert len(incidents["time_s"]) == len(direct.incidents["time_s"])
        assert np.allclose(incidents["response_s"], direct.incidents["response_s"], equal_nan=True)
        areas = store.table("areas", [row["run_id"]])[row["run_id"]]
        assert np.allclose(areas["patrol_s"], direct.areas["patrol_s"])
