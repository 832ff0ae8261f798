"""Simulation: one run of one team on one map, stepped in continuous simulated time.

The engine knows the map, the team (:mod:`.spec`), a decision maker (:mod:`.decision`) and the
attachments that plug in through its hooks (:meth:`Simulation.attach`, :meth:`~Simulation.schedule`,
:meth:`~Simulation.on_visits`, :meth:`~Simulation.take_control`); nothing of strategies by name,
incidents or scenario files. :func:`patrolsim.build.make` assembles one from a scenario.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import numpy as np

from .. import jit
from ..errors import StrategyError
from ..metrics.series import SeriesRecorder
from . import kernel as K
from .decision import Decider, Defer, Hold
from .progress import ProgressSink, SetupProgress
from .result import Result, add_group_figures, build_result
from .sensing import grouped_sensing_sets
from .starts import start_nodes
from .state import EngineState
from .view import TeamView

if TYPE_CHECKING:  # pragma: no cover
    from .spec import RunSpec


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _own_backend(method: _Method) -> _Method:
    """Run a Simulation method with the run's own backend active (calls from the window or an
    attachment outside :meth:`Simulation.advance_to` compute as the run does)."""

    @functools.wraps(method)
    def run(self: Simulation, *args: Any, **kwargs: Any) -> Any:
        with self.backend.active():
            return method(self, *args, **kwargs)

    return cast(_Method, run)


class Attachment(Protocol):
    """Something plugged into a run through the engine's hooks (incidents and dispatch, ...): it may
    add its own figures and tables to the run's result."""

    def add_to(self, result: Result) -> None: ...


class Simulation:
    """A run of ``spec`` decided by ``strategy``: agents move along edges at their speed; at each
    arrival the node (and every node sensed from it) is visited and the strategy picks where to go next.

    Times are seconds of simulated time, distances metres. Events at equal times are processed in
    agent-id order, and all randomness comes from the run's own generator seeded by ``spec.seed``,
    so the same run gives bit-identical results in any process. ``run_info`` adds entries to the
    result's ``run`` record (e.g. the communication model). ``progress`` receives the strategy's set-up
    progress (:mod:`.progress`; default: a line on standard error once a set-up takes over 2 s), and
    ``setup_s`` is the set-up's wall time.

    Use :meth:`run` for a whole run, or :meth:`advance_to` to step (the GUI does), then :meth:`result`.
    A decider that answers :data:`~.decision.DEFER` stops the advance at that agent's arrival
    (:attr:`awaiting`); :meth:`answer` gives its choice and the next advance carries on from there, so
    a controller outside the engine (an RL environment) decides as a strategy would.
    """

    def __init__(
        self,
        spec: RunSpec,
        strategy: Decider,
        *,
        run_info: dict[str, Any] | None = None,
        progress: ProgressSink | None = None,
        backend: jit.Backend | None = None,
    ) -> None:
        sc = self.spec = spec
        self.map = sc.map
        self.rng = np.random.default_rng(sc.seed)
        self.strategy = strategy
        self.run_info = dict(run_info or {})
        self.attachments: list[Attachment] = []
        self.starts = start_nodes(self.map, sc.agents.count, sc.agents.starts, self.rng)
        team = sc.agents
        radii = list(team.sensing_radii) or [team.sensing_radius] * team.count
        sense_ptr, sense_idx, sense_rows = grouped_sensing_sets(self.map, radii)
        self.state = EngineState(
            self.map,
            self.starts,
            np.asarray(team.speeds),
            sense_ptr,
            sense_idx,
            sense_rows=sense_rows,
            own_knowledge=self.strategy.own_knowledge,
            rng_seed=int(self.rng.integers(2**63)),
        )
        if team.motion:
            m = team.motion
            self.state.set_motion(
                np.array([x.accel for x in m]), np.array([x.brake for x in m]), np.array([x.turn_rate for x in m])
            )
        self.interference = sc.interference
        if self.interference.on:
            self._set_interference()
        params = self.state.params
        params[K.P_WAIT] = sc.agents.wait
        self.state.watching = sc.agents.wait > 0
        params[K.P_PASS_VISITS] = float(sc.agents.pass_through_visits)
        for slot, value in self.strategy.kernel_params().items():
            params[slot] = value
        self.now = 0.0
        self.t0 = 0.0
        #: called with the Simulation every :data:`kernel.CHUNK` arrivals of a long advance (progress displays)
        self.on_pause: Callable[[Simulation], None] | None = None
        self.wall_s = 0.0
        self.series = SeriesRecorder(sc.coverage_windows)
        self._warming = sc.warmup > 0
        self._samples_taken = 0
        self._scheduled: list[tuple[float, int, Callable]] = []
        self._seq = itertools.count()
        self._visit_listeners: list[Callable] = []
        self._controllers: dict[int, Callable] = {}
        self._on_taken: dict[int, Callable[[int], None]] = {}
        self._service_listeners: list[Callable[[int, bool], None]] = []
        #: called as ``on_low_energy(sim, agent, node, t)`` when an agent's energy would not cover one
        #: more leg and the way to a dock (the docks attachment steers it; :meth:`take_control`)
        self.on_low_energy: Callable[[Simulation, int, int, float], None] | None = None
        self._failed_from: dict[int, tuple[float, float]] = {}  # agent -> (failed at, seconds of its leg left)
        # seconds out of service and failed per agent since t0, and since when (nan: in service)
        self.out_s = np.zeros(self.state.n_agents)
        self.down_s = np.zeros(self.state.n_agents)
        self._out_since = np.full(self.state.n_agents, np.nan)
        self._worst_degraded = 0.0
        #: the agent whose decision was deferred (it stands at ``heading_to(agent)`` since ``now``), or None
        self.awaiting: int | None = None
        self._resume = -1  # the agent answered while awaiting: the next advance starts it on its way
        self.setup_progress = SetupProgress(strategy.name, progress)
        self.view = TeamView(self)
        #: plain Python or compiled kernels for this run (:mod:`patrolsim.jit`), active while it computes
        self.backend = backend or jit.backend_for(self.work())
        with self.backend.active():
            self.strategy.setup(self.view)
        self.setup_s = self.setup_progress.finish()

    def _set_interference(self) -> None:
        """Node capacities and one-lane edges from the run's :class:`~.spec.Interference`."""
        spec, pmap, st = self.interference, self.map, self.state
        node_cap = np.full(pmap.n_nodes, spec.node_capacity, dtype=np.int64)
        edge_cap = np.full(pmap.indices.size, spec.edge_capacity, dtype=np.int64)
        src = np.repeat(np.arange(pmap.n_nodes), np.diff(pmap.indptr))
        # what the map file says (by its node ids), then the scenario's own overrides
        from_map = [(pmap.node_of(label), cap) for label, cap in pmap.meta.get("node_capacity", {}).items()]
        for node, cap in [(n, c) for n, c in from_map if n is not None] + list(spec.nodes):
            node_cap[node] = cap
        edges_from_map = [(pmap.node_of(a), pmap.node_of(b), c) for a, b, c in pmap.meta.get("edge_capacity", [])]
        for u, v, cap in [e for e in edges_from_map if e[0] is not None and e[1] is not None] + list(spec.edges):
            edge_cap[((src == u) & (pmap.indices == v)) | ((src == v) & (pmap.indices == u))] = cap
        mode = 1 if spec.mode == "wait" else 2
        st.set_interference(mode, spec.wait_s, spec.reroute_after, node_cap, (edge_cap == 1).astype(np.int64))
        st.watching = True  # blocked robots stand and watch

    def seed_stream(self, key: int) -> np.random.SeedSequence:
        """A stream of seeds derived from the run's seed under ``key`` (independent of :attr:`rng` and
        of every other key), for an attachment that needs generators of its own."""
        return np.random.SeedSequence(self.spec.seed, spawn_key=(key,))

    def work(self) -> float:
        """The run's work estimate in plain-Python events, which decides whether it is compiled: the
        event loop's arrivals (one costs about as much as eight sensed-node visits) plus what the
        strategy expects its set-up and decisions to cost (:meth:`Decider.work`)."""
        sensed_per_node = self.state.sense_idx.size / self.map.n_nodes
        return self.expected_arrivals() * (1.0 + sensed_per_node / 8.0) + self.strategy.work(self.view)

    def expected_arrivals(self) -> float:
        """Rough number of arrival events in the whole run (decides whether to compile the loop)."""
        sc = self.spec
        mean_edge = float(self.map.lengths.mean()) if self.map.lengths.size else 1.0
        return sc.duration * sum(sc.agents.speeds) / mean_edge

    # ------------------------------------------------------------------ stepping
    @property
    def clock(self) -> float:
        """Simulated seconds reached: the time of the next event while an advance is under way, else ``now``."""
        st = self.state
        return max(self.now, min(float(st.heap_t[0]), self.spec.duration))

    @property
    def next_sample_time(self) -> float:
        return self.t0 + self._samples_taken * self.spec.sample_interval

    @_own_backend
    def advance_to(self, t: float) -> None:
        """Process every event up to and including time ``t`` (seconds); take due samples. Stops early,
        at the arrival of an agent whose decision is deferred (then :attr:`awaiting` names it)."""
        if self.awaiting is not None:
            raise RuntimeError(f"agent {self.awaiting} awaits a decision: answer() it before advancing")
        if t < self.now:
            raise ValueError(f"cannot go back in time from {self.now} to {t}")
        started = time.perf_counter()
        with np.errstate(over="ignore"):  # the splitmix64 generator wraps uint64 on purpose
            self._advance(t)
        self.wall_s += time.perf_counter() - started

    def _advance(self, t: float) -> None:
        state = self.state
        while True:
            target = min(t, self.spec.warmup if self._warming else self.next_sample_time)
            if self._scheduled and self._scheduled[0][0] < target:
                target = self._scheduled[0][0]
            reached = self._run_events(target)
            if reached is None:
                return  # a decision is deferred: now is its agent's arrival; resuming carries on from there
            target = reached
            self.now = target
            while self._scheduled and self._scheduled[0][0] <= target:
                heapq.heappop(self._scheduled)[2](self)
            if self._warming and target == self.spec.warmup:
                self._warming = False
                self.t0 = target
                state.reset_metrics(target)
                self.series.clear()
                self.out_s[:], self.down_s[:], self._worst_degraded = 0.0, 0.0, 0.0
            elif not self._warming and target == self.next_sample_time:
                self._sample()
                self._samples_taken += 1
            if target >= t:
                break

    def run(self, until: float | None = None) -> Result:
        """Advance to ``until`` (default: the run's duration) and return the result."""
        self.advance_to(self.spec.duration if until is None else until)
        rows = self.series.rows
        if not self._warming and (not rows or rows[-1][0] < self.now):
            # close the time series at the end even when it is not a whole number of intervals
            self._sample()
        return self.result()

    def _sample(self) -> None:
        """Add the time-series row of now."""
        st = self.state
        self.series.sample(self.now, st.last_seen(self.now), st.visits, self.map.sample_weights)

    def _run_events(self, until: float) -> float | None:
        """Process the events up to ``until``, or up to an earlier time that a callback was scheduled
        for meanwhile (by a controller acting at an arrival); the time reached, or None when it stopped
        at a deferred decision."""
        state, strategy = self.state, self.strategy
        resume, self._resume = self._resume, -1
        while True:
            if self._scheduled and self._scheduled[0][0] < until:
                until = self._scheduled[0][0]
            status, agent = state.advance(until, resume, strategy.kernel_rule)
            resume = -1
            if status == K.DONE or status == K.LOG_FULL or status == K.PAUSE:
                self._drain_visits()
                if status == K.DONE:
                    return until
                if status == K.PAUSE and self.on_pause is not None:
                    self.on_pause(self)
                continue
            node = int(state.a_int[agent, K.A_TO])
            if status == K.LOW_ENERGY or status == K.REROUTE:
                self.now = float(state.a_flt[agent, K.A_ARRIVE])
                self._drain_visits()
                if status == K.LOW_ENERGY:
                    state.a_int[agent, K.A_CHECK] = 0
                    assert self.on_low_energy is not None, "energy on without a docks attachment"
                    self.on_low_energy(self, agent, node, self.now)
                else:
                    self._reroute(agent, node)
                resume = self._resume_after_control(agent, node)
                continue
            if status == K.BAD_PLAN:
                bad = state.plan[agent, state.a_int[agent, K.A_PLAN_POS] - 1]
                raise StrategyError(
                    f"strategy '{strategy.name}' sent agent {agent} from node {node} to "
                    f"node {bad}, which is not adjacent; a plan must follow edges"
                )
            self.now = float(state.a_flt[agent, K.A_ARRIVE])
            self._drain_visits()
            if status == K.EXTERNAL:
                self._controllers[agent](self, agent, node, self.now)
                resume = self._resume_after_control(agent, node)
                continue
            choice = strategy.decide(agent, node, self.now, self.view)
            if isinstance(choice, Defer):
                self.awaiting = agent
                return None
            resume = self._apply(agent, choice)

    def _resume_after_control(self, agent: int, node: int) -> int:
        """The agent the event loop resumes after a controller acted on ``agent`` at ``node`` now: -1 when
        it made it hold (or it failed), else the agent (a new plan, or handed back to its strategy)."""
        st = self.state
        if st.a_flt[agent, K.A_ARRIVE] > self.now:
            return -1
        if (
            st.a_int[agent, K.A_MODE] == K.MODE_EXTERNAL
            and st.a_int[agent, K.A_PLAN_POS] >= st.a_int[agent, K.A_PLAN_LEN]
        ):
            raise RuntimeError(f"the controller of agent {agent} gave it nothing to do at node {node}")
        return agent

    def _reroute(self, agent: int, node: int) -> None:
        """Step blocked ``agent`` aside to the first free neighbour of ``node`` (CSR order): under its
        strategy, a short excursion after which the strategy decides again (as after a dispatch); under
        a controller, on from there to the end of its route by the shortest way round the node it could
        not enter (aside and back when there is none). No free neighbour: it waits again."""
        st, pmap = self.state, self.map
        st.counters[K.C_REROUTES] += 1
        aside = -1
        for k in range(int(pmap.indptr[node]), int(pmap.indptr[node + 1])):
            u = int(pmap.indices[k])
            if (
                K.blocker_of(agent, node, u, k, st.a_int, st.node_cap, st.lanes, st.occupancy, st.on_edge, st.reverse)
                < 0
            ):
                aside = u
                break
        if aside < 0:
            K.wait_blocked(
                agent,
                node,
                self.now,
                self.interference.wait_s,
                st.a_int,
                st.a_flt,
                st.sense_ptr,
                st.sense_idx,
                st.watched,
                st.node_busy,
            )
            K.rebuild_heap(st.heap_t, st.heap_a, st.a_flt)
            return
        st.a_int[agent, K.A_WAITS] = 0
        st.a_int[agent, K.A_BLOCKER] = -1
        if st.a_int[agent, K.A_MODE] == K.MODE_STRATEGY:
            self.take_control(agent, [aside], lambda sim, a, n, t: sim.release(a))
            return
        rest = st.plan[agent, st.a_int[agent, K.A_PLAN_POS] : st.a_int[agent, K.A_PLAN_LEN]].tolist()
        detour = self._detour(aside, rest[-1], avoid=rest[0]) if rest else None
        st.set_plan(agent, [aside, *detour] if detour is not None else [aside, node, *rest])

    def _detour(self, start: int, target: int, avoid: int) -> list[int] | None:
        """A shortest path from ``start`` to ``target`` (excluding start) that does not pass ``avoid``, or
        None when there is none (or ``target`` is ``avoid`` itself); ties as scipy's Dijkstra breaks them,
        the same on every run."""
        if target in (avoid, start):
            return None if target == avoid else []
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        pmap = self.map
        src = np.repeat(np.arange(pmap.n_nodes), np.diff(pmap.indptr))
        keep = (src != avoid) & (pmap.indices != avoid)
        n = pmap.n_nodes
        adj = csr_matrix((pmap.lengths[keep], (src[keep], pmap.indices[keep])), shape=(n, n))
        dist, pred = dijkstra(adj, directed=True, indices=start, return_predecessors=True)
        if not np.isfinite(dist[target]):
            return None
        path = [target]
        while path[-1] != start:
            path.append(int(pred[path[-1]]))
        return path[-2::-1]

    def _apply(self, agent: int, choice) -> int:
        """Carry out ``choice`` (a neighbour, a path or a Hold) for ``agent``, which stands at a node now;
        returns the agent the event loop resumes (-1 when it holds)."""
        self.state.counters[K.C_DECISIONS] += 1
        if isinstance(choice, Hold):
            self.hold(agent, choice.seconds)
            return -1
        path = [choice] if isinstance(choice, (int, np.integer)) else list(choice)
        if not path:
            raise StrategyError(f"strategy '{self.strategy.name}' returned no next node for agent {agent}")
        self.state.set_plan(agent, path)
        return agent

    def answer(self, choice) -> None:
        """Decide for the agent that :attr:`awaiting` names, as its strategy would have (a neighbour, a
        path or a :class:`~.decision.Hold`); the next advance carries on from its arrival."""
        agent = self.awaiting
        if agent is None:
            raise RuntimeError("no agent awaits a decision")
        self._resume = self._apply(agent, choice)
        self.awaiting = None

    def _drain_visits(self) -> None:
        if self._visit_listeners and self.state.counters[K.C_LOG]:
            times, nodes, agents = self.state.drain_visit_log()
            for listener in self._visit_listeners:
                listener(times, nodes, agents)

    # ------------------------------------------------------------------ hooks for attachments, GUI, plugins
    def attach(self, attachment: Attachment) -> None:
        """Plug ``attachment`` into the run: :meth:`result` lets it add its figures (``add_to``)."""
        self.attachments.append(attachment)

    def schedule(self, t: float, callback: Callable[[Simulation], None]) -> None:
        """Call ``callback(sim)`` at simulated time t (after the arrivals at t; ties in call order)."""
        if t < self.now:
            raise ValueError(f"cannot schedule at {t}: it is already {self.now}")
        heapq.heappush(self._scheduled, (float(t), next(self._seq), callback))

    def on_visits(self, listener: Callable[[np.ndarray, np.ndarray, np.ndarray], None]) -> None:
        """Call ``listener(times, nodes, agents)`` with every visit, in event order, in batches that are
        always delivered before any later decision, scheduled callback or return from advance_to."""
        self.state.enable_visit_log()
        self._visit_listeners.append(listener)

    @_own_backend
    def hold(self, agent: int, seconds: float) -> None:
        """Keep ``agent``, which stands at a node now, there for ``seconds``; then it asks again."""
        st = self.state
        node = st.a_int[agent, K.A_TO]
        if st.a_int[agent, K.A_FROM] == node and st.a_flt[agent, K.A_ARRIVE] > self.now:
            self._stop_watching(agent, int(node))  # a new hold replaces the one under way
        st.a_int[agent, K.A_FROM] = node
        st.a_int[agent, K.A_PLAN_LEN] = st.a_int[agent, K.A_PLAN_POS] = 0
        st.a_flt[agent, K.A_DEPART] = self.now
        st.a_flt[agent, K.A_ARRIVE] = self.now + seconds
        st.node_busy[node] = max(st.node_busy[node], self.now + seconds)
        K.watch(st.a_int[agent, K.A_SENSE] + node, self.now + seconds, st.sense_ptr, st.sense_idx, st.watched)
        st.watching = True
        K.rebuild_heap(st.heap_t, st.heap_a, st.a_flt)

    @_own_backend
    def take_control(
        self,
        agent: int,
        path: list[int],
        on_arrival: Callable[[Simulation, int, int, float], None],
        on_taken: Callable[[int], None] | None = None,
    ) -> None:
        """Steer ``agent`` along ``path`` (starting at a neighbour of the node it is heading to); when the
        path is used up, ``on_arrival(sim, agent, node, t)`` decides: :meth:`set_path`, :meth:`hold`
        or :meth:`release`. A holding agent leaves at once. An agent its strategy controlled until now is
        announced to it first (``Strategy.called_away``); one another controller steered is taken from
        it, which hears of it through the ``on_taken(agent)`` it gave (e.g. a dispatch re-assigns the
        incident when its responder must go and charge, or fails). A controller steering its own agent
        on (the same ``on_arrival``) is not told."""
        if self._controllers.get(agent) != on_arrival:
            self._take_from_owner(agent)
        st = self.state
        st.a_int[agent, K.A_MODE] = K.MODE_EXTERNAL
        self._controllers[agent] = on_arrival
        if on_taken is not None:
            self._on_taken[agent] = on_taken
        self.set_path(agent, path)
        node = int(st.a_int[agent, K.A_TO])
        if st.a_int[agent, K.A_FROM] == node and st.a_flt[agent, K.A_ARRIVE] > self.now:
            st.a_flt[agent, K.A_ARRIVE] = self.now  # cut the hold short: the agent leaves now
            self._stop_watching(agent, node)

    def _take_from_owner(self, agent: int) -> None:
        """Tell whoever steers ``agent`` (its strategy or a controller) that it is taken away now."""
        st = self.state
        if st.a_int[agent, K.A_MODE] == K.MODE_STRATEGY:
            self.strategy.called_away(agent, self.now, self.view)
        else:
            self._controllers.pop(agent, None)
            taken = self._on_taken.pop(agent, None)
            if taken is not None:
                taken(agent)

    def _stop_watching(self, agent: int, node: int) -> None:
        """``agent``, standing at ``node``, stops keeping its surroundings in view now."""
        st = self.state
        seen = st.sensed(agent, node)
        st.watched[seen] = np.minimum(st.watched[seen], self.now)
        st.node_busy[node] = min(st.node_busy[node], self.now)
        K.rebuild_heap(st.heap_t, st.heap_a, st.a_flt)

    def set_path(self, agent: int, path: list[int]) -> None:
        """Replace ``agent``'s plan (node ids, the first adjacent to the node it is heading to)."""
        self.state.set_plan(agent, path)

    @_own_backend
    def release(self, agent: int) -> None:
        """Hand ``agent`` back to its strategy (it decides at the node the agent reaches next; the
        strategy hears of it through ``Strategy.released``)."""
        self.state.a_int[agent, K.A_MODE] = K.MODE_STRATEGY
        self._controllers.pop(agent, None)
        self._on_taken.pop(agent, None)
        self.strategy.released(agent, self.now, self.view)

    def set_in_service(self, agent: int, in_service: bool) -> None:
        """Mark ``agent`` in or out of service (failed, or away charging) and tell the strategy
        (``Strategy.team_changed``) so that a team strategy re-plans for the agents left. Whoever
        takes an agent out of service steers it meanwhile (:meth:`take_control`, :meth:`fail`)."""
        st = self.state
        if bool(st.in_service[agent]) == in_service:
            return
        st.in_service[agent] = in_service
        if in_service:
            self.out_s[agent] += self.now - max(self._out_since[agent], self.t0)
            self._out_since[agent] = np.nan
        else:
            self._out_since[agent] = self.now
        degraded = not st.in_service.all()
        if not degraded:  # a degraded period ends: its worst idleness now counts
            self._worst_degraded = max(self._worst_degraded, self._degraded_now())
        st.counters[K.C_DEGRADED] = int(degraded)
        with self.backend.active():
            self.strategy.team_changed(self.now, self.view)
            for listener in self._service_listeners:
                listener(agent, in_service)

    def on_service(self, listener: Callable[[int, bool], None]) -> None:
        """Call ``listener(agent, in_service)`` after each change of an agent's service (after its
        strategy heard of it), e.g. a dispatcher giving a queued call to an agent back from charging."""
        self._service_listeners.append(listener)

    def _degraded_now(self) -> float:
        """The worst idleness now (since t0), for the end of a degraded period."""
        return float((self.now - self.state.last_seen(self.now)).max()) if self.now > self.t0 else 0.0

    def worst_idleness_degraded(self) -> float:
        """The worst idleness any node reached while some agent was out of service (s; since t0)."""
        st = self.state
        worst = max(self._worst_degraded, float(st.m_flt[K.M_DMAX].max()))
        if not st.in_service.all():
            worst = max(worst, self._degraded_now())
        return worst

    def time_out_of_service(self) -> np.ndarray:
        """Per agent, seconds out of service since t0 (failed, or away charging), up to now."""
        open_s = np.where(
            np.isnan(self._out_since), 0.0, self.now - np.maximum(np.nan_to_num(self._out_since), self.t0)
        )
        return self.out_s + np.maximum(open_s, 0.0)

    def downtime(self) -> np.ndarray:
        """Per agent, seconds failed since t0, up to now."""
        open_s = np.zeros(self.state.n_agents)
        for agent, (since, _left) in self._failed_from.items():
            open_s[agent] = max(self.now - max(since, self.t0), 0.0)
        return self.down_s + open_s

    @_own_backend
    def fail(self, agent: int) -> None:
        """``agent`` breaks down now: it stops where it is (mid-edge too), sees nothing, is taken from its
        strategy or controller and goes out of service until :meth:`repair`."""
        st = self.state
        if st.failed[agent]:
            return
        self._take_from_owner(agent)
        node = int(st.a_int[agent, K.A_TO])
        standing = bool(st.a_int[agent, K.A_FROM] == node)
        st.frozen_at[agent] = st.positions(self.now)[agent]
        if standing and st.a_flt[agent, K.A_ARRIVE] > self.now:
            self._stop_watching(agent, node)
        left = 0.0 if standing else max(float(st.a_flt[agent, K.A_ARRIVE]) - self.now, 0.0)
        self._failed_from[agent] = (self.now, left)
        st.failed[agent] = True
        st.a_int[agent, K.A_MODE] = K.MODE_EXTERNAL  # nobody decides for it; it has no arrival to come
        st.a_int[agent, K.A_PLAN_LEN] = st.a_int[agent, K.A_PLAN_POS] = 0
        st.a_flt[agent, K.A_ARRIVE] = np.inf
        K.rebuild_heap(st.heap_t, st.heap_a, st.a_flt)
        self.set_in_service(agent, False)

    @_own_backend
    def repair(self, agent: int) -> None:
        """``agent`` works again from now: it drives on the rest of the leg it stopped on (or decides where
        it stands) and goes back to its strategy and into service."""
        st = self.state
        if not st.failed[agent]:
            return
        since, left = self._failed_from.pop(agent)
        down = self.now - since
        self.down_s[agent] += self.now - max(since, self.t0)
        st.failed[agent] = False
        f = st.a_flt
        if left > 0:  # the rest of its leg, shifted by the time it stood failed
            f[agent, K.A_DEPART] += down
            f[agent, K.A_ARRIVE] = self.now + left
            k = K.edge_entry(st.a_int[agent, K.A_FROM], st.a_int[agent, K.A_TO], self.map.indptr, self.map.indices)
            st.edge_busy[k] = max(st.edge_busy[k], self.now + left)
        else:
            f[agent, K.A_ARRIVE] = self.now
        f[agent, K.A_REST] += down  # no standing use while failed
        K.rebuild_heap(st.heap_t, st.heap_a, st.a_flt)
        self.release(agent)
        self.set_in_service(agent, True)

    def replan(self, agent: int) -> None:
        """Make ``agent``'s strategy decide again at the next node the agent reaches (the rest of its
        planned path is dropped); no effect on an agent under external control."""
        st = self.state
        if st.a_int[agent, K.A_MODE] == K.MODE_STRATEGY:
            st.a_int[agent, K.A_PLAN_LEN] = st.a_int[agent, K.A_PLAN_POS]

    def heading_to(self, agent: int) -> int:
        """The node ``agent`` stands at or will reach next."""
        return int(self.state.a_int[agent, K.A_TO])

    # ------------------------------------------------------------------ queries
    def agent_positions(self, t: float | None = None) -> np.ndarray:
        """(A, 2) agent positions in metres at time t (default: now), interpolated mid-edge."""
        return self.state.positions(self.now if t is None else t)

    def agent_goals(self) -> list[list[int]]:
        """Each agent's remaining planned nodes (the node it is heading to first)."""
        st = self.state
        out = []
        for a in range(st.n_agents):
            rest = st.plan[a, st.a_int[a, K.A_PLAN_POS] : st.a_int[a, K.A_PLAN_LEN]].tolist()
            out.append([int(st.a_int[a, K.A_TO])] + rest)
        return out

    def idleness(self) -> np.ndarray:
        """Instantaneous idleness of every node now (seconds since last seen, or since t0)."""
        return self.now - self.state.last_seen(self.now)

    def result(self) -> Result:
        """Metrics, per-node table, agent table and time series at the current time, plus what every
        attachment adds (e.g. incident metrics and tables)."""
        result = build_result(self)
        for attachment in self.attachments:
            attachment.add_to(result)
        add_group_figures(result)
        return result
