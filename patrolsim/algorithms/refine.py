"""Balancing a partition by measured patrol walks: boundary nodes pass from long regions to short
neighbours, and a move is kept only when the measured walks of the regions it changes say it helps.

A region's patrol length is the length of its closed walk (:func:`region_walk`), which a proxy such as
its spanning-tree length predicts poorly: a dead-end corridor is walked twice, an open room once.
:func:`refine_regions` therefore measures the walks and moves nodes until the longest walk is within
a target factor of the shortest, no move helps, or a budget of walk computations is spent. Every
region stays connected.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse.csgraph import connected_components, dijkstra

from ..maps.model import PatrolMap
from .progress import Report, scaled
from .tours import best_tour, directed_member_tour, expand_walk, tour_starts, tsp_tour, walk_lengths

#: refinement stops once the longest region walk is at most this many times the shortest
TARGET_SPREAD = 1.1

#: fractions of the estimated balancing amount tried for one move, in order
MOVE_FRACTIONS = (1.0, 0.5, 0.25)

#: hops within which a moved node's remaining neighbours must stay connected (see _Boundary.peeled)
PEEL_REACH = 8


@dataclass(frozen=True)
class RegionWalk:
    """A region's closed patrol walk: ``nodes`` (map node ids, consecutive entries adjacent, the last
    adjacent to the first), ``stop`` (the tour stops among them), ``lengths`` (m, entry to next)."""

    nodes: np.ndarray
    stop: np.ndarray
    lengths: np.ndarray

    @property
    def length(self) -> float:
        """Length (m) of one lap."""
        return float(self.lengths.sum())


def region_walk(
    pmap: PatrolMap, members: np.ndarray, rng: np.random.Generator, report: Report | None = None
) -> RegionWalk:
    """The short closed walk through the region ``members`` (sorted node ids) that never leaves it:
    :func:`tsp_tour` on the region alone, expanded along edges. A one-node region's agent cannot stand
    still, so its walk goes out and back along the node's shortest edge (ties: the lower neighbour
    id), which is its length; the other end is crossed, not a stop. ``report`` hears the progress.
    On a directed map see :func:`directed_region_walk`."""
    if pmap.directed:
        return directed_region_walk(pmap, members, [0], report)
    if members.size == 1:
        v = int(members[0])
        lo, hi = pmap.indptr[v], pmap.indptr[v + 1]
        if lo == hi:  # an isolated node: nowhere to go
            return RegionWalk(members.copy(), np.ones(1, dtype=bool), np.zeros(1))
        k = lo + int(np.lexsort((pmap.indices[lo:hi], pmap.lengths[lo:hi]))[0])
        edge = float(pmap.lengths[k])
        return RegionWalk(np.array([v, int(pmap.indices[k])]), np.array([True, False]), np.array([edge, edge]))
    sub = pmap.subgraph(members)
    nodes, stop = expand_walk(sub, tsp_tour(sub, 0, rng, scaled(report, 0.0, 0.9)), scaled(report, 0.9, 1.0))
    return RegionWalk(members[nodes], stop, walk_lengths(sub, nodes))


def polished_walk(pmap: PatrolMap, walk: RegionWalk, report: Report | None = None) -> RegionWalk:
    """``walk``, or the walk of the same region on :func:`best_tour` (several constructions, no seed)
    when that is shorter: for the regions a partition keeps, after the search measured them with a
    single construction each. ``report`` hears the progress."""
    members = np.unique(walk.nodes[walk.stop])
    if members.size < 3:
        return walk
    if pmap.directed:
        better = directed_region_walk(pmap, members, tour_starts(members.size).tolist(), report)
        return better if better.length < walk.length - 1e-9 else walk
    sub = pmap.subgraph(members)
    nodes, stop = expand_walk(sub, best_tour(sub, scaled(report, 0.0, 0.9)), scaled(report, 0.9, 1.0))
    lengths = walk_lengths(sub, nodes)
    return RegionWalk(members[nodes], stop, lengths) if lengths.sum() < walk.length - 1e-9 else walk


def directed_region_walk(
    pmap: PatrolMap, members: np.ndarray, starts: list[int], report: Report | None = None
) -> RegionWalk:
    """The short closed walk through ``members`` (sorted node ids) on a directed map: a
    :func:`directed_member_tour` of the members on the whole map's distances (nearest neighbour from the
    members at positions ``starts``), expanded along shortest paths of the whole map, which may cross
    other regions where one-way streets leave no way round inside this one. A one-node region's walk is
    the shortest round trip from its node (out along an edge, back by a shortest path; ties: the lower
    neighbour id)."""
    if members.size == 1:
        v = int(members[0])
        lo, hi = pmap.indptr[v], pmap.indptr[v + 1]
        back = pmap.distances.to(v)
        trips = pmap.lengths[lo:hi] + back[pmap.indices[lo:hi]]
        w = int(pmap.indices[lo + int(np.lexsort((pmap.indices[lo:hi], trips))[0])])
        nodes = np.array([v, w] + pmap.distances.path(w, v)[:-1], dtype=np.int64)
        stop = np.zeros(nodes.size, dtype=bool)
        stop[0] = True
        return RegionWalk(nodes, stop, walk_lengths(pmap, nodes))
    order = directed_member_tour(pmap, members, starts, scaled(report, 0.0, 0.9))
    nodes, stop = expand_walk(pmap, order, scaled(report, 0.9, 1.0))
    return RegionWalk(nodes, stop, walk_lengths(pmap, nodes))


class WalkBook:
    """The walks of regions of one map, each distinct region (set of nodes) measured once by
    :func:`region_walk`; walks draw from ``rng`` in the order first asked for, so a fixed order of
    requests gives the same walks in any process. ``asked`` counts the walks asked for, ``measured`` the
    walks computed; ``report`` hears each measurement, as a share of ``expected`` walks."""

    def __init__(
        self, pmap: PatrolMap, rng: np.random.Generator, report: Report | None = None, expected: int = 1
    ) -> None:
        self.pmap, self.rng = pmap, rng
        self.report, self.expected = report, max(expected, 1)
        self.asked = self.measured = 0
        self._walks: dict[bytes, RegionWalk] = {}

    def walk(self, members: np.ndarray) -> RegionWalk:
        """The walk of the region ``members`` (sorted node ids)."""
        key = members.tobytes()
        self.asked += 1
        if key not in self._walks:
            share = min(self.measured, self.expected - 1) / self.expected
            part = scaled(self.report, share, share + 1.0 / self.expected)
            self._walks[key] = region_walk(self.pmap, members, self.rng, part)
            self.measured += 1
        return self._walks[key]

    def walks(self, region: np.ndarray, ids) -> list[RegionWalk]:
        """The walks of regions ``ids`` of the partition ``region`` (region id per node)."""
        return [self.walk(np.flatnonzero(region == k)) for k in ids]


class _Boundary:
    """The nodes of region ``give`` in the order they would move to neighbouring region ``take``
    (nearest ``take`` first, by shortest paths inside the two regions), and how many nodes really move
    for each count taken: taking a door cuts the room behind it off ``give``, and the room moves too."""

    def __init__(self, pmap: PatrolMap, region: np.ndarray, give: int, take: int) -> None:
        self.take = take
        self.both = np.flatnonzero((region == give) | (region == take))
        self.sub = pmap.subgraph(self.both)
        inside = region[self.both]
        dist = dijkstra(self.sub.adjacency(), directed=False, indices=np.flatnonzero(inside == take), min_only=True)
        mine = np.flatnonzero(inside == give)
        self.order = mine[np.argsort(dist[mine], kind="stable")]

    @cached_property
    def moved(self) -> np.ndarray:
        """moved[k]: nodes that move when the first k of ``order`` do: n - (nodes of ``give`` left in its
        largest piece), by union-find adding the nodes back from the last."""
        sub, order = self.sub, self.order
        rank = np.full(sub.n_nodes, -1, dtype=np.int64)
        rank[order] = np.arange(order.size)
        parent = np.arange(sub.n_nodes)
        size = np.ones(sub.n_nodes, dtype=np.int64)

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        kept = np.zeros(order.size, dtype=np.int64)
        largest = 0
        for k in range(order.size - 1, -1, -1):
            x = int(order[k])
            for y in sub.indices[sub.indptr[x] : sub.indptr[x + 1]].tolist():
                if rank[y] > k:
                    a, b = root(x), root(y)
                    if a != b:
                        if size[a] < size[b]:
                            a, b = b, a
                        parent[b] = a
                        size[a] += size[b]
            largest = max(largest, int(size[root(x)]))
            kept[k] = largest
        return order.size - kept

    def count_for(self, amount: float) -> int:
        """The count to take (1 .. nodes - 1) whose real move is nearest ``amount`` nodes (0: none)."""
        if self.order.size < 2:
            return 0
        return 1 + int(np.argmin(np.abs(self.moved[1:] - amount)))

    def shifted(self, region: np.ndarray, count: int) -> np.ndarray:
        """``region`` with the first ``count`` nodes of ``order``, and the pieces they cut off, moved
        to ``take``."""
        keep = np.sort(self.order[count:])
        pieces = connected_components(self.sub.subgraph(keep).adjacency(), directed=False)[1]
        moved = np.concatenate([self.order[:count], keep[pieces != np.argmax(np.bincount(pieces))]])
        return self._moved_to_take(region, moved)

    def peeled(self, region: np.ndarray, amount: float, reach: int = PEEL_REACH) -> np.ndarray | None:
        """``region`` with up to ``amount`` nodes moved one by one in ``order``, each only when it touches
        ``take`` (or a node already moved) and its neighbours left in ``give`` stay connected within
        ``reach`` hops without it (so ``give`` stays connected and no piece moves along); None when
        no node can move."""
        sub, n_give = self.sub, self.order.size
        left = np.zeros(sub.n_nodes, dtype=bool)
        left[self.order] = True
        moved: list[int] = []
        for v in self.order.tolist():
            if len(moved) >= min(amount, n_give - 1):
                break
            nbrs = sub.indices[sub.indptr[v] : sub.indptr[v + 1]]
            if left[nbrs].all() or not _joined(sub, nbrs[left[nbrs]], v, left, reach):
                continue
            left[v] = False
            moved.append(v)
        return self._moved_to_take(region, np.array(moved, dtype=np.int64)) if moved else None

    def _moved_to_take(self, region: np.ndarray, moved: np.ndarray) -> np.ndarray:
        out = region.copy()
        out[self.both[moved]] = self.take
        return out


def _joined(sub: PatrolMap, ends: np.ndarray, skip: int, inside: np.ndarray, reach: int) -> bool:
    """Whether the nodes ``ends`` are connected through ``inside`` nodes other than ``skip`` by paths of
    at most ``reach`` hops from ``ends[0]`` (breadth-first)."""
    if ends.size <= 1:
        return True
    seen = {int(ends[0])}
    layer = [int(ends[0])]
    for _ in range(reach):
        nxt = []
        for u in layer:
            for w in sub.indices[sub.indptr[u] : sub.indptr[u + 1]].tolist():
                if w != skip and inside[w] and w not in seen:
                    seen.add(w)
                    nxt.append(w)
        layer = nxt
    return all(int(e) in seen for e in ends)


def region_graph(pmap: PatrolMap, region: np.ndarray) -> list[list[int]]:
    """For each region, the ids of the regions sharing an edge with it (ascending)."""
    r = int(region.max()) + 1
    a = np.repeat(region, np.diff(pmap.indptr))
    b = region[pmap.indices]
    links = np.unique(a[a != b] * r + b[a != b])
    out: list[list[int]] = [[] for _ in range(r)]
    for link in links.tolist():
        out[link // r].append(link % r)
    return out


def _hops(graph: list[list[int]], first: int, last: int) -> list[int]:
    """The regions on a path with the fewest hops from ``first`` to ``last`` (breadth-first)."""
    before = {first: first}
    queue = [first]
    for k in queue:
        for j in graph[k]:
            if j not in before:
                before[j] = k
                queue.append(j)
    path = [last]
    while path[-1] != first:
        path.append(before[path[-1]])
    return path[::-1]


def refine_regions(
    pmap: PatrolMap, region: np.ndarray, book: WalkBook, target: float = TARGET_SPREAD, budget: int | None = None
) -> tuple[np.ndarray, list[RegionWalk]]:
    """(region id per node, walk per region): ``region`` (connected regions 0..r-1) rebalanced by
    measured walk length.

    A move passes walk length along a chain of neighbouring regions: each region of the chain gives
    the next the boundary nodes nearest it, about ``share`` metres of walk (at the giver's walk metres
    per node, in whole pieces: see :class:`_Boundary`). Each step tries, in order, the chain from the
    longest walk to the shortest (fewest hops) with ``share`` half their difference, then the longest
    region giving to each neighbour (shortest first) and the shortest taking from each neighbour
    (longest first), with ``share`` half the pair's difference; each at the fractions
    ``MOVE_FRACTIONS`` of ``share``. The first move that makes the walks more balanced is kept: the
    lengths sorted from the longest drop (lexicographically) with the shortest not lower, or sorted
    from the shortest rise with the longest not higher, so the spread never grows. Stops at ``target``
    spread, when no move helps, or after ``budget`` walks of trial moves asked of ``book`` (default 30 per
    region + 60; a bound on the steps too, as the two criteria could take turns for ever).
    """
    r = int(region.max()) + 1
    walks = book.walks(region, range(r))
    budget = book.asked + (30 * r + 60 if budget is None else budget)
    while book.asked < budget:
        lengths = np.array([w.length for w in walks])
        if lengths.max() <= target * max(lengths.min(), 1e-9):
            break
        graph = region_graph(pmap, region)
        longest, shortest = int(np.argmax(lengths)), int(np.argmin(lengths))
        chains = [_hops(graph, longest, shortest)]
        chains += [[longest, k] for k in sorted(graph[longest], key=lambda k: lengths[k])]
        chains += [[k, shortest] for k in sorted(graph[shortest], key=lambda k: -lengths[k])]
        moved = False
        for chain in dict.fromkeys(map(tuple, chains)):
            share = (lengths[chain[0]] - lengths[chain[-1]]) / 2.0
            for fraction, whole in [(f, False) for f in MOVE_FRACTIONS] + [(1.0, True)]:
                if book.asked + len(chain) > budget:
                    break
                trial = pass_along(pmap, region, lengths, chain, share * fraction, whole)
                if trial is None:
                    continue
                new = book.walks(trial, chain)
                after = lengths.copy()
                after[list(chain)] = [w.length for w in new]
                if _better(lengths, after):
                    region = trial
                    for k, w in zip(chain, new):
                        walks[k] = w
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    return region, walks


def pass_along(
    pmap: PatrolMap, region: np.ndarray, lengths: np.ndarray, chain, share: float, whole: bool
) -> np.ndarray | None:
    """``region`` after each region of ``chain`` gives the next about ``share`` metres of walk, node by
    node (:meth:`_Boundary.peeled`) or, with ``whole``, with the pieces cut off
    (:meth:`_Boundary.shifted`); None when some giver has nothing to give."""
    for give, take in itertools.pairwise(chain):
        amount = share * np.count_nonzero(region == give) / max(lengths[give], 1e-9)
        boundary = _Boundary(pmap, region, give, take)
        if whole:
            count = boundary.count_for(amount)
            moved = boundary.shifted(region, count) if count else None
        else:
            moved = boundary.peeled(region, amount)
        if moved is None:
            return None
        region = moved
    return region


def _better(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether walk lengths ``after`` are more balanced than ``before``: the longest-first order drops
    (lexicographically) with the shortest not lower, or the shortest-first order rises with the
    longest not higher."""
    return (after.min() >= before.min() and top_lowered(before, after)) or bottom_raised(before, after)


def top_lowered(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether walk lengths ``after``, sorted from the longest, are lexicographically below ``before``."""
    return _lex_less(np.sort(after)[::-1], np.sort(before)[::-1])


def bottom_raised(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether walk lengths ``after``, sorted from the shortest, are lexicographically above ``before``
    with the longest not higher."""
    return after.max() <= before.max() and _lex_less(np.sort(before), np.sort(after))


def _lex_less(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether a < b lexicographically (entries differing by more than a rounding error)."""
    diff = np.flatnonzero(np.abs(a - b) > 1e-9 * np.maximum(np.abs(b), 1.0))
    return bool(diff.size) and bool(a[diff[0]] < b[diff[0]])
