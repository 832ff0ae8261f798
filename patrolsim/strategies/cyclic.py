"""Cyclic strategies: agents follow one closed walk through the whole map (Chevaleyre 2004)."""

from __future__ import annotations

import numpy as np

from ..algorithms.backtrack import walk_back
from ..algorithms.progress import scaled
from ..algorithms.search import GraphSearch
from ..algorithms.tours import best_tour, best_tour_work, edge_walk, edge_walk_work, expand_walk, walk_lengths
from .base import Hold, Param, Strategy

#: seconds within which two times count as equal when choosing where to rejoin a walk
TIME_EPS = 1e-9


class CyclicWalk:
    """One agent's timetable on a closed walk: ``nodes`` (consecutive entries adjacent, the last
    adjacent to the first), ``stop`` (entries that count as goals), ``dwell`` (seconds the agent stands
    at each entry on arriving there; stops only) and ``tau`` (seconds from the walk's start to the
    arrival at each entry for an agent at ``speed`` m/s waiting ``wait`` s at every node it leaves)."""

    def __init__(
        self,
        nodes: np.ndarray,
        stop: np.ndarray,
        lengths: np.ndarray,
        speed: float,
        wait: float,
        dwell: np.ndarray | None = None,
    ) -> None:
        self.nodes, self.stop = nodes, stop
        legs = wait + lengths / speed
        if dwell is not None:
            legs = legs + dwell
        self.dwell = np.zeros(nodes.size) if dwell is None else dwell
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

    def slot_entry(self, seconds: np.ndarray, t: float, lap_zero: float) -> tuple[int, float]:
        """(entry, time) where an agent that needs ``seconds[v]`` from now (time t) to reach node v meets
        its slot soonest: the slot is the agent's own timetable, at entry 0 at time ``lap_zero`` plus
        whole laps. Ties: the nearer entry, then the earlier one."""
        reach = t + seconds[self.nodes]
        slot = lap_zero + self.tau
        meet = slot + self.period * np.ceil((reach - slot) / self.period - TIME_EPS)
        k = _first_best(meet, reach)
        return k, float(meet[k])

    def resume_entry(self, seconds: np.ndarray, t: float, last_seen: np.ndarray) -> int:
        """The entry an agent walking this walk alone should rejoin it at, from a node ``seconds[v]``
        from every node v at time t, given when each node was last seen: the one that makes the worst
        idleness least when the agent then walks on from it (each node counted at its first stop on
        the walk). For an agent that was called away this is where it left, unless another entry is
        sooner by more than it saves. Ties: the nearer entry, then the earlier one."""
        stops = np.flatnonzero(self.stop)
        first = stops[np.unique(self.nodes[stops], return_index=True)[1]]
        # u_j = tau_j - last_seen: the node of entry j is next seen at reach_k - tau_k + tau_j (+ a lap
        # when j comes before k), so its idleness then is reach_k - tau_k + u_j (+ the lap)
        u = np.full(self.nodes.size, -np.inf)
        u[first] = self.tau[first] - last_seen[self.nodes[first]]
        after = np.maximum.accumulate(u[::-1])[::-1]
        before = np.concatenate([[-np.inf], np.maximum.accumulate(u)[:-1]])
        reach = t + seconds[self.nodes]
        return _first_best(reach - self.tau + np.maximum(after, before + self.period), reach)


def _first_best(primary: np.ndarray, secondary: np.ndarray) -> int:
    """Index of the least ``primary`` (within TIME_EPS); ties: least ``secondary``, then lowest index."""
    near = np.flatnonzero(primary <= primary.min() + TIME_EPS)
    return int(near[np.argmin(secondary[near])])


def travel_seconds_from(pmap, source: int, speed: float, wait: float) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, pred): how long an agent deciding at ``source`` now takes to reach each node at ``speed``
    m/s when it waits ``wait`` s at every node it leaves (the engine's timing), and each node's
    predecessor on such a quickest path."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n = pmap.n_nodes
    cost = csr_matrix((pmap.lengths / speed + wait, pmap.indices, pmap.indptr), shape=(n, n))
    seconds, pred = dijkstra(cost, directed=True, indices=source, return_predecessors=True)
    return seconds, pred.astype(np.int64)


class WalkFollower(Strategy):
    """Agents that cycle closed walks (cgg, msp, route). ``setup`` of a subclass sets, per agent, ``walks``
    (a :class:`CyclicWalk`, or None for an agent with no walk), ``index`` (the walk entry it is at
    when it next decides), ``approach`` (a path to walk first) and ``depart_at`` (hold there until
    this time), then calls :meth:`_follow`. At an entry with a dwell time the agent holds that long
    (watching it) before walking on.

    Rejoining after a dispatch (:meth:`released`): from where it is handed back the agent takes a
    quickest path to the best entry of its walk (:meth:`_rejoin_entry`) and walks on from there. On a
    shared walk that is the entry where it meets its own slot soonest (it holds there for the slot if
    early), so the team's spacing is restored (:meth:`CyclicWalk.slot_entry`); alone on a walk it is
    the entry after which the walk's worst idleness is least (:meth:`CyclicWalk.resume_entry`), which
    is where it left unless another entry is much nearer.
    """

    walks: list[CyclicWalk | None]
    index: np.ndarray
    approach: list[list[int]]
    depart_at: np.ndarray

    def _follow(self, n_agents: int, whole_lap: bool, lap_zero: np.ndarray | None = None) -> None:
        """Finish ``setup``: ``whole_lap`` (plan a lap at a time, else stop to stop; walks with dwell
        times go stop to stop) and ``lap_zero``, the time each agent's timetable is at entry 0 of its
        walk when a team shares one walk (None when each agent walks alone)."""
        self.whole_lap = whole_lap
        self.lap_zero = lap_zero
        self.off_walk = np.zeros(n_agents, dtype=bool)
        self.dwell_due = np.array(
            [w is not None and bool(w.dwell[k] > 0) for w, k in zip(self.walks, self.index.tolist())], dtype=bool
        )

    def released(self, agent, t, view) -> None:
        self.off_walk[agent] = True

    def decide(self, agent, node, t, view):
        if self.off_walk[agent]:
            self._rejoin(agent, node, t, view)
        if self.approach[agent]:
            path, self.approach[agent] = self.approach[agent], []
            return path
        if self.depart_at[agent] > t + TIME_EPS:
            wait, self.depart_at[agent] = self.depart_at[agent] - t, 0.0
            return Hold(wait)
        walk = self.walks[agent]
        assert walk is not None  # subclasses decide for agents without a walk themselves
        k = int(self.index[agent])
        if self.dwell_due[agent]:
            self.dwell_due[agent] = False
            return Hold(float(walk.dwell[k]))
        if walk.nodes.size == 1:  # a walk of one node: stand there, a lap at a time
            return Hold(walk.period)
        path, self.index[agent] = walk.leg_after(k, self.whole_lap)
        self.dwell_due[agent] = walk.dwell[self.index[agent]] > 0
        return path

    def _rejoin(self, agent: int, node: int, t: float, view) -> None:
        """Plan ``agent``'s way from ``node`` (time t) back onto its walk (see the class docstring)."""
        self.off_walk[agent] = False
        walk = self.walks[agent]
        if walk is None:
            return
        seconds, pred = travel_seconds_from(view.map, node, view.speed(agent), view.wait)
        k, meet = self._rejoin_entry(agent, walk, seconds, t, view)
        self.index[agent] = k
        self.approach[agent] = walk_back(pred, node, int(walk.nodes[k])).tolist()
        self.depart_at[agent] = meet
        self.dwell_due[agent] = walk.dwell[k] > 0

    def _rejoin_entry(self, agent: int, walk: CyclicWalk, seconds: np.ndarray, t: float, view) -> tuple[int, float]:
        """(entry, hold there until) for ``agent`` rejoining ``walk`` at time t, ``seconds[v]`` from every
        node v: its slot on a shared walk, else where the walk's worst idleness then is least."""
        if self.lap_zero is None or walk.nodes.size == 1:
            return walk.resume_entry(seconds, t, view.last_seen(agent)), 0.0
        return walk.slot_entry(seconds, t, float(self.lap_zero[agent]))

    def _respace(self, t: float, view, agents: np.ndarray) -> None:
        """Evenly spaced slots on the walk ``agents`` share, for those of them in service at time t (the
        team changed): in their order along it (by where each one's timetable is now, ties by id) slot
        i follows slot i - 1 by a lap / r (r agents in service); one agent keeps its slot, the one that
        makes the longest step back along the walk of any other's least (ties: the first in that order).
        Each then rejoins the walk where it meets its new slot soonest (see the class docstring)."""
        assert self.lap_zero is not None  # a shared walk has timetables
        agents = agents[view.in_service()[agents]]
        if agents.size == 0:
            return
        period = np.array([self._walk(a).period for a in agents.tolist()])
        frac = ((t - self.lap_zero[agents]) / period) % 1.0  # laps since each timetable's entry 0
        order = np.lexsort((agents, frac))
        agents, period, frac = agents[order], period[order], frac[order]
        share = np.arange(agents.size) / agents.size
        back = (frac[None, :] - share[None, :] - (frac - share)[:, None]) % 1.0  # back[j, i]: j keeps its slot
        back[back > 1.0 - TIME_EPS] = 0.0
        keep = _first_best(back.max(axis=1), np.zeros(agents.size))
        target = frac[keep] - share[keep] + share
        self.lap_zero[agents] = t - target * period
        self._rejoin_at_next_node(view, agents)

    def _rejoin_at_next_node(self, view, agents: np.ndarray) -> None:
        """Make ``agents`` (re)join their walks from the next node each reaches (:meth:`_rejoin`), e.g.
        after their walks or slots changed."""
        for a in agents.tolist():
            self.off_walk[a] = True
            self.approach[a] = []
            self.depart_at[a] = 0.0
            view.replan(a)

    def _walk(self, agent: int) -> CyclicWalk:
        walk = self.walks[agent]
        assert walk is not None  # agents that share a walk have one
        return walk

    def _spread(self, view, agents: np.ndarray) -> None:
        """Evenly spaced slots for ``agents`` on the walk they share: in their order along it (by
        ``index``, the entry each joins at; ties by id) each takes the entry at or after its share of
        the lap from the first one's, walks there (``approach``) and holds until all can start in step
        (``depart_at``)."""
        r = agents.size
        order = agents[np.argsort(self.index[agents], kind="stable")]
        gs = GraphSearch.of(view.map)
        base = self._walk(int(order[0])).tau[self.index[order[0]]]
        late = np.zeros(view.n_agents)
        arrive = np.zeros(view.n_agents)
        for rank, a in enumerate(order.tolist()):
            walk = self._walk(a)
            offset = (base + rank * walk.period / r) % walk.period
            k = int(np.searchsorted(walk.tau, offset - 1e-9))
            if k >= walk.tau.size:
                k = 0
                offset -= walk.period
            start = int(view.starts[a])
            path = gs.path(start, int(walk.nodes[k]))
            dist = sum(view.map.edge_length(int(x), int(y)) for x, y in zip([start] + path[:-1], path))
            arrive[a] = len(path) * view.wait + dist / view.speed(a)
            late[a] = walk.tau[k] - offset  # how far ahead of its ideal position the slot lies
            self.index[a] = k
            self.approach[a] = path
        t0 = float(np.max(arrive[agents] - late[agents]))
        self.depart_at[agents] = t0 + late[agents]


class CyclicStrategy(WalkFollower):
    """``cgg``: every agent cycles one closed walk through all nodes (Chevaleyre 2004, "cyclic";
    the graph-based cyclic strategy of patrolling_sim).

    Walk: by default a short TSP tour on the shortest-path metric (nearest neighbour from several
    starts and, on small maps, Christofides, each with 2-opt / Or-opt, the shortest kept; a
    nearest-unvisited walk with 2-opt / Or-opt on large maps; see
    :func:`patrolsim.algorithms.tours.best_tour`), expanded along shortest paths; ``walk = "edges"``
    uses an edge-covering closed walk (Chinese postman) instead. Either walk is the same for every
    seed (it starts at node 0); the seed only places the agents.

    Spacing: ``spacing = "even"`` sends agent i to the walk position i T / r (T = the lap time
    L / v plus the waits, r agents, agents kept in their order along the walk) and holds it there
    until all can start in step, so every node on a walk without repeats is revisited every T / r
    seconds and its time-averaged idleness is T / (2 r) (with ``agents.wait`` w > 0 a waiting agent
    watches its node, so the node goes unseen for T / r - w at a time); ``"start"`` joins the walk at each agent's
    start node at once, keeping the start spacing.

    With ``agents.pass_through_visits = false`` each agent's plan runs from tour stop to tour stop,
    so every stop counts as a visit and shortcut nodes do not.

    A dispatched agent rejoins the walk where it meets its own slot soonest, so the spacing is
    restored once it is back (one agent alone: where the walk's worst idleness is least; see
    :class:`WalkFollower`). The others keep their slots meanwhile.

    Team changes: when an agent leaves the team (fails, goes to charge) or comes back, the agents in
    service are spaced evenly again on the same walk, T / r' apart for r' of them, with either spacing
    (:meth:`WalkFollower._respace`: one keeps its slot, the others step back or rejoin ahead, each by
    the quickest way onto its new slot), so once they are on their slots every node of a walk without
    repeats is revisited every T / r' seconds.
    """

    name = "cgg"
    summary = "cyclic: all agents on one TSP tour (or edge walk), evenly spaced"
    params = {
        "walk": Param(
            "tour",
            "closed walk: 'tour' (TSP through every node) or 'edges' (covers every edge)",
            choices=("tour", "edges"),
        ),
        "spacing": Param(
            "even",
            "'even' (equal time gaps along the walk) or 'start' (join where each agent starts)",
            choices=("even", "start"),
        ),
    }

    def work(self, view) -> float:
        return edge_walk_work(view.map) if self.values["walk"] == "edges" else best_tour_work(view.map)

    def setup(self, view) -> None:
        pmap = view.map
        if self.values["walk"] == "edges":
            nodes = edge_walk(pmap, 0)
            stop = np.ones(nodes.size, dtype=bool)
        else:
            tour = best_tour(pmap, scaled(view.progress, 0.0, 0.9))
            nodes, stop = expand_walk(pmap, tour, scaled(view.progress, 0.9, 1.0))
        self.nodes, self.stops = nodes, stop
        lengths = walk_lengths(pmap, nodes)
        self.length_m = float(lengths.sum())
        walks = [CyclicWalk(nodes, stop, lengths, view.speed(a), view.wait) for a in range(view.n_agents)]
        self.walks = list(walks)
        first_at: dict[int, int] = {}
        for i, v in enumerate(nodes.tolist()):
            first_at.setdefault(v, i)
        self.index = np.array([first_at[int(s)] for s in view.starts], dtype=np.int64)
        self.approach = [[] for _ in range(view.n_agents)]
        self.depart_at = np.zeros(view.n_agents)
        if self.values["spacing"] == "even" and view.n_agents > 1:
            self._spread(view, np.arange(view.n_agents))
        tau = np.array([w.tau[k] for w, k in zip(walks, self.index)])
        # each agent's timetable: at its entry when it first departs (after any approach and hold)
        lap_zero = self.depart_at - tau if view.n_agents > 1 else None
        self._follow(view.n_agents, view.pass_through_visits, lap_zero)

    def team_changed(self, t, view) -> None:
        if self.lap_zero is not None:  # one agent alone resumes its walk when it is back (released)
            self._respace(t, view, np.arange(view.n_agents))
