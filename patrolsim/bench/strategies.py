"""Set-up time and decision rate of the global strategies on a 10,000-node map.

``python -c "from patrolsim.bench.strategies import bench_global_strategies; bench_global_strategies()"``
runs hpcc, dtag, dtap, cgg and msp on a 100 x 100 open grid (1 m cells, 1 m/s) with 10 agents and
prints, per strategy, the set-up time (building the Simulation, i.e. the strategy's set-up: tours,
partitions, distance rows) and the strategy decisions per wall-clock second. cgg and msp decide
once per lap, so their arrivals per second are shown too. Targets: set-up < 10 s, >= 5,000
decisions/s. Compile time is excluded by a short warm-up run on a small grid.
"""

from __future__ import annotations

import time

import numpy as np

GLOBAL_STRATEGIES = ("hpcc", "dtag", "dtap", "cgg", "msp")


def _scenario(pmap, strategy: str, agents: int, duration: float):
    from ..scenario import AgentSpec, Scenario

    spec = AgentSpec(
        count=agents, speeds=(1.0,) * agents, starts="random", sensing_radius=0.0, wait=0.0, pass_through_visits=True
    )
    return Scenario(
        name="bench",
        map=pmap,
        map_path="<generated>",
        duration=duration,
        warmup=0.0,
        seed=1,
        sample_interval=duration / 50.0,
        coverage_windows=(60.0,),
        agents=spec,
        strategy_name=strategy,
        strategy_params={},
        data={},
    )


def measure_strategy(strategy: str, side: int = 100, agents: int = 10, duration: float = 3000.0) -> dict:
    """Set-up seconds, decisions, arrivals and their rates for one strategy on a side x side grid."""
    from ..build import make
    from ..jit import use_compiled
    from ..maps.occupancy import grid_map

    use_compiled()  # the event loop compiled, as for any large run
    make(_scenario(grid_map("warm-up", np.ones((12, 12), dtype=bool)), strategy, 2, 200.0)).run()
    pmap = grid_map(f"open {side}x{side}", np.ones((side, side), dtype=bool))
    started = time.perf_counter()
    sim = make(_scenario(pmap, strategy, agents, duration))
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


if __name__ == "__main__":  # pragma: no cover
    bench_global_strategies()
