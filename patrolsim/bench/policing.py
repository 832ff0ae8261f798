"""Speed of the policing strategies on a 10,000-node map: set-up seconds and decisions per second.

Run: ``python -m patrolsim.bench_policing`` (``--quick`` for a short smoke run). The lead's
``patrolsim bench`` can call :func:`policing_benchmarks` and print its rows.
"""

from __future__ import annotations

import dataclasses
import sys
import time

import numpy as np

from ..maps.model import PatrolMap
from ..maps.occupancy import grid_map
from ..scenario import scenario_from_dict

STRATEGIES = ("risk", "hotspot-dwell", "proportional", "posts")


def risk_grid(side: int = 100) -> PatrolMap:
    """A side x side open grid (1 m cells) with three Gaussian hot spots: weights 1 to 10."""
    rr, cc = np.mgrid[0:side, 0:side] / side
    centres = [(0.2, 0.3), (0.7, 0.8), (0.5, 0.4)]
    bumps = sum(np.exp(-((rr - y) ** 2 + (cc - x) ** 2) / 0.005) for y, x in centres)
    return grid_map(
        f"risk grid {side}x{side}", np.ones((side, side), bool), cell_weights=1.0 + 9.0 * np.clip(bumps, 0.0, 1.0)
    )


def policing_benchmarks(quick: bool = False, side: int = 100, agents: int = 8) -> list[dict]:
    """One row per strategy over ``duration`` simulated seconds: nodes; setup_s, setup_cpu_s
    (Simulation construction incl. strategy set-up, wall and CPU seconds); decisions; run_s, cpu_s (wall
    and CPU seconds of the run; CPU time is steadier on a busy machine); decisions_per_s (per wall s)."""
    from .. import jit
    from ..build import make

    pmap = risk_grid(side)
    duration = 600.0 if quick else 7200.0
    rows = []
    for name in STRATEGIES:
        base = scenario_from_dict(
            {
                "map": "open_square.txt",
                "duration": duration,
                "seed": 1,
                "agents": {"count": agents, "starts": "random"},
                "strategy": {"name": name},
            },
            base_dir=_maps_dir(),
        )
        wall, cpu = time.perf_counter(), time.process_time()
        sim = make(dataclasses.replace(base, map=pmap), backend=jit.COMPILED)  # the compiled search, whatever the size
        setup_s, setup_cpu_s = time.perf_counter() - wall, time.process_time() - cpu
        cpu = time.process_time()
        result = sim.run()
        cpu_s = time.process_time() - cpu
        run_s, decisions = result.run["wall_s"], result.run["decisions"]
        rows.append(
            {
                "strategy": name,
                "nodes": pmap.n_nodes,
                "setup_s": setup_s,
                "setup_cpu_s": setup_cpu_s,
                "decisions": decisions,
                "run_s": run_s,
                "cpu_s": cpu_s,
                "decisions_per_s": decisions / run_s if run_s > 0 else float("inf"),
            }
        )
    return rows


def _maps_dir():
    from ..data import folder

    return folder("maps")


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    for r in policing_benchmarks(quick=quick):
        print(
            f"{r['strategy']:14s} {r['nodes']:6d} nodes  set-up {r['setup_s']:6.2f} s "
            f"({r['setup_cpu_s']:5.2f} CPU s)  {r['decisions']:8,d} decisions in {r['run_s']:6.2f} s = "
            f"{r['decisions_per_s']:8,.0f} /s ({r['decisions'] / max(r['cpu_s'], 1e-9):8,.0f} per CPU s)"
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
