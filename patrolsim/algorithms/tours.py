"""Closed patrol walks: a short tour through every node (TSP on the shortest-path metric) and an
edge-covering walk (Chinese postman), for the cyclic and partition strategies.

Tour construction, by map size:

* up to ``CHRISTOFIDES_MAX`` nodes: Christofides (networkx) on the metric closure and nearest-neighbour,
  each improved by 2-opt and Or-opt with neighbour lists, the shorter kept (:func:`best_tour`, for
  cgg, takes nearest-neighbour from several starts and no seed);
* up to ``MATRIX_MAX`` nodes (full distance matrix): nearest-neighbour + 2-opt + Or-opt;
* larger maps: nearest-unvisited walk grown by graph searches (each step searches only until
  the closest unvisited node), which is near-optimal on grid-like maps and runs in about a second on
  10,000 nodes, then the same 2-opt / Or-opt improvement with distances from bounded searches.

On a directed map (one-way edges, distances that differ by direction) a tour is travelled one way
round, so moves that reverse part of it (2-opt, reversed Or-opt) do not apply: nearest neighbour on
the directed distance matrix from several starts, each improved by Or-opt moves that keep every run's
direction (:func:`directed_tour`); too large for the matrix, the nearest-unvisited walk alone.

A tour is an order of node ids (a cycle); :func:`expand_walk` turns it into a walk that follows edges.
"""

from __future__ import annotations

import numpy as np

from ..determinism import smallest_per_row
from ..jit import kernel_function
from ..maps.model import PatrolMap
from . import search
from .progress import Report, scaled
from .search import GraphSearch, search_work

CHRISTOFIDES_MAX = 120
MATRIX_MAX = 4000
#: sweeps of the one improvement pass on maps without the distance matrix (each sweep costs O(N) searches;
#: each Or-opt move also rewrites the tour). On a 316 x 316 grid: 15 + 3 give a 0.27 % longer tour than
#: 45 + 2 (the 2-opt sweeps until none improves) in a third of the time (5 s instead of 10-15 s)
GRAPH_TWO_OPT_SWEEPS = 15
GRAPH_OR_OPT_SWEEPS = 3
NEIGHBOURS = 10
EPS = 1e-9


def tour_work(n_nodes: int, matrix: bool = True) -> float:
    """Plain-Python work of :func:`tsp_tour` on ``n_nodes`` nodes, in events of a run's work estimate (:mod:`patrolsim.jit`)
    (measured on office, mall, campus and msp's regions of them): with the distance matrix, nearest
    neighbour takes n^2 steps of about 1/100 event and the 2-opt / Or-opt sweeps about 5 events per node;
    with graph searches instead (``matrix`` false) a node costs about 300 (40 s on 4,900 nodes)."""
    if not matrix:
        return 300.0 * n_nodes
    return n_nodes * n_nodes / 100.0 + 5.0 * n_nodes


# ---------------------------------------------------------------------------- distances for improvement
@kernel_function
def _d(mat, nbr, nbr_d, a, b, g):
    """Distance a -> b: the matrix when given, else the neighbour list or a bounded search."""
    if mat.shape[0] > 0:
        return mat[a, b]
    for k in range(nbr.shape[1]):
        if nbr[a, k] == b:
            return nbr_d[a, k]
    indptr, indices, lengths, width, rng, dist, pred, owner, hk, hv, nxt, head, touched = g
    src = np.empty(1, dtype=np.int64)
    src[0] = a
    search.search(
        indptr,
        indices,
        lengths,
        np.zeros(0),
        0.0,
        1.0,
        width,
        src,
        np.zeros(1),
        b,
        np.inf,
        np.zeros(0),
        0.0,
        1.0,
        0.0,
        0.0,
        np.zeros(0, dtype=np.bool_),
        rng,
        dist,
        pred,
        owner,
        hk,
        hv,
        nxt,
        head,
        touched,
    )
    return dist[b]


@kernel_function
def _reverse(tour, pos, i, j):
    """Reverse tour[i..j] (cyclic indices, i to j going forward)."""
    n = tour.size
    length = (j - i) % n + 1
    for k in range(length // 2):
        x, y = (i + k) % n, (j - k) % n
        tour[x], tour[y] = tour[y], tour[x]
        pos[tour[x]] = x
        pos[tour[y]] = y


@kernel_function
def _positions(tour):
    """pos[v] = index of node v in the tour."""
    pos = np.empty(tour.size, dtype=np.int64)
    pos[tour] = np.arange(tour.size)
    return pos


@kernel_function
def _two_opt(tour, pos, mat, nbr, nbr_d, g):
    """One 2-opt sweep with neighbour lists: replace (a, a+) (c, c+) by (a, c) (a+, c+) where that is
    shorter. Updates ``tour`` and ``pos`` in place; returns whether anything changed."""
    n = tour.size
    improved = False
    for i in range(n):
        a = tour[i]
        b = tour[(i + 1) % n]
        dab = _d(mat, nbr, nbr_d, a, b, g)
        for k in range(nbr.shape[1]):
            c = nbr[a, k]
            dac = nbr_d[a, k]
            if c < 0 or dac >= dab - EPS:
                break
            j = pos[c]
            d = tour[(j + 1) % n]
            if c == b or d == a:
                continue
            delta = dac + _d(mat, nbr, nbr_d, b, d, g) - dab - _d(mat, nbr, nbr_d, c, d, g)
            if delta < -EPS:
                i1, j1 = (pos[a] + 1) % n, pos[c]
                if (j1 - i1) % n <= n // 2:
                    _reverse(tour, pos, i1, j1)
                else:
                    _reverse(tour, pos, (j1 + 1) % n, pos[a])
                improved = True
                break
    return improved


@kernel_function
def _or_opt(tour, pos, mat, nbr, nbr_d, g):
    """One Or-opt sweep: move runs of 1-3 consecutive nodes (either way round) next to a near
    neighbour where that is shorter. Updates ``tour`` and ``pos``; returns whether anything changed."""
    n = tour.size
    improved = False
    for seg in range(1, 4):
        if n < seg + 3:
            continue
        i = 0
        while i < n:
            s1 = tour[i]
            se = tour[(i + seg - 1) % n]
            p = tour[(i - 1) % n]
            nx_ = tour[(i + seg) % n]
            gain = _d(mat, nbr, nbr_d, p, s1, g) + _d(mat, nbr, nbr_d, se, nx_, g) - _d(mat, nbr, nbr_d, p, nx_, g)
            best, best_at, best_rev = -EPS, -1, False
            for end in range(2):
                x = s1 if end == 0 else se
                for k in range(nbr.shape[1]):
                    c = nbr[x, k]
                    if c < 0 or nbr_d[x, k] >= gain:
                        break
                    if (pos[c] - i) % n < seg:
                        continue  # c lies in the run itself
                    # insert between c and its successor (or predecessor), x next to c
                    for side in range(2):
                        j = pos[c]
                        cn = tour[(j + 1) % n] if side == 0 else tour[(j - 1) % n]
                        if (pos[cn] - i) % n < seg:
                            continue
                        y = se if x == s1 else s1
                        added = nbr_d[x, k] + _d(mat, nbr, nbr_d, y, cn, g) - _d(mat, nbr, nbr_d, c, cn, g)
                        saving = gain - added
                        if saving > best + EPS and saving > EPS:
                            # orientation: walking c -> x ... y -> cn
                            rev = (side == 0) == (x == se)
                            best, best_at, best_rev = saving, c * 2 + side, rev
            if best_at >= 0:
                c, side = best_at // 2, best_at % 2
                segment = np.empty(seg, dtype=np.int64)
                for q in range(seg):
                    segment[q] = tour[(i + q) % n]
                rest = np.empty(n - seg, dtype=np.int64)
                m = 0
                for q in range(n):
                    off = (q - i) % n
                    if off >= seg:
                        rest[m] = tour[q]
                        m += 1
                out = np.empty(n, dtype=np.int64)
                m = 0
                for q in range(n - seg):
                    if side == 1 and rest[q] == c:
                        for r in range(seg):
                            out[m] = segment[seg - 1 - r] if not best_rev else segment[r]
                            m += 1
                    out[m] = rest[q]
                    m += 1
                    if side == 0 and rest[q] == c:
                        for r in range(seg):
                            out[m] = segment[seg - 1 - r] if best_rev else segment[r]
                            m += 1
                tour[:] = out
                pos[tour] = np.arange(n)
                improved = True
            i += 1
    return improved


# ---------------------------------------------------------------------------- construction
@kernel_function
def _nearest_neighbour_matrix(mat, start):
    n = mat.shape[0]
    seen = np.zeros(n, dtype=np.bool_)
    tour = np.empty(n, dtype=np.int64)
    cur = start
    for i in range(n):
        tour[i] = cur
        seen[cur] = True
        best, nxt = np.inf, -1
        for v in range(n):
            if not seen[v] and mat[cur, v] < best:
                best, nxt = mat[cur, v], v
        cur = nxt
    return tour


@kernel_function
def _nearest_unvisited_graph(g, start, unseen):
    """Nearest-neighbour tour through the nodes marked in ``unseen`` (``start`` among them; the mask is
    used up), grown by searches of the whole graph that stop at the first unvisited node."""
    indptr, indices, lengths, width, rng, dist, pred, owner, hk, hv, nxt, head, touched = g
    n = indptr.size - 1
    m = 0
    for v in range(n):
        if unseen[v]:
            m += 1
    tour = np.empty(m, dtype=np.int64)
    cur = start
    src = np.empty(1, dtype=np.int64)
    gain = np.zeros(n)
    for i in range(m):
        tour[i] = cur
        unseen[cur] = False
        if i == m - 1:
            break
        # the best goal among unvisited nodes with equal gain: the nearest one (ties at random)
        src[0] = cur
        cur = search.search(
            indptr,
            indices,
            lengths,
            np.zeros(0),
            0.0,
            1.0,
            width,
            src,
            np.zeros(1),
            -1,
            np.inf,
            gain,
            0.0,
            1.0,
            0.0,
            1.0,
            unseen,
            rng,
            dist,
            pred,
            owner,
            hk,
            hv,
            nxt,
            head,
            touched,
        )
    return tour


@kernel_function
def _neighbour_lists_graph(g, k):
    """The k nearest nodes of every node (by shortest path) via searches that stop after k + 1 nodes."""
    indptr, indices, lengths, width, rng, dist, pred, owner, hk, hv, nxt, head, touched = g
    n = indptr.size - 1
    nbr = np.full((n, k), -1, dtype=np.int64)
    nbr_d = np.full((n, k), np.inf)
    src = np.empty(1, dtype=np.int64)
    empty_gain = np.zeros(0)
    empty_mask = np.zeros(0, dtype=np.bool_)
    for u in range(n):
        src[0] = u
        # grow the limit until k other nodes are settled
        limit = 0.0
        for e in range(indptr[u], indptr[u + 1]):
            if lengths[e] > limit:
                limit = lengths[e]
        while True:
            settled = search.search(
                indptr,
                indices,
                lengths,
                np.zeros(0),
                0.0,
                1.0,
                width,
                src,
                np.zeros(1),
                -1,
                limit,
                empty_gain,
                0.0,
                1.0,
                0.0,
                0.0,
                empty_mask,
                rng,
                dist,
                pred,
                owner,
                hk,
                hv,
                nxt,
                head,
                touched,
            )
            if settled > k or settled >= n:
                break
            limit *= 2.0
        # ties by node id, identically compiled and not: sort the ids, then a stable sort by distance
        cand = np.sort(touched[: touched[n]])
        cand = cand[np.isfinite(dist[cand])]
        order = np.argsort(dist[cand], kind="mergesort")
        m = 0
        for q in order:
            v = cand[q]
            if v != u and m < k:
                nbr[u, m] = v
                nbr_d[u, m] = dist[v]
                m += 1
    return nbr, nbr_d


def _neighbour_lists_matrix(mat: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest other nodes of every node and their distances, nearest first (ties by node id)."""
    n = mat.shape[0]
    masked = mat + np.diag(np.full(n, np.inf))
    nbr = smallest_per_row(masked, min(k, n - 1))
    return nbr, np.take_along_axis(masked, nbr, axis=1)


def tour_length(order: np.ndarray, dist) -> float:
    """Length (m) of the closed tour ``order`` under ``dist(a, b)`` or a matrix."""
    if isinstance(dist, np.ndarray):
        return float(dist[order, np.roll(order, -1)].sum())
    return float(sum(dist(int(a), int(b)) for a, b in zip(order, np.roll(order, -1))))


def tsp_tour(
    pmap: PatrolMap, start: int = 0, rng: np.random.Generator | None = None, report: Report | None = None
) -> np.ndarray:
    """A short closed tour through every node of ``pmap`` (node order, starting at ``start``); ``report``
    hears how far the improvement sweeps are."""
    n = pmap.n_nodes
    if n <= 2:
        return np.roll(np.arange(n, dtype=np.int64), -start)
    rng = rng if rng is not None else np.random.default_rng(0)
    matrix = _matrix_fits(pmap)
    work = _search_work(pmap, rng)
    if pmap.directed and matrix:
        best = directed_tour(pmap.distances.matrix, [start], report)
    elif pmap.directed:
        if report is not None:
            report(0.0, "nearest-unvisited tour")
        with np.errstate(over="ignore"):  # the tie draws (algorithms.draws) wrap uint64 on purpose
            best = _nearest_unvisited_graph(work, start, np.ones(n, dtype=np.bool_))
    elif matrix:
        best = _shortest_matrix_tour(pmap, [start], work, report)
    else:
        mat = np.zeros((0, 0))
        if report is not None:
            report(0.0, "nearest-unvisited tour")
        with np.errstate(over="ignore"):  # the tie draws (algorithms.draws) wrap uint64 on purpose
            best = _nearest_unvisited_graph(work, start, np.ones(n, dtype=np.bool_))
        nbr, nbr_d = _neighbour_lists_graph(work, NEIGHBOURS)
        improve = scaled(report, 0.1, 1.0)
        best = _improve(best, mat, nbr, nbr_d, work, 1, GRAPH_TWO_OPT_SWEEPS, GRAPH_OR_OPT_SWEEPS, improve)
    return np.roll(best, -int(np.flatnonzero(best == start)[0]))


#: nearest-neighbour constructions of :func:`best_tour`: from this many nodes spread evenly over the ids
TOUR_STARTS = 8


def best_tour(pmap: PatrolMap, report: Report | None = None) -> np.ndarray:
    """The shortest closed tour through every node that several constructions find, the same for any
    seed: nearest neighbour from ``TOUR_STARTS`` nodes spread evenly over the node ids (and
    Christofides up to ``CHRISTOFIDES_MAX`` nodes), each improved by 2-opt and Or-opt; the shortest
    is kept, ties going to the one first in node-id order (:func:`canonical_tour`). Maps too large for
    the distance matrix get :func:`tsp_tour`'s nearest-unvisited construction from node 0, its tie
    draws from a fixed generator. The tour starts at node 0. ``report`` hears the progress."""
    n = pmap.n_nodes
    if n <= 2 or not _matrix_fits(pmap):
        tour = tsp_tour(pmap, 0, np.random.default_rng(0), report)
        return np.roll(tour, -int(np.argmin(tour))) if pmap.directed else canonical_tour(tour)
    starts = tour_starts(n)
    if pmap.directed:
        return directed_tour(pmap.distances.matrix, starts.tolist(), report)
    return _shortest_matrix_tour(pmap, starts.tolist(), _search_work(pmap, np.random.default_rng(0)), report)


def best_tour_work(pmap: PatrolMap) -> float:
    """Plain-Python events of :func:`best_tour` on ``pmap`` (see :func:`tour_work`)."""
    n = pmap.n_nodes
    if n <= 2:
        return 0.0
    if not _matrix_fits(pmap):
        return tour_work(n, matrix=False)
    return tour_starts(n).size * tour_work(n)


def tour_starts(n: int) -> np.ndarray:
    """The ``TOUR_STARTS`` nodes (spread evenly over the ids 0..n-1) nearest-neighbour tours start from."""
    return np.unique(np.linspace(0, n - 1, min(TOUR_STARTS, n)).round().astype(np.int64))


#: Or-opt sweeps of :func:`directed_tour` (each until a sweep changes nothing)
DIRECTED_SWEEPS = 50


def directed_member_tour(pmap: PatrolMap, members: np.ndarray, starts: list[int], report: Report | None = None):
    """A directed tour (node ids) through ``members`` (sorted) of the directed map ``pmap`` on its
    shortest paths: :func:`directed_tour` on the members' distances when the map has its full distance
    matrix, else the nearest-unvisited walk from ``members[0]`` by graph searches of the whole map."""
    if pmap.distances.full and members.size <= MATRIX_MAX:
        mat = pmap.distances.matrix[np.ix_(members, members)]
        return members[directed_tour(mat, starts, report)]
    unseen = np.zeros(pmap.n_nodes, dtype=np.bool_)
    unseen[members] = True
    with np.errstate(over="ignore"):  # the tie draws (algorithms.draws) wrap uint64 on purpose
        return _nearest_unvisited_graph(_search_work(pmap, np.random.default_rng(0)), int(members[0]), unseen)


def directed_tour(mat: np.ndarray, starts: list[int], report: Report | None = None) -> np.ndarray:
    """A short closed tour through every node of the (asymmetric) distance matrix ``mat``, travelled in
    its order: nearest neighbour from each of ``starts``, each improved by direction-keeping Or-opt
    sweeps (:func:`_or_opt_directed`, on neighbour lists); the shortest, written from node 0 (ties:
    first in node-id order). ``report`` hears each construction."""
    n = mat.shape[0]
    k = min(NEIGHBOURS, n - 1)
    masked = mat + np.diag(np.full(n, np.inf))
    out_of = smallest_per_row(masked, k)  # out_of[x]: the nodes nearest from x (x -> b)
    into = smallest_per_row(np.ascontiguousarray(masked.T), k)  # into[x]: the nodes nearest to x (a -> x)
    best, best_len = np.zeros(0, dtype=np.int64), np.inf
    for i, s in enumerate(starts):
        if report is not None:
            report(i / len(starts), f"directed tour {i + 1} of {len(starts)}")
        tour = _nearest_neighbour_matrix(mat, int(s))
        pos = _positions(tour)
        for _ in range(DIRECTED_SWEEPS):
            if not _or_opt_directed(tour, pos, mat, into, out_of):
                break
        tour = np.roll(tour, -int(np.argmin(tour)))
        length = tour_length(tour, mat)
        if length < best_len - EPS or (length <= best_len + EPS and tour.tolist() < best.tolist()):
            best, best_len = tour, min(length, best_len)
    return best


@kernel_function
def _or_opt_directed(tour, pos, mat, into, out_of):
    """One sweep: every run of 1-3 consecutive tour nodes s1 .. se moves, kept in its direction, between
    two consecutive nodes a -> b of the rest of the tour where that shortens the tour most, trying the a
    nearest to s1 (``into[s1]``) and the b nearest from se (``out_of[se]``) while that edge alone is
    shorter than what the move saves (distances from ``mat``, which need not be symmetric). Updates
    ``tour`` and ``pos``; returns whether anything changed."""
    n = tour.size
    improved = False
    for seg in range(1, 4):
        if n < seg + 3:
            continue
        i = 0
        while i < n:
            p = tour[(i - 1) % n]
            s1 = tour[i]
            se = tour[(i + seg - 1) % n]
            nx_ = tour[(i + seg) % n]
            gain = mat[p, s1] + mat[se, nx_] - mat[p, nx_]
            best, best_a = EPS, -1
            for side in range(2):
                for k in range(into.shape[1]):
                    if side == 0:
                        a = into[s1, k]
                        if mat[a, s1] >= gain:
                            break
                        b = tour[(pos[a] + 1) % n]
                    else:
                        b = out_of[se, k]
                        if mat[se, b] >= gain:
                            break
                        a = tour[(pos[b] - 1) % n]
                    # a -> b must be an edge of the rest of the tour (p -> s1 and se -> nx_ are not)
                    if (pos[a] - i) % n < seg or (pos[b] - i) % n < seg:
                        continue
                    saving = gain - (mat[a, s1] + mat[se, b] - mat[a, b])
                    if saving > best:
                        best, best_a = saving, a
            if best_a >= 0:
                out = np.empty(n, dtype=np.int64)
                m = 0
                for q in range(seg, n):
                    out[m] = tour[(i + q) % n]
                    m += 1
                    if out[m - 1] == best_a:
                        for r in range(seg):
                            out[m] = tour[(i + r) % n]
                            m += 1
                tour[:] = out
                pos[tour] = np.arange(n)
                improved = True
            i += 1
    return improved


def canonical_tour(order: np.ndarray) -> np.ndarray:
    """The cycle ``order`` written from its lowest node id, towards the lower of that node's two
    neighbours on the cycle (so one cycle has one spelling)."""
    tour = np.roll(order, -int(np.argmin(order)))
    if tour.size > 2 and tour[-1] < tour[1]:
        tour = np.concatenate([tour[:1], tour[:0:-1]])
    return tour


def _matrix_fits(pmap: PatrolMap) -> bool:
    """Whether tours of ``pmap`` are built on its full distance matrix (else by graph searches)."""
    return pmap.n_nodes <= MATRIX_MAX and pmap.distances.full


def _search_work(pmap: PatrolMap, rng: np.random.Generator) -> tuple:
    """The graph-search arrays the tour kernels take, with a search generator seeded from ``rng``."""
    gs = GraphSearch.of(pmap)
    return (gs.indptr, gs.indices, gs.lengths, gs.width, np.array([rng.integers(1, 2**63)], dtype=np.uint64), *gs.work)


def _shortest_matrix_tour(pmap: PatrolMap, starts: list[int], work: tuple, report: Report | None = None) -> np.ndarray:
    """Nearest neighbour from each of ``starts`` (and Christofides on small maps), each improved by
    2-opt and Or-opt on the distance matrix; the shortest (:func:`canonical_tour`), ties to the first
    in node-id order."""
    mat = pmap.distances.matrix
    nbr, nbr_d = _neighbour_lists_matrix(mat, NEIGHBOURS)
    candidates = [_nearest_neighbour_matrix(mat, s) for s in starts]
    if pmap.n_nodes <= CHRISTOFIDES_MAX:
        candidates.append(_christofides(mat))
    best, best_len = candidates[0], np.inf
    for i, tour in enumerate(candidates):
        part = scaled(report, i / len(candidates), (i + 1) / len(candidates))
        tour = canonical_tour(_improve(tour.copy(), mat, nbr, nbr_d, work, report=part))
        length = tour_length(tour, mat)
        if length < best_len - EPS or (length <= best_len + EPS and tour.tolist() < best.tolist()):
            best, best_len = tour, min(length, best_len)
    return best


def _improve(
    tour,
    mat,
    nbr,
    nbr_d,
    work,
    passes: int = 4,
    rounds: int = 50,
    or_rounds: int = 50,
    report: Report | None = None,
):
    """2-opt sweeps (up to ``rounds``) then Or-opt sweeps (up to ``or_rounds``), each until a sweep
    changes nothing, repeated up to ``passes`` times while either changes the tour; ``report`` hears
    each sweep (the fraction counts sweeps against the most there can be)."""
    pos = _positions(tour)
    most, done = passes * (rounds + or_rounds), 0
    for _ in range(passes):
        changed = False
        for sweep, limit, stage in ((_two_opt, rounds, "2-opt"), (_or_opt, or_rounds, "Or-opt")):
            for _ in range(limit):
                moved = sweep(tour, pos, mat, nbr, nbr_d, work)
                done += 1
                if report is not None:
                    report(done / most, f"tour {stage} sweep {done}")
                if not moved:
                    break
                changed = True
        if not changed:
            break
    return tour


def _christofides(mat: np.ndarray) -> np.ndarray:
    import networkx as nx
    from networkx.algorithms.approximation import christofides

    n = mat.shape[0]
    g = nx.Graph()
    iu, ju = np.triu_indices(n, 1)
    g.add_weighted_edges_from(zip(iu.tolist(), ju.tolist(), mat[iu, ju].tolist()))
    cycle = christofides(g, weight="weight")
    return np.asarray(cycle[:-1], dtype=np.int64)


# ---------------------------------------------------------------------------- walks
#: tour legs between two progress reports of :func:`expand_walk`
EXPAND_REPORT = 20_000


def expand_walk(pmap: PatrolMap, order: np.ndarray, report: Report | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The closed walk along edges that visits ``order`` cyclically: (nodes, stop) where ``nodes[0]``
    is order[0], consecutive nodes are adjacent, the walk returns to nodes[0] after its last entry, and
    ``stop[i]`` marks the entries that are tour stops (the rest are crossed on shortest paths).
    ``report`` hears every ``EXPAND_REPORT`` legs."""
    if order.size == 1:  # a one-node map: the walk is that node
        return np.asarray(order[:1], dtype=np.int64), np.ones(1, dtype=bool)
    gs = GraphSearch.of(pmap)
    nxt = np.roll(order, -1)
    # a leg along one edge that is a shortest path needs no search: checked on the distance matrix when
    # there is one, else an edge shorter than twice the shortest edge (any other path is at least that)
    direct = np.asarray(pmap.adjacency()[order, nxt]).ravel()
    if pmap.n_nodes <= MATRIX_MAX and pmap.distances.full:
        direct[direct > pmap.distances.matrix[order, nxt]] = 0.0
    else:
        direct[direct >= 2.0 * pmap.lengths.min()] = 0.0
    nodes, stop = [int(order[0])], [True]
    for i, (a, b, edge) in enumerate(zip(order.tolist(), nxt.tolist(), direct.tolist())):
        if report is not None and i % EXPAND_REPORT == 0:
            report(i / order.size, "walk along the tour")
        leg = [b] if edge > 0 else gs.path(a, b)
        nodes.extend(leg)
        stop.extend([False] * (len(leg) - 1) + [True])
    nodes.pop()
    stop.pop()
    return np.asarray(nodes, dtype=np.int64), np.asarray(stop, dtype=bool)


def edge_walk_work(pmap: PatrolMap) -> float:
    """Plain-Python events of :func:`edge_walk` on ``pmap``: a whole-map search from every odd node."""
    odd = int(np.count_nonzero(np.diff(pmap.indptr) % 2 == 1))
    return search_work(pmap.n_nodes, rows=odd, decisions=0)


def edge_walk(pmap: PatrolMap, start: int = 0) -> np.ndarray:
    """A closed walk that traverses every edge (Chinese postman): the graph's odd nodes are paired by
    a minimum-weight matching (up to 60 of them; greedy nearest pairing beyond), the pairing paths
    are doubled and an Euler circuit taken. Returns the node sequence, starting (and implicitly
    ending) at ``start``. On a directed map every direction of every edge is traversed
    (:func:`_directed_edge_walk`)."""
    import networkx as nx

    if pmap.n_edges == 0:  # a one-node map: the walk is that node
        return np.array([start], dtype=np.int64)
    if pmap.directed:
        return _directed_edge_walk(pmap, start)

    u, v, _ = pmap.edge_list()
    g = nx.MultiGraph()
    g.add_nodes_from(range(pmap.n_nodes))
    g.add_edges_from(zip(u.tolist(), v.tolist()))
    deg = np.diff(pmap.indptr)
    odd = np.flatnonzero(deg % 2 == 1)
    gs = GraphSearch.of(pmap)
    if odd.size:
        rows = {int(o): gs.row(int(o))[odd] for o in odd.tolist()}
        if odd.size <= 60:
            k = nx.Graph()
            for i, a in enumerate(odd.tolist()):
                for j in range(i + 1, odd.size):
                    k.add_edge(a, int(odd[j]), weight=float(rows[a][j]))
            pairs = nx.min_weight_matching(k)
        else:
            pairs, free = [], set(odd.tolist())
            for a in odd.tolist():
                if a not in free:
                    continue
                free.discard(a)
                order = np.argsort(rows[a], kind="stable")
                b = next(int(odd[j]) for j in order if int(odd[j]) in free)
                free.discard(b)
                pairs.append((a, b))
        for a, b in pairs:
            prev = a
            for x in gs.path(a, b):
                g.add_edge(prev, x)
                prev = x
    return np.asarray([int(a) for a, _ in nx.eulerian_circuit(g, source=start)], dtype=np.int64)


def _directed_edge_walk(pmap: PatrolMap, start: int) -> np.ndarray:
    """The directed Chinese postman: every node entered more often than left is joined to one left more
    often than entered by shortest paths, paired by a minimum-cost assignment (each such node repeated
    once per missing departure or arrival; scipy's Hungarian method); then an Euler circuit of the
    edges plus those paths."""
    import networkx as nx
    from scipy.optimize import linear_sum_assignment

    u, v, _ = pmap.arcs()
    balance = np.bincount(v, minlength=pmap.n_nodes) - np.bincount(u, minlength=pmap.n_nodes)
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(pmap.n_nodes))
    g.add_edges_from(zip(u.tolist(), v.tolist()))
    extra_from = np.repeat(np.arange(pmap.n_nodes), np.maximum(balance, 0))  # must leave once more
    extra_to = np.repeat(np.arange(pmap.n_nodes), np.maximum(-balance, 0))  # must be entered once more
    if extra_from.size:
        gs = GraphSearch.of(pmap)
        rows = {int(a): gs.row(int(a)) for a in np.unique(extra_from).tolist()}
        cost = np.vstack([rows[int(a)][extra_to] for a in extra_from])
        for i, j in zip(*linear_sum_assignment(cost)):
            a, b = int(extra_from[i]), int(extra_to[j])
            prev = a
            for x in gs.path(a, b):
                g.add_edge(prev, x)
                prev = x
    return np.asarray([int(a) for a, _ in nx.eulerian_circuit(g, source=start)], dtype=np.int64)


def walk_lengths(pmap, nodes: np.ndarray) -> np.ndarray:
    """Edge length (m) from each walk entry to the next (cyclically); KeyError if one is not an edge."""
    if nodes.size == 1:  # a one-node map: the walk stays put
        return np.zeros(1)
    out = np.asarray(pmap.adjacency()[nodes, np.roll(nodes, -1)]).ravel()
    if nodes.size > 1 and not out.all():
        k = int(np.flatnonzero(out == 0)[0])
        raise KeyError((int(nodes[k]), int(nodes[(k + 1) % nodes.size])))
    return out
