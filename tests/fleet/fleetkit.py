"""Tiny maps and in-memory scenarios with batteries, docks, failures, motion and interference."""

import numpy as np

from patrolsim.build import make
from patrolsim.engine.decision import Hold
from patrolsim.engine.spec import Interference
from patrolsim.fleet.spec import FleetSpec
from patrolsim.maps.model import PatrolMap
from patrolsim.scenario import AgentSpec, Scenario
from patrolsim.strategies.base import Strategy


def ring(n: int = 8, edge_m: float = 10.0) -> PatrolMap:
    """n nodes on a circle, each edge ``edge_m`` long."""
    angle = 2 * np.pi * np.arange(n) / n
    radius = edge_m / (2 * np.sin(np.pi / n))
    pos = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    edges = np.array([(i, (i + 1) % n) for i in range(n)])
    return PatrolMap.from_edges("ring", pos, edges, np.full(n, edge_m))


def line(n: int, edge_m: float = 1.0) -> PatrolMap:
    """A straight corridor of n nodes, 0 .. n-1, along x."""
    pos = np.column_stack([np.arange(n) * edge_m, np.zeros(n)])
    return PatrolMap.from_edges("line", pos, np.array([(i, i + 1) for i in range(n - 1)]))


class Scripted(Strategy):
    """Each agent walks its own list of nodes in order (then holds); no energy or failure code at all."""

    name = "scripted"
    walks: list[list[int]] = []

    def setup(self, view) -> None:
        self.left = [list(w) for w in self.walks]

    def decide(self, agent, node, t, view):
        if self.left[agent]:
            return self.left[agent].pop(0)
        return Hold(1e6)


class Clockwise(Strategy):
    """On a ring: always on to the next node, i -> i + 1."""

    name = "clockwise"

    def decide(self, agent, node, t, view):
        return (node + 1) % view.map.n_nodes


def fleet_scenario(
    pmap,
    strategy="cr",
    agents=1,
    *,
    duration=1000.0,
    speed=1.0,
    starts=(0,),
    interference=None,
    fleet=None,
    **team,
):
    speeds = tuple(speed) if isinstance(speed, (list, tuple)) else (float(speed),) * agents
    spec = AgentSpec(
        count=agents,
        speeds=speeds,
        starts=tuple(starts),
        sensing_radius=0.0,
        wait=0.0,
        pass_through_visits=True,
        **team,
    )
    return Scenario(
        name="t",
        map=pmap,
        map_path="<memory>",
        duration=duration,
        warmup=0.0,
        seed=1,
        sample_interval=duration / 10.0,
        coverage_windows=(60.0,),
        agents=spec,
        strategy_name=strategy,
        strategy_params={},
        data={},
        interference=interference or Interference(),
        fleet=fleet or FleetSpec(),
    )


def run(scenario, strategy=None, backend=None):
    """The result of the whole run of ``scenario``."""
    return make(scenario, strategy=strategy, backend=backend).run()
