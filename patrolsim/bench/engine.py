"""`patrolsim bench`: agent-decisions per second and peak memory on open grids.

Cases (cell 1 m, speed 1 m/s, every metric on): 50x50 with 10 agents for 10,000 s, 100x100 with 50
agents for 2,000 s and 200x200 with 100 agents for 500 s, for the strategies random and cr.
``--large`` adds the 1,000 x 1,000 grid with 100 agents (memory check). Each case runs in a fresh
process so its peak memory (ru_maxrss) is its own; compile time is excluded by a warm-up run.
"""

from __future__ import annotations

import json
import subprocess
import sys

CASES = [(50, 10, 10_000.0), (100, 50, 2_000.0), (200, 100, 500.0)]
LARGE = (1000, 100, 200.0)
STRATEGIES = ("random", "cr")


def measure(side: int, agents: int, duration: float, strategy: str) -> dict:
    """Run one case in this process; return decisions/s, wall time and peak memory."""
    import resource
    import time

    import numpy as np

    from .. import jit
    from ..build import make
    from ..maps.occupancy import grid_map
    from ..scenario import Scenario
    from .scenarios import bench_scenario

    def scenario(d: float, pmap) -> Scenario:
        return bench_scenario(pmap, strategy, agents, d, samples=200, windows=(60.0, 300.0))

    # the benchmark measures the compiled loop, whatever the run size
    tiny = grid_map("tiny", np.ones((4, 4), dtype=bool))
    make(scenario(5.0, tiny), backend=jit.COMPILED).run()  # compile / load the cached kernel outside the timing
    t_load = time.perf_counter()
    pmap = grid_map(f"open {side}x{side}", np.ones((side, side), dtype=bool))
    load_s = time.perf_counter() - t_load
    t_setup = time.perf_counter()
    sim = make(scenario(duration, pmap), backend=jit.COMPILED)
    setup_s = time.perf_counter() - t_setup
    result = sim.run()
    decisions = result.run["decisions"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "grid": f"{side}x{side}",
        "agents": agents,
        "duration_s": duration,
        "strategy": strategy,
        "decisions": decisions,
        "wall_s": round(sim.wall_s, 3),
        "decisions_per_s": round(decisions / sim.wall_s),
        "map_build_s": round(load_s, 3),
        "setup_s": round(setup_s, 3),
        "peak_mb": round(peak_mb, 1),
    }


def run_benchmarks(quick: bool = False, large: bool = False) -> list[dict]:
    """Run every case in its own process and print a table; returns the rows."""
    cases = [(s, a, d / 20.0 if quick else d) for s, a, d in CASES]
    if large:
        cases.append(LARGE)
    rows = []
    print(
        f"{'grid':>10} {'agents':>6} {'sim s':>7} {'strategy':>8} {'decisions':>11} {'wall s':>8} "
        f"{'decisions/s':>12} {'map s':>6} {'setup s':>8} {'peak MB':>8}"
    )
    for side, agents, duration in cases:
        for strategy in STRATEGIES:
            code = (
                f"import json; from patrolsim.bench.engine import measure; "
                f"print(json.dumps(measure({side}, {agents}, {duration}, {strategy!r})))"
            )
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"{row['grid']:>10} {agents:>6} {duration:>7g} {strategy:>8} {row['decisions']:>11,} "
                f"{row['wall_s']:>8.3f} {row['decisions_per_s']:>12,} {row['map_build_s']:>6.2f} {row['setup_s']:>8.3f} {row['peak_mb']:>8.0f}",
                flush=True,
            )
    return rows
