"""The compiled event loop: agent arrivals, visits, idleness bookkeeping and built-in local rules.

Everything here is plain numpy-array code that numba compiles when a run is big enough to pay for
it (see :mod:`patrolsim.jit`; cached on disk after the first compile); small runs execute it as is.
State lives in a few arrays owned by :class:`patrolsim.engine.state.EngineState`; column and row
indices are the constants below. Events are agent arrivals only: each agent has exactly one pending
arrival, kept in a binary heap ordered by (time, agent id), so simultaneous events are processed in a
fixed order. Built-in rules decide inside the loop; for any other strategy the loop returns to Python
with the agent that needs a decision (status ``NEED_DECISION``).
"""

from __future__ import annotations

import numpy as np

from ..algorithms import heap
from ..algorithms.draws import rand_below
from ..jit import kernel_function
from .motion import leg_seconds, turn_seconds
from .rules import (
    P_BLOCK_WAIT,
    P_ENERGY,
    P_INTERFERE,
    P_MOTION,
    P_PASS_VISITS,
    P_REROUTE,
    P_W_DIST,
    P_W_IDLE,
    P_WAIT,
    RULE_CR,
    RULE_HCR,
    RULE_PYTHON,
    RULE_RANDOM,
)

# agent integer columns (A_MODE: who decides when the plan runs out; A_PREV: the node its last leg
# came from, -1 before the first, for turning; A_SENSE: offset of its sensing group's rows in sense_ptr;
# A_EDGE: the CSR entry it travels along, -1 when standing; A_BLOCKER: who blocks it, -1 when not
# blocked; A_WAITS: its consecutive blocked waits; A_CHECK: 1 when the energy return rule applies)
A_FROM, A_TO, A_PLAN_POS, A_PLAN_LEN, A_MODE, A_PREV, A_SENSE, A_EDGE, A_BLOCKER, A_WAITS, A_CHECK = range(11)
N_INT = 11
MODE_STRATEGY, MODE_EXTERNAL = 0, 1
# agent float columns (A_CLEARED: the idleness its visits have cleared, summed; see visit; A_ACCEL,
# A_BRAKE, A_TURN: its motion, inf = instant; A_ENERGY: energy left when it last departed or came to
# rest, A_PER_M / A_PER_S: use per metre driven / per second standing, A_RESERVE: energy kept for the
# way home, A_REST: when it last came to rest; A_LEG: length of its current leg (m); A_BLOCKED_S:
# seconds it has waited for robots in its way)
(A_DEPART, A_ARRIVE, A_SPEED, A_DIST, A_CLEARED, A_ACCEL, A_BRAKE, A_TURN) = range(8)
(A_ENERGY, A_PER_M, A_PER_S, A_RESERVE, A_REST, A_LEG, A_BLOCKED_S) = range(8, 15)
N_FLT = 15
# node metric rows (float; M_DMAX: the longest interval closed while the fleet was degraded)
M_LAST, M_FIRST, M_AREA, M_ISUM, M_ISQ, M_IMAX, M_DMAX = 0, 1, 2, 3, 4, 5, 6
# node metric rows (int)
M_VISITS, M_ICOUNT = 0, 1
# counters (C_DEGRADED: 1 while some agent is out of service; C_WAITS / C_REROUTES / C_DEADLOCKS:
# interference)
C_DECISIONS, C_NODE_MEET, C_EDGE_MEET, C_ARRIVALS, C_LOG, C_DEGRADED, C_WAITS, C_REROUTES, C_DEADLOCKS = range(9)
N_COUNTERS = 9
# advance() return codes
DONE, NEED_DECISION, BAD_PLAN, EXTERNAL, LOG_FULL, PAUSE, LOW_ENERGY, REROUTE = 0, 1, 2, 3, 4, 5, 6, 7
#: arrivals one call of :func:`advance` processes before it returns PAUSE, so that Python regains control
#: (Ctrl-C, progress) every few milliseconds of a long run; resuming continues exactly where it paused
CHUNK = 100_000

#: relative tolerance of "the same instant": arrival times are sums of edge times in floating point, so
#: two arrivals that coincide in exact arithmetic (e.g. along sqrt(2) edges in different orders) can
#: differ by a few units in the last place; times within TIME_EPS * max(t, 10 s) of each other (1e-9 s
#: up to 10 s, 3.6e-7 s after an hour) are one instant for revisit intervals and interference
TIME_EPS = 1e-10


@kernel_function
def instant(t):
    """The tolerance (s) under which two times near ``t`` are the same instant (see TIME_EPS)."""
    return TIME_EPS * max(t, 10.0)


# ---------------------------------------------------------------------------- heap of agents
@kernel_function
def rebuild_heap(heap_t, heap_a, a_flt):
    """Fill the arrival heap from the agents' arrival times (after changes from outside the loop)."""
    for agent in range(heap_a.size):
        heap_t[agent] = a_flt[agent, A_ARRIVE]
        heap_a[agent] = agent
    heap.heapify(heap_t, heap_a, heap_a.size)


@kernel_function
def requeue(agent, heap_t, heap_a, a_flt):
    """Put ``agent``'s next arrival in the heap: it is the first item (it has just arrived), unless a
    controller rebuilt the heap meanwhile and another agent due at the same instant came first."""
    if heap_a[0] == agent:
        heap.replace_top(heap_t, heap_a, heap_a.size, a_flt[agent, A_ARRIVE], agent)
    else:
        rebuild_heap(heap_t, heap_a, a_flt)


# ---------------------------------------------------------------------------- visits
@kernel_function
def visit(node, t, agent, know, own, board, m_flt, m_int, watched, a_flt, degraded):
    """Record that ``node`` is seen at time t: close its idleness interval and refresh knowledge.

    ``watched[node]`` is the time until which an agent standing nearby keeps the node in view; the
    node was idle only since the later of its last visit and the end of that watch. A visit within
    :func:`instant` of the last one (two agents at once) closes no interval. The interval closed is
    credited to the visiting agent (``a_flt[agent, A_CLEARED]``); while the fleet is ``degraded`` (an
    agent out of service) the longest interval closed is kept apart too (``M_DMAX``).
    """
    last = m_flt[M_LAST, node]
    if watched[node] > last:
        last = min(watched[node], t)
    dt = t - last
    if dt > instant(t):
        m_flt[M_AREA, node] += 0.5 * dt * dt
        m_flt[M_ISUM, node] += dt
        m_flt[M_ISQ, node] += dt * dt
        if dt > m_flt[M_IMAX, node]:
            m_flt[M_IMAX, node] = dt
        m_int[M_ICOUNT, node] += 1
        a_flt[agent, A_CLEARED] += dt
        if degraded and dt > m_flt[M_DMAX, node]:
            m_flt[M_DMAX, node] = dt
    if t > m_flt[M_LAST, node]:
        m_flt[M_LAST, node] = t
    m_int[M_VISITS, node] += 1
    if m_flt[M_FIRST, node] > t:
        m_flt[M_FIRST, node] = t
    board[node] = t
    if own:
        know[agent, node] = t


@kernel_function
def watch(row, until, sense_ptr, sense_idx, watched):
    """An agent standing at a node keeps every node it senses in view until time ``until`` (``row``: the
    node plus the offset of the agent's sensing group, ``a_int[agent, A_SENSE]``)."""
    for k in range(sense_ptr[row], sense_ptr[row + 1]):
        if until > watched[sense_idx[k]]:
            watched[sense_idx[k]] = until


@kernel_function
def sense(row, t, agent, sense_ptr, sense_idx, know, own, board, m_flt, m_int, watched, a_flt, log_t, log_i, counters):
    """Visit every node the agent senses from a node (itself included; ``row`` as for :func:`watch`);
    log them if logging is on."""
    for k in range(sense_ptr[row], sense_ptr[row + 1]):
        seen = sense_idx[k]
        visit(seen, t, agent, know, own, board, m_flt, m_int, watched, a_flt, counters[C_DEGRADED] != 0)
        if log_t.size:
            n = counters[C_LOG]
            log_t[n] = t
            log_i[n, 0] = seen
            log_i[n, 1] = agent
            counters[C_LOG] = n + 1


# ---------------------------------------------------------------------------- built-in rules
@kernel_function
def choose_local(rule, agent, node, t, indptr, indices, lengths, know, own, params, rng):
    """Next neighbour of ``node`` under a built-in local rule; ties are broken at random."""
    lo, hi = indptr[node], indptr[node + 1]
    row = agent if own else 0
    if rule == RULE_RANDOM:
        return indices[lo + rand_below(rng, hi - lo)]
    max_idle, min_len = 0.0, np.inf
    if rule == RULE_HCR:
        for k in range(lo, hi):
            idle = t - know[row, indices[k]]
            if idle > max_idle:
                max_idle = idle
            if lengths[k] < min_len:
                min_len = lengths[k]
    best, choice, ties = -np.inf, indices[lo], 0
    for k in range(lo, hi):
        idle = t - know[row, indices[k]]
        if rule == RULE_CR:
            score = idle
        else:
            norm_idle = idle / max_idle if max_idle > 0.0 else 1.0
            score = params[P_W_IDLE] * norm_idle + params[P_W_DIST] * (min_len / lengths[k])
        if score > best:
            best, choice, ties = score, indices[k], 1
        elif score == best:
            ties += 1
            if rand_below(rng, ties) == 0:
                choice = indices[k]
    return choice


@kernel_function
def edge_entry(node, nxt, indptr, indices):
    """The CSR entry of the edge from ``node`` to ``nxt``, or -1 when they are not adjacent."""
    for k in range(indptr[node], indptr[node + 1]):
        if indices[k] == nxt:
            return k
    return -1


@kernel_function
def blocker_of(agent, node, nxt, k, a_int, node_cap, lanes, occupancy, on_edge, reverse):
    """The robot in the way of ``agent`` leaving ``node`` along entry k for ``nxt`` (lowest id), or -1.

    In the way: ``nxt`` holds its capacity of robots (standing there or bound for it), or the edge is
    one lane and a robot travels it towards ``node``. The arrays as in :func:`advance`'s ``physics``.
    """
    if nxt != node and node_cap[nxt] > 0 and occupancy[nxt] >= node_cap[nxt]:
        for other in range(a_int.shape[0]):
            if other != agent and a_int[other, A_TO] == nxt:
                return other
    back = reverse[k]
    if lanes[k] == 1 and on_edge[back] > 0:
        for other in range(a_int.shape[0]):
            if a_int[other, A_EDGE] == back:
                return other
    return -1


@kernel_function
def in_deadlock(agent, a_int):
    """Whether following who blocks whom from ``agent`` comes back to it (a cycle of waiting robots)."""
    other = a_int[agent, A_BLOCKER]
    for _ in range(a_int.shape[0]):
        if other < 0:
            return False
        if other == agent:
            return True
        other = a_int[other, A_BLOCKER]
    return False


@kernel_function
def wait_blocked(agent, node, t, seconds, a_int, a_flt, sense_ptr, sense_idx, watched, node_busy):
    """Keep blocked ``agent`` standing at ``node`` (watching) for ``seconds``; its plan is kept, so it
    tries the same way again then (a built-in rule chooses again)."""
    until = t + seconds
    a_int[agent, A_FROM] = node
    a_flt[agent, A_DEPART] = t
    a_flt[agent, A_ARRIVE] = until
    a_flt[agent, A_BLOCKED_S] += seconds
    if until > node_busy[node]:
        node_busy[node] = until
    watch(a_int[agent, A_SENSE] + node, until, sense_ptr, sense_idx, watched)


@kernel_function
def wake_blocked(by, t, a_int, a_flt, heap_t, heap_a):
    """Robots waiting for ``by`` (in "block" mode) try again at time t, now that it moves; their wait
    counts only up to t."""
    woken = False
    for other in range(a_int.shape[0]):
        if a_int[other, A_BLOCKER] == by and a_flt[other, A_ARRIVE] > t:
            a_flt[other, A_BLOCKED_S] -= a_flt[other, A_ARRIVE] - t
            a_flt[other, A_ARRIVE] = t
            a_int[other, A_BLOCKER] = -1
            woken = True
    if woken:
        rebuild_heap(heap_t, heap_a, a_flt)


# ---------------------------------------------------------------------------- movement
@kernel_function
def start_leg(
    agent,
    node,
    nxt,
    k,
    t,
    lengths,
    reverse,
    positions,
    a_int,
    a_flt,
    counters,
    moves,
    node_busy,
    edge_busy,
    occupancy,
    on_edge,
    params,
):
    """Send ``agent`` from ``node`` towards neighbour ``nxt`` along CSR entry k, ready to leave at time t.

    ``moves[k]`` counts departures along entry k (for the predictability of the patrol);
    ``edge_busy[k]`` is the latest arrival time of an agent that left along entry k, so an agent on
    the reverse entry now (arriving later than one :func:`instant` from t) means a head-on meeting (a
    one-way edge's reverse is a slot past the entries that stays at -inf);
    ``node_busy[v]`` is the latest departure from v.

    With motion on (``params[P_MOTION]``) the agent first turns in place from the heading of its last
    leg, then drives the leg from rest to rest (:mod:`.motion`); with energy on it pays for the time
    it stood since it came to rest and for the leg; with interference on it now counts as bound for
    ``nxt`` and on entry k (``occupancy``, ``on_edge`` as in :func:`advance`'s ``physics``).
    """
    length = lengths[k]
    moves[k] += 1
    if params[P_MOTION] > 0.0:
        prev = a_int[agent, A_PREV]
        if prev >= 0 and np.isfinite(a_flt[agent, A_TURN]):
            t += turn_seconds(
                positions[prev, 0],
                positions[prev, 1],
                positions[node, 0],
                positions[node, 1],
                positions[nxt, 0],
                positions[nxt, 1],
                a_flt[agent, A_TURN],
            )
        arrive = t + leg_seconds(length, a_flt[agent, A_SPEED], a_flt[agent, A_ACCEL], a_flt[agent, A_BRAKE])
    else:
        arrive = t + length / a_flt[agent, A_SPEED]
    if edge_busy[reverse[k]] > t + instant(t):
        counters[C_EDGE_MEET] += 1
    if arrive > edge_busy[k]:
        edge_busy[k] = arrive
    if t > node_busy[node]:
        node_busy[node] = t
    if params[P_ENERGY] > 0.0:
        a_flt[agent, A_ENERGY] -= a_flt[agent, A_PER_S] * (t - a_flt[agent, A_REST]) + a_flt[agent, A_PER_M] * length
        a_flt[agent, A_REST] = arrive
    if params[P_INTERFERE] > 0.0:
        occupancy[node] -= 1
        occupancy[nxt] += 1
        on_edge[k] += 1
        a_int[agent, A_EDGE] = k
        a_int[agent, A_BLOCKER] = -1
        a_int[agent, A_WAITS] = 0
    a_int[agent, A_FROM] = node
    a_int[agent, A_TO] = nxt
    a_flt[agent, A_DEPART] = t
    a_flt[agent, A_ARRIVE] = arrive
    a_flt[agent, A_DIST] += length
    a_flt[agent, A_LEG] = length


@kernel_function
def advance(until, resume, rule, graph, agents, nodes, team, log, physics, counters, params, rng):
    """Process arrivals with time <= ``until``.

    The state comes in groups (:class:`patrolsim.engine.state.EngineState` builds them):
    ``graph`` = (indptr, indices, lengths, sense_ptr, sense_idx): the map's CSR arrays and who senses
    whom (one block of rows per sensing group); ``agents`` = (a_int, a_flt, plan, heap_t, heap_a): the
    agents' columns (A_*), planned paths and the arrival heap (times, agents: :mod:`..algorithms.heap`);
    ``nodes`` = (m_flt, m_int, watched, node_busy, edge_busy, moves): the per-node accumulators (M_*),
    watch ends, the latest departure per node and arrival per edge entry (meetings), departures per
    edge entry; ``team`` = (know, own, board): what agents know of last visits; ``log`` = (log_t,
    log_i): the visit log (off when empty); ``physics`` = (positions, node_cap, lanes, occupancy,
    on_edge, reverse, need_m): node positions (turns), node capacities and one-lane entries, robots at
    or bound for each node and on each entry (interference), the reverse entry of each entry, and per
    node the metres of the longest "one more leg, then the nearest dock" (energy); ``counters`` (C_*),
    ``params`` (P_*) and ``rng`` (the splitmix64 state).

    ``resume`` is an agent whose decision Python has just written into its plan (or -1).
    Returns (status, agent): (DONE, -1) when the next event is later than ``until``;
    (NEED_DECISION, a) when agent a stands at a node and its strategy must decide in Python;
    (EXTERNAL, a) when a is under external control (e.g. dispatched) and its plan is used up;
    (BAD_PLAN, a) when a's plan names a node that is not adjacent to where it stands;
    (LOG_FULL, -1) when the visit log must be drained;
    (PAUSE, -1) after :data:`CHUNK` arrivals, before the next one;
    (LOW_ENERGY, a) when a's energy left would not cover one more leg and the way to a dock;
    (REROUTE, a) when a is blocked in a deadlock or has waited too often: Python steps it aside.
    Arrivals that return to Python have been processed (visits done); resuming continues them.
    """
    indptr, indices, lengths, sense_ptr, sense_idx = graph
    a_int, a_flt, plan, heap_t, heap_a = agents
    m_flt, m_int, watched, node_busy, edge_busy, moves = nodes
    know, own, board = team
    log_t, log_i = log
    positions, node_cap, lanes, occupancy, on_edge, reverse, need_m = physics
    wait = params[P_WAIT]
    pass_visits = params[P_PASS_VISITS] > 0.0
    energy = params[P_ENERGY] > 0.0
    interfere = int(params[P_INTERFERE])
    pending = resume
    arrivals = 0
    while True:
        # plain int / float copies: the same to numba, much faster to index with when run uncompiled
        if pending >= 0:
            agent = pending
            pending = -1
            node = int(a_int[agent, A_TO])
            t = float(a_flt[agent, A_ARRIVE])
        else:
            agent = int(heap_a[0])
            t = float(heap_t[0])
            if t > until:
                return DONE, -1
            if arrivals >= CHUNK:
                return PAUSE, -1
            arrivals += 1
            node = int(a_int[agent, A_TO])
            row = a_int[agent, A_SENSE] + node
            if log_t.size and counters[C_LOG] + sense_ptr[row + 1] - sense_ptr[row] > log_t.size:
                return LOG_FULL, -1
            counters[C_ARRIVALS] += 1
            plan_left = a_int[agent, A_PLAN_LEN] - a_int[agent, A_PLAN_POS]
            if pass_visits or plan_left <= 0:
                sense(
                    row,
                    t,
                    agent,
                    sense_ptr,
                    sense_idx,
                    know,
                    own,
                    board,
                    m_flt,
                    m_int,
                    watched,
                    a_flt,
                    log_t,
                    log_i,
                    counters,
                )
            came_from = a_int[agent, A_FROM]
            # another agent stands here now (or left at this same instant)
            if node_busy[node] >= t - instant(t) and came_from != node:
                counters[C_NODE_MEET] += 1
            if came_from != node:
                a_int[agent, A_PREV] = came_from
            a_int[agent, A_FROM] = node
            a_flt[agent, A_DEPART] = t
            if interfere > 0 and a_int[agent, A_EDGE] >= 0:
                on_edge[a_int[agent, A_EDGE]] -= 1
                a_int[agent, A_EDGE] = -1
                if interfere == 2:
                    wake_blocked(agent, t, a_int, a_flt, heap_t, heap_a)
            if energy and a_int[agent, A_CHECK] != 0:
                left = a_flt[agent, A_ENERGY] - a_flt[agent, A_PER_S] * (t - a_flt[agent, A_REST])
                if left - a_flt[agent, A_PER_M] * need_m[node] < a_flt[agent, A_RESERVE]:
                    return LOW_ENERGY, agent
        from_plan = a_int[agent, A_PLAN_POS] < a_int[agent, A_PLAN_LEN]
        if from_plan:
            nxt = plan[agent, a_int[agent, A_PLAN_POS]]
            a_int[agent, A_PLAN_POS] += 1
        elif a_int[agent, A_MODE] == MODE_EXTERNAL:
            return EXTERNAL, agent
        elif indptr[node + 1] == indptr[node]:
            a_flt[agent, A_ARRIVE] = np.inf  # isolated node: nowhere to go
            requeue(agent, heap_t, heap_a, a_flt)
            continue
        elif rule != RULE_PYTHON:
            nxt = choose_local(rule, agent, node, t, indptr, indices, lengths, know, own, params, rng)
            counters[C_DECISIONS] += 1
        else:
            return NEED_DECISION, agent
        k = edge_entry(node, nxt, indptr, indices)
        if k < 0:
            return BAD_PLAN, agent
        if interfere > 0:
            other = blocker_of(agent, node, nxt, k, a_int, node_cap, lanes, occupancy, on_edge, reverse)
            if other >= 0:
                if from_plan:
                    a_int[agent, A_PLAN_POS] -= 1  # the same way next time
                a_int[agent, A_BLOCKER] = other
                a_int[agent, A_WAITS] += 1
                counters[C_WAITS] += 1
                if in_deadlock(agent, a_int):
                    counters[C_DEADLOCKS] += 1
                    return REROUTE, agent
                if a_int[agent, A_WAITS] > params[P_REROUTE]:
                    return REROUTE, agent
                wait_blocked(
                    agent, node, t, params[P_BLOCK_WAIT], a_int, a_flt, sense_ptr, sense_idx, watched, node_busy
                )
                requeue(agent, heap_t, heap_a, a_flt)
                continue
        start_leg(
            agent,
            node,
            nxt,
            k,
            t + wait,
            lengths,
            reverse,
            positions,
            a_int,
            a_flt,
            counters,
            moves,
            node_busy,
            edge_busy,
            occupancy,
            on_edge,
            params,
        )
        if wait > 0.0:
            watch(a_int[agent, A_SENSE] + node, t + wait, sense_ptr, sense_idx, watched)
        if interfere == 2:
            wake_blocked(agent, t, a_int, a_flt, heap_t, heap_a)
        requeue(agent, heap_t, heap_a, a_flt)
