"""EngineState: every array the compiled event loop reads and writes, allocated in one place."""

from __future__ import annotations

import numpy as np

from ..maps.model import PatrolMap
from ..metrics.totals import NodeTotals
from . import kernel as K
from .motion import leg_progress

N_PARAMS = 9

#: the last-visit time strategies believe for a node nobody has seen yet: a little before the start,
#: so such a node always counts as idler than one seen at t0 (a start node), as in patrolling_sim,
#: which gives the start vertex last_visit 0.1 s and every other vertex 0. Only the strategies'
#: knowledge starts here; the metrics count every node as seen at t0.
NEVER_SEEN = -0.1


class EngineState:
    """Agents, knowledge, node metrics and counters of one run, as numpy arrays.

    ``own_knowledge`` allocates an (agents x nodes) table of each agent's own last-visit times
    (needed by conscientious strategies); otherwise agents read the team board. ``sense_rows`` gives
    each agent's block of rows in the sensing CSR (:func:`.sensing.grouped_sensing_sets`; default 0).
    Motion, batteries and interference start off (:meth:`set_motion`, :meth:`set_batteries`,
    :meth:`set_interference`).
    """

    def __init__(
        self,
        pmap: PatrolMap,
        starts: np.ndarray,
        speeds: np.ndarray,
        sense_ptr: np.ndarray,
        sense_idx: np.ndarray,
        *,
        sense_rows: np.ndarray | None = None,
        own_knowledge: bool,
        rng_seed: int,
        plan_capacity: int = 16,
    ) -> None:
        n, a = pmap.n_nodes, len(starts)
        self.map = pmap
        self.sense_ptr, self.sense_idx = sense_ptr, sense_idx
        self.a_int = np.zeros((a, K.N_INT), dtype=np.int64)
        self.a_int[:, K.A_FROM] = starts
        self.a_int[:, K.A_TO] = starts
        self.a_int[:, [K.A_PREV, K.A_EDGE, K.A_BLOCKER]] = -1
        if sense_rows is not None:
            self.a_int[:, K.A_SENSE] = sense_rows
        self.a_flt = np.zeros((a, K.N_FLT), dtype=np.float64)
        self.a_flt[:, K.A_SPEED] = speeds
        self.a_flt[:, [K.A_ACCEL, K.A_BRAKE, K.A_TURN]] = np.inf
        self.plan = np.zeros((a, plan_capacity), dtype=np.int64)
        # the arrival heap (:mod:`patrolsim.algorithms.heap`) of (next arrival time, agent): all at 0 now,
        # so the agents in id order are in heap order
        self.heap_t = np.zeros(a)
        self.heap_a = np.arange(a, dtype=np.int64)
        #: per agent: in service (not failed, not away charging); see Simulation.set_in_service
        self.in_service = np.ones(a, dtype=bool)
        #: per agent: failed (stopped where it is, at ``frozen_at``; see Simulation.fail)
        self.failed = np.zeros(a, dtype=bool)
        self.frozen_at = np.zeros((a, 2))
        self.board = np.full(n, NEVER_SEEN)
        self.own = bool(own_knowledge)
        # np.full writes every page now, so first-touch page faults are paid at set-up, not mid-run
        self.know = np.full((a, n), NEVER_SEEN) if self.own else self.board.reshape(1, n)
        self.m_flt = np.zeros((7, n), dtype=np.float64)
        self.m_int = np.zeros((2, n), dtype=np.int64)
        self.moves = np.zeros(pmap.indices.size, dtype=np.int64)
        self.reverse = pmap.reverse_entries()
        self.node_busy = np.full(n, -np.inf)
        # one slot more than there are edge entries: a one-way edge's reverse entry is that last slot,
        # which no agent ever leaves along, so no head-on meeting is counted where there is no way back
        self.edge_busy = np.full(pmap.indices.size + 1, -np.inf)
        self.watched = np.full(n, -np.inf)
        self.watching = False  # set once any agent stands still (wait or hold): watched matters
        self.counters = np.zeros(K.N_COUNTERS, dtype=np.int64)
        # interference and energy (all unused until switched on): node capacities (0: unlimited),
        # one-lane entries, robots at or bound for each node and on each entry; metres of the longest
        # "one more leg, then the nearest dock" per node; a battery's full charge per agent (0: none)
        self.node_cap = np.zeros(n, dtype=np.int64)
        self.lanes = np.zeros(pmap.indices.size, dtype=np.int64)
        self.occupancy = np.bincount(np.asarray(starts, dtype=np.int64), minlength=n).astype(np.int64)
        self.on_edge = np.zeros(pmap.indices.size + 1, dtype=np.int64)
        self.need_m = np.zeros(n)
        self.capacity = np.zeros(a)
        self.log_t = np.zeros(0)
        self.log_i = np.zeros((0, 2), dtype=np.int64)
        self.params = np.zeros(N_PARAMS, dtype=np.float64)
        self.params[K.P_PASS_VISITS] = 1.0
        self.rng = np.array([rng_seed], dtype=np.uint64)
        self.reset_metrics(0.0)

    @property
    def n_agents(self) -> int:
        return int(self.a_int.shape[0])

    # ------------------------------------------------------------------ named views of the kernel arrays
    # (the column layout is the kernel's business; everything outside the engine reads these)
    @property
    def origin(self) -> np.ndarray:
        """Per agent, the node its current leg left from (the node it stands at when standing)."""
        return self.a_int[:, K.A_FROM]

    @property
    def heading(self) -> np.ndarray:
        """Per agent, the node it is heading to (the node it stands at when standing)."""
        return self.a_int[:, K.A_TO]

    @property
    def depart_s(self) -> np.ndarray:
        """Per agent, when its current leg (or hold) began (s)."""
        return self.a_flt[:, K.A_DEPART]

    @property
    def arrive_s(self) -> np.ndarray:
        """Per agent, when it reaches ``heading`` (or its hold ends) (s)."""
        return self.a_flt[:, K.A_ARRIVE]

    @property
    def speed_mps(self) -> np.ndarray:
        """Per agent, its speed (m/s)."""
        return self.a_flt[:, K.A_SPEED]

    @property
    def controlled(self) -> np.ndarray:
        """Per agent, whether an attachment steers it (``Simulation.take_control``, e.g. a dispatch)."""
        return self.a_int[:, K.A_MODE] == K.MODE_EXTERNAL

    @property
    def cleared_s(self) -> np.ndarray:
        """Per agent, the idleness its visits have cleared since the start: the sum over its visits of
        how long each node had gone unseen (s; a node seen at that same instant adds 0)."""
        return self.a_flt[:, K.A_CLEARED]

    @property
    def visits(self) -> np.ndarray:
        """Per node, visits since the start of measurement."""
        return self.m_int[K.M_VISITS]

    @property
    def arrivals(self) -> int:
        """Arrival events processed so far."""
        return int(self.counters[K.C_ARRIVALS])

    @property
    def energy(self) -> np.ndarray:
        """Per agent, the energy left when it last departed or came to rest (battery units)."""
        return self.a_flt[:, K.A_ENERGY]

    def energy_at(self, t: float) -> np.ndarray:
        """Per agent, the energy left at time t (mid-leg: less the part of the leg still to drive;
        standing: less the standing use since it came to rest)."""
        st = self.a_flt
        standing = self.standing()
        rest = np.where(standing, np.maximum(t - st[:, K.A_REST], 0.0) * st[:, K.A_PER_S], 0.0)
        moving = np.where(standing, 0.0, self.remaining_leg_m(t) * st[:, K.A_PER_M])
        return st[:, K.A_ENERGY] - rest + moving

    @property
    def sense_rows(self) -> np.ndarray:
        """Per agent, the offset of its sensing group's rows in ``sense_ptr`` (0 with one group)."""
        return self.a_int[:, K.A_SENSE]

    @property
    def per_m(self) -> np.ndarray:
        """Per agent, the energy it uses per metre driven."""
        return self.a_flt[:, K.A_PER_M]

    def rest_from(self, agent: int, t: float, energy: float) -> None:
        """``agent``, standing, has ``energy`` left at time t (a charge began or ended)."""
        self.a_flt[agent, K.A_ENERGY] = energy
        self.a_flt[agent, K.A_REST] = t

    def watch_energy(self, agent: int) -> None:
        """Apply the return rule to ``agent`` again (the loop stops applying it once it reports one)."""
        self.a_int[agent, K.A_CHECK] = int(self.capacity[agent] > 0)

    @property
    def blocked_by(self) -> np.ndarray:
        """Per agent, the robot in its way that it waits for (-1: none)."""
        return self.a_int[:, K.A_BLOCKER]

    @property
    def blocked_s(self) -> np.ndarray:
        """Per agent, seconds it has waited for robots in its way."""
        return self.a_flt[:, K.A_BLOCKED_S]

    def sensed(self, agent: int, node: int) -> np.ndarray:
        """The nodes ``agent`` senses from ``node`` (its sensing group's set)."""
        row = int(self.a_int[agent, K.A_SENSE]) + node
        return self.sense_idx[self.sense_ptr[row] : self.sense_ptr[row + 1]]

    def standing(self, agents: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Whether each of ``agents`` stands at a node (holding or deciding) rather than on an edge."""
        return self.a_int[agents, K.A_FROM] == self.a_int[agents, K.A_TO]

    def node_totals(self, t: float) -> NodeTotals:
        """The per-node accumulators the metrics are computed from, with last-seen times at t."""
        m_flt, m_int = self.m_flt, self.m_int
        return NodeTotals(
            last=self.last_seen(t),
            first=m_flt[K.M_FIRST],
            visits=m_int[K.M_VISITS],
            intervals=m_int[K.M_ICOUNT],
            interval_sum=m_flt[K.M_ISUM],
            interval_sq=m_flt[K.M_ISQ],
            interval_max=m_flt[K.M_IMAX],
            area=m_flt[K.M_AREA],
        )

    def reset_metrics(self, t: float) -> None:
        """Start measuring at time t: every node counts as just visited; counters restart."""
        self.m_flt[:] = 0.0
        self.m_flt[K.M_LAST] = t
        self.m_flt[K.M_FIRST] = np.inf
        self.m_int[:] = 0
        self.moves[:] = 0
        self.counters[[K.C_NODE_MEET, K.C_EDGE_MEET, K.C_WAITS, K.C_REROUTES, K.C_DEADLOCKS]] = 0
        self.a_flt[:, K.A_BLOCKED_S] = 0.0
        # distance already covered before t on the current leg does not count
        self.a_flt[:, K.A_DIST] = self.remaining_leg_m(t)

    def remaining_leg_m(self, t: float) -> np.ndarray:
        """Metres of each agent's current leg still to travel after time t."""
        if self.moving_takes_time:
            moving = ~self.standing() & np.isfinite(self.a_flt[:, K.A_ARRIVE])
            return np.where(moving, self.a_flt[:, K.A_LEG] - self._covered_m(t), 0.0)
        left = np.clip(self.a_flt[:, K.A_ARRIVE] - np.maximum(t, self.a_flt[:, K.A_DEPART]), 0.0, None)
        left[~np.isfinite(left) | self.standing()] = 0.0  # a hold is no leg
        return left * self.a_flt[:, K.A_SPEED]

    def _covered_m(self, t: float) -> np.ndarray:
        """Metres of each agent's current leg covered at time t as :mod:`.motion` drives it (0 standing)."""
        f = self.a_flt
        moving = ~self.standing() & np.isfinite(f[:, K.A_ARRIVE])
        tau = np.where(moving, t - f[:, K.A_DEPART], 0.0)
        length = np.where(moving, f[:, K.A_LEG], 0.0)
        return leg_progress(length, f[:, K.A_SPEED], f[:, K.A_ACCEL], f[:, K.A_BRAKE], tau)

    def last_seen(self, t: float) -> np.ndarray:
        """Per node, the last time it was seen up to t, counting time in view of a standing agent (what
        the metrics measure: every node counts as seen when they start, at the end of a warm-up)."""
        return self._in_view(self.m_flt[K.M_LAST], t)

    def seen_at(self, t: float) -> np.ndarray:
        """:meth:`last_seen` from the team board: not restarted by a warm-up, ``NEVER_SEEN`` for a node
        nobody has seen yet."""
        return self._in_view(self.board, t)

    def _in_view(self, last: np.ndarray, t: float) -> np.ndarray:
        if not self.watching:
            return last
        return np.maximum(last, np.minimum(self.watched, t))

    def set_plan(self, agent: int, path) -> None:
        """Make ``agent`` follow ``path`` (node ids, each adjacent to the previous) from where it stands."""
        k = len(path)
        if k > self.plan.shape[1]:
            grown = np.zeros((self.n_agents, max(k, 2 * self.plan.shape[1])), dtype=np.int64)
            grown[:, : self.plan.shape[1]] = self.plan
            self.plan = grown
        self.plan[agent, :k] = path
        self.a_int[agent, K.A_PLAN_POS] = 0
        self.a_int[agent, K.A_PLAN_LEN] = k

    def positions(self, t: float) -> np.ndarray:
        """(A, 2) agent positions in metres at time t, interpolated along their current edges (a failed
        agent where it stopped)."""
        out = self._moving_positions(t)
        if self.failed.any():
            out[self.failed] = self.frozen_at[self.failed]
        return out

    def _moving_positions(self, t: float) -> np.ndarray:
        pos = self.map.positions
        src, dst = pos[self.a_int[:, K.A_FROM]], pos[self.a_int[:, K.A_TO]]
        if self.moving_takes_time:
            length = self.a_flt[:, K.A_LEG]
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = np.where(length > 0, self._covered_m(t) / length, 0.0)
            frac = np.where(self.standing(), 1.0, np.clip(frac, 0.0, 1.0))[:, None]
            return src + (dst - src) * frac
        dep, arr = self.a_flt[:, K.A_DEPART], self.a_flt[:, K.A_ARRIVE]
        span = arr - dep
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where((span > 0) & np.isfinite(span), (t - dep) / span, 1.0)
        frac = np.clip(frac, 0.0, 1.0)[:, None]
        return src + (dst - src) * frac

    def local_choice(self, rule: int, agent: int, node: int, t: float) -> int:
        """The neighbour of ``node`` the built-in local ``rule`` picks for ``agent`` at time t, drawing ties
        from the run's loop generator as the compiled loop does (for deciders that run a built-in rule
        for some agents only)."""
        m = self.map
        return int(
            K.choose_local(
                rule, agent, node, t, m.indptr, m.indices, m.lengths, self.know, self.own, self.params, self.rng
            )
        )

    def advance(self, until: float, resume: int, rule: int) -> tuple[int, int]:
        """Run the compiled loop up to ``until``; see :func:`kernel.advance` for the groups of arrays."""
        m = self.map
        graph = (m.indptr, m.indices, m.lengths, self.sense_ptr, self.sense_idx)
        agents = (self.a_int, self.a_flt, self.plan, self.heap_t, self.heap_a)
        nodes = (self.m_flt, self.m_int, self.watched, self.node_busy, self.edge_busy, self.moves)
        team = (self.know, self.own, self.board)
        log = (self.log_t, self.log_i)
        return K.advance(
            until, resume, rule, graph, agents, nodes, team, log, self.physics, self.counters, self.params, self.rng
        )

    @property
    def physics(self) -> tuple:
        """The kernel's ``physics`` group (see :func:`kernel.advance`)."""
        return (
            self.map.positions,
            self.node_cap,
            self.lanes,
            self.occupancy,
            self.on_edge,
            self.reverse,
            self.need_m,
        )

    # ------------------------------------------------------------------ the physical side, off by default
    @property
    def moving_takes_time(self) -> bool:
        """Whether legs are driven with acceleration and braking (positions follow the speed profile)."""
        return bool(self.params[K.P_MOTION] > 0.0)

    def set_motion(self, accel: np.ndarray, brake: np.ndarray, turn_rate: np.ndarray) -> None:
        """Per agent acceleration and braking (m/s^2) and turning rate (rad/s); inf = instant."""
        self.a_flt[:, K.A_ACCEL], self.a_flt[:, K.A_BRAKE], self.a_flt[:, K.A_TURN] = accel, brake, turn_rate
        self.params[K.P_MOTION] = float(not np.isinf(self.a_flt[:, [K.A_ACCEL, K.A_BRAKE, K.A_TURN]]).all())

    def set_batteries(self, capacity, start, per_m, per_s, reserve, need_m: np.ndarray) -> None:
        """Per agent battery (full charge, share at start, use per metre and per standing second, share
        kept in reserve; capacity 0: no battery) and per node the metres of one more leg and the way
        to the nearest dock (the return rule's distance)."""
        f = self.a_flt
        self.capacity[:] = capacity
        f[:, K.A_ENERGY] = np.asarray(capacity) * np.asarray(start)
        f[:, K.A_PER_M], f[:, K.A_PER_S] = per_m, per_s
        f[:, K.A_RESERVE] = np.asarray(capacity) * np.asarray(reserve)
        self.a_int[:, K.A_CHECK] = self.capacity > 0
        self.need_m[:] = need_m
        self.params[K.P_ENERGY] = 1.0

    def set_interference(self, mode: int, wait_s: float, reroute_after: int, node_cap, lanes) -> None:
        """Switch interference on: ``mode`` 1 (wait ``wait_s``) or 2 (block until the way is free),
        re-route after ``reroute_after`` waits; node capacities (0: unlimited) and one-lane flags per
        CSR entry."""
        self.params[K.P_INTERFERE] = float(mode)
        self.params[K.P_BLOCK_WAIT] = wait_s
        self.params[K.P_REROUTE] = float(reroute_after)
        self.node_cap[:] = node_cap
        self.lanes[:] = lanes

    def enable_visit_log(self, capacity: int = 65536) -> None:
        """Record every visit (time, node, agent) until drained by :meth:`drain_visit_log`."""
        if self.log_t.size == 0:
            capacity = max(capacity, int(np.diff(self.sense_ptr).max()) + 1)
            self.log_t = np.zeros(capacity)
            self.log_i = np.zeros((capacity, 2), dtype=np.int64)

    def drain_visit_log(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, nodes, agents) of the visits logged since the last drain, in event order."""
        n = int(self.counters[K.C_LOG])
        out = (self.log_t[:n].copy(), self.log_i[:n, 0].copy(), self.log_i[:n, 1].copy())
        self.counters[K.C_LOG] = 0
        return out
