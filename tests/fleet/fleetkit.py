"""Tiny maps and in-memory scenarios with batteries, docks, failures, motion and interference."""

import networkx as nx
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


class GoTo(Strategy):
    """Each agent visits its own list of goals in order, a shortest path at a time from wherever it
    stands (a goal may be ("hold", seconds)), then stays; no energy, failure or interference code."""

    name = "goto"

    def __init__(self, goals: list[list]) -> None:
        super().__init__()
        self.goals = [list(g) for g in goals]

    def decide(self, agent, node, t, view):
        goals = self.goals[agent]
        while goals and goals[0] == node:
            goals.pop(0)
        if not goals:
            return Hold(1e6)
        if isinstance(goals[0], tuple):
            return Hold(goals.pop(0)[1])
        return int(nx.shortest_path(view.map.graph, node, goals[0])[1])


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
    warmup=0.0,
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
        warmup=warmup,
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


def arrivals(scenario, strategy, backend=None):
    """(result, {(agent, node): first time that agent saw that node})."""
    sim = make(scenario, strategy=strategy, backend=backend)
    seen: dict = {}

    def log(times, nodes, agents):
        for t, n, a in zip(times.tolist(), nodes.tolist(), agents.tolist()):
            seen.setdefault((a, n), t)

    sim.on_visits(log)
    return sim.run(), seen
