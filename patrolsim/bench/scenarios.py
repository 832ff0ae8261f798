"""The in-memory scenario the benchmarks run: a generated map, one strategy, agents at 1 m/s from random
starts, seed 1, no warm-up."""

from __future__ import annotations

from ..maps.model import PatrolMap
from ..scenario import AgentSpec, Scenario


def bench_scenario(
    pmap: PatrolMap, strategy: str, agents: int, duration: float, samples: int, windows: tuple[float, ...]
) -> Scenario:
    """``agents`` agents of ``strategy`` on ``pmap`` for ``duration`` s, sampled ``samples`` times (the route
    strategy gets one route, shared by all, from node 0 through the middle node to the last)."""
    team = AgentSpec(
        count=agents, speeds=(1.0,) * agents, starts="random", sensing_radius=0.0, wait=0.0, pass_through_visits=True
    )
    return Scenario(
        name="bench",
        map=pmap,
        map_path="<generated>",
        duration=duration,
        warmup=0.0,
        seed=1,
        sample_interval=duration / samples,
        coverage_windows=windows,
        agents=team,
        strategy_name=strategy,
        strategy_params={"routes": [[0, pmap.n_nodes // 2, pmap.n_nodes - 1]]} if strategy == "route" else {},
        data={},
    )
