"""A predictive-policing risk layer, with and without the propensity correction of Ensign et al. (2018).

The map is cut into areas (the fairness ledgers' areas). Each period the layer re-estimates the
risk of every area from recorded incidents and sends every free agent to an area drawn in
proportion to that risk, where it patrols by walking between random nodes of the area until the
next period, as deployments that send patrols to forecast hot spots do.

* ``naive``: risk = prior + reported + discovered incidents. Discoveries happen only where agents
  are, so areas that are patrolled more record more and are patrolled even more: a runaway feedback
  loop that ends with all patrols in one area, whatever the true rates (Ensign et al. 2018).
* ``corrected``: each discovered incident counts 1 / (K * p), p being the probability that the area
  was chosen in that period and K the number of areas (so 1 under an even allocation): the
  importance weight that makes the expected record proportional to the true rate. Reported
  incidents, which do not depend on where the patrols are, count 1 in both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .dispatch import Dispatcher


class PredictiveLayer:
    """Risk per area, re-estimated every ``period_s`` seconds, steering free agents."""

    def __init__(
        self,
        sim: Simulation,
        area: np.ndarray,
        n_areas: int,
        mode: str,
        period_s: float,
        prior: float,
        rng: np.random.Generator,
    ) -> None:
        self.sim, self.area, self.mode, self.period_s, self.rng = sim, area, mode, period_s, rng
        self.risk = np.full(n_areas, float(prior))
        self.alloc = self.risk / self.risk.sum()
        self.nodes_of = [np.flatnonzero(area == k) for k in range(n_areas)]
        self.region = np.full(sim.state.n_agents, -1, dtype=np.int64)
        self._pending = np.zeros(n_areas)
        self.next_at = 0.0
        self.dispatcher: Dispatcher | None = None

    def start(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.sim.schedule(0.0, self._period)

    def record(self, node: int, discovered: bool) -> None:
        """An incident at ``node`` enters the records (discovered by a patrol, or reported)."""
        k = self.area[node]
        weight = 1.0 / (self.alloc.size * self.alloc[k]) if discovered and self.mode == "corrected" else 1.0
        self._pending[k] += weight

    def _period(self, sim: Simulation) -> None:
        self.risk += self._pending
        self._pending[:] = 0.0
        self.alloc = self.risk / self.risk.sum()
        self.region = self.rng.choice(self.alloc.size, size=self.region.size, p=self.alloc)
        self.next_at = sim.now + self.period_s
        sim.schedule(self.next_at, self._period)
        assert self.dispatcher is not None  # started by the incident manager before the first period
        for agent in np.flatnonzero(self.dispatcher.job < 0):
            self.direct(int(agent))

    def direct(self, agent: int) -> None:
        """Send ``agent`` (free) to a random node of its area; it stays under the layer's control."""
        sim, st = self.sim, self.sim.state
        here = int(st.heading[agent])
        at_node_now = st.origin[agent] == here and st.arrive_s[agent] <= sim.now
        nodes = self.nodes_of[self.region[agent]]
        if at_node_now and nodes.size > 1:
            nodes = nodes[nodes != here]
        assert self.dispatcher is not None
        path = self.dispatcher.router.path(here, int(nodes[self.rng.integers(nodes.size)]))
        sim.take_control(agent, path, self._on_arrival)
        if not path and at_node_now:
            sim.hold(agent, max(self.next_at - sim.now, 1.0))

    def _on_arrival(self, sim: Simulation, agent: int, node: int, t: float) -> None:
        self.direct(agent)

    def metrics(self, true_share: np.ndarray) -> dict:
        """How far the final allocation is from the true incident shares (total variation distance)."""
        return {
            "predictive_tv_distance": float(0.5 * np.abs(self.alloc - true_share).sum()),
            "predictive_top_share": float(self.alloc.max()),
        }
