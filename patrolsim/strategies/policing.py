"""Policing strategies: patrol effort steered by node weights read as risk (crime counts, calls for
service, value at stake). Weights come from the map (``weight``); times are seconds, distances metres.

* ``risk``: go where weighted idleness is removed fastest (global goal rule).
* ``proportional``: a random walk whose visit shares are proportional to weight^alpha.
* ``hotspot-dwell``: timed stops at the highest-risk places, ordinary patrol in between.
* ``posts``: stationary posts at the weighted p-median; agents leave only when dispatched.
"""

from __future__ import annotations

import copy

import numpy as np

from ..algorithms.goal_search import GoalIndex, goal_work
from ..algorithms.pmedian import pmedian_work, solve_pmedian
from ..algorithms.progress import Report, scaled
from ..determinism import dot
from .base import Hold, Param, Strategy

_TAU = Param(
    60.0,
    "seconds added to the travel time in the goal score, so a node next door does not win "
    "on nearness alone (larger = idleness counts more than distance)",
    low=1e-3,
)
_EXPONENT = Param(
    1.0,
    "exponent k on node weights: weight^k (0 = ignore weights, uniform coverage; "
    "1 = in proportion to risk; larger = focus on hot spots)",
    low=0.0,
    high=20.0,
)
_OBSERVE = Param(
    60.0,
    "seconds between wake-ups of a standing agent: each counts as a visit of its node "
    "(in between, the node is watched, not idle)",
    low=1e-3,
)


def _risk_gain(weights: np.ndarray, exponent: float) -> np.ndarray:
    """weight^exponent scaled so the largest is 1 (a pure change of units of the score)."""
    return (weights / weights.max()) ** exponent


class RiskWeighted(Strategy):
    """``risk``: risk-weighted idleness. Each agent heads for the node whose weighted idleness it
    removes fastest.

    Rule: at node u, with T(v) = d(u, v) / speed the travel time (s), I(v) the team's shared idleness
    (s) and w(v) the node weight, the goal is::

        argmax_{v != u, v not another agent's goal}  w(v)^exponent * (I(v) + T(v)) / (T(v) + tau_s)

    i.e. the weighted idleness v will have when the agent gets there, per second of travel
    (``tau_s`` regularises short trips). The agent follows a shortest path to the goal; nodes on the way
    count as visits; the goal of an agent that leaves the team (fails, goes to charge) is free for the
    others at once. ``exponent`` slides from uniform coverage (0) through risk-proportional effort (1)
    to hot-spot focus (large). Ties go to the nearer node. The search is a best-first Dijkstra that stops
    when no farther node can beat the best found (:mod:`patrolsim.algorithms.goal_search`), so it stays
    fast on 10,000-node maps.

    Source: the goal-choosing "cognitive" agents of Almeida et al. (2004), with idleness weighted by
    node priority as in the weighted-idleness criteria of Machado et al. (2002); the time-rate form is
    this simulator's.
    """

    name = "risk"
    summary = "goal = most weighted idleness removed per second of travel (tunable hot-spot focus)"
    params = {"exponent": _EXPONENT, "tau_s": _TAU}

    def work(self, view) -> float:
        return goal_work(view.expected_arrivals, view.map.n_nodes)

    def setup(self, view):
        pmap = view.map
        self.gain = _risk_gain(pmap.weights, self.values["exponent"])
        self.goal = np.full(view.n_agents, -1, dtype=np.int64)
        self._allowed = np.ones(pmap.n_nodes, dtype=np.bool_)
        self._no_extra = np.zeros(pmap.n_nodes)
        self.index = GoalIndex(pmap, self.gain)

    def decide(self, agent, node, t, view):
        goal, path = self.find_goal(agent, node, view, view.shared_idleness(t), self._allowed, self._no_extra, np.inf)
        if goal < 0:  # every other node is someone's goal: any neighbour
            nbrs = view.map.neighbours(node)
            return int(nbrs[view.rng.integers(nbrs.size)])
        return path

    def team_changed(self, t, view) -> None:
        self.goal[~view.in_service()] = -1  # the goals of agents out of service are free for the others

    def find_goal(
        self, agent: int, node: int, view, idle: np.ndarray, allowed: np.ndarray, extra: np.ndarray, limit: float
    ) -> tuple[int, list[int]]:
        """Best goal (and path) for ``agent`` among ``allowed`` nodes that are not other agents' goals,
        with travel time + ``extra`` within ``limit`` seconds; records it as the agent's goal."""
        others = [g for a, g in enumerate(self.goal.tolist()) if g >= 0 and a != agent]
        saved = allowed[others]
        allowed[others] = False
        try:
            goal, path = self.index.best(node, view.speed(agent), idle, allowed, self.values["tau_s"], extra, limit)
        finally:
            allowed[others] = saved
        self.goal[agent] = goal
        return int(goal), path.tolist()


class ProportionalWalk(Strategy):
    """``proportional``: a Metropolis-Hastings random walk whose long-run share of visits at each node
    is weight^alpha / sum(weight^alpha).

    Rule: at node u propose a neighbour v uniformly at random (probability 1/deg(u)); accept it with
    probability ``min(1, pi(v) deg(u) / (pi(u) deg(v)))``, pi = weight^alpha. The degree ratio corrects
    for the proposal, so the target holds on any connected graph, not only regular ones. On rejection the
    agent stays at u for the time the proposed move would have taken (length / speed) and the stay
    counts as one more visit of u, exactly as the Markov chain counts it. Every step is random, so the
    patrol is hard to predict; alpha = 0 is a degree-corrected uniform walk (equal visits everywhere),
    larger alpha concentrates on high-weight nodes.

    Source: Metropolis et al. (1953), Hastings (1970); applied to patrol presence in proportion to risk.
    Shares are of visits (arrivals, sensing radius 0), not of time, when edge lengths differ. Every
    agent walks on its own, so a team change needs no re-plan.
    """

    name = "proportional"
    summary = "random walk with visit shares proportional to weight^alpha (Metropolis-Hastings)"
    params = {"alpha": Param(1.0, "exponent on node weights: target visit share ~ weight^alpha", low=0.0, high=20.0)}

    def setup(self, view):
        pmap = view.map
        pi = _risk_gain(pmap.weights, self.values["alpha"])
        deg = np.diff(pmap.indptr).astype(np.float64)
        src = np.repeat(np.arange(pmap.n_nodes), np.diff(pmap.indptr))
        dst = pmap.indices
        self.target_share = pi / pi.sum()
        self.accept = np.minimum(1.0, (pi[dst] * deg[src]) / (pi[src] * deg[dst]))

    def decide(self, agent, node, t, view):
        pmap = view.map
        lo, hi = pmap.indptr[node], pmap.indptr[node + 1]
        k = lo + int(view.rng.integers(hi - lo))
        if view.rng.random() < self.accept[k]:
            return int(pmap.indices[k])
        return Hold(float(pmap.lengths[k]) / view.speed(agent))


_START, _BETWEEN, _TRANSIT, _DWELL = 0, 1, 2, 3


class HotspotDwell(RiskWeighted):
    """``hotspot-dwell``: timed stops at the highest-risk places (hot-spot policing).

    Hot spots: the ``hotspots`` highest-weight nodes, taken in order of weight (ties: lowest id) and
    skipping any node closer than ``separation_m`` (shortest path) to one already chosen, so a
    high-weight area of many grid cells yields one hot spot.

    Each hot spot h has a revisit deadline ``last dwell end + max_revisit_s`` (initially
    ``max_revisit_s``). Each agent repeats three phases:

    1. transit: it claims the unclaimed hot spot with the earliest deadline (ties: nearest) and takes a
       shortest path there;
    2. dwell: it stays ``dwell_s`` seconds (default 12 min: Koper's curve puts the best stop at 11-15
       min), watching the hot spot (and what it senses) and waking every ``observe_s`` seconds;
    3. between: for ``between_s`` seconds it patrols elsewhere with the ``risk`` rule (same
       ``exponent`` and ``tau_s``; hot spots excluded as goals), taking only goals from which it can
       still reach its next hot spot (earliest deadline first) before that deadline. When the budget is
       used up, or no goal leaves time, it starts the next transit. A leg begun within the budget is
       finished.

    The first decision of each agent is a transit (agents start by covering the hot spots); an agent
    that finds every hot spot claimed patrols elsewhere for ``between_s``. An agent taken away mid-dwell
    (dispatch) closes its dwell at its last recorded observation and continues with phase 3. An agent
    that leaves the team (fails, goes to charge) drops its goal and its hot spot at once (a dwell closes
    at its last observation), so team mates take them; back, it starts a transit.
    ``self.hotspots`` (node ids) and ``self.dwells`` ((node, agent, start s, end s) per completed dwell)
    are kept for the GUI and reports.

    Sources: Sherman & Weisburd (1995), the Minneapolis hot-spots patrol experiment; Koper (1995), the
    dwell time after which the residual deterrence of a stop stops growing ("Koper curve").
    """

    name = "hotspot-dwell"
    summary = "dwell at the highest-risk nodes (Koper curve), risk patrol in between"
    params = {
        "hotspots": Param(5, "number of hot spots (highest-weight nodes, separated)", low=1),
        "separation_m": Param(50.0, "minimum shortest-path distance between two hot spots, metres", low=0.0),
        "dwell_s": Param(720.0, "seconds spent at a hot spot per stop (Koper 1995: 11-15 min)", low=1e-3),
        "max_revisit_s": Param(
            7200.0, "deadline, seconds, from the end of a stop to the next stop at the same hot spot", low=1e-3
        ),
        "between_s": Param(1800.0, "seconds of ordinary patrol after each stop (cut short by deadlines)", low=0.0),
        "observe_s": _OBSERVE,
        "exponent": _EXPONENT,
        "tau_s": _TAU,
    }

    def setup(self, view):
        super().setup(view)
        pmap = view.map
        order = np.lexsort((np.arange(pmap.n_nodes), -pmap.weights))
        chosen: list[int] = []
        rows: list[np.ndarray] = []
        for v in order:
            if len(chosen) == self.values["hotspots"]:
                break
            if all(row[v] >= self.values["separation_m"] for row in rows):
                chosen.append(int(v))
                rows.append(np.array(pmap.distances.to(int(v))))
        self.hotspots = np.array(chosen, dtype=np.int64)
        self.hot_dist = np.vstack(rows)  # (K, N) metres from every node to each hot spot
        self.last_end = np.zeros(len(chosen))
        self.claimed_by = np.full(len(chosen), -1, dtype=np.int64)
        a = view.n_agents
        self.phase = np.full(a, _START)
        self.target = np.full(a, -1, dtype=np.int64)
        self.until = np.zeros(a)
        self.dwell_start = np.zeros(a)
        self.last_seen_at = np.zeros(a)
        self.dwells: list[tuple[int, int, float, float]] = []
        self._not_hot = np.ones(pmap.n_nodes, dtype=np.bool_)
        self._not_hot[self.hotspots] = False
        self._times: dict[tuple[int, float], np.ndarray] = {}

    def decide(self, agent, node, t, view):
        phase = self.phase[agent]
        k = self.target[agent]
        if phase == _DWELL:
            if node == self.hotspots[k] and t < self.until[agent]:
                return self._observe(agent, t)
            self._close_dwell(agent, k, t if node == self.hotspots[k] else self.last_seen_at[agent])
            phase = _BETWEEN
        if phase == _TRANSIT:
            return self._go_to(agent, k, node, t, view)
        nxt = self._next_hotspot(agent, node)
        if phase == _START and nxt >= 0:
            return self._go_to(agent, nxt, node, t, view)
        if phase == _START:
            self.phase[agent] = _BETWEEN
            self.until[agent] = t + self.values["between_s"]
        if nxt < 0 or t < self.until[agent]:
            if nxt >= 0:
                extra = self._time_to(nxt, view.speed(agent))
                limit = self.last_end[nxt] + self.values["max_revisit_s"] - t
            else:
                extra, limit = self._no_extra, np.inf
            goal, path = self.find_goal(agent, node, view, view.shared_idleness(t), self._not_hot, extra, limit)
            if goal >= 0:
                return path
            if nxt < 0:  # nothing to patrol and no hot spot free: wait a moment
                return Hold(self.values["observe_s"])
        return self._go_to(agent, nxt, node, t, view)

    def team_changed(self, t, view) -> None:
        super().team_changed(t, view)
        for agent in np.flatnonzero(~view.in_service()).tolist():  # their hot spots are free for the others
            k = int(self.target[agent])
            if self.phase[agent] == _DWELL:
                self._close_dwell(agent, k, float(self.last_seen_at[agent]))
            elif self.phase[agent] == _TRANSIT:
                self.claimed_by[k] = -1
                self.target[agent] = -1
                self.phase[agent] = _BETWEEN
                self.until[agent] = t

    def _next_hotspot(self, agent: int, node: int) -> int:
        """Unclaimed hot spot with the earliest deadline (ties: nearest to ``node``), or -1."""
        # a handful of hot spots: plain Python beats numpy's per-call overhead here
        best, key = -1, (np.inf, np.inf)
        for k, (owner, last) in enumerate(zip(self.claimed_by.tolist(), self.last_end.tolist())):
            if owner < 0 or owner == agent:
                here = (last, float(self.hot_dist[k, node]))
                if best < 0 or here < key:
                    best, key = k, here
        return best

    def _time_to(self, k: int, speed: float) -> np.ndarray:
        """Seconds from every node to hot spot k at ``speed`` m/s (kept per hot spot and speed)."""
        out = self._times.get((k, speed))
        if out is None:
            out = self._times[(k, speed)] = self.hot_dist[k] / speed
        return out

    def _go_to(self, agent: int, k: int, node: int, t: float, view):
        self.goal[agent] = -1
        self.claimed_by[k] = agent
        self.target[agent] = k
        if node != self.hotspots[k]:
            self.phase[agent] = _TRANSIT
            return view.map.distances.path(node, int(self.hotspots[k]))
        self.phase[agent] = _DWELL
        self.dwell_start[agent] = t
        self.until[agent] = t + self.values["dwell_s"]
        return self._observe(agent, t)

    def _observe(self, agent: int, t: float) -> Hold:
        self.last_seen_at[agent] = t
        return Hold(min(self.values["observe_s"], self.until[agent] - t))

    def _close_dwell(self, agent: int, k: int, end: float) -> None:
        self.dwells.append((int(self.hotspots[k]), agent, float(self.dwell_start[agent]), float(end)))
        self.last_end[k] = end
        self.claimed_by[k] = -1
        self.phase[agent] = _BETWEEN
        self.until[agent] = end + self.values["between_s"]
        self.target[agent] = -1


#: candidate sites x nodes of the distance table posts computes (100 candidates on a 100,000-node map)
CANDIDATE_TERMS = 10_000_000
#: candidate posts per shortest-path call between two progress reports
DIJKSTRA_SLICE = 20


class Posts(Strategy):
    """``posts``: agents stand at fixed posts and leave only to respond to incidents.

    Posts: the weighted p-median of the map, p = number of agents in service: the p nodes minimising
    ``sum_v weight(v) * d(v, nearest post)`` (shortest-path metres), i.e. the least weighted response
    distance. Candidate sites: every node when the map has at most ``max_candidates`` nodes, otherwise
    that many (fewer on maps over 10,000 nodes: ``CANDIDATE_TERMS`` / nodes, at least one per agent)
    drawn with probability proportional to weight. Solved exactly by enumeration when there
    are at most ``exact_limit`` sets of posts and enumerating them is affordable (3 posts among Mesa's 220
    nodes: 1.7 million sets, 0.6 s), else by greedy addition plus Teitz-Bart swaps from the greedy and
    ``restarts`` random starts (:mod:`patrolsim.algorithms.pmedian` states the measured gaps). Candidates
    and restarts come from a generator of their own (seed 0), so the posts depend on the map and the
    number of agents only, never on the run's seed. Agents are assigned to posts minimising the total
    distance from their starts (Hungarian method).

    Rule: an agent away from its post takes a shortest path to it; at its post it holds, watching the
    post (and what it senses), waking every ``observe_s`` seconds. It leaves only when dispatched
    (``Simulation.take_control``); once released it returns to its post.

    Team changes: when an agent leaves the team (fails, goes to charge) or comes back, the p-median is
    solved again for the agents in service (the answer a set-up with that many agents gives; solved once
    per team size) and they are assigned to its posts as at set-up, from the nodes they stand at or are
    heading to; each walks to its post from its next node (a standing agent when it next wakes). An
    agent out of service holds no post (``posts`` -1). ``self.posts[a]`` is agent a's
    post (node id); ``self.cost`` the weighted p-median cost (weight x metres).

    Sources: Hakimi (1964) for the p-median on a network (an optimum lies on the nodes); Teitz & Bart
    (1968) for vertex substitution.
    """

    name = "posts"
    summary = "stand at weighted p-median posts; leave only when dispatched"
    params = {
        "observe_s": _OBSERVE,
        "max_candidates": Param(1000, "candidate post sites considered (all nodes when the map is smaller)", low=1),
        "exact_limit": Param(
            2_000_000, "solve exactly (enumerate every set of posts) when there are at most this many", low=0
        ),
        "restarts": Param(32, "Teitz-Bart runs from random post sets, besides the one from greedy", low=0),
    }

    def _candidates(self, view, p: int) -> int:
        """How many candidate post sites the set-up for ``p`` agents considers."""
        n = view.map.n_nodes
        return min(n, self.values["max_candidates"], max(p, CANDIDATE_TERMS // n))

    def work(self, view) -> float:
        c, v = self._candidates(view, view.n_agents), self.values
        return pmedian_work(c, view.map.n_nodes, min(view.n_agents, c), v["restarts"], v["exact_limit"])

    def setup(self, view):
        self._solved: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
        self._tables: dict[int, tuple[np.ndarray, np.ndarray, np.random.Generator]] = {}
        sites, site_dist, self.cost = self._solve(view, view.n_agents, view.progress, keep=False)
        self.posts = np.empty(view.n_agents, dtype=np.int64)
        self._assign(np.arange(view.n_agents), sites, self._travel(view, sites, site_dist, view.starts))

    def _table(
        self, view, limit: int, report: Report | None, keep: bool
    ) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
        """(candidate sites, metres from each to every node, the posts' own generator after drawing them)
        for ``limit`` candidates; ``keep``: kept for the next team size with as many."""
        from scipy.sparse.csgraph import dijkstra

        if limit in self._tables:
            cand, dist, rng = self._tables[limit]
            return cand, dist, copy.deepcopy(rng)
        pmap = view.map
        n = pmap.n_nodes
        rng = np.random.default_rng(0)  # posts independent of the run's seed
        if n <= limit:
            cand = np.arange(n)
        else:
            cand = np.sort(rng.choice(n, size=limit, replace=False, p=pmap.weights / pmap.weights.sum()))
        if pmap.distances.full:
            dist = pmap.distances.matrix[cand]
        else:  # in slices, reporting between them
            adjacency, parts = pmap.adjacency(), []
            for lo in range(0, cand.size, DIJKSTRA_SLICE):
                if report is not None:
                    report(0.4 * lo / cand.size, "distances from the candidate posts")
                parts.append(dijkstra(adjacency, directed=pmap.directed, indices=cand[lo : lo + DIJKSTRA_SLICE]))
            dist = np.vstack(parts)
        if keep:
            self._tables[limit] = cand, dist, copy.deepcopy(rng)
        return cand, dist, rng

    def _solve(self, view, p: int, report: Report | None, keep: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """(posts, metres from each post to every node, weighted p-median cost) for ``p`` agents (see the
        class docstring), kept per team size: the set-up's answer for that many agents, whatever the seed."""
        if p in self._solved:
            return self._solved[p]
        pmap = view.map
        cand, dist, rng = self._table(view, self._candidates(view, p), report, keep)
        if report is not None:
            report(0.4, "p-median")
        rows = solve_pmedian(
            dist,
            pmap.weights,
            min(p, cand.size),
            rng,
            self.values["restarts"],
            self.values["exact_limit"],
            scaled(report, 0.4, 1.0),
        )
        self._solved[p] = cand[rows], dist[rows], dot(pmap.weights, dist[rows].min(axis=0))
        return self._solved[p]

    @staticmethod
    def _travel(view, sites: np.ndarray, site_dist: np.ndarray, at: np.ndarray) -> np.ndarray:
        """(agents, posts) metres from the nodes ``at`` to the posts ``sites`` (``site_dist``: metres from
        each post to every node)."""
        if view.map.directed:  # from each node to each post
            return np.vstack([view.map.distances.row(int(s))[sites] for s in at])
        return site_dist[:, at].T

    def _assign(self, agents: np.ndarray, sites: np.ndarray, travel: np.ndarray) -> None:
        """Give ``agents`` the posts ``sites`` minimising the total ``travel`` (metres, agents x posts;
        Hungarian method); agents left over (more agents than sites) take the nearest post."""
        from scipy.optimize import linear_sum_assignment

        matched, posts = linear_sum_assignment(travel)
        self.posts[agents[matched]] = sites[posts]
        rest = np.setdiff1d(np.arange(agents.size), matched)
        self.posts[agents[rest]] = sites[np.argmin(travel[rest], axis=1)]

    def team_changed(self, t, view) -> None:
        serving = view.in_service()
        agents = np.flatnonzero(serving)
        self.posts[~serving] = -1  # an agent out of service holds no post
        if agents.size == 0:
            return
        sites, site_dist, self.cost = self._solve(view, agents.size, None, keep=True)
        self._assign(agents, sites, self._travel(view, sites, site_dist, view.agent_nodes()[agents]))
        for a in agents.tolist():
            view.replan(a)

    def decide(self, agent, node, t, view):
        post = int(self.posts[agent])
        if node != post:
            return view.map.distances.path(node, post)
        return Hold(self.values["observe_s"])
