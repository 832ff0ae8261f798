"""Cyclic strategies: agents follow one closed walk through the whole map (Chevaleyre 2004)."""
from __future__ import annotations

import numpy as np

from ..maps.search import GraphSearch
from .base import Hold, Param, Strategy
from .tours import edge_walk, expand_walk, tsp_tour


class CyclicWalk:
    """One agent's timetable on a closed walk: ``nodes`` (consecutive entries adjacent, the last
    adjacent to the first), ``stop`` (entries that count as goals) and ``tau`` (seconds from the walk's
    start to each entry for an agent at ``speed`` m/s waiting ``wait`` s at every node)."""

    def __init__(self, nodes: np.ndarray, stop: np.ndarray, lengths: np.ndarray, speed: float,
                 wait: float) -> None:
        self.nodes, self.stop = nodes, stop
        legs = wait + lengths / speed
        self.tau = np.concatenate([[0.0], np.cumsum(legs)[:-1]])
        self.period = float(legs.sum())

    def leg_after(self, k: int, whole_lap: bool) -> tuple[list[int], int]:
        """The nodes after entry k up to the next stop (or a whole lap back to k), and the new index."""
        n = self.nodes.size
        if whole_lap:
            return np.roll(self.nodes, -(k + 1)).tolist(), k
        j = k + 1
        while not self.stop[j % n]:
            j += 1
        return [int(self.nodes[i % n]) for i in range(k + 1, j + 1)], j % n


def walk_lengths(pmap, nodes: np.ndarray) -> np.ndarray:
    """Edge length (m) from each walk entry to the next (cyclically); KeyError if one is not an edge."""
    out = np.asarray(pmap.adjacency()[nodes, np.roll(nodes, -1)]).ravel()
    if nodes.size > 1 and not out.all():
        k = int(np.flatnonzero(out == 0)[0])
        raise KeyError((int(nodes[k]), int(nodes[(k + 1) % nodes.size])))
    return out


class CyclicStrategy(Strategy):
    """``cgg``: every agent cycles one closed walk through all nodes (Chevaleyre 2004, "cyclic";
    the graph-based cyclic strategy of patrolling_sim).

    Walk: by default a short TSP tour on the shortest-path metric (Christofides and nearest-neighbour
    with 2-opt / Or-opt on small maps, a nearest-unvisited walk with 2-opt / Or-opt on large ones; see
    :mod:`patrolsim.strategies.tours`), expanded along shortest paths; ``walk = "edges"`` uses an
    edge-covering closed walk (Chinese postman) instead.

    Spacing: ``spacing = "even"`` sends agent i to the walk position i T / r (T = the lap time
    L / v plus the waits, r agents, agents kept in their order along the walk) and holds it there
    until all can start in step, so every node on a walk without repeats is revisited every T / r
    seconds and its time-averaged idleness is T / (2 r) (with ``agents.wait`` w > 0 a waiting agent
    watches its node, so the node goes unseen for T / r - w at a time); ``"start"`` joins the walk at each agent's
    start node at once, keeping the start spacing.

    With ``agents.pass_through_visits = false`` each agent's plan runs from tour stop to tour stop,
    so every stop counts as a visit and shortcut nodes do not.
    """

    name = "cgg"
    summary = "cyclic: all agents on one TSP tour (or edge walk), evenly spaced"
    params = {
        "walk": Param("tour", "closed walk: 'tour' (TSP through every node) or 'edges' (covers every edge)",
                      choices=("tour", "edges")),
        "spacing": Param("even", "'even' (equal time gaps along the walk) or 'start' (join where each "
                         "agent starts)", choices=("even", "start")),
    }

    def setup(self, view) -> None:
        pmap = view.map
        start = int(view.starts[0])
        if self.values["walk"] == "edges":
            nodes = edge_walk(pmap, start)
            stop = np.ones(nodes.size, dtype=bool)
        else:
            nodes, stop = expand_walk(pmap, tsp_tour(pmap, start, view.rng))
        self.nodes, self.stops = nodes, stop
        lengths = walk_lengths(pmap, nodes)
        self.length_m = float(lengths.sum())
        self.walks = [CyclicWalk(nodes, stop, lengths, view.speed(a), view.wait) for a in range(view.n_agents)]
        self.whole_lap = view.pass_through_visits
        first_at = {}
        for i, v in enumerate(nodes.tolist()):
            first_at.setdefault(v, i)
        self.index = np.array([first_at[int(s)] for s in view.starts], dtype=np.int64)
        self.approach: list[list[int]] = [[] for _ in range(view.n_agents)]
        self.depart_at = np.zeros(view.n_agents)
        if self.values["spacing"] == "even" and view.n_agents > 1:
            self._spread(view)

    def _spread(self, view) -> None:
        """Choose each agent's slot on the walk and the common start of the cycling."""
        r = view.n_agents
        order = np.argsort(self.index, kind="stable")
        gs = GraphSearch.of(view.map)
        base = self.walks[order[0]].tau[self.index[order[0]]]
        late = np.zeros(r)
        arrive = np.zeros(r)
        for rank, a in enumerate(order):
            walk = self.walks[a]
            offset = (base + rank * walk.period / r) % walk.period
            k = int(np.searchsorted(walk.tau, offset - 1e-9))
            if k >= walk.tau.size:
                k = 0
                offset -= walk.period
            path = gs.path(int(view.starts[a]), int(self.nodes[k]))
            dist = sum(view.map.edge_length(int(x), int(y))
                       for x, y in zip([int(view.starts[a])] + path[:-1], path))
            arrive[a] = len(path) * view.wait + dist / view.speed(a)
            late[a] = walk.tau[k] - offset  # how far ahead of its ideal position the slot lies
            self.index[a] = k
            self.approach[a] = path
        t0 = float(np.max(arrive - late))
        self.depart_at = t0 + late

    def decide(self, agent, node, t, view):
        if self.approach[agent]:
            path, self.approach[agent] = self.approach[agent], []
            return path
        if self.depart_at[agent] > t + 1e-9:
            wait, self.depart_at[agent] = self.depart_at[agent] - t, 0.0
            return Hold(wait)
        path, self.index[agent] = self.walks[agent].leg_after(int(self.index[agent]), self.whole_lap)
        return path
