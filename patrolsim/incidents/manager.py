"""IncidentManager: runs the incident stream of a scenario inside a Simulation.

It uses only the engine's hooks: ``schedule`` (occurrences, call-processing delays, a periodic
tick), ``on_visits`` (discovery: a visit of the incident's node, i.e. the agent has it within
sensing range, finds it with the detection probability), ``take_control``/``hold``/``release``
(through the :class:`Dispatcher`). Every ``tick_s`` it hands discoveries to the dispatcher, expires
old discoverable incidents and samples where the agents are for the ledgers. Its randomness comes
from generators seeded from the scenario seed (not the patrol's), so switching incidents on does
not change the draws of the patrol itself.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .dispatch import Dispatcher
from .ledgers import Ledgers, fairness_metrics
from .metrics import IncidentLog, incident_metrics, incident_table
from .predictive import PredictiveLayer
from .replay import read_replay
from .streams import Incidents, hawkes_stream, poisson_stream, profile_stream

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.result import Result
    from ..engine.simulation import Simulation
    from ..maps.model import PatrolMap
    from .spec import DispatchSpec, IncidentSpec

STREAM_SEED_KEY = 4  # spawn key of the incidents' generator under the scenario seed


def generate(spec: IncidentSpec, pmap: PatrolMap, rng: np.random.Generator, duration_s: float) -> tuple[Incidents, int]:
    """The incidents of a run (and how many replay rows were dropped off the map)."""
    location = spec.location
    if location == "auto":
        location = "weights" if spec.stream == "hotspot" else ("nodes" if pmap.grid is not None else "length")
    args = (pmap, rng, duration_s)
    if spec.stream == "calls":
        return Incidents.empty(), 0
    if spec.stream == "replay":
        inc, dropped = read_replay(
            Path(spec.replay_file),
            pmap,
            rng,
            spec.marks,
            snap=spec.snap,
            max_snap_m=spec.max_snap_m,
            off_map=spec.off_map,
        )
        return inc.take(inc.t_s < duration_s), dropped
    if spec.stream == "profile":
        return profile_stream(*args, spec.rate_per_hour, spec.profile, location, spec.marks, spec.risk), 0
    if spec.stream == "hawkes":
        return hawkes_stream(
            *args, spec.rate_per_hour, spec.theta, spec.omega_per_hour, spec.sigma_m, location, spec.marks, spec.risk
        ), 0
    return poisson_stream(*args, spec.rate_per_hour, location, spec.marks, spec.risk), 0


class IncidentManager:
    """The incidents of one run: occurrence, discovery, dispatch, ledgers and results."""

    def __init__(self, sim: Simulation, spec: IncidentSpec, dispatch: DispatchSpec) -> None:
        self.sim, self.spec, self.dspec = sim, spec, dispatch
        sc = sim.spec
        # one generator draws the incidents, another the run's detections and predictive choices, so a
        # replay of a run's own incidents repeats the run exactly
        streams, draws = sim.seed_stream(STREAM_SEED_KEY).spawn(2)
        self.inc, self.dropped = generate(spec, sim.map, np.random.default_rng(streams), sc.duration)
        self.rng = np.random.default_rng(draws)
        n = len(self.inc)
        self.log = IncidentLog(n)
        st = sim.state
        self.ledgers = Ledgers(sim.map, spec.ledger_region_m, st.sense_ptr, st.sense_idx)
        self.predictive = None
        on_free = None
        if spec.predictive != "off":
            self.predictive = PredictiveLayer(
                sim,
                self.ledgers.area,
                self.ledgers.n_areas,
                spec.predictive,
                spec.predictive_period_s,
                spec.predictive_prior,
                self.rng,
            )
            on_free = self.predictive.direct
        self.dispatcher = Dispatcher(sim, dispatch.policy, self.inc, self.log, on_free)
        self._next = 0  # first incident that has not occurred yet
        self._occur_token = 0  # only the newest scheduled occurrence event runs
        self._occur_due = np.inf
        self._pending: dict[int, list[int]] = {}  # node -> undetected discoverable incidents
        self._pending_count = np.zeros(sim.map.n_nodes, dtype=np.int64)
        self._found: list[tuple[int, int]] = []  # (incident, agent) detected since the last tick
        sim.on_visits(self._visits)
        self._schedule_occur()
        sim.schedule(sim.now, self._tick)  # (now: the window attaches one mid-run on the first click)
        if self.predictive is not None:
            self.predictive.start(self.dispatcher)

    # ------------------------------------------------------------------ events
    def add(self, node: int, t: float, priority: int = 1, service_s: float | None = None) -> int:
        """Report a call at ``node`` at time ``t`` (seconds, not before now), as a user does by clicking
        the map; returns its incident index. On-scene time: ``service_s``, by default the scenario's
        mean for ``priority``. It then runs like any call of the stream (delay, dispatch, metrics)."""
        sim, inc = self.sim, self.inc
        if not 0 <= node < sim.map.n_nodes:
            raise ValueError(f"incident node {node} is not on the map (0..{sim.map.n_nodes - 1})")
        if t < sim.now:
            raise ValueError(f"cannot add an incident at {t} s: it is already {sim.now} s")
        if priority not in (1, 2, 3):
            raise ValueError(f"incident priority must be 1, 2 or 3, not {priority}")
        if service_s is None:
            service_s = self.spec.marks.service_mean_s[priority - 1]
        pos = max(self._next, int(np.searchsorted(inc.t_s, t, side="right")))
        x, y = sim.map.positions[node]
        inc.insert(pos, t_s=t, node=node, x_m=x, y_m=y, priority=priority, service_s=service_s, reported=True)
        self.log.insert(pos)
        self.dispatcher.insert(pos, service_s)
        self._schedule_occur()
        return pos

    def _schedule_occur(self) -> None:
        """Make sure an occurrence event is due at the time of the next incident."""
        if self._next < len(self.inc) and self.inc.t_s[self._next] < self._occur_due:
            self._occur_token += 1
            self._occur_due = float(self.inc.t_s[self._next])
            self.sim.schedule(self._occur_due, functools.partial(self._occur, token=self._occur_token))

    def _call_in(self, i: int, sim: Simulation) -> None:
        """Incident i's call reaches the dispatcher (after its call-handling delay)."""
        self.dispatcher.call(i)

    def _occur(self, sim: Simulation, token: int) -> None:
        if token != self._occur_token:  # superseded by an earlier event scheduled by add()
            return
        self._occur_due = np.inf
        inc = self.inc
        while self._next < len(inc) and inc.t_s[self._next] <= sim.now:
            i = self._next
            self._next += 1
            if inc.reported[i]:
                if self.predictive is not None:
                    self.predictive.record(int(inc.node[i]), discovered=False)
                delay = self.dspec.delay_s[int(inc.priority[i]) - 1]
                if delay > 0:
                    sim.schedule(sim.now + delay, functools.partial(self._call_in, i))
                else:
                    self.dispatcher.call(i)
            else:
                node = int(inc.node[i])
                self._pending.setdefault(node, []).append(i)
                self._pending_count[node] += 1
                self._standing_look(i)
        self._schedule_occur()
        self._handle_found()

    def _standing_look(self, i: int) -> None:
        """Agents standing still (holding) see a new incident within their sensing range once."""
        st = self.sim.state
        node = int(self.inc.node[i])
        for agent in np.flatnonzero(st.standing() & ~st.failed).tolist():  # a failed robot sees nothing
            here = st.heading[agent]
            if node in st.sensed(agent, here) and self._try_detect(i, self.sim.now, agent):
                return

    def _visits(self, times: np.ndarray, nodes: np.ndarray, agents: np.ndarray) -> None:
        """Each pass over a node with undetected incidents finds each with the detection probability."""
        hit = np.flatnonzero(self._pending_count[nodes])
        for t, node, agent in zip(times[hit].tolist(), nodes[hit].tolist(), agents[hit].tolist()):
            for i in list(self._pending.get(node, ())):
                self._try_detect(i, t, agent)

    def _try_detect(self, i: int, t: float, agent: int) -> bool:
        """One look by ``agent`` at time t at undetected incident i; True if it is found now."""
        inc, log = self.inc, self.log
        if t < inc.t_s[i]:
            return False
        found = False
        if t >= inc.t_s[i] + self.spec.lifetime_s:
            log.expired[i] = True
        elif self.rng.random() < self.spec.detection_prob:
            found = True
            log.detected_at[i], log.detected_by[i] = t, agent
            self._found.append((i, agent))
            if self.predictive is not None:
                self.predictive.record(int(inc.node[i]), discovered=True)
        else:
            return False
        self._unpend(i)
        return found

    def _unpend(self, i: int) -> None:
        node = int(self.inc.node[i])
        self._pending[node].remove(i)
        self._pending_count[node] -= 1

    def _handle_found(self) -> None:
        found, self._found = self._found, []
        for i, agent in found:
            self.dispatcher.on_scene(agent, i)

    def _tick(self, sim: Simulation) -> None:
        dt = self.dspec.tick_s
        sim.schedule(sim.now + dt, self._tick)
        self._handle_found()
        horizon = sim.now - self.spec.lifetime_s
        for node in np.flatnonzero(self._pending_count).tolist():
            for i in [i for i in self._pending[node] if self.inc.t_s[i] <= horizon]:
                self.log.expired[i] = True
                self._unpend(i)
        if sim.now > sim.spec.warmup:
            st = sim.state
            working = ~st.failed  # a failed robot sees nothing
            self.ledgers.add_presence((self._nearest_nodes() + st.sense_rows)[working], dt)

    def _nearest_nodes(self) -> np.ndarray:
        """The node each agent is closest to along its current edge."""
        st, now = self.sim.state, self.sim.now
        dep, arr = st.depart_s, st.arrive_s
        # nearer the start of the leg: before its midpoint in time (standing agents: FROM == TO)
        early = 2.0 * now < dep + arr
        return np.where(early, st.origin, st.heading)

    def open_tasks(self) -> tuple[np.ndarray, np.ndarray]:
        """(nodes, priorities) of known incidents (reported so far, or discovered) not yet reached."""
        inc, log = self.inc, self.log
        seen = inc.reported[: self._next] | np.isfinite(log.detected_at[: self._next])
        waiting = np.flatnonzero(seen & np.isnan(log.arrived_at[: self._next]))
        return inc.node[waiting], inc.priority[waiting]

    def waiting_s(self, t: float) -> float:
        """Seconds known incidents have waited for an agent up to time t, summed: each from its occurrence
        (a call) or its detection (a discovered incident) to the first arrival, or to t while none came."""
        inc, log, k = self.inc, self.log, self._next
        since = np.where(inc.reported[:k], inc.t_s[:k], log.detected_at[:k])  # NaN: not known yet
        waited = np.fmin(log.arrived_at[:k], t) - since
        return float(waited[waited > 0].sum())

    # ------------------------------------------------------------------ results
    def add_to(self, result: Result) -> None:
        """Add incident metrics, the per-incident and per-area tables and agent columns to ``result``."""
        sim, inc, log = self.sim, self.inc, self.log
        t0, t_end = sim.t0, sim.now
        busy = self.dispatcher.busy_seconds()
        m = incident_metrics(inc, log, t0, t_end, self.dspec.targets_s, busy)
        sel = (inc.t_s >= t0) & (inc.t_s <= t_end)
        found = sel & np.isfinite(log.detected_at)
        areas = self.ledgers.table(
            inc.node[sel], inc.node[sel & inc.reported], inc.node[sel & ~inc.reported], inc.node[found]
        )
        m.update(fairness_metrics(areas))
        m["incidents_dropped_off_map"] = self.dropped
        if self.predictive is not None:
            areas["risk_share"] = self.predictive.alloc.copy()
            m.update(self.predictive.metrics(areas["true_share"]))
        result.metrics.update({k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in m.items()})
        result.incidents = incident_table(inc, log, sim.map.node_label)
        result.areas = areas
        result.agents["busy_s"] = busy
        result.agents["incidents_served"] = self.dispatcher.served.copy()
        result.run.update(
            incident_stream=self.spec.stream, dispatch_policy=self.dspec.policy, predictive=self.spec.predictive
        )
