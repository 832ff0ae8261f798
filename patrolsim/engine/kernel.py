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
from .rules import P_PASS_VISITS, P_W_DIST, P_W_IDLE, P_WAIT, RULE_CR, RULE_HCR, RULE_PYTHON, RULE_RANDOM

# agent integer columns (A_MODE: who decides when the plan runs out)
A_FROM, A_TO, A_PLAN_POS, A_PLAN_LEN, A_MODE = 0, 1, 2, 3, 4
MODE_STRATEGY, MODE_EXTERNAL = 0, 1
# agent float columns (A_CLEARED: the idleness its visits have cleared, summed; see visit)
A_DEPART, A_ARRIVE, A_SPEED, A_DIST, A_CLEARED = 0, 1, 2, 3, 4
# node metric rows (float)
M_LAST, M_FIRST, M_AREA, M_ISUM, M_ISQ, M_IMAX = 0, 1, 2, 3, 4, 5
# node metric rows (int)
M_VISITS, M_ICOUNT = 0, 1
# counters
C_DECISIONS, C_NODE_MEET, C_EDGE_MEET, C_ARRIVALS, C_LOG = 0, 1, 2, 3, 4
# advance() return codes
DONE, NEED_DECISION, BAD_PLAN, EXTERNAL, LOG_FULL, PAUSE = 0, 1, 2, 3, 4, 5
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
def visit(node, t, agent, know, own, board, m_flt, m_int, watched, a_flt):
    """Record that ``node`` is seen at time t: close its idleness interval and refresh knowledge.

    ``watched[node]`` is the time until which an agent standing nearby keeps the node in view; the
    node was idle only since the later of its last visit and the end of that watch. A visit within
    :func:`instant` of the last one (two agents at once) closes no interval. The interval closed is
    credited to the visiting agent (``a_flt[agent, A_CLEARED]``).
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
    if t > m_flt[M_LAST, node]:
        m_flt[M_LAST, node] = t
    m_int[M_VISITS, node] += 1
    if m_flt[M_FIRST, node] > t:
        m_flt[M_FIRST, node] = t
    board[node] = t
    if own:
        know[agent, node] = t


@kernel_function
def watch(node, until, sense_ptr, sense_idx, watched):
    """An agent standing at ``node`` keeps every node it senses in view until time ``until``."""
    for k in range(sense_ptr[node], sense_ptr[node + 1]):
        if until > watched[sense_idx[k]]:
            watched[sense_idx[k]] = until


@kernel_function
def sense(node, t, agent, sense_ptr, sense_idx, know, own, board, m_flt, m_int, watched, a_flt, log_t, log_i, counters):
    """Visit every node the agent senses from ``node`` (itself included); log them if logging is on."""
    for k in range(sense_ptr[node], sense_ptr[node + 1]):
        seen = sense_idx[k]
        visit(seen, t, agent, know, own, board, m_flt, m_int, watched, a_flt)
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


# ---------------------------------------------------------------------------- movement
@kernel_function
def start_leg(
    agent, node, nxt, t, indptr, indices, lengths, reverse, a_int, a_flt, counters, moves, node_busy, edge_busy
):
    """Send ``agent`` from ``node`` towards neighbour ``nxt`` leaving at time t; False if not adjacent.

    ``moves[k]`` counts departures along CSR entry k (for the predictability of the patrol);
    ``edge_busy[k]`` is the latest arrival time of an agent that left along entry k, so an agent on
    the reverse entry now (arriving later than one :func:`instant` from t) means a head-on meeting (a
    one-way edge's reverse is a slot past the entries that stays at -inf);
    ``node_busy[v]`` is the latest departure from v.
    """
    k, hi = indptr[node], indptr[node + 1]
    while k < hi and indices[k] != nxt:
        k += 1
    if k == hi:
        return False
    moves[k] += 1
    if edge_busy[reverse[k]] > t + instant(t):
        counters[C_EDGE_MEET] += 1
    arrive = t + lengths[k] / a_flt[agent, A_SPEED]
    if arrive > edge_busy[k]:
        edge_busy[k] = arrive
    if t > node_busy[node]:
        node_busy[node] = t
    a_int[agent, A_FROM] = node
    a_int[agent, A_TO] = nxt
    a_flt[agent, A_DEPART] = t
    a_flt[agent, A_ARRIVE] = arrive
    a_flt[agent, A_DIST] += lengths[k]
    return True


@kernel_function
def advance(until, resume, rule, graph, agents, nodes, team, log, counters, params, rng):
    """Process arrivals with time <= ``until``.

    The state comes in groups (:class:`patrolsim.engine.state.EngineState` builds them):
    ``graph`` = (indptr, indices, lengths, reverse, sense_ptr, sense_idx): the map's CSR arrays, the
    reverse entry of each edge entry and who senses whom; ``agents`` = (a_int, a_flt, plan, heap_t, heap_a):
    the agents' columns (A_*), planned paths and the arrival heap (times, agents: :mod:`..algorithms.heap`); ``nodes`` = (m_flt, m_int, watched,
    node_busy, edge_busy, moves): the per-node accumulators (M_*), watch ends, the latest departure
    per node and arrival per edge entry (interference), departures per edge entry; ``team`` = (know,
    own, board): what agents know of last visits; ``log`` = (log_t, log_i): the visit log (off when
    empty); ``counters`` (C_*), ``params`` (P_*) and ``rng`` (the splitmix64 state).

    ``resume`` is an agent whose decision Python has just written into its plan (or -1).
    Returns (status, agent): (DONE, -1) when the next event is later than ``until``;
    (NEED_DECISION, a) when agent a stands at a node and its strategy must decide in Python;
    (EXTERNAL, a) when a is under external control (e.g. dispatched) and its plan is used up;
    (BAD_PLAN, a) when a's plan names a node that is not adjacent to where it stands;
    (LOG_FULL, -1) when the visit log must be drained;
    (PAUSE, -1) after :data:`CHUNK` arrivals, before the next one.
    Arrivals that return to Python have been processed (visits done); resuming continues them.
    """
    indptr, indices, lengths, reverse, sense_ptr, sense_idx = graph
    a_int, a_flt, plan, heap_t, heap_a = agents
    m_flt, m_int, watched, node_busy, edge_busy, moves = nodes
    know, own, board = team
    log_t, log_i = log
    wait = params[P_WAIT]
    pass_visits = params[P_PASS_VISITS] > 0.0
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
            if log_t.size and counters[C_LOG] + sense_ptr[node + 1] - sense_ptr[node] > log_t.size:
                return LOG_FULL, -1
            counters[C_ARRIVALS] += 1
            plan_left = a_int[agent, A_PLAN_LEN] - a_int[agent, A_PLAN_POS]
            if pass_visits or plan_left <= 0:
                sense(
                    node,
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
            # another agent stands here now (or left at this same instant)
            if node_busy[node] >= t - instant(t) and a_int[agent, A_FROM] != node:
                counters[C_NODE_MEET] += 1
            a_int[agent, A_FROM] = node
            a_flt[agent, A_DEPART] = t
        if a_int[agent, A_PLAN_POS] < a_int[agent, A_PLAN_LEN]:
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
        if not start_leg(
            agent,
            node,
            nxt,
            t + wait,
            indptr,
            indices,
            lengths,
            reverse,
            a_int,
            a_flt,
            counters,
            moves,
            node_busy,
            edge_busy,
        ):
            return BAD_PLAN, agent
        if wait > 0.0:
            watch(node, t + wait, sense_ptr, sense_idx, watched)
        requeue(agent, heap_t, heap_a, a_flt)
