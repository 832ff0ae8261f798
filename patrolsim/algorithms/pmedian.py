"""The weighted p-median problem on a shortest-path metric (Hakimi 1964), solved by greedy addition
followed by Teitz & Bart (1968) vertex substitution.

Given a distance matrix ``dist`` (candidate sites x demand nodes, metres) and demand weights ``w``,
choose p sites minimising ``sum_v w_v * min_{s in sites} dist[s, v]``.

Greedy adds, one at a time, the site that lowers the cost most. Teitz-Bart then repeatedly applies the
best improving swap (one chosen site out, one unchosen in) until no swap improves the cost, i.e. it
stops at a swap-local optimum. All swaps are evaluated at once from every demand node's nearest and
second-nearest chosen site (fast interchange, Whitaker 1983): O(M N) per round for M candidates,
instead of O(p N) per candidate.

:func:`solve_pmedian` enumerates every p-subset when that is affordable (exact; p <= 3 on a few hundred
nodes), and otherwise keeps the best of Teitz-Bart runs from the greedy sites and from ``restarts``
random site sets. Gap of the heuristic to exact, measured against brute force on 300 random connected
12-node maps (weights 1-9) for p = 2, 3, 4 (tests/strategies/test_pmedian.py repeats a smaller
sample): greedy + Teitz-Bart alone is optimal in 88-94 % of cases, mean gap 0.3-0.5 %, worst 20 %;
with 4 random restarts it is optimal in 97-100 % of cases, mean gap <= 0.06 %, worst 7.4 %. On the Mesa
street map (220 nodes) 4 restarts missed the best known posts for p = 3, 4, 6, 7 in 3-6 of 10 seeds;
32 restarts found them in every seed for p = 3..8.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np

from ..determinism import dot, row_dots
from ..jit import kernel_function
from .progress import Report

#: distance terms (p-subsets x demand nodes) an exact enumeration may cost: about 1 s (3 of Mesa's 220
#: nodes: 1.7 million subsets x 220, 0.6 s)
EXACT_WORK = 600_000_000

#: distance terms (runs x swap rounds x candidates x demand nodes) the Teitz-Bart runs may cost together:
#: fewer restarts on large maps (a run on 100 candidates x 100,000 nodes costs 1e8)
SEARCH_WORK = 300_000_000

#: (p - 1)-prefixes of the exact enumeration between two progress reports (Mesa: 23,871 prefixes, 0.6 s)
EXACT_REPORT_EVERY = 1000

#: swap rounds a Teitz-Bart run usually takes, for the run's work estimate (:func:`pmedian_work`)
EXPECTED_ROUNDS = 10


def pmedian_cost(dist: np.ndarray, weights: np.ndarray, sites) -> float:
    """Weighted sum of distances (weight x metres) from every demand node to its nearest site."""
    return dot(weights, dist[list(sites)].min(axis=0))


def greedy_sites(dist: np.ndarray, weights: np.ndarray, p: int) -> list[int]:
    """p candidate rows added one at a time, each the one lowering the cost most (ties: lowest row)."""
    nearest = np.full(dist.shape[1], np.inf)
    sites: list[int] = []
    for _ in range(p):
        costs = row_dots(np.minimum(dist, nearest), weights)
        costs[sites] = np.inf
        best = int(np.argmin(costs))
        sites.append(best)
        nearest = np.minimum(nearest, dist[best])
    return sites


def teitz_bart(dist: np.ndarray, weights: np.ndarray, sites: list[int], max_rounds: int = 1000) -> list[int]:
    """Improve ``sites`` by best-improvement single swaps until none lowers the cost (a swap-local
    optimum); returns the new site list (rows of ``dist``)."""
    sites = list(sites)
    p = len(sites)
    if p == 0 or p >= dist.shape[0]:
        return sites
    for _ in range(max_rounds):
        cost, swapped = swap_costs(dist, weights, sites)
        c, j = np.unravel_index(int(np.argmin(swapped)), swapped.shape)
        if swapped[c, j] >= cost - 1e-9 * max(abs(cost), 1.0):
            break
        sites[j] = int(c)
    return sites


def swap_costs(dist: np.ndarray, weights: np.ndarray, sites: list[int]) -> tuple[float, np.ndarray]:
    """(cost of ``sites``, cost after each swap: an (M, p) array, entry [c, j] for site j out and row c
    in; inf where c is already a site). One pass over ``dist`` (:func:`_swap_costs`)."""
    p, cols = len(sites), np.arange(dist.shape[1])
    chosen = dist[sites]
    order = np.argsort(chosen, axis=0, kind="stable")
    first = order[0]
    d1 = chosen[first, cols]
    # one site: no second-nearest, and every row counts (any bound >= all distances does)
    d2 = chosen[order[1], cols] if p > 1 else dist.max(axis=0)
    cost = dot(weights, d1)
    loss = np.bincount(first, weights=weights * (d2 - d1), minlength=p)
    out = np.empty((dist.shape[0], p))
    _swap_costs(
        np.ascontiguousarray(dist, dtype=np.float64), weights.astype(np.float64), d1, d2, first, cost, loss, out
    )
    out[sites] = np.inf
    return cost, out


@kernel_function
def _swap_costs(dist, weights, d1, d2, first, cost, loss, out):
    """Fast interchange bookkeeping (Whitaker 1983). With d1, d2 the distances from demand v to its
    nearest and second-nearest site and f1 the nearest, swapping site j out and row c in costs
    ``cost - sum_v w_v max(d1_v - d(c, v), 0) + loss_j - sum_{v: f1_v = j} w_v max(d2_v - max(d(c, v), d1_v), 0)``
    (``loss_j``: sum over v served by j of w_v (d2_v - d1_v)). Only demands with d(c, v) < d2_v add
    terms. Writes out[c, j]."""
    m, n = dist.shape
    p = out.shape[1]
    for c in range(m):
        gain = 0.0
        for j in range(p):
            out[c, j] = cost + loss[j]
        for v in range(n):
            d = dist[c, v]
            if d < d2[v]:
                w = weights[v]
                if d < d1[v]:
                    gain += w * (d1[v] - d)
                    out[c, first[v]] -= w * (d2[v] - d1[v])
                else:
                    out[c, first[v]] -= w * (d2[v] - d)
        for j in range(p):
            out[c, j] -= gain


def _exact(n: int, cols: int, p: int, exact_limit: int) -> bool:
    """Whether :func:`solve_pmedian` enumerates every p-subset of ``n`` rows of ``cols`` columns."""
    subsets = comb(n, p)
    return subsets <= exact_limit and subsets * cols <= EXACT_WORK


def _affordable_restarts(size: int, restarts: int) -> int:
    """The random restarts :func:`solve_pmedian` runs on a distance table of ``size`` entries."""
    return min(restarts, max(SEARCH_WORK // (size * EXPECTED_ROUNDS) - 1, 0))


def pmedian_work(n: int, cols: int, p: int, restarts: int, exact_limit: int) -> float:
    """Plain-Python events of :func:`solve_pmedian` on an ``n`` x ``cols`` distance table (the
    enumeration is numpy; each Teitz-Bart run costs about EXPECTED_ROUNDS swap rounds of the table)."""
    if _exact(n, cols, p, exact_limit):
        return 0.0
    return (1 + _affordable_restarts(n * cols, restarts)) * n * cols * EXPECTED_ROUNDS


def solve_pmedian(
    dist: np.ndarray,
    weights: np.ndarray,
    p: int,
    rng: np.random.Generator | None = None,
    restarts: int = 32,
    exact_limit: int = 2_000_000,
    report: Report | None = None,
) -> list[int]:
    """p-median sites (row indices of ``dist``), sorted: exact when there are at most ``exact_limit``
    p-subsets of the rows and enumerating them costs at most ``EXACT_WORK`` distance terms, else the
    best Teitz-Bart local optimum from the greedy sites and from ``restarts`` random site sets (fewer
    when the runs would cost more than ``SEARCH_WORK``) drawn from ``rng`` (default: a generator of its
    own with seed 0, so the answer depends on the inputs only). ``report`` hears the progress (before each
    Teitz-Bart run, every ``EXACT_REPORT_EVERY`` prefixes of the enumeration)."""
    n = dist.shape[0]
    if not 1 <= p <= n:
        raise ValueError(f"p must lie in 1..{n}, got {p}")
    if _exact(n, dist.shape[1], p, exact_limit):
        return sorted(exact_pmedian(dist, weights, p, report)[0])
    rng = rng if rng is not None else np.random.default_rng(0)
    restarts = _affordable_restarts(dist.size, restarts)
    starts = [greedy_sites(dist, weights, p)]
    starts += [rng.choice(n, size=p, replace=False).tolist() for _ in range(restarts)]
    runs = []
    for i, s in enumerate(starts):
        if report is not None:
            report(i / len(starts), f"p-median: Teitz-Bart run {i + 1} of {len(starts)}")
        runs.append(teitz_bart(dist, weights, s))
    return sorted(min(runs, key=lambda s: pmedian_cost(dist, weights, s)))


def exact_pmedian(
    dist: np.ndarray, weights: np.ndarray, p: int, report: Report | None = None
) -> tuple[list[int], float]:
    """Optimal sites and cost by enumerating every p-subset of the rows in lexicographic order (ties:
    the first, i.e. the lowest ids): over each (p - 1)-prefix, the costs of every last site at once.
    ``report`` hears the progress every ``EXACT_REPORT_EVERY`` prefixes."""
    m = dist.shape[0]
    best: list[int] = []
    best_cost = np.inf
    prefixes = comb(m - 1, p - 1)
    for done, prefix in enumerate(itertools.combinations(range(m - 1), p - 1)):
        if report is not None and done % EXACT_REPORT_EVERY == 0:
            report(done / prefixes, "p-median: every set of posts")
        last = prefix[-1] + 1 if prefix else 0
        if m - last < 1:
            continue
        nearest = dist[list(prefix)].min(axis=0) if prefix else np.full(dist.shape[1], np.inf)
        costs = row_dots(np.minimum(dist[last:], nearest), weights)
        k = int(np.argmin(costs))
        if costs[k] < best_cost - 1e-12:
            best, best_cost = [*prefix, last + k], float(costs[k])
    return best, float(best_cost)
