"""Partition strategy: split the map into one connected region per agent, each agent cycles its own."""

from __future__ import annotations

import copy

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..algorithms.progress import Report, scaled
from ..algorithms.refine import RegionWalk, WalkBook, polished_walk
from ..algorithms.region_search import best_regions
from ..algorithms.search import GraphSearch
from ..algorithms.tours import tour_work
from ..maps.model import PatrolMap
from .cyclic import CyclicWalk, WalkFollower


def grow_regions(pmap: PatrolMap, seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(region id per node, length per region): regions grown from ``seeds`` one node at a time.

    The region with the least length so far takes the unassigned node nearest its seed among its
    neighbours; its length grows by the edge it takes the node over (so a region's length is a
    spanning-tree length, which a patrol tour of it is proportional to). Every region stays connected.
    """
    import heapq

    n, r = pmap.n_nodes, seeds.size
    region = np.full(n, -1, dtype=np.int64)
    length = np.zeros(r)
    frontier: list[list] = [[] for _ in range(r)]
    indptr, indices, lens = pmap.indptr, pmap.indices, pmap.lengths

    def take(k: int, v: int, d: float) -> None:
        region[v] = k
        for e in range(indptr[v], indptr[v + 1]):
            w = int(indices[e])
            if region[w] < 0:
                heapq.heappush(frontier[k], (d + lens[e], w, lens[e]))

    for k, s in enumerate(seeds.tolist()):
        take(k, s, 0.0)
    active = set(range(r))
    while active:
        k = min(active, key=lambda q: (length[q], q))
        heap = frontier[k]
        while heap and region[heap[0][1]] >= 0:
            heapq.heappop(heap)
        if not heap:
            active.discard(k)
            continue
        d, v, edge = heapq.heappop(heap)
        length[k] += edge
        take(k, v, d)
    return region, length


#: a partition whose longest region is at most this many times its shortest needs no second method
GOOD_SPREAD = 1.1

#: walk measurements the set-up may spend balancing: this many per region, plus ``SEARCH_WALKS``
SEARCH_WALKS_PER_REGION = 30
SEARCH_WALKS = 60
#: region size (nodes) above which the search past the first refinement gets proportionally fewer walks
SEARCH_REGION_NODES = 150

#: maps of at most this many nodes also get the search for a shorter longest walk (moves of one or two
#: boundary nodes, :func:`patrolsim.algorithms.region_search.shortest_longest`), within this many
#: walks per region plus ``LONGEST_WALKS``; a walk of a region of 40 nodes takes about 10 ms
LONGEST_SEARCH_NODES = 100
LONGEST_WALKS_PER_REGION = 60
LONGEST_WALKS = 200

#: cut positions tried by :func:`bisected_regions`, as multiples of the target share
CUT_SHARES = (1.0, 0.9, 1.1, 0.8, 1.2, 0.7, 1.3, 0.6, 1.4, 0.5, 1.5)


def bisected_regions(pmap: PatrolMap, r: int) -> tuple[np.ndarray, np.ndarray]:
    """(region id per node, length per region) by recursive bisection: a ball grown in shortest-path
    order from a peripheral node takes the share r1 / r of the spanning-tree length (r1 = r // 2);
    pieces of the rest cut off by the ball join it, so both sides stay connected; each side is split
    again for its agents (never more agents than nodes, so no region is empty; r <= number of nodes)."""
    from scipy.sparse.csgraph import connected_components

    region = np.zeros(pmap.n_nodes, dtype=np.int64)
    length = np.zeros(r)

    def split(nodes: np.ndarray, k: int, first: int) -> None:
        sub = pmap.subgraph(nodes)
        gs = GraphSearch.of(sub)
        gs.run([int(np.argmax(gs.row(0)))])
        order = np.argsort(gs.dist, kind="stable")
        edge = gs.dist - np.where(gs.pred >= 0, gs.dist[np.maximum(gs.pred, 0)], gs.dist)
        if k == 1 or nodes.size < 2:
            region[nodes] = first
            length[first] = float(edge.sum())
            return
        cum = np.cumsum(edge[order])
        k1 = k // 2
        target = cum[-1] * k1 / k
        best, best_miss = np.zeros(nodes.size, dtype=bool), np.inf
        for share in CUT_SHARES:  # the cut whose side, with the pieces it cuts off, is nearest the target
            take = min(int(np.searchsorted(cum, target * share)) + 1, nodes.size - 1)
            in_a = np.zeros(nodes.size, dtype=bool)
            in_a[order[:take]] = True
            rest = np.flatnonzero(~in_a)
            pieces = connected_components(sub.subgraph(rest).adjacency(), directed=False)[1]
            in_a[rest[pieces != np.argmax(np.bincount(pieces))]] = True
            miss = abs(float(edge[in_a].sum()) - target)
            if miss < best_miss and in_a.sum() < nodes.size:
                best, best_miss = in_a, miss
        in_a = best
        size_a = int(in_a.sum())
        k_a = min(max(k1, k - (nodes.size - size_a)), size_a)  # no side gets more agents than nodes
        split(nodes[in_a], k_a, first)
        split(nodes[~in_a], k - k_a, first + k_a)

    split(np.arange(pmap.n_nodes), r, 0)
    return region, length


def starting_regions(pmap: PatrolMap, r: int, report: Report | None = None) -> list[np.ndarray]:
    """Partitions (region id per node) into r connected regions of near-equal spanning-tree length to
    start refining from: :func:`bisected_regions`, and :func:`grown_regions` too when the bisection's
    longest region is more than ``GOOD_SPREAD`` times its shortest; the more balanced first.
    ``report`` hears the progress (the growth's rounds, about a second each on 100,000 nodes)."""
    r = min(r, pmap.n_nodes)
    options = [bisected_regions(pmap, r)]
    if _spread(options[0][1]) > GOOD_SPREAD:
        options.append(grown_regions(pmap, r, report=report))
    return [region for region, _ in sorted(options, key=lambda o: _spread(o[1]))]


def _spread(length: np.ndarray) -> float:
    return float(length.max() / max(length.min(), 1e-9))


def grown_regions(
    pmap: PatrolMap, r: int, rounds: int = 8, report: Report | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(region id per node, length per region): regions grown simultaneously (:func:`grow_regions`).

    Seeds start farthest-first (k-centre on shortest paths); each round moves every seed to its
    region's node nearest the region's centroid and regrows; the most balanced growth is kept.
    ``report`` hears each round.
    """
    n = pmap.n_nodes
    r = min(r, n)
    gs = GraphSearch.of(pmap)
    picked = [0]
    for i in range(r):
        gs.run(np.array(picked))
        far = int(np.argmax(gs.dist))
        picked = [far] if i == 0 else [*picked, far]
    seeds = np.array(picked, dtype=np.int64)
    best: tuple[np.ndarray, np.ndarray] | None = None
    best_spread = np.inf
    pos = pmap.positions
    for i in range(rounds):
        if report is not None:
            report(i / rounds, f"growing regions, round {i + 1} of at most {rounds}")
        region, length = grow_regions(pmap, seeds)
        spread = _spread(length)
        if spread < best_spread - 1e-9:
            best, best_spread = (region, length), spread
        moved = seeds.copy()
        for k in range(r):
            members = np.flatnonzero(region == k)
            moved[k] = members[np.argmin(np.linalg.norm(pos[members] - pos[members].mean(axis=0), axis=1))]
        if np.array_equal(moved, seeds):
            break
        seeds = moved
    assert best is not None  # the first round always improves on inf
    return best


def _walk_budgets(n_nodes: int, r: int) -> tuple[int, int]:
    """Walk measurements msp's set-up may spend on ``r`` regions of an ``n_nodes`` map: balancing, and
    the longest-walk search (small maps only)."""
    longest = LONGEST_WALKS_PER_REGION * r + LONGEST_WALKS if n_nodes <= LONGEST_SEARCH_NODES else 0
    return SEARCH_WALKS_PER_REGION * r + SEARCH_WALKS, longest


class PartitionStrategy(WalkFollower):
    """``msp``: multilevel subgraph patrolling (Portugal & Rocha 2010), re-derived.

    Set-up: the map is split into one connected region per agent, balanced by patrol tour length
    rather than node count: first by spanning-tree length (recursive bisection, and simultaneous growth
    when bisection is unbalanced; see :func:`starting_regions`), then by the measured length of each
    region's closed walk: each start is refined by moving boundary nodes from long regions to short
    ones (:func:`patrolsim.algorithms.refine.refine_regions`), the most balanced is kept and its local
    optimum escaped by whole-piece kicks (:func:`patrolsim.algorithms.region_search.best_regions`),
    within ``SEARCH_WALKS_PER_REGION`` r + ``SEARCH_WALKS`` walks for the first refinement and as many
    again for the rest (fewer when regions exceed ``SEARCH_REGION_NODES`` nodes). On maps of up to
    ``LONGEST_SEARCH_NODES`` nodes the longest walk is then shortened by moves of one or two boundary
    nodes (:func:`patrolsim.algorithms.region_search.shortest_longest`, ``LONGEST_WALKS_PER_REGION`` r +
    ``LONGEST_WALKS`` walks), kept when the ratio stays bounded. Each region's walk
    is a short closed tour (:func:`patrolsim.algorithms.tours.tsp_tour` on the region alone, so the
    walk never leaves it; the kept regions' walks are then rebuilt with
    :func:`patrolsim.algorithms.refine.polished_walk` where that is shorter). A one-node region is
    walked, and costed, out and back along its shortest edge. On a directed map (one-way streets) the
    regions are cut by the streets' layout as if every street were two-way, and each region's walk is a
    directed tour of its nodes along the edges' directions, crossing a neighbouring region where a
    one-way street leaves no way round (:func:`patrolsim.algorithms.refine.directed_region_walk`).
    Agents are matched to regions minimising the total distance from their starts to the regions
    (Hungarian method). Rule: an agent walks to the nearest node of its region's walk and
    cycles it for ever; a dispatched agent rejoins its walk where the region's worst idleness
    is least, which is where it left unless another entry is much nearer (see
    :class:`patrolsim.strategies.cyclic.WalkFollower`). ``partition`` (the agent walking each node, -1 for
    none) and ``region_lengths`` (m, per agent) are exposed for drawing and reports. With
    ``agents.pass_through_visits = false`` plans run stop to stop.

    Team changes: when an agent leaves the team (fails, goes to charge) or comes back, the map is
    partitioned again for the r' agents in service: the partition this set-up computes for r' agents
    (from the set-up's generator as it was then, so that with start nodes given, which draw nothing, a
    run that loses an agent patrols exactly the regions of a run started with one agent fewer; computed
    once per team size), matched to the agents in service
    by the same method from the nodes they stand at or head to; each walks from its next node onto its
    new region's walk where that walk's worst idleness is least. Agents out of service walk nothing.

    No parameters.
    """

    name = "msp"
    summary = "partition: one balanced connected region per agent, each cycles its own tour"

    def work(self, view) -> float:
        budget, longest = _walk_budgets(view.map.n_nodes, view.n_agents)
        # at most this many region tours
        return (2 * budget + longest) * tour_work(max(view.map.n_nodes // view.n_agents, 1))

    def setup(self, view) -> None:
        # a re-partition for the agents in service draws from the generator as this set-up does (a copy)
        self._rng_at_setup = copy.deepcopy(view.rng)
        self._plans: dict[int, tuple[np.ndarray, list[RegionWalk]]] = {}
        r = view.n_agents
        region, walks = self._plan(view, r, view.rng, view.progress)
        gs = GraphSearch.of(view.map)
        rows = np.array([gs.row(int(s)) for s in view.starts])
        self._assign(view, np.arange(r), region, walks, rows)
        self.approach = [[] for _ in range(r)]
        self.depart_at = np.zeros(r)
        for a, walk in enumerate(self.walks):
            if walk is not None:
                self.index[a] = int(np.argmin(rows[a][walk.nodes]))
                self.approach[a] = gs.path(int(view.starts[a]), int(walk.nodes[self.index[a]]))
        self._follow(r, view.pass_through_visits)

    def _plan(
        self, view, r: int, rng: np.random.Generator, report: Report | None
    ) -> tuple[np.ndarray, list[RegionWalk]]:
        """(region id per node, walk per region) of the partition for ``r`` agents (see the class
        docstring), kept per team size."""
        if r in self._plans:
            return self._plans[r]
        pmap = view.map
        budget, longest = _walk_budgets(pmap.n_nodes, r)
        per_region = max(pmap.n_nodes // r, 1)
        # past the first refinement, fewer walks when regions are large (each walk costs more)
        search = int(budget * min(1.0, SEARCH_REGION_NODES / per_region))
        if report is not None:
            report(0.0, "splitting the map")
        # regions are cut by the streets' layout (one-way or not); their walks follow the edges' directions
        layout = pmap.as_undirected()
        starts = starting_regions(layout, r, scaled(report, 0.0, 0.1))
        # walk measurements, most of the set-up: r at first, then the refinement's (few on large maps);
        # the reported fraction counts them against 4 r, and half the longest-walk search's (it asks
        # for about as many walks again as it measures)
        expected = min(budget + search, 4 * r) + longest // 2
        book = WalkBook(pmap, rng, scaled(report, 0.1, 0.6), expected)
        region, region_walks = best_regions(layout, starts, book, budget, search, longest_budget=longest)
        k = len(region_walks)
        walks = [
            polished_walk(pmap, walk, scaled(report, 0.6 + 0.4 * i / k, 0.6 + 0.4 * (i + 1) / k))
            for i, walk in enumerate(region_walks)
        ]
        self._plans[r] = region, walks
        return region, walks

    def _assign(self, view, agents: np.ndarray, region: np.ndarray, walks: list[RegionWalk], rows: np.ndarray) -> None:
        """Give ``agents`` the regions of ``region`` (walked along ``walks``), matched minimising the total
        distance from where they are (``rows[i]``: metres from agent ``agents[i]`` to every node; Hungarian
        method); every other agent is left without a region."""
        r = view.n_agents
        dist = np.array([[row[region == reg].min() for reg in range(len(walks))] for row in rows])
        matched, regions = linear_sum_assignment(dist)
        self.partition = np.full(view.map.n_nodes, -1, dtype=np.int64)
        self.region_lengths = np.zeros(r)  # by agent: 0 for an agent without a region
        self.walks = [None] * r
        self.index = np.zeros(r, dtype=np.int64)
        for m, reg in zip(matched.tolist(), regions.tolist()):
            a, walk = int(agents[m]), walks[reg]
            self.partition[region == reg] = a
            self.region_lengths[a] = walk.length
            self.walks[a] = CyclicWalk(walk.nodes, walk.stop, walk.lengths, view.speed(a), view.wait)

    def team_changed(self, t, view) -> None:
        agents = np.flatnonzero(view.in_service())
        if agents.size == 0:
            return
        region, walks = self._plan(view, agents.size, copy.deepcopy(self._rng_at_setup), None)
        gs = GraphSearch.of(view.map)
        self._assign(view, agents, region, walks, np.array([gs.row(view.agent_node(int(a))) for a in agents]))
        self._rejoin_at_next_node(view, agents)  # where its new walk's worst idleness then is least

    def decide(self, agent, node, t, view):
        if self.walks[agent] is None:  # more agents than nodes: step out and back
            out = int(view.map.neighbours(node)[0])
            return [out] + view.map.distances.path(out, node) if view.map.directed else [out, node]
        return super().decide(agent, node, t, view)
