"""Best-first goal search: the node with the highest rate score reachable from an agent, found by a
Dijkstra search that stops as soon as no unsettled node can beat the best one found.

The score of goal v seen from u is ``gain[v] * (idle[v] + T) / (T + tau)`` with T = d(u, v) / speed the
travel time in seconds: the (weighted) idleness the agent removes when it arrives, per second spent
getting there (``tau`` > 0 seconds keeps nearby nodes from winning on travel time alone).

Dijkstra settles nodes in order of T, and upper bounds end it early. (idle + T) / (T + tau) falls with T
when idle >= tau and otherwise rises towards 1, so a node scores at most
``gain * max((idle + T_low) / (T_low + tau), 1)`` for any lower bound T_low of its travel time:

* globally, with the largest gain and idleness and T_low = the current Dijkstra radius;
* per spatial bucket (:class:`GoalIndex`, about 64 nodes in a square cell), with the bucket's largest
  gain and idleness and T_low from the offset to the bucket's bounding box: every path is at least
  as long as a factor times the straight-line and the Manhattan distance (:func:`path_length_factors`);
* per node, the same with the node's own distance, computed only for buckets whose bound is not
  already beaten.

The search stops once no bucket with an unsettled node can beat the best score found, so the answer is
exact. The search functions are compiled with numba when a run is big enough (:mod:`patrolsim.jit`,
:meth:`GoalIndex.expect`), else they run as plain Python with identical results. The goal is usually close, so a decision on a 10,000-node map costs one pass over the idleness
(a maximum per bucket) plus a handful of settled nodes.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel_function
from . import backtrack, heap


def path_length_factors(
    positions: np.ndarray, indptr: np.ndarray, indices: np.ndarray, lengths: np.ndarray
) -> tuple[float, float]:
    """(s2, s1): the largest factors <= 1 with every edge length >= s2 x its straight-line (Euclidean)
    length and >= s1 x its Manhattan (|dx| + |dy|) length. Summed along any path, every path from u to v
    is at least max(s2 |p_u - p_v|_2, s1 |p_u - p_v|_1) metres long. On a 4-connected grid s1 = 1 (the
    Manhattan distance), on most street maps s2 = 1."""
    src = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    delta = np.abs(positions[src] - positions[indices])
    out = []
    for span in (np.hypot(delta[:, 0], delta[:, 1]), delta.sum(axis=1)):
        ratio = lengths[span > 0] / span[span > 0]
        out.append(float(min(1.0, ratio.min())) if ratio.size else 0.0)
    return out[0], out[1]


class GoalIndex:
    """A map prepared for :func:`best_goal` searches with fixed node gains: spatial buckets of about
    ``per_bucket`` nodes (``order[ptr[b]:ptr[b+1]]``), their bounding boxes (x_min, x_max, y_min, y_max,
    metres) and largest gains, and the map's :func:`path_length_factors`."""

    def __init__(self, pmap, gain: np.ndarray, per_bucket: int = 64) -> None:
        pos = pmap.positions
        self.map = pmap
        self.gain = np.ascontiguousarray(gain, dtype=np.float64)
        self.factors = np.array(path_length_factors(pos, pmap.indptr, pmap.indices, pmap.lengths))
        lo = pos.min(axis=0)
        extent = np.maximum(pos.max(axis=0) - lo, 1e-9)
        cells = max(1, pmap.n_nodes // per_bucket)
        side = max(float(np.sqrt(extent[0] * extent[1] / cells)), float(extent.max()) / cells)
        cell = np.floor((pos - lo) / side).astype(np.int64)
        _, bucket = np.unique(cell[:, 0] * (int(cell[:, 1].max()) + 1) + cell[:, 1], return_inverse=True)
        self.bucket_of = bucket.astype(np.int64)
        self.order = np.argsort(bucket, kind="stable").astype(np.int64)
        self.ptr = np.concatenate([[0], np.cumsum(np.bincount(bucket))]).astype(np.int64)
        starts = self.ptr[:-1]
        p = pos[self.order]
        self.box = np.column_stack(
            [
                np.minimum.reduceat(p[:, 0], starts),
                np.maximum.reduceat(p[:, 0], starts),
                np.minimum.reduceat(p[:, 1], starts),
                np.maximum.reduceat(p[:, 1], starts),
            ]
        )
        self.bucket_gain = np.maximum.reduceat(self.gain[self.order], starts)
        n, n_buckets = pmap.n_nodes, self.ptr.size - 1
        # work arrays reused by every search; ``touched`` lists the nodes the last one labelled
        self._work = (
            np.full(n, np.inf),
            np.full(n, -1, dtype=np.int64),
            np.zeros(n, dtype=np.bool_),
            np.empty(pmap.indices.size + 1),
            np.empty(pmap.indices.size + 1, dtype=np.int64),
            np.empty(n_buckets),
            np.empty(n_buckets, dtype=np.int64),
            np.zeros(n_buckets, dtype=np.bool_),
            np.zeros(n + 1, dtype=np.int64),
        )

    def best(
        self,
        source: int,
        speed: float,
        idle: np.ndarray,
        allowed: np.ndarray,
        tau: float,
        extra: np.ndarray,
        limit: float,
    ) -> tuple[int, np.ndarray]:
        """:func:`best_goal` from ``source`` at ``speed`` m/s; see there."""
        m = self.map
        return best_goal(
            source,
            m.indptr,
            m.indices,
            m.lengths,
            m.positions,
            self.factors,
            speed,
            self.gain,
            idle,
            allowed,
            tau,
            extra,
            limit,
            self.order,
            self.ptr,
            self.box,
            self.bucket_gain,
            self.bucket_of,
            *self._work,
        )


def goal_work(decisions: float, n_nodes: int) -> float:
    """Plain-Python events of ``decisions`` goal searches on ``n_nodes`` nodes (each passes over every
    node once, about an eighth of an arrival's cost)."""
    return decisions * n_nodes / 8.0


@kernel_function
def _time_low(dx, dy, factors, speed):
    """Lower bound (s) of the travel time across offsets dx, dy (m); see :func:`path_length_factors`."""
    dx, dy = abs(dx), abs(dy)
    return max(factors[0] * np.sqrt(dx * dx + dy * dy), factors[1] * (dx + dy)) / speed


@kernel_function
def _rate_bound(gain, idle, t_low, tau):
    return gain * max((idle + t_low) / (t_low + tau), 1.0) * (1.0 + 1e-12)


@kernel_function
def _refine(b, source, order, ptr, positions, factors, speed, gain, idle, allowed, done, tau, extra, limit):
    """Bound of bucket b from its unsettled allowed nodes' own offsets from the source (nodes that
    cannot meet the time limit even at their lower-bound travel time do not count)."""
    x0, y0 = positions[source, 0], positions[source, 1]
    out = -np.inf
    for k in range(ptr[b], ptr[b + 1]):
        v = order[k]
        if allowed[v] and not done[v] and v != source:
            t_low = _time_low(positions[v, 0] - x0, positions[v, 1] - y0, factors, speed)
            if t_low + extra[v] <= limit:
                out = max(out, _rate_bound(gain[v], idle[v], t_low, tau))
    return out


@kernel_function
def best_goal(
    source,
    indptr,
    indices,
    lengths,
    positions,
    factors,
    speed,
    gain,
    idle,
    allowed,
    tau,
    extra,
    limit,
    order,
    ptr,
    box,
    bucket_gain,
    bucket_of,
    time,
    pred,
    done,
    heap_t,
    heap_v,
    bound,
    left,
    refined,
    touched,
):
    """(goal, path) maximising ``gain * (idle + T) / (T + tau)`` over nodes v != source with
    ``allowed[v]`` and ``T(v) + extra[v] <= limit`` (seconds); goal -1 and an empty path if none.

    ``path`` runs from the first step after ``source`` to the goal (a shortest path). Ties go to the
    node settled first (the nearer one). ``order`` .. ``bucket_of`` and the work arrays after them
    (``time``, ``pred``, ``done`` as left by the previous search, whose labelled nodes ``touched``
    lists, count in its last slot) come from :class:`GoalIndex`.
    """
    n = indptr.size - 1
    n_buckets = ptr.size - 1
    for i in range(touched[n]):
        v = touched[i]
        time[v] = np.inf
        pred[v] = -1
        done[v] = False
    n_touched = 0
    refined[:] = False
    x0, y0 = positions[source, 0], positions[source, 1]
    g_max, i_max = 0.0, 0.0
    for b in range(n_buckets):
        ib = 0.0
        for k in range(ptr[b], ptr[b + 1]):
            ib = max(ib, idle[order[k]])
        left[b] = ptr[b + 1] - ptr[b]
        dx = max(box[b, 0] - x0, 0.0, x0 - box[b, 1])
        dy = max(box[b, 2] - y0, 0.0, y0 - box[b, 3])
        bound[b] = _rate_bound(bucket_gain[b], ib, _time_low(dx, dy, factors, speed), tau)
        g_max = max(g_max, bucket_gain[b])
        i_max = max(i_max, ib)
    live = np.empty(0, dtype=np.int64)
    n_live = 0
    time[source] = 0.0
    touched[0] = source
    n_touched = 1
    size = heap.heap_push(heap_t, heap_v, 0, 0.0, source)
    best, goal = -1.0, -1
    while size > 0:
        t, u, size = heap.heap_pop(heap_t, heap_v, size)
        if done[u]:
            continue
        if t > limit:
            break
        if goal >= 0:
            if _rate_bound(g_max, i_max, t, tau) <= best:
                break
            # find a bucket that may still hold a better node; stop when there is none
            while n_live > 0:
                b = live[n_live - 1]
                if left[b] > 0 and bound[b] > best:
                    if refined[b]:
                        break
                    bound[b] = _refine(
                        b, source, order, ptr, positions, factors, speed, gain, idle, allowed, done, tau, extra, limit
                    )
                    refined[b] = True
                    continue
                n_live -= 1
            if n_live == 0:
                break
        done[u] = True
        b = bucket_of[u]
        left[b] -= 1
        if refined[b]:
            bound[b] = _refine(
                b, source, order, ptr, positions, factors, speed, gain, idle, allowed, done, tau, extra, limit
            )
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
                if time[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                time[v] = tv
                pred[v] = u
                size = heap.heap_push(heap_t, heap_v, size, tv, v)
    touched[n] = n_touched
    if goal < 0:
        return -1, np.empty(0, dtype=np.int64)
    return goal, backtrack.walk_back(pred, source, goal)
