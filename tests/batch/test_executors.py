"""The same sweep on a real Dask LocalCluster (2 workers), a process pool and in this process gives the same
database; a worker killed mid-task does not lose its run."""

import os
import sys
from pathlib import Path

import pytest

from patrolsim.batch.executors import open_pool
from patrolsim.batch.runner import run_sweep
from patrolsim.batch.store import ResultStore
from patrolsim.batch.sweep import load_sweep
from sweep_helpers import TINY, VOLATILE, stable_runs, stable_tables, write

HERE = str(Path(__file__).resolve().parent)


@pytest.fixture(scope="module")
def dask_pool():
    # workers import the test strategy module: put this folder on their path (they inherit the environment)
    sys.path.insert(0, HERE)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, old) if p)
    try:
        with open_pool("dask", workers=2) as pool:
            yield pool
    finally:
        os.environ.pop("PYTHONPATH") if old is None else os.environ.__setitem__("PYTHONPATH", old)


def _sweep(tmp_path, text=TINY):
    return load_sweep(write(tmp_path, text))


def test_serial_process_and_dask_give_identical_results(tmp_path, dask_pool):
    sweep = _sweep(tmp_path)
    stores = {}
    for kind in ("serial", "process", "dask"):
        db = tmp_path / f"{kind}.db"
        with ResultStore(db) as store:
            if kind == "dask":
                outcome = run_sweep(sweep, store, dask_pool)
            else:
                with open_pool(kind, workers=2) as pool:
                    outcome = run_sweep(sweep, store, pool)
        assert outcome.ok == len(sweep.runs) and not outcome.failed
        stores[kind] = db
    with ResultStore(stores["serial"]) as s, ResultStore(stores["process"]) as p, ResultStore(stores["dask"]) as d:
        assert stable_runs(s) == stable_runs(p) == stable_runs(d)
        assert stable_tables(s) == stable_tables(p) == stable_tables(d)
        workers = {r["worker"] for r in d.runs()}
        assert len(workers) == 2 and all(str(os.getpid()) not in w for w in workers)


def test_worker_killed_mid_task_does_not_lose_the_run(tmp_path, dask_pool):
    marker = tmp_path / "killed-once"
    text = (
        TINY.replace('"strategy.name" = ["cr", "hcr"]', '"strategy.name" = ["killer_strategy:KillOnce"]')
        .replace('strategy.name = "cr"', 'strategy.name = "killer_strategy:KillOnce"')
        .replace('"agents.count" = [1, 3]', '"agents.count" = [2]')
        .replace("[axes]", f'strategy.marker = "{marker}"\n[axes]')
        .replace("replications = 2", "replications = 1")
    )
    sweep = _sweep(tmp_path, text)
    assert len(sweep.runs) == 1
    with ResultStore(tmp_path / "k.db") as store:
        outcome = run_sweep(sweep, store, dask_pool)
        rows = store.runs()
    killed_pid = marker.read_text()
    assert outcome.ok == 1 and not outcome.failed
    assert rows[0]["status"] == "ok" and not rows[0]["worker"].endswith(":" + killed_pid)
    # the rerun's results equal a clean in-process run of the same scenario (marker present: no kill)
    with ResultStore(tmp_path / "ref.db") as ref, open_pool("serial") as pool:
        run_sweep(sweep, ref, pool)
        assert stable_runs(ref) == [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]


def test_existing_cluster_from_the_environment(tmp_path, dask_pool, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", dask_pool.address)
    sweep = _sweep(tmp_path, TINY.replace("replications = 2", "replications = 1"))
    with open_pool("dask") as pool, ResultStore(tmp_path / "remote.db") as store:
        assert pool.description.startswith(f"Dask cluster at {dask_pool.address}") and pool.slots >= 1
        outcome = run_sweep(sweep, store, pool)
        assert outcome.ok == 4 and {r["status"] for r in store.runs()} == {"ok"}
