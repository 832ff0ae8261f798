"""Tiny hand-made maps and a one-call run for the policing-strategy tests."""

import dataclasses
from pathlib import Path

import numpy as np

from patrolsim.build import make
from patrolsim.engine.simulation import Simulation
from patrolsim.maps.model import PatrolMap
from patrolsim.scenario import scenario_from_dict

MAPS = Path(__file__).resolve().parents[2] / "maps"


def ring(n: int, length: float = 10.0, weights=None) -> PatrolMap:
    """n nodes on a circle, neighbours joined by edges of ``length`` metres."""
    angle = 2 * np.pi * np.arange(n) / n
    radius = length / (2 * np.sin(np.pi / n))
    pos = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    edges = np.column_stack([np.arange(n), (np.arange(n) + 1) % n])
    return PatrolMap.from_edges("ring", pos, edges, np.full(n, length), weights)


def simulation(
    pmap: PatrolMap,
    strategy: str,
    *,
    agents: int = 1,
    starts=None,
    duration: float = 3600.0,
    speed: float = 1.0,
    seed: int = 1,
    warmup: float = 0.0,
    **params,
) -> Simulation:
    """A Simulation of ``strategy`` (with ``params``) on ``pmap``; starts default to nodes 0, 1, ..."""
    base = scenario_from_dict(
        {
            "map": "open_square.txt",
            "duration": duration,
            "seed": seed,
            "agents": {"count": agents},
            "strategy": {"name": strategy, **params},
        },
        base_dir=MAPS,
    )
    team = dataclasses.replace(
        base.agents, speeds=(float(speed),) * agents, starts=tuple(range(agents)) if starts is None else tuple(starts)
    )
    return make(dataclasses.replace(base, map=pmap, agents=team, warmup=warmup))
