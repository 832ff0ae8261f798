"""Breakdowns: scripted failures at given times, and random ones drawn per agent.

A failure stops the agent where it is (``Simulation.fail``) until its repair (``Simulation.repair``);
the engine takes it from its strategy or controller and out of service, so team strategies re-plan
for the agents left, and again when it comes back. Random failures: each agent's time to its next
failure (from the start, then from each repair) and each repair time are drawn from its own
generator, exponential with means ``mtbf_s`` and ``mttr_s`` (or exactly those with "fixed"), so one
agent's draws never depend on another's. A scripted failure of an agent that is down already, or a
repair of one that is up, does nothing.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .spec import Failures

FAILURE_SEED_KEY = 5  # spawn key of the failures' generators under the scenario seed


class Breakdowns:
    """The failures of one run (see the module docstring)."""

    def __init__(self, sim: Simulation, spec: Failures) -> None:
        self.sim, self.spec = sim, spec
        self.failures = np.zeros(sim.state.n_agents, dtype=np.int64)
        for agent, t_fail, t_back in spec.at:
            sim.schedule(t_fail, partial(self._fail, agent, False))
            if t_back < sim.spec.duration:  # inf: never back
                sim.schedule(t_back, partial(self._repair, agent, False))
        self.rngs = []
        if spec.mtbf_s > 0:
            seeds = sim.seed_stream(FAILURE_SEED_KEY).spawn(sim.state.n_agents)
            self.rngs = [np.random.default_rng(seed) for seed in seeds]
            for agent in range(sim.state.n_agents):
                self._next_failure(agent)

    def _draw(self, agent: int, mean: float) -> float:
        if self.spec.distribution == "fixed":
            return mean
        return float(self.rngs[agent].exponential(mean))

    def _next_failure(self, agent: int) -> None:
        t = self.sim.now + self._draw(agent, self.spec.mtbf_s)
        if t < self.sim.spec.duration:
            self.sim.schedule(t, partial(self._fail, agent, True))

    def _fail(self, agent: int, random: bool, sim: Simulation) -> None:
        if sim.state.failed[agent]:
            return
        self.failures[agent] += 1
        sim.fail(agent)
        if random:
            t = sim.now + self._draw(agent, self.spec.mttr_s)
            sim.schedule(t, partial(self._repair, agent, True))

    def _repair(self, agent: int, random: bool, sim: Simulation) -> None:
        if sim.state.failed[agent]:
            sim.repair(agent)
        if random:
            self._next_failure(agent)
