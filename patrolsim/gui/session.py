"""Session: one simulation driven by wall-clock time (speed, pause, step) and rebuilt on user changes.

No pygame here: the window, the compare mode, the benchmark and the tests all drive a Session.
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import cast

import numpy as np

from ..build import make
from ..engine.result import Result
from ..engine.simulation import Simulation
from ..jit import COMPILED
from ..metrics.idleness import sweep_time_s
from ..metrics.series import sample_row
from ..scenario import Scenario
from ..strategies import Strategy
from . import palette as P
from .incidents import IncidentFeed

#: speed factors offered (simulated seconds per wall second); inf = as fast as possible
SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, math.inf)
MAX_CHUNK_S = 3600.0
MAX_SPEED_BUDGET = 1.5  # at 'max' speed the simulation gets this multiple of the frame budget


def speed_label(speed: float) -> str:
    """'x0.25', 'x10', 'max'."""
    return "max" if math.isinf(speed) else f"x{speed:g}"


def with_changes(
    sc: Scenario,
    *,
    strategy: str | None = None,
    count: int | None = None,
    seed: int | None = None,
    starts: tuple | str | None = None,
    params: dict | None = None,
) -> Scenario:
    """A copy of ``sc`` with another strategy (with ``params``, by default its defaults; the current
    parameters when it is the same one), team size, seed or start nodes; the map object is shared, not
    reloaded."""
    agents, fleet, data_agents = sc.agents, sc.fleet, dict(sc.data.get("agents", {}))
    if count is not None and count != agents.count:

        def resized(per_agent: tuple) -> tuple:  # new agents are like the last one (of the last group)
            return (per_agent + (per_agent[-1],) * count)[:count] if per_agent else per_agent

        speeds = resized(agents.speeds)
        rule = agents.starts
        if not isinstance(rule, str):
            extra = np.random.default_rng(sc.seed + count).integers(sc.map.n_nodes, size=max(count - len(rule), 0))
            rule = (tuple(rule) + tuple(int(x) for x in extra))[:count]
        elif rule == "map" and len(sc.map.starts) < count:
            rule = "auto"
        agents = dataclasses.replace(
            agents,
            count=count,
            speeds=speeds,
            starts=rule,
            groups=resized(agents.groups),
            sensing_radii=resized(agents.sensing_radii),
            motion=resized(agents.motion),
            batteries=resized(agents.batteries),
        )
        if agents.groups and "group" in data_agents:  # the record's groups: counts as the team now has them
            named = [(g, g.get("name", f"group {i + 1}")) for i, g in enumerate(data_agents["group"])]
            data_agents["group"] = [{**g, "count": agents.groups.count(n)} for g, n in named if n in agents.groups]
        if fleet.failures is not None and fleet.failures.at:
            at = tuple(f for f in fleet.failures.at if f[0] < count)
            fleet = dataclasses.replace(fleet, failures=dataclasses.replace(fleet.failures, at=at))
    if starts is not None:
        agents = dataclasses.replace(agents, starts=starts)
    name = sc.strategy_name
    if strategy is not None and strategy != name:
        name, params = strategy, dict(params or {})
    else:
        params = sc.strategy_params
    data = {
        **sc.data,
        "seed": sc.seed if seed is None else seed,
        "agents": {**data_agents, "count": agents.count},
        "strategy": {"name": name, **params},
    }
    return dataclasses.replace(
        sc,
        agents=agents,
        fleet=fleet,
        seed=sc.seed if seed is None else seed,
        strategy_name=name,
        strategy_params=dict(params),
        data=data,
    )


class Session:
    """A :class:`Simulation` advanced in simulated time as wall time passes.

    ``speed`` is simulated seconds per wall second (``math.inf``: as fast as the frame budget
    allows). :meth:`tick` never spends much more than ``budget_s`` of wall time, so the window stays
    responsive; when the simulation cannot keep up, :attr:`behind` is True.
    """

    def __init__(
        self, scenario: Scenario, *, speed: float = 10.0, paused: bool = False, sim: Simulation | None = None
    ) -> None:
        self.speed = speed
        self.paused = paused
        self.behind = False
        self.events = 0  # arrivals processed since the last reset of the counter
        self._chunk = 1.0  # simulated seconds advanced per engine call, adapted to the budget
        self.reached_end = False
        self.load(scenario, sim)

    # ------------------------------------------------------------------ building
    def load(self, scenario: Scenario, sim: Simulation | None = None) -> None:
        """Start a fresh run of ``scenario`` (time 0, paused state kept); ``sim``: its simulation, if
        already built (``make(scenario)``, at time 0)."""
        self.scenario = scenario
        # the window runs open-ended and up to x1000: always worth compiling
        self.sim = make(scenario, backend=COMPILED) if sim is None else sim
        self.incidents = IncidentFeed(self.sim)
        self._result: tuple[tuple, Result] | None = None
        self.seen = np.zeros(self.sim.map.n_nodes, dtype=bool)  # seen at least once since time 0
        self.sim.on_visits(self._saw)
        self.reached_end = False
        self._last_heading = np.zeros((self.sim.state.n_agents, 2))
        self._last_heading[:, 0] = 1.0

    def _saw(self, times: np.ndarray, nodes: np.ndarray, agents: np.ndarray) -> None:
        self.seen[nodes] = True

    def heat_scale(self) -> float:
        """The idleness (s) at the top of the heat scale, fixed for the run from the scenario: twice the
        team's sweep time (nodes x mean edge length / (agents x mean speed): the time to walk past every
        node once), rounded up to a round number and at most the duration."""
        sc, pmap = self.scenario, self.sim.map
        sweep = sweep_time_s(pmap, sc.agents.speeds)
        return min(P.nice_ceiling(2.0 * sweep), P.nice_ceiling(sc.duration))

    @property
    def strategy_names(self) -> str:
        return cast("Strategy", self.sim.strategy).describe()

    # ------------------------------------------------------------------ time
    def tick(self, wall_dt: float, budget_s: float = 0.010) -> None:
        """Advance by ``wall_dt`` wall seconds at the current speed, within ``budget_s`` of work."""
        if self.paused:
            self.behind = False
            return
        now = self.sim.now
        target = now + wall_dt * self.speed if math.isfinite(self.speed) else math.inf
        end = self.scenario.duration
        if not self.reached_end and now < end <= target:
            target = end
        if math.isinf(self.speed):
            budget_s *= MAX_SPEED_BUDGET
        self.behind = not self._advance(target, budget_s) and math.isfinite(self.speed)
        if not self.reached_end and self.sim.now >= end:
            self.reached_end = True
            self.paused = True

    def _advance(self, target: float, budget_s: float) -> bool:
        """Advance toward ``target`` in adaptive chunks; True if it was reached within the budget."""
        sim = self.sim
        start = time.perf_counter()
        while sim.now < target:
            before = sim.state.arrivals
            t0 = time.perf_counter()
            limited = sim.now + self._chunk < target
            sim.advance_to(min(target, sim.now + self._chunk))
            self.events += sim.state.arrivals - before
            took = time.perf_counter() - t0
            if took > budget_s / 2:
                self._chunk = max(self._chunk / 2.0, 1e-3)
            elif limited and took < budget_s / 8:
                self._chunk = min(self._chunk * 2.0, MAX_CHUNK_S)
            if time.perf_counter() - start >= budget_s:
                return sim.now >= target
        return True

    def catch_up(self, t: float, budget_s: float) -> None:
        """Advance toward simulated time ``t`` (to follow another session), within ``budget_s``."""
        self._advance(t, budget_s)
        self.reached_end = self.reached_end or self.sim.now >= self.scenario.duration

    def step(self) -> None:
        """Advance to the next arrival of any agent (one event), and pause."""
        self.paused = True
        sim, st = self.sim, self.sim.state
        nxt = float(st.arrive_s.min())
        if nxt <= sim.now:
            sim.advance_to(sim.now)
            nxt = float(st.arrive_s.min())
        if math.isfinite(nxt):
            sim.advance_to(max(nxt, sim.now))

    def faster(self, direction: int) -> None:
        """Move one notch along :data:`SPEEDS` (+1 faster, -1 slower)."""
        i = SPEEDS.index(self.speed) if self.speed in SPEEDS else int(np.searchsorted(SPEEDS[:-1], self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + direction))]

    # ------------------------------------------------------------------ what the window shows
    def positions(self) -> np.ndarray:
        """(A, 2) agent positions in metres now."""
        return self.sim.agent_positions()

    def headings(self) -> np.ndarray:
        """(A, 2) unit vectors of each agent's direction of travel (the last one while standing)."""
        st, pos = self.sim.state, self.sim.map.positions
        d = pos[st.heading] - pos[st.origin]
        norm = np.hypot(d[:, 0], d[:, 1])
        moving = norm > 0
        self._last_heading[moving] = d[moving] / norm[moving, None]
        return self._last_heading.copy()

    def partition(self) -> np.ndarray | None:
        """Region id per node when the strategy exposes ``partition`` (region-based strategies)."""
        part = getattr(self.sim.strategy, "partition", None)
        if part is None:
            return None
        part = np.asarray(part)
        return part if part.shape == (self.sim.map.n_nodes,) else None

    def result(self) -> Result:
        """The run's result so far (``sim.result()``), cached until the simulation moves."""
        key = (self.sim.now, self.sim.state.arrivals, self.incidents.count)
        if self._result is None or self._result[0] != key:
            self._result = (key, self.sim.result())
        return self._result[1]

    def metrics(self) -> dict:
        """The run's own metrics so far, as ``result.metrics`` has them (and `patrolsim run` prints them
        at the end): time-averaged and worst idleness over the run, coverage, response times, ..."""
        return self.result().metrics

    def ledger(self) -> dict[str, np.ndarray] | None:
        """The fairness ledger so far, one row per area (``result.areas``: centre x_m / y_m,
        patrol_share, true_share = incident share, and risk_share = the predictive layer's current
        estimate when it is on); None without incidents."""
        areas = self.result().areas
        return areas if areas.get("area") is not None and len(areas["area"]) else None

    def now(self) -> dict:
        """Values at this instant (the panel labels them "now"): coverage (share of nodes ever seen) and
        the average and worst idleness (s) over the nodes right now."""
        sim = self.sim
        st = sim.state
        row = np.empty(4)
        sample_row(sim.now, st.last_seen(sim.now), st.visits, None, np.zeros(0), row)
        return {"coverage": float(row[0]), "avg_idleness": float(row[1]), "worst_idleness": float(row[3])}

    def history(self) -> dict[str, np.ndarray]:
        """The engine's sampled series: t, coverage, avg_idleness, max_idleness, ..."""
        return self.sim.series.as_arrays()
