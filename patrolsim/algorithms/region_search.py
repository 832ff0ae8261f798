"""The most balanced partition within a budget of walk measurements: several starting partitions are
refined (:func:`patrolsim.algorithms.refine.refine_regions`) and the best is kept, then local optima
are escaped by kicks: a long region hands a whole piece (a room behind its door, a dead end) to a
shorter neighbour, which makes the walks less balanced for a moment, and the result is refined again; a kick
is kept when the refined partition beats the best so far.

A partition beats another when it is no worse in both the ratio of its longest walk to its shortest
and its longest walk, and better in one (:func:`beats`). Either alone trades the other away: ranking
by the longest walk kept a short region far behind (office, 6 agents: 416 m longest, ratio 1.64),
ranking by the ratio lengthened every walk (ring_road, 2 agents: 3,824 m longest instead of 3,399 m).
As the first start is the one the refinement alone would use, the result is never worse than that
refinement's in either figure.

On small maps the result then goes through a search for a shorter longest walk
(:func:`shortest_longest`): boundary nodes move one or two at a time, kept when the walks sorted from
the longest drop, whichever region they come from or go to (on a grid a region can walk less for
taking a node: 13 nodes need 14 edges, 14 nodes may need only 14). Balanced walks are not the
shortest longest walk, which is the worst idleness of a region patrol: patrolling_sim's 5 x 5 grid
with 2 agents balances at two 91.2 m walks; the optimum is two of 79.8 m. The searched partition is
kept when :func:`preferred`: better in both figures, or a shorter longest walk with the ratio within
``LONGEST_FIRST_SPREAD`` (or no worse than before), so no region is left far behind for it (plaza,
3 agents: 114 m longest at a ratio of 1.34 instead of 143 m at 1.15 is not taken).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..maps.model import PatrolMap
from .refine import (
    TARGET_SPREAD,
    RegionWalk,
    WalkBook,
    bottom_raised,
    pass_along,
    refine_regions,
    region_graph,
    top_lowered,
)

#: fractions of half the difference between a giving region and its taker a kick moves
KICK_FRACTIONS = (0.5, 1.0)


def score(walks: list[RegionWalk]) -> tuple[float, float]:
    """(longest / shortest walk, longest walk), rounded so that rounding noise does not count."""
    lengths = np.array([w.length for w in walks])
    return round(float(lengths.max() / max(lengths.min(), 1e-9)), 6), round(float(lengths.max()), 6)


def beats(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the score ``a`` is no worse than ``b`` in both figures and better in one."""
    return a != b and a[0] <= b[0] and a[1] <= b[1]


def kicks(pmap: PatrolMap, region: np.ndarray, walks: list[RegionWalk]) -> list[np.ndarray]:
    """Partitions one whole-piece move away from ``region``, in the order tried: the longest region gives
    to each neighbour (shortest first), the shortest region takes from each neighbour (longest first),
    then every region, longest first, gives to each shorter neighbour; a giver hands over the pieces
    nearest the taker worth ``KICK_FRACTIONS`` of half the pair's difference."""
    lengths = np.array([w.length for w in walks])
    longest, shortest = int(np.argmax(lengths)), int(np.argmin(lengths))
    graph = region_graph(pmap, region)
    pairs = [(longest, k) for k in sorted(graph[longest], key=lambda k: lengths[k])]
    pairs += [(k, shortest) for k in sorted(graph[shortest], key=lambda k: -lengths[k])]
    for give in np.argsort(-lengths, kind="stable").tolist():
        pairs += [(give, k) for k in sorted(graph[give], key=lambda k: lengths[k]) if lengths[k] < lengths[give]]
    out: list[np.ndarray] = []
    for give, take in dict.fromkeys(pairs):
        for fraction in KICK_FRACTIONS:
            share = (lengths[give] - lengths[take]) / 2.0 * fraction
            kicked = pass_along(pmap, region, lengths, [give, take], share, whole=True)
            if kicked is not None and not any(np.array_equal(kicked, k) for k in out):
                out.append(kicked)
    return out


def best_regions(
    pmap: PatrolMap,
    starts: list[np.ndarray],
    book: WalkBook,
    budget: int,
    search_budget: int | None = None,
    target: float = TARGET_SPREAD,
    longest_budget: int = 0,
) -> tuple[np.ndarray, list[RegionWalk]]:
    """(region id per node, walk per region): the best of ``starts`` (partitions into the same number of
    connected regions) after refinement, then improved by kicks (first improvement) until its spread is
    within ``target``, no kick helps, or the walks asked of ``book`` run out: ``budget`` in all, or, when
    ``search_budget`` is given, ``search_budget`` more after the first start's refinement. With
    ``longest_budget``, the result's longest walk is then shortened (:func:`shortest_longest`, that
    many walks more) and the shortened partition kept when :func:`preferred`."""
    stop = book.asked + budget
    best = refine_regions(pmap, starts[0], book, target, budget)
    if search_budget is not None:
        stop = book.asked + search_budget
    for start in starts[1:]:
        found = refine_regions(pmap, start, book, target, max(stop - book.asked, 0))
        if beats(score(found[1]), score(best[1])):
            best = found
    improved = True
    while improved and book.asked < stop and score(best[1])[0] > target:
        improved = False
        for kicked in kicks(pmap, *best):
            found = refine_regions(pmap, kicked, book, target, max(stop - book.asked, 0))
            if beats(score(found[1]), score(best[1])):
                best, improved = found, True
                break
            if book.asked >= stop:
                break
    if longest_budget > 0:
        found = shortest_longest(pmap, *best, book, longest_budget)
        if preferred(score(found[1]), score(best[1])):
            best = found
    return best


#: a partition with a shorter longest walk is preferred to a balanced one while its ratio of longest to
#: shortest walk is at most this (or the balanced one's): see :func:`preferred`
LONGEST_FIRST_SPREAD = 1.25


def preferred(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the score ``a`` (ratio, longest walk) is preferred to ``b``: it :func:`beats` ``b``, or
    its longest walk, which is the worst idleness a region patrol gives, is shorter while its ratio is
    at most ``LONGEST_FIRST_SPREAD`` or ``b``'s."""
    return beats(a, b) or (a[1] < b[1] and a[0] <= max(b[0], LONGEST_FIRST_SPREAD))


def node_moves(pmap: PatrolMap, region: np.ndarray, ks: list[int]) -> Iterator[tuple[list[int], int, int]]:
    """(nodes, giver, taker): a boundary node, alone or with one of its neighbours in its region, handed
    to a neighbouring region, leaving the giver connected and not empty; only moves that change a region
    of ``ks``: those giving first, then those taking; givers by id, nodes by id, takers by id."""
    r = int(region.max()) + 1
    others = [k for k in range(r) if k not in ks]
    for k in [*ks, *others]:
        members = np.flatnonzero(region == k)
        if members.size < 2:
            continue
        for v in members.tolist():
            nbrs = pmap.neighbours(v).tolist()
            takers = sorted({int(region[w]) for w in nbrs} - {k})
            if k not in ks:
                takers = [j for j in takers if j in ks]
            if not takers:
                continue
            pairs = [[v, u] for u in sorted(nbrs) if region[u] == k] if members.size > 2 else []
            for nodes in [[v], *pairs]:
                left = np.setdiff1d(members, nodes)
                if pmap.subgraph(left).component_labels().max() == 0:
                    yield from ((nodes, k, j) for j in takers)


def _node_search(
    pmap: PatrolMap, region: np.ndarray, walks: list[RegionWalk], book: WalkBook, stop: int, shorten: bool
) -> tuple[np.ndarray, list[RegionWalk]]:
    """``region`` after first-improvement :func:`node_moves` while fewer than ``stop`` walks have been
    asked of ``book``: with ``shorten``, moves of the longest regions that shorten one of them and lower
    the lengths sorted from the longest (:func:`patrolsim.algorithms.refine.top_lowered`); else moves
    of the shortest regions that lengthen one of them and raise the lengths sorted from the shortest
    with the longest not higher (:func:`patrolsim.algorithms.refine.bottom_raised`). The walk of the
    changed region of the longest (shortest) is measured first, its partner's only when it helps."""
    lengths = np.array([w.length for w in walks])
    while book.asked < stop:
        end = lengths.max() if shorten else lengths.min()
        ks = np.flatnonzero(np.abs(lengths - end) <= 1e-9 * end).tolist()
        found = None
        for nodes, give, take in node_moves(pmap, region, ks):
            trial = region.copy()
            trial[nodes] = take
            pair = [give, take] if give in ks else [take, give]  # the region of ks first
            first = book.walk(np.flatnonzero(trial == pair[0]))
            gain = lengths[pair[0]] - first.length if shorten else first.length - lengths[pair[0]]
            if gain > 1e-9 * lengths[pair[0]]:
                second = book.walk(np.flatnonzero(trial == pair[1]))
                after = lengths.copy()
                after[pair] = [first.length, second.length]
                if top_lowered(lengths, after) if shorten else bottom_raised(lengths, after):
                    found = trial, pair, (first, second), after
                    break
            if book.asked >= stop:
                break
        if found is None:
            break
        region, pair, changed, lengths = found
        walks = list(walks)
        for k, w in zip(pair, changed):
            walks[k] = w
    return region, walks


def shortest_longest(
    pmap: PatrolMap, region: np.ndarray, walks: list[RegionWalk], book: WalkBook, budget: int
) -> tuple[np.ndarray, list[RegionWalk]]:
    """(region id per node, walk per region): ``region`` with its longest walk made as short as moves
    of one or two boundary nodes can (each kept when the walks, sorted from the longest, drop), then its
    shortest walks as long as they can be without the longest growing, and again while either helps,
    within ``budget`` more walks asked of ``book``. Unlike the balancing moves this sees that a
    region may walk less for taking a node (a grid region of odd size cannot be walked without crossing
    some node twice) and that a shorter longest walk matters more than equal walks."""
    stop = book.asked + budget
    while book.asked < stop:
        before = score(walks)
        region, walks = _node_search(pmap, region, walks, book, stop, shorten=True)
        region, walks = _node_search(pmap, region, walks, book, stop, shorten=False)
        if score(walks) == before:
            break
    return region, walks
