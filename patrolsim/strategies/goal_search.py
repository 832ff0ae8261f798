"""Best-first goal search: the node with the highest rate score reachable from an agent, found by a
Dijkstra search that stops as soon as no unsettled node can beat the best one found.

The score of goal v seen from u is ``gain[v] * (idle[v] + T) / (T + tau)`` with T = d(u, v) / speed the
travel time in seconds: the (weighted) idleness the agent removes when it arrives, per second spent
getting there (``tau`` > 0 seconds keeps nearby nodes from winning on travel time alone).

Dijkstra settles nodes in order of T. Two upper bounds end it early: every unsettled node scores at
most ``max(gain) * max((max(idle) + T) / (T + tau), 1)`` at the current T, and each node v at most its
score at the straight-line lower bound of its travel time (``line_factor * |p_u - p_v| / speed``),
computed for all nodes in one branch-free (vectorised) pass. The search stops once no unsettled node's
bound beats the best score found, so the answer is exact; since the goal is usually close, a decision
on a 10,000-node map settles a handful of nodes plus that one pass.
"""
from __future__ import annotations

import numpy as np
from numba import njit


def straight_line_factor(positions: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                         lengths: np.ndarray) -> float:
    """Largest s <= 1 with every edge length >= s * straight-line distance of its end points, so that
    every path from u to v is at least s * |p_u - p_v| metres long (1 on grids and street maps)."""
    src = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    straight = np.linalg.norm(positions[src] - positions[indices], axis=1)
    ratio = lengths[straight > 0] / straight[straight > 0]
    return float(min(1.0, ratio.min())) if ratio.size else 0.0


@njit(cache=True)
def _push(heap_t, heap_v, size, t, v):
    i = size
    heap_t[i] = t
    heap_v[i] = v
    while i > 0:
        parent = (i - 1) // 2
        if heap_t[parent] <= heap_t[i]:
            break
        heap_t[i], heap_t[parent] = heap_t[parent], heap_t[i]
        heap_v[i], heap_v[parent] = heap_v[parent], heap_v[i]
        i = parent
    return size + 1


@njit(cache=True)
def _pop(heap_t, heap_v, size):
    t, v = heap_t[0], heap_v[0]
    size -= 1
    heap_t[0] = heap_t[size]
    heap_v[0] = heap_v[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and heap_t[child + 1] < heap_t[child]:
            child += 1
        if heap_t[i] <= heap_t[child]:
            break
        heap_t[i], heap_t[child] = heap_t[child], heap_t[i]
        heap_v[i], heap_v[child] = heap_v[child], heap_v[i]
        i = child
    return t, v, size


@njit(cache=True, fastmath=True)
def score_bounds(source, positions, line_factor, speed, gain, idle, tau):
    """Upper bound of every node's score: its score at the straight-line lower bound of its travel
    time. (idle + T) / (T + tau) falls with T when idle >= tau and otherwise rises towards 1, so the
    bound is gain * max(that ratio, 1). Branch-free so that it vectorises; inflated by 1e-9 against
    rounding."""
    n = gain.size
    out = np.empty(n)
    x0, y0 = positions[source, 0], positions[source, 1]
    scale = line_factor / speed
    for v in range(n):
        dx = positions[v, 0] - x0
        dy = positions[v, 1] - y0
        t_low = scale * np.sqrt(dx * dx + dy * dy)
        out[v] = gain[v] * max((idle[v] + t_low) / (t_low + tau), 1.0) * (1.0 + 1e-9)
    return out


@njit(cache=True)
def best_goal(source, indptr, indices, lengths, positions, line_factor, speed, gain, idle, allowed, tau,
              extra, limit):
    """(goal, path) maximising ``gain * (idle + T) / (T + tau)`` over nodes v != source with
    ``allowed[v]`` and ``T(v) + extra[v] <= limit`` (seconds); goal -1 and an empty path if none.

    ``path`` runs from the first step after ``source`` to the goal (a shortest path). Ties go to the
    node settled first (the nearer one). ``line_factor`` is :func:`straight_line_factor` of the map.
    """
    n = indptr.size - 1
    time = np.full(n, np.inf)
    pred = np.full(n, -1, dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    heap_t = np.empty(indices.size + 1)
    heap_v = np.empty(indices.size + 1, dtype=np.int64)
    bound = score_bounds(source, positions, line_factor, speed, gain, idle, tau)
    g_max = 0.0
    i_max = 0.0
    for v in range(n):
        if allowed[v]:
            g_max = max(g_max, gain[v])
            i_max = max(i_max, idle[v])
        else:
            bound[v] = -np.inf
    bound[source] = -np.inf
    live = np.empty(0, dtype=np.int64)
    n_live = 0
    time[source] = 0.0
    size = _push(heap_t, heap_v, 0, 0.0, source)
    best, goal = -1.0, -1
    while size > 0:
        t, u, size = _pop(heap_t, heap_v, size)
        if done[u]:
            continue
        if t > limit:
            break
        if goal >= 0:
            if g_max * max((i_max + t) / (t + tau), 1.0) <= best:
                break
            # drop settled or beaten nodes from the end of the live list; stop when none is left
            while n_live > 0 and (done[live[n_live - 1]] or bound[live[n_live - 1]] <= best):
                n_live -= 1
            if n_live == 0:
                break
        done[u] = True
        if u != source and allowed[u] and t + extra[u] <= limit:
            score = gain[u] * (idle[u] + t) / (t + tau)
            if score > best:
                best, goal = score, u
                live = np.flatnonzero(bound > best)
                n_live = live.size
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            tv = t + lengths[k] / speed
            if tv < time[v]:
                time[v] = tv
                pred[v] = u
                size = _push(heap_t, heap_v, size, tv, v)
    if goal < 0:
        return -1, np.empty(0, dtype=np.int64)
    steps = 0
    v = goal
    while v != source:
        steps += 1
        v = pred[v]
    path = np.empty(steps, dtype=np.int64)
    v = goal
    for i in range(steps - 1, -1, -1):
        path[i] = v
        v = pred[v]
    return goal, path
