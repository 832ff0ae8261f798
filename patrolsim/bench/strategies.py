"""Set-up time and decision rate of the global strategies on a 10,000-node map.

``python -c "from patrolsim.bench.strategies import bench_global_strategies; bench_global_strategies()"``
runs hpcc, dtag, dtap, cgg and msp on a 100 x 100 open grid (1 m cells, 1 m/s) with 10 agents and
prints, per strategy, the set-up time (building the Simulation, i.e. the strategy's set-up: tours,
partitions, distance rows) and the strategy decisions per wall-clock second. cgg and msp decide
once per lap, so their arrivals per second are shown too. Targets: set-up < 10 s, >= 5,000
decisions/s. Compile time is excluded by a short warm-up run on a small grid.

``python -m patrolsim.bench.strategies setup`` measures the set-up of every built-in strategy on a
316 x 316 open grid (99,856 nodes) with 10 agents: wall and CPU seconds (the CPU time is what a loaded
machine does not change), and the longest stretch without a progress report (from the start, between
reports, to the end), compile time excluded by a warm-up on a 70 x 70 grid. Targets (issue 12): set-up <= 15 s, and no silence
over 2 s in a set-up that takes longer than that.
"""

from __future__ import annotations

import time

import numpy as np

GLOBAL_STRATEGIES = ("hpcc", "dtag", "dtap", "cgg", "msp")


def _scenario(pmap, strategy: str, agents: int, duration: float):
    from .scenarios import bench_scenario

    return bench_scenario(pmap, strategy, agents, duration, samples=50, windows=(60.0,))


def measure_strategy(strategy: str, side: int = 100, agents: int = 10, duration: float = 3000.0) -> dict:
    """Set-up seconds, decisions, arrivals and their rates for one strategy on a side x side grid."""
    from ..build import make
    from ..jit import COMPILED
    from ..maps.occupancy import grid_map

    make(_scenario(grid_map("warm-up", np.ones((12, 12), dtype=bool)), strategy, 2, 200.0), backend=COMPILED).run()
    pmap = grid_map(f"open {side}x{side}", np.ones((side, side), dtype=bool))
    started = time.perf_counter()
    sim = make(_scenario(pmap, strategy, agents, duration), backend=COMPILED)  # as any large run
    setup_s = time.perf_counter() - started
    result = sim.run()
    decisions, arrivals = result.run["decisions"], result.run["arrivals"]
    return {
        "strategy": strategy,
        "nodes": pmap.n_nodes,
        "agents": agents,
        "setup_s": setup_s,
        "decisions": decisions,
        "decisions_per_s": decisions / sim.wall_s,
        "arrivals_per_s": arrivals / sim.wall_s,
        "wall_s": sim.wall_s,
    }


def bench_global_strategies(
    strategies=GLOBAL_STRATEGIES, side: int = 100, agents: int = 10, duration: float = 3000.0
) -> list[dict]:
    """Print and return set-up time and decisions/s of each global strategy on a 100 x 100 grid."""
    rows = []
    print(
        f"{'strategy':>8} {'nodes':>6} {'agents':>6} {'setup s':>8} {'decisions':>9} {'decisions/s':>11} "
        f"{'arrivals/s':>10}"
    )
    for name in strategies:
        row = measure_strategy(name, side, agents, duration)
        rows.append(row)
        print(
            f"{name:>8} {row['nodes']:>6} {agents:>6} {row['setup_s']:>8.2f} {row['decisions']:>9} "
            f"{row['decisions_per_s']:>11,.0f} {row['arrivals_per_s']:>10,.0f}",
            flush=True,
        )
    return rows


#: set-up target (s) on a 100,000-node map, and the longest silence allowed in a longer set-up
SETUP_TARGET_S = 15.0
SILENCE_TARGET_S = 2.0


def measure_setup(strategy: str, side: int = 316, agents: int = 10) -> dict:
    """Set-up seconds of one strategy on a side x side open grid and its longest silence (s) between
    progress reports."""
    from ..build import make
    from ..jit import COMPILED
    from ..maps.occupancy import grid_map

    # a warm-up past MATRIX_MAX nodes compiles the kernels of large maps too (tours by graph searches)
    warm = grid_map("warm-up", np.ones((70, 70), dtype=bool))
    make(_scenario(warm, strategy, 2, 200.0), progress=_quiet, backend=COMPILED).run()
    pmap = grid_map(f"open {side}x{side}", np.ones((side, side), dtype=bool))
    cpu = time.process_time()
    sim = make(_scenario(pmap, strategy, agents, 100.0), progress=_quiet, backend=COMPILED)
    cpu = time.process_time() - cpu
    marks = np.array([0.0, *sim.setup_progress.times, sim.setup_s])
    return {
        "strategy": strategy,
        "nodes": pmap.n_nodes,
        "agents": agents,
        "setup_s": sim.setup_s,
        "cpu_s": cpu,
        "reports": len(sim.setup_progress.times),
        "longest_silence_s": float(np.diff(marks).max()),
    }


def _quiet(name: str, fraction: float, stage: str) -> None:
    """A progress sink that shows nothing (the reports' times are kept by the Simulation)."""


def bench_setup(strategies=None, side: int = 316, agents: int = 10) -> list[dict]:
    """Print and return :func:`measure_setup` of each strategy (default: every built-in one)."""
    from ..strategies.registry import BUILTIN

    rows = []
    print(
        f"{'strategy':>14} {'nodes':>7} {'agents':>6} {'setup s':>8} {'cpu s':>6} {'reports':>7} {'silence s':>9}  target"
    )
    for name in strategies or list(BUILTIN):
        row = measure_setup(name, side, agents)
        rows.append(row)
        ok = row["setup_s"] <= SETUP_TARGET_S and (
            row["setup_s"] <= SILENCE_TARGET_S or row["longest_silence_s"] <= SILENCE_TARGET_S
        )
        print(
            f"{name:>14} {row['nodes']:>7} {agents:>6} {row['setup_s']:>8.2f} {row['cpu_s']:>6.2f} {row['reports']:>7} "
            f"{row['longest_silence_s']:>9.2f}  {'ok' if ok else 'MISSED'}",
            flush=True,
        )
    return rows


if __name__ == "__main__":  # pragma: no cover
    import sys

    if sys.argv[1:2] == ["setup"]:
        bench_setup(sys.argv[2:] or None)
    else:
        bench_global_strategies()
