"""Dispatch: which agent answers a known incident, and steering it there, on scene and back.

Policies: ``nearest`` (the free agent with the shortest network travel time), ``nearest-preempt``
(as nearest; when every agent is busy, a call takes the nearest agent working a lower-priority
incident, which goes back to the queue with its remaining on-scene time) and ``none`` (calls are
never answered; only agents that discover an incident serve it). Calls that find no agent wait in
a queue served first by priority (1 first), then first come first served.

Travel time of an agent = time to reach the node it is heading to (0 when it stands at a node)
plus the shortest-path distance from there to the incident, over its speed (``agents.wait`` pauses
at nodes on the way are not counted). Only agents in service are sent (not failed, not away
charging), so with a mixed fleet the fastest arrival across groups wins. A dispatched agent leaves its
patrol (``Simulation.take_control``), holds on scene for the service time, then takes the next queued
call or goes back to patrol (``on_free``: by default ``Simulation.release``). A responder taken away
(to charge, or by a failure) hands its incident back: it is called again at once.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..algorithms.routes import Router
from .metrics import IncidentLog

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .streams import Incidents

MIN_HOLD_S = 1e-6


def travel_seconds(dist_row: np.ndarray, heading: np.ndarray, lag_s: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Seconds for agents to reach a node: ``lag_s`` to reach the node each is heading to, then
    ``dist_row[heading]`` metres (the shortest-path distances to the incident) at ``speed`` m/s."""
    return lag_s + dist_row[heading] / speed


class Dispatcher:
    """Jobs, the call queue and the agents' incident work in one run."""

    def __init__(
        self,
        sim: Simulation,
        policy: str,
        incidents: Incidents,
        log: IncidentLog,
        on_free: Callable[[int], None] | None = None,
    ) -> None:
        self.sim, self.policy, self.inc, self.log = sim, policy, incidents, log
        self.on_free = on_free or sim.release
        n_agents = sim.state.n_agents
        self.job = np.full(n_agents, -1, dtype=np.int64)  # incident each agent works on (-1: free)
        self.serving = np.zeros(n_agents, dtype=bool)  # on scene (else travelling)
        self.serve_end = np.zeros(n_agents)
        self.busy_since = np.full(n_agents, np.nan)
        self.busy_s = np.zeros(n_agents)
        self.served = np.zeros(n_agents, dtype=np.int64)
        self.left = incidents.service_s.astype(float).copy()  # on-scene seconds still to do
        self.queue: list[tuple[int, float, int, int]] = []
        self._seq = itertools.count()
        self._queued_at = np.full(len(incidents), np.nan)
        self.router = Router(sim.map)
        sim.on_service(self._service_changed)

    def insert(self, pos: int, service_s: float) -> None:
        """Make room for a new incident before position ``pos`` (one that has not happened yet)."""
        self.left = np.insert(self.left, pos, service_s)
        self._queued_at = np.insert(self._queued_at, pos, np.nan)

    # ------------------------------------------------------------------ decisions
    def travel_times(self, node: int, agents: np.ndarray) -> np.ndarray:
        """Seconds each of ``agents`` needs to reach ``node`` from where it is now."""
        st, now = self.sim.state, self.sim.now
        heading = st.heading[agents]
        lag = np.where(st.standing(agents), 0.0, np.maximum(st.arrive_s[agents] - now, 0.0))
        return travel_seconds(self.router.distances_to(node), heading, lag, st.speed_mps[agents])

    def _nearest(self, node: int, agents: np.ndarray) -> int:
        return int(agents[int(np.argmin(self.travel_times(node, agents)))])

    def call(self, i: int) -> None:
        """Incident i needs an agent now (after any call-processing delay)."""
        if np.isnan(self.log.call_at[i]):
            self.log.call_at[i] = self.sim.now
        if self.policy == "none":
            return
        free = np.flatnonzero((self.job < 0) & self.sim.state.in_service)
        if free.size:
            self.assign(self._nearest(int(self.inc.node[i]), free), i)
            return
        if self.policy == "nearest-preempt":
            lower = np.flatnonzero((self.inc.priority[self.job] > self.inc.priority[i]) & self.sim.state.in_service)
            if lower.size:
                agent = self._nearest(int(self.inc.node[i]), lower)
                self._preempt(agent)
                self.assign(agent, i)
                return
        self._enqueue(i)

    def on_scene(self, agent: int, i: int) -> None:
        """``agent`` has discovered incident i: it serves it if free, else calls it in."""
        if self.job[agent] < 0:
            self.assign(agent, i)
        else:
            self.call(i)

    def _enqueue(self, i: int) -> None:
        self._queued_at[i] = self.sim.now
        self.log.queued[i] = True
        heapq.heappush(self.queue, (int(self.inc.priority[i]), float(self.log.call_at[i]), next(self._seq), i))

    def _preempt(self, agent: int) -> None:
        j = int(self.job[agent])
        if self.serving[agent]:
            self.left[j] = max(self.serve_end[agent] - self.sim.now, 0.0)
        self.log.preemptions[j] += 1
        self.job[agent] = -1
        self._enqueue(j)

    # ------------------------------------------------------------------ steering
    def assign(self, agent: int, i: int) -> None:
        """Send ``agent`` to incident i."""
        sim, st, now = self.sim, self.sim.state, self.sim.now
        if np.isnan(self.busy_since[agent]):
            self.busy_since[agent] = now
        self.job[agent], self.serving[agent] = i, False
        if np.isnan(self.log.dispatched_at[i]):
            self.log.dispatched_at[i] = now
        self.log.agent[i] = agent
        if np.isfinite(self._queued_at[i]):
            self.log.queue_s[i] += now - self._queued_at[i]
            self._queued_at[i] = np.nan
        node = int(self.inc.node[i])
        here = int(st.heading[agent])
        on_the_spot = here == node and st.origin[agent] == node and st.arrive_s[agent] <= now
        sim.take_control(agent, self.router.path(here, node), self._on_arrival, on_taken=self._taken)
        if on_the_spot:  # standing there at this very moment (e.g. inside its own arrival)
            self._arrive(agent, i)

    def _arrive(self, agent: int, i: int) -> None:
        if np.isnan(self.log.arrived_at[i]):
            self.log.arrived_at[i] = self.sim.now
        self.serving[agent] = True
        self.serve_end[agent] = self.sim.now + self.left[i]
        self.sim.hold(agent, max(self.left[i], MIN_HOLD_S))

    def _on_arrival(self, sim: Simulation, agent: int, node: int, t: float) -> None:
        i = int(self.job[agent])
        if not self.serving[agent]:
            self._arrive(agent, i)
            return
        self.log.cleared_at[i] = t
        self.left[i] = 0.0
        self.served[agent] += 1
        self.job[agent], self.serving[agent] = -1, False
        if self.queue:
            self.assign(agent, heapq.heappop(self.queue)[3])
            return
        self._close_busy(agent)
        self.on_free(agent)

    def _taken(self, agent: int) -> None:
        """``agent`` leaves its incident (it must go and charge, or it failed): the incident, with the
        on-scene time it still needs, is called again for another agent (nothing when it is on none:
        handed on to ``on_free``'s controller)."""
        j = int(self.job[agent])
        if j < 0:
            return
        if self.serving[agent]:
            self.left[j] = max(self.serve_end[agent] - self.sim.now, 0.0)
        self.job[agent], self.serving[agent] = -1, False
        self._close_busy(agent)
        self.sim.schedule(self.sim.now, functools.partial(self._recall, j))  # once it is out of service

    def _recall(self, i: int, sim: Simulation) -> None:
        self.call(i)

    def _service_changed(self, agent: int, in_service: bool) -> None:
        """An agent back in service takes the first queued call."""
        if in_service and self.queue and self.job[agent] < 0:
            self.assign(agent, heapq.heappop(self.queue)[3])

    def _close_busy(self, agent: int) -> None:
        start = max(self.busy_since[agent], self.sim.t0)
        self.busy_s[agent] += max(self.sim.now - start, 0.0)
        self.busy_since[agent] = np.nan

    def busy_seconds(self) -> np.ndarray:
        """Seconds each agent has spent on incidents since the end of warm-up (work in progress included)."""
        open_s = np.where(
            np.isnan(self.busy_since), 0.0, self.sim.now - np.maximum(np.nan_to_num(self.busy_since), self.sim.t0)
        )
        return self.busy_s + np.maximum(open_s, 0.0)
