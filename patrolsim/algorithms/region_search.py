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
"""

from __future__ import annotations

import numpy as np

from ..maps.model import PatrolMap
from .refine import TARGET_SPREAD, RegionWalk, WalkBook, pass_along, refine_regions, region_graph

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
) -> tuple[np.ndarray, list[RegionWalk]]:
    """(region id per node, walk per region): the best of ``starts`` (partitions into the same number of
    connected regions) after refinement, then improved by kicks (first improvement) until its spread is
    within ``target``, no kick helps, or the walks asked of ``book`` run out: ``budget`` in all, or, when
    ``search_budget`` is given, ``search_budget`` more after the first start's refinement."""
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
    return best
