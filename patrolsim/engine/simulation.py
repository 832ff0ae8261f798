"""Simulation: one run of one team on one map, stepped in continuous simulated time."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from ..errors import StrategyError
from ..metrics.series import SeriesRecorder
from ..strategies import Strategy, strategy_class
from . import kernel as K
from .result import Result, build_result
from .sensing import sensing_sets
from .starts import start_nodes
from .state import EngineState
from .view import TeamView

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario


class Simulation:
    """A run of ``scenario``: agents move along edges at their speed; at each arrival the node (and
    every node sensed from it) is visited and the strategy picks where to go next.

    Times are seconds of simulated time, distances metres. Events at equal times are processed in
    agent-id order, and all randomness comes from the run's own generator seeded by
    ``scenario.seed``, so the same scenario gives bit-identical results in any process.

    Use :meth:`run` for a whole run, or :meth:`advance_to` to step (the GUI does), then :meth:`result`.
    """

    def __init__(self, scenario: "Scenario", strategy: Strategy | None = None) -> None:
        sc = self.scenario = scenario
        self.map = sc.map
        self.rng = np.random.default_rng(sc.seed)
        self.strategy = strategy or strategy_class(sc.strategy_name)(**sc.strategy_params)
        self.starts = start_nodes(self.map, sc.agents.count, sc.agents.starts, self.rng)
        sense_ptr, sense_idx = sensing_sets(self.map, sc.agents.sensing_radius)
        self.state = EngineState(self.map, self.starts, np.asarray(sc.agents.speeds), sense_ptr, sense_idx,
                                 own_knowledge=self.strategy.own_knowledge,
                                 rng_seed=int(self.rng.integers(2 ** 63)))
        params = self.state.params
        params[K.P_WAIT] = sc.agents.wait
        params[K.P_PASS_VISITS] = float(sc.agents.pass_through_visits)
        for slot, value in self.strategy.kernel_params().items():
            params[slot] = value
        self.now = 0.0
        self.t0 = 0.0
        self.wall_s = 0.0
        self.series = SeriesRecorder(sc.coverage_windows)
        self._warming = sc.warmup > 0
        self._samples_taken = 0
        self.view = TeamView(self)
        self.strategy.setup(self.view)
        self.advance_to(0.0)

    # ------------------------------------------------------------------ stepping
    @property
    def next_sample_time(self) -> float:
        return self.t0 + self._samples_taken * self.scenario.sample_interval

    def advance_to(self, t: float) -> None:
        """Process every event up to and including time ``t`` (seconds); take due samples."""
        if t < self.now:
            raise ValueError(f"cannot go back in time from {self.now} to {t}")
        started = time.perf_counter()
        state = self.state
        while True:
            target = min(t, self.scenario.warmup if self._warming else self.next_sample_time)
            self._run_events(target)
            self.now = target
            if self._warming and target == self.scenario.warmup:
                self._warming = False
                self.t0 = target
                state.reset_metrics(target)
                self.series.clear()
            elif not self._warming and target == self.next_sample_time:
                self.series.sample(target, state.m_flt, state.m_int, self.map.weights)
                self._samples_taken += 1
            if target >= t:
                break
        self.wall_s += time.perf_counter() - started

    def run(self, until: float | None = None) -> Result:
        """Advance to ``until`` (default: the scenario's duration) and return the result."""
        self.advance_to(self.scenario.duration if until is None else until)
        return self.result()

    def _run_events(self, until: float) -> None:
        state, strategy = self.state, self.strategy
        resume = -1
        while True:
            status, agent = state.advance(until, resume, strategy.kernel_rule)
            if status == K.DONE:
                return
            node = int(state.a_int[agent, K.A_TO])
            if status == K.BAD_PLAN:
                bad = state.plan[agent, state.a_int[agent, K.A_PLAN_POS] - 1]
                raise StrategyError(f"strategy '{strategy.name}' sent agent {agent} from node {node} to "
                                    f"node {bad}, which is not adjacent; a plan must follow edges")
            self.now = float(state.a_flt[agent, K.A_ARRIVE])
            choice = strategy.decide(agent, node, self.now, self.view)
            path = [choice] if isinstance(choice, (int, np.integer)) else list(choice)
            if not path:
                raise StrategyError(f"strategy '{strategy.name}' returned no next node for agent {agent}")
            state.set_plan(agent, path)
            state.counters[K.C_DECISIONS] += 1
            resume = agent

    # ------------------------------------------------------------------ queries
    def agent_positions(self, t: float | None = None) -> np.ndarray:
        """(A, 2) agent positions in metres at time t (default: now), interpolated mid-edge."""
        return self.state.positions(self.now if t is None else t)

    def agent_goals(self) -> list[list[int]]:
        """Each agent's remaining planned nodes (the node it is heading to first)."""
        st = self.state
        out = []
        for a in range(st.n_agents):
            rest = st.plan[a, st.a_int[a, K.A_PLAN_POS]:st.a_int[a, K.A_PLAN_LEN]].tolist()
            out.append([int(st.a_int[a, K.A_TO])] + rest)
        return out

    def idleness(self) -> np.ndarray:
        """Instantaneous idleness of every node now (seconds since last seen, or since t0)."""
        return self.now - self.state.m_flt[K.M_LAST]

    def result(self) -> Result:
        """Metrics, per-node table, agent table and time series at the current time."""
        return build_result(self)
