"""Docks and charging: the return rule's trips, queueing at busy docks, and charging times.

The engine checks the return rule at every arrival (:mod:`patrolsim.engine.kernel`, ``LOW_ENERGY``):
an agent turns back when its energy left would not cover one more leg and the way from its end to
the nearest dock plus its reserve. :class:`Charging` then takes it out of service and steers it to the
nearest dock with a charger free (not in use, not promised to an agent on its way) that it can reach
with the energy it has; when none is, to the nearest dock, where it queues. Chargers serve their queue
first come, first served (ties by agent id). Charging is linear: empty to full in ``charge_s``. A
charged agent goes back to its strategy and into service. Every strategy respects this without code
of its own: it hears ``called_away`` / ``released`` and ``team_changed``, as for a dispatch. With
interference on, a dock's node holds any number of robots (those charging and those queueing).

Distances are shortest paths in metres; ties between docks go to the lower dock index.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from ..algorithms.routes import Router

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from ..engine.spec import Battery
    from .spec import Docks

#: an agent's phases at the docks
PATROLLING, TO_DOCK, QUEUED, CHARGING = 0, 1, 2, 3
#: how long a queued agent is held at a time (it is woken as soon as a charger frees)
QUEUE_HOLD_S = 1e9


def return_need_m(pmap, nearest_m: np.ndarray) -> np.ndarray:
    """Per node v, the metres of the longest "one more leg to a neighbour u, then u's nearest dock":
    max over u of (length(v, u) + nearest_m[u]); the distance the return rule keeps energy for."""
    src = np.repeat(np.arange(pmap.n_nodes), np.diff(pmap.indptr))
    need = np.zeros(pmap.n_nodes)
    np.maximum.at(need, src, pmap.lengths + nearest_m[pmap.indices])
    return need


class Charging:
    """The docks of one run and the agents' trips to them (see the module docstring)."""

    def __init__(self, sim: Simulation, docks: Docks, batteries: tuple[Battery | None, ...]) -> None:
        self.sim, self.docks = sim, docks
        st, n_agents = sim.state, sim.state.n_agents
        self.router = Router(sim.map)
        self.dist = np.array([self.router.distances_to(dock) for dock in docks.nodes])  # per dock, from every node
        nearest = self.dist.min(axis=0)
        if not np.isfinite(nearest).all():
            raise ValueError("every node must reach a dock (the scenario check makes sure of it)")
        none = [b is None for b in batteries]
        cap = np.array([0.0 if b is None else b.capacity for b in batteries])
        pick = lambda name: np.array([0.0 if b is None else getattr(b, name) for b in batteries])  # noqa: E731
        st.set_batteries(
            cap, pick("start"), pick("per_m"), pick("per_s"), pick("reserve"), return_need_m(sim.map, nearest)
        )
        self.charge_s = pick("charge_s")
        self.has_battery = ~np.array(none, dtype=bool)
        sim.on_low_energy = self._low
        st.node_cap[list(docks.nodes)] = 0  # a dock is a bay: its chargers and its queue, any number of robots
        d = len(docks.nodes)
        self.in_use = np.zeros(d, dtype=np.int64)
        self.promised = np.zeros(d, dtype=np.int64)
        self.queues: list[deque[int]] = [deque() for _ in range(d)]
        self.phase = np.zeros(n_agents, dtype=np.int64)
        self.dock = np.full(n_agents, -1, dtype=np.int64)
        self.since = np.zeros(n_agents)  # when its current phase began
        self.start_energy = np.zeros(n_agents)  # energy when its charge began
        self.charging_s = np.zeros(n_agents)
        self.queue_s = np.zeros(n_agents)
        self.queue_waits = np.zeros(n_agents, dtype=np.int64)
        self.trips = np.zeros(n_agents, dtype=np.int64)

    # ------------------------------------------------------------------ the trip
    def _low(self, sim: Simulation, agent: int, node: int, t: float) -> None:
        """``agent`` at ``node`` must go and charge now."""
        dock = self._choose(agent, node)
        self.trips[agent] += 1
        self.phase[agent], self.dock[agent], self.since[agent] = TO_DOCK, dock, t
        self.promised[dock] += 1
        sim.take_control(agent, self._path(dock, node), self._arrive, on_taken=self._taken)
        sim.set_in_service(agent, False)
        if node == self.docks.nodes[dock]:
            self._arrive(sim, agent, node, t)

    def _choose(self, agent: int, node: int) -> int:
        """The nearest dock with a charger free that ``agent`` can reach on what it has left; else the
        nearest dock (ties: lower index)."""
        metres = self.dist[:, node]
        order = np.lexsort((np.arange(metres.size), metres))
        st = self.sim.state
        left = float(st.energy_at(self.sim.now)[agent])
        per_m = float(st.per_m[agent])
        for dock in order.tolist():
            free = self.docks.chargers[dock] - self.in_use[dock] - self.promised[dock] > 0
            if free and left - per_m * metres[dock] >= 0:
                return int(dock)
        return int(order[0])

    def _path(self, dock: int, node: int) -> list[int]:
        return self.router.path(node, self.docks.nodes[dock])

    def _arrive(self, sim: Simulation, agent: int, node: int, t: float) -> None:
        """The controller's arrival: at the dock (queue or charge), or a charge complete."""
        dock = int(self.dock[agent])
        if self.phase[agent] == TO_DOCK:
            self.promised[dock] -= 1
            if self.in_use[dock] < self.docks.chargers[dock]:
                self._charge(agent, dock)
            else:
                self.phase[agent], self.since[agent] = QUEUED, t
                self.queues[dock].append(agent)
                sim.hold(agent, QUEUE_HOLD_S)
            return
        # its charge is complete
        self._close_charge(agent, full=True)
        self.phase[agent], self.dock[agent] = PATROLLING, -1
        sim.state.watch_energy(agent)
        self._serve_queue(dock)
        sim.release(agent)
        sim.set_in_service(agent, True)

    def _charge(self, agent: int, dock: int) -> None:
        st, now = self.sim.state, self.sim.now
        if self.phase[agent] == QUEUED:
            self.queue_s[agent] += now - max(self.since[agent], self.sim.t0)
            self.queue_waits[agent] += 1
        elif self.phase[agent] == TO_DOCK:
            self.queue_waits[agent] += 1  # a wait of 0 s
        self.in_use[dock] += 1
        energy = float(st.energy_at(now)[agent])
        self.phase[agent], self.since[agent], self.start_energy[agent] = CHARGING, now, energy
        st.rest_from(agent, now, energy)
        cap = st.capacity[agent]
        self.sim.hold(agent, max(self.charge_s[agent] * (cap - energy) / cap, 1e-6))

    def _close_charge(self, agent: int, *, full: bool) -> None:
        """End ``agent``'s charge now: full, or cut short (it failed) with the energy charged so far."""
        st, now = self.sim.state, self.sim.now
        cap = st.capacity[agent]
        gained = cap * (now - self.since[agent]) / self.charge_s[agent]
        st.rest_from(agent, now, cap if full else min(cap, self.start_energy[agent] + gained))
        self.charging_s[agent] += now - max(self.since[agent], self.sim.t0)
        self.in_use[self.dock[agent]] -= 1

    def _serve_queue(self, dock: int) -> None:
        queue = self.queues[dock]
        while queue and self.in_use[dock] < self.docks.chargers[dock]:
            self._charge(queue.popleft(), dock)

    def _taken(self, agent: int) -> None:
        """``agent`` failed while on its way, queueing or charging: its place goes to the next one; the
        return rule applies again once it is repaired."""
        dock, phase = int(self.dock[agent]), int(self.phase[agent])
        if phase == TO_DOCK:
            self.promised[dock] -= 1
        elif phase == QUEUED:
            self.queues[dock].remove(agent)
            self.queue_s[agent] += self.sim.now - max(self.since[agent], self.sim.t0)
        elif phase == CHARGING:
            self._close_charge(agent, full=False)
            self._serve_queue(dock)
        self.phase[agent], self.dock[agent] = PATROLLING, -1
        self.sim.state.watch_energy(agent)

    # ------------------------------------------------------------------ figures
    def level(self, t: float) -> np.ndarray:
        """Per agent, the share of a full charge at time t (charging agents included; nan: no battery)."""
        st = self.sim.state
        energy = st.energy_at(t).copy()
        on = self.phase == CHARGING
        if on.any():
            rate = st.capacity[on] / self.charge_s[on]
            energy[on] = np.minimum(st.capacity[on], self.start_energy[on] + rate * (t - self.since[on]))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.has_battery, energy / st.capacity, np.nan)

    def open_charging_s(self) -> np.ndarray:
        """``charging_s`` with charges under way counted up to now."""
        now, t0 = self.sim.now, self.sim.t0
        on = self.phase == CHARGING
        return self.charging_s + np.where(on, np.maximum(now - np.maximum(self.since, t0), 0.0), 0.0)
