"""Shortest-path searches on a map's CSR arrays, for strategies that plan on large maps.

scipy's Dijkstra costs a Python round trip and fresh arrays per call; these searches reuse
preallocated work arrays, use buckets instead of a heap when edge lengths allow it (Dial's
algorithm with bucket width <= the shortest edge: exact, and about three times faster on grids), and
can stop early: at a target, beyond a distance limit, or as soon as no unsettled node can beat the
best goal found (:meth:`GraphSearch.best`). Distances are in the units of the edge costs (metres
for map lengths); ``pred[v]`` is the node before v on a shortest path (-1 at sources and unreached
nodes).

The search functions are numba-compatible Python registered with :func:`patrolsim.jit.kernel_function`:
compiled when a run is big enough (strategies estimate their searches with :func:`search_work`), else
plain Python with identical results.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel_function
from . import backtrack, draws, heap

#: plain-Python cost of settling one node, in events of a run's work estimate (:mod:`patrolsim.jit`) (about a quarter of
#: an event-loop arrival: 5-9 us, measured on office with buckets and with the heap)
SETTLE_COST = 0.25


def search_work(n_nodes: int, rows: float, decisions: float) -> float:
    """Plain-Python events of ``rows`` whole-map searches and ``decisions`` goal searches
    (:meth:`GraphSearch.best` with the path to the goal) on ``n_nodes`` nodes. A goal search settles most
    of a small map but stops early on a large one, after a few times sqrt(N) nodes (measured with hpcc,
    dtag and dtap: 8-14 of 18 nodes, 50-240 of 2,000)."""
    goal_nodes = min(float(n_nodes), 4.0 * np.sqrt(n_nodes))
    return (rows * n_nodes + decisions * goal_nodes) * SETTLE_COST


@kernel_function
def _score(u, d, source, gain, g0, g1, w, allowed, rng, best, best_score, ties):
    """Fold settled node u (at distance d) into the running best goal; returns (best, score, ties)."""
    if allowed[u] and u != source:
        score = g0 + g1 * gain[u] - w * d
        if score > best_score:
            return u, score, 1
        if score == best_score:
            ties += 1
            if draws.rand_below(rng, ties) == 0:
                best = u
    return best, best_score, ties


@kernel_function
def search(
    indptr,
    indices,
    cost,
    scale,
    s0,
    s1,
    width,
    sources,
    init,
    target,
    limit,
    gain,
    g0,
    g1,
    top_gain,
    w,
    allowed,
    rng,
    dist,
    pred,
    owner,
    hk,
    hv,
    nxt,
    head,
    touched,
):
    """Multi-source Dijkstra into the work arrays (``dist``, ``pred``, ``owner``: length N).

    Edge k into node v costs ``cost[k] * (s0 + s1 * scale[v])`` (``scale`` empty: ``cost[k]``). Source
    i starts at distance ``init[i]``; ``owner[v]`` is the index of the source whose shortest
    path reaches v, so each owner's nodes form a connected set (additively weighted Voronoi cells).
    Stops when ``target`` (>= 0) is settled or the next distance exceeds ``limit``. With a non-empty
    ``gain``, also looks for the allowed node v != sources[0] maximising
    g0 + g1 * gain[v] - w * dist[v] (``top_gain``: an upper bound of g0 + g1 * gain)
    (ties uniformly at random from ``rng``) and stops once no unsettled node can reach the best score.
    After a stop at ``limit`` nodes beyond it have dist = inf; after a stop at the target or the best
    goal, its distance and path are exact and other unsettled entries are upper bounds.
    ``width`` > 0 selects buckets of that width (<= the shortest edge; ``head`` holds one list head
    per bucket, ``nxt`` the links) instead of a binary heap (``hk``/``hv``, length >= E + sources).
    ``touched`` (length N + 1) lists the nodes the previous search labelled (count in the last slot;
    -1 = unknown), so that only those are reset and a small search costs little on a large map.
    Returns the best node (-1 when none is allowed), or without ``gain`` the number of settled nodes.
    """
    n = dist.size
    scaled = scale.size > 0
    if touched[n] < 0:
        dist[:] = np.inf
        pred[:] = -1
        owner[:] = -1
    else:
        for i in range(touched[n]):
            v = touched[i]
            dist[v] = np.inf
            pred[v] = -1
            owner[v] = -1
    n_touched = 0
    scoring = gain.size > 0
    best, best_score, ties, settled = -1, -np.inf, 0, 0
    first = np.inf
    for i in range(sources.size):
        s = sources[i]
        if init[i] < dist[s]:
            if dist[s] == np.inf:
                touched[n_touched] = s
                n_touched += 1
            dist[s] = init[i]
            owner[s] = i
            first = min(first, init[i])
    buckets = width > 0.0
    nb = head.size
    if buckets:
        head[:] = -1
    used = live = 0
    for i in range(sources.size):
        s = sources[i]
        if owner[s] == i:
            if buckets:
                b = int(dist[s] / width) % nb
                hv[used] = s
                nxt[used] = head[b]
                head[b] = used
                used += 1
            else:
                heap.heap_push(hk, hv, live, dist[s], s)
            live += 1
    bucket = int(first / width) if buckets else 0
    while live > 0:
        # next node in distance order, skipping stale entries
        if buckets:
            slot = bucket % nb
            e = head[slot]
            if e == -1:
                bucket += 1
                continue
            head[slot] = nxt[e]
            live -= 1
            u = hv[e]
            d = dist[u]
            if int(d / width) != bucket:
                continue
        else:
            key, u, _ = heap.heap_pop(hk, hv, live)
            live -= 1
            d = dist[u]
            if key > d:
                continue
        if d > limit or (scoring and top_gain - w * d < best_score):
            break
        settled += 1
        if scoring:
            best, best_score, ties = _score(u, d, sources[0], gain, g0, g1, w, allowed, rng, best, best_score, ties)
        if u == target:
            break
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            nd = d + (cost[k] * (s0 + s1 * scale[v]) if scaled else cost[k])
            if nd < dist[v]:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = nd
                pred[v] = u
                owner[v] = owner[u]
                if buckets:
                    b = int(nd / width) % nb
                    hv[used] = v
                    nxt[used] = head[b]
                    head[b] = used
                    used += 1
                else:
                    heap.heap_push(hk, hv, live, nd, v)
                live += 1
    touched[n] = n_touched
    if limit < np.inf:
        for i in range(n_touched):
            if dist[touched[i]] > limit:
                dist[touched[i]] = np.inf
    return best if scoring else settled


def bucket_width(cost: np.ndarray, n_nodes: int) -> tuple[float, int]:
    """(bucket width, bucket count) for Dial's algorithm on these edge costs, or (0, 1) for a heap
    when the costs spread too widely for buckets to pay off."""
    if cost.size == 0:
        return 0.0, 1
    shortest = float(cost.min())
    count = int(cost.max() / shortest) + 2
    if count > max(64, n_nodes // 4):
        return 0.0, 1
    return shortest * (1.0 - 1e-9), count  # a hair narrower than the shortest edge: rounding-safe


class GraphSearch:
    """Repeated shortest-path searches on one map with preallocated work arrays (not thread-safe).

    After :meth:`run` (or :meth:`best`), ``dist``, ``pred`` and ``owner`` hold the search's results.
    """

    _NO_GAIN = np.zeros(0)
    _NO_MASK = np.zeros(0, dtype=np.bool_)

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, lengths: np.ndarray) -> None:
        n = indptr.size - 1
        self.indptr, self.indices, self.lengths = indptr, indices, lengths
        self.n = n
        self.dist = np.empty(n)
        self.pred = np.empty(n, dtype=np.int64)
        self.owner = np.empty(n, dtype=np.int64)
        self._hk = np.empty(indices.size + n + 1)
        self._hv = np.empty(indices.size + n + 1, dtype=np.int64)
        self._nxt = np.empty(indices.size + n + 1, dtype=np.int64)
        self.width, count = bucket_width(lengths, n)
        self._head = np.empty(count, dtype=np.int64)
        self._rng = np.zeros(1, dtype=np.uint64)
        self._touched = np.full(n + 1, -1, dtype=np.int64)

    @property
    def work(self) -> tuple:
        """The work arrays, in the order :func:`search` takes them after ``rng``."""
        return (self.dist, self.pred, self.owner, self._hk, self._hv, self._nxt, self._head, self._touched)

    def reached(self) -> np.ndarray:
        """Node ids labelled by the last search (those with a finite ``dist``, plus any cut by a limit)."""
        return self._touched[: self._touched[-1]]

    @classmethod
    def of(cls, pmap) -> GraphSearch:
        """A search object on ``pmap``'s edges (lengths in metres)."""
        return cls(pmap.indptr, pmap.indices, pmap.lengths)

    def _buckets(self, low: float, high: float) -> tuple[float, np.ndarray]:
        """Bucket width and list heads for edge lengths multiplied by factors in [low, high]."""
        if not self.width:
            return 0.0, self._head
        count = int(self._head.size * high / low) + 2 if low > 0 else 0
        if low <= 0 or count > max(64, self.n // 4):
            return 0.0, self._head
        if count > self._head.size:
            self._head = np.empty(count, dtype=np.int64)
        return self.width * low, self._head[:count]

    def run(
        self,
        sources,
        init=None,
        target: int = -1,
        limit: float = np.inf,
        node_scale: np.ndarray | None = None,
        scale_offset: float = 0.0,
        scale_slope: float = 1.0,
    ) -> int:
        """One search from ``sources`` (initial distances ``init``). With ``node_scale``, entering node v
        multiplies the edge length by ``scale_offset + scale_slope * node_scale[v]`` (must be > 0).
        Returns the number of settled nodes."""
        sources = np.asarray(sources, dtype=np.int64).reshape(-1)
        init = np.zeros(sources.size) if init is None else np.asarray(init, dtype=np.float64).reshape(-1)
        if node_scale is None:
            scale, width = self._NO_GAIN, self.width
        else:
            scale = np.asarray(node_scale, dtype=np.float64)
            ends = scale_offset + scale_slope * np.array([scale.min(), scale.max()])
            width, _ = self._buckets(float(ends.min()), float(ends.max()))
        if init.size and init.max() > init.min():
            width = 0.0  # circular buckets only span one longest edge: unequal starts need the heap
        return search(
            self.indptr,
            self.indices,
            self.lengths,
            scale,
            float(scale_offset),
            float(scale_slope),
            width,
            sources,
            init,
            int(target),
            float(limit),
            self._NO_GAIN,
            0.0,
            1.0,
            0.0,
            0.0,
            self._NO_MASK,
            self._rng,
            *self.work,
        )

    def best(
        self,
        source: int,
        gain: np.ndarray,
        w: float,
        allowed: np.ndarray,
        rng: np.random.Generator,
        offset: float = 0.0,
        slope: float = 1.0,
        top: float | None = None,
    ) -> int:
        """The allowed node v != source maximising ``offset + slope * gain[v] - w * d(source, v)`` (ties
        at random, drawn from ``rng``), searching only as far as a better node could lie; -1 if none is
        allowed. Afterwards ``dist[v]`` and :meth:`path_to` are valid for the returned node.
        (``offset``/``slope`` let callers pass e.g. last-visit times instead of building an idleness
        array; ``top``, an upper bound of the allowed nodes' gains, defaults to the bound over all nodes.)"""
        if not self._rng[0]:  # seeded once from the run's generator, then advanced by the searches
            self._rng[0] = np.uint64(rng.integers(1, 2**63))
        gain = np.asarray(gain, dtype=np.float64)
        if top is None:
            top = offset + slope * float(gain.max() if slope >= 0 else gain.min())
        with np.errstate(over="ignore"):  # the tie draws (algorithms.draws) wrap uint64 on purpose
            return int(
                search(
                    self.indptr,
                    self.indices,
                    self.lengths,
                    self._NO_GAIN,
                    0.0,
                    1.0,
                    self.width,
                    np.array([source]),
                    np.zeros(1),
                    -1,
                    np.inf,
                    gain,
                    float(offset),
                    float(slope),
                    top,
                    float(w),
                    allowed,
                    self._rng,
                    *self.work,
                )
            )

    def row(self, source: int) -> np.ndarray:
        """Distances from ``source`` to every node (a fresh array); also leaves ``pred`` filled."""
        self.run(np.array([source]))
        return self.dist.copy()

    def distance(self, source: int, target: int) -> float:
        """Shortest-path distance source -> target; the search stops at the target."""
        self.run(np.array([source]), target=target)
        return float(self.dist[target])

    def path(
        self,
        source: int,
        target: int,
        node_scale: np.ndarray | None = None,
        scale_offset: float = 0.0,
        scale_slope: float = 1.0,
    ) -> list[int]:
        """A shortest path source -> target (excluding source; edge lengths scaled as in :meth:`run`);
        the search stops at the target."""
        if source == target:
            return []
        self.run(
            np.array([source]), target=target, node_scale=node_scale, scale_offset=scale_offset, scale_slope=scale_slope
        )
        return self.path_to(source, target)

    def path_to(self, source: int, target: int) -> list[int]:
        """The path to ``target`` from the last search rooted at ``source`` (no new search)."""
        return backtrack.walk_back(self.pred, source, target).tolist()
