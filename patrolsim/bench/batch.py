"""Batch benchmark (``patrolsim bench-batch``): how a sweep scales from 1 to N Dask workers, and the
per-task overhead of the batch machinery.

- Scaling: a sweep of ``runs`` identical-cost runs (office floor, 4 agents, ``cr``, simulated duration
  calibrated in this process so one run takes about ``run_seconds`` of wall time) on a LocalCluster with 1
  worker, then with N. Timed from the first submission to the last result written (cluster start-up is
  reported separately; worker start-up, imports and every database write are included). Each task's CPU
  time is printed as a share of its wall time: well below 100% means other processes took the cores, and
  the ratio then says more about the machine's load than about the batch machinery.
- Machine ceiling: a few of the same runs in plain processes (no Dask, no database), N processes against
  one: on a shared machine this says how much parallel speed-up the cores give at the moment.
- Overhead: ``overhead_runs`` near-empty runs (1 simulated second on a 30 x 30 grid) on 1 worker;
  overhead per task = (wall time - sum of the tasks' own durations) / runs: scheduling, transfer, the
  driver's SQLite transaction and the progress bookkeeping.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ..batch.executors import default_workers, open_pool
from ..batch.runner import run_sweep
from ..batch.store import ResultStore
from ..batch.sweep import Sweep, sweep_from_dict
from ..data import folder


def bench_sweep(where: Path, name: str, replications: int, map_name: str, duration: float, agents: int) -> Sweep:
    """A sweep of ``replications`` runs of one configuration (seeds differ)."""
    data = {
        "sweep": {"name": name, "replications": replications, "root_seed": 1},
        "base": {
            "map": str(folder("maps") / map_name),
            "duration": duration,
            "seed": 0,
            "agents": {"count": agents},
            "strategy": {"name": "cr"},
        },
    }
    return sweep_from_dict(data, source=where / f"{name}.toml")


def calibrate(run_seconds: float) -> float:
    """Simulated seconds of the benchmark scenario that take about ``run_seconds`` of wall time here."""
    from ..build import make
    from ..scenario import scenario_from_dict

    def wall(duration: float) -> float:
        started = time.perf_counter()
        make(scenario_from_dict(_bench_data(duration))).run()
        return time.perf_counter() - started

    wall(600.0)  # compile / load the kernel
    duration = 50_000.0
    for _ in range(3):
        duration *= run_seconds / max(min(wall(duration), wall(duration)), 1e-3)
    return round(duration, -2)


def _bench_data(duration: float, seed: int = 0) -> dict:
    return {
        "map": str(folder("maps") / "office.txt"),
        "duration": duration,
        "seed": seed,
        "agents": {"count": 4},
        "strategy": {"name": "cr"},
    }


def _plain_runs(duration: float, seeds: list[int]) -> float:
    """Wall seconds of running the benchmark scenario once per seed in this process (after a warm-up)."""
    from ..build import make
    from ..scenario import scenario_from_dict

    make(scenario_from_dict(_bench_data(600.0))).run()
    started = time.perf_counter()
    for seed in seeds:
        make(scenario_from_dict(_bench_data(duration, seed))).run()
    return time.perf_counter() - started


def machine_ceiling(duration: float, runs: int, workers: int) -> float:
    """Wall-time ratio of ``runs`` plain runs split over ``workers`` processes to the same runs in one
    process (no Dask, no database): what this machine allows at the moment, the bound for the batch."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    seeds = list(range(runs))
    with ctx.Pool(workers) as pool:
        pool.starmap(_plain_runs, [(600.0, [])] * workers)  # start and warm every process
        one = pool.apply(_plain_runs, (duration, seeds))
        started = time.perf_counter()
        pool.starmap(_plain_runs, [(duration, seeds[i::workers]) for i in range(workers)])
        many = time.perf_counter() - started
    return many / one


def timed_sweep(sweep: Sweep, db: Path, workers: int) -> tuple[float, float, float, float]:
    """(cluster start-up s, sweep wall s, sum of the tasks' wall s, sum of their CPU s) on a LocalCluster."""
    started = time.perf_counter()
    with open_pool("dask", workers) as pool:
        up = time.perf_counter() - started
        with ResultStore(db) as store:
            t0 = time.perf_counter()
            outcome = run_sweep(sweep, store, pool)
            wall = time.perf_counter() - t0
            rows = store.runs()
    if outcome.failed:
        raise RuntimeError(f"benchmark runs failed: {outcome.failed[0][1]}")
    return up, wall, sum(r["duration_s"] for r in rows), sum(r["cpu_s"] for r in rows)


def run_batch_bench(
    runs: int = 200, run_seconds: float = 1.0, workers: int | None = None, overhead_runs: int = 200, out=print
) -> dict:
    """Measure and print scaling (1 vs ``workers`` workers) and per-task overhead; returns the figures."""
    workers = workers or default_workers()
    duration = calibrate(run_seconds)
    out(
        f"benchmark run: office floor, 4 agents, cr, {duration:,.0f} simulated s (~{run_seconds:g} s wall "
        f"in this process); {runs} runs per sweep"
    )
    figures: dict = {"duration_sim_s": duration}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        walls = {}
        for w in sorted({1, workers}):
            sweep = bench_sweep(scratch, f"scale{w}", runs, "office.txt", duration, 4)
            up, wall, busy, cpu = timed_sweep(sweep, scratch / f"scale{w}.db", w)
            walls[w] = wall
            out(
                f"  {w} worker{'s' if w > 1 else ' '}: {wall:7.1f} s wall ({runs / wall:5.2f} runs/s; mean task "
                f"{busy / runs:.3f} s wall, {cpu / runs:.3f} s CPU = {cpu / busy:.0%} of a core; cluster start "
                f"{up:.1f} s)"
            )
            figures[f"wall_{w}_workers_s"] = wall
        if workers > 1:
            ratio = walls[workers] / walls[1]
            figures["ratio"] = ratio
            out(f"  {workers} workers / 1 worker = {ratio:.3f} (target <= 0.6)")
            ceiling = machine_ceiling(duration, min(runs, 4 * workers), workers)
            figures["machine_ratio"] = ceiling
            out(
                f"  the same runs in {workers} plain processes / 1 process (no Dask, no database): "
                f"{ceiling:.3f}, what the machine allows right now"
            )
        sweep = bench_sweep(scratch, "overhead", overhead_runs, "open_square.txt", 1.0, 1)
        _, wall, busy, _ = timed_sweep(sweep, scratch / "overhead.db", 1)
        per_task = (wall - busy) / overhead_runs
        figures["overhead_ms"] = 1000.0 * per_task
        out(
            f"per-task overhead (1 worker, {overhead_runs} near-empty runs): {1000 * per_task:.1f} ms "
            f"(wall {wall:.2f} s, tasks' own time {busy:.2f} s; target < 20 ms)"
        )
    return figures
