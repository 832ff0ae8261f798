"""The planner's own routes: every agent follows a waypoint list set in advance, as patrol robots in
service do, so a route can be measured against the optimised strategies."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..algorithms.search import GraphSearch
from .base import Param
from .cyclic import CyclicWalk, WalkFollower
from .route_plan import MODES, RoutePlan, resolve_routes_file, route_plan, route_walk


class RouteStrategy(WalkFollower):
    """``route``: agents follow the routes a planner sets (waypoint patrols).

    Routes: ``routes`` holds one waypoint list per agent (node ids, or ``[x, y]`` metres snapped to the
    nearest node within ``max_snap_m``), or ``routes_file`` names a CSV or GeoJSON file of them
    (:mod:`patrolsim.strategies.route_files`). Agents without a list of their own share route 0. Legs
    between waypoints follow shortest paths; ``mode = "loop"`` goes from the last waypoint back to the
    first, ``"back-and-forth"`` returns the same way (first ... last ... second, then again). At each
    waypoint the agent stands ``dwell_s`` seconds (one number, or per route a number or one per
    waypoint), watching it (and what it senses): a node in view of a standing agent is not idle.

    Start: an agent with a route of its own walks from its start node to the route's first waypoint and
    leaves it at ``depart_s`` (one per agent; default: on arrival). Agents sharing route 0 are spaced
    evenly in time along it, like cgg's agents on its tour (in their order along the route, each walks to
    its slot and all start in step), so R agents on a lap of T seconds pass every node on it every T / R
    seconds; with ``depart_s`` given for each of them, each leaves the first waypoint at its own time.

    Dispatch: an agent called away goes back, by a quickest path, to the point of its route where it left
    it, or to the nearest point ahead of that before the next waypoint (so no waypoint and no dwell is
    skipped), and carries on; on the shared route it rejoins where it meets its own slot soonest, so the
    spacing comes back (see :class:`patrolsim.strategies.cyclic.WalkFollower`).

    Team changes: a route belongs to its robot, so while an agent is out of the team (failed, away
    charging) its own route goes unpatrolled (the nodes only it covers grow idle) and nobody else's
    plan changes; back, it resumes its route as after a dispatch. On route 0 shared by agents that
    patrolsim spaces (no ``depart_s``), those in service are spaced again, evenly, as cgg's agents are;
    with ``depart_s`` given the planner's timetable stands.

    For planners: per agent the lap length and lap time, and the nodes no route covers (seen from no
    node of any route, sensing included), counted and grouped into connected areas, are added to the
    run's result (agents columns ``route``, ``waypoints``, ``lap_m``, ``lap_s``, ``sharing``,
    ``expected_worst_s`` = lap / agents on the route; nodes columns ``routes_covering`` and
    ``uncovered_area``; metrics ``route_uncovered_nodes``, ``route_uncovered_areas``,
    ``route_expected_worst_s``). ``plan`` holds the checked routes, ``route_walks`` their walks.
    """

    name = "route"
    summary = "the planner's own routes: waypoint lists (loop or back-and-forth) with dwell times"
    params = {
        "routes": Param(
            [], "one waypoint list per agent: node ids or [x, y] metres (agents without one share route 0)"
        ),
        "routes_file": Param(
            "", "CSV (agent, order, node or x_m / y_m, dwell_s) or GeoJSON (LineStrings / Points) in map metres"
        ),
        "mode": Param(
            "loop", "'loop' (on to the first waypoint) or 'back-and-forth' (the same way back)", choices=MODES
        ),
        "dwell_s": Param(
            0.0,
            "seconds standing at each waypoint: one number, or per route a number or a list (one per waypoint)",
            low=0.0,
            also=(list,),
        ),
        "depart_s": Param(
            [], "seconds at which each agent leaves its first waypoint (default: on arrival; shared route: spaced)"
        ),
        "max_snap_m": Param(10.0, "metres an [x, y] waypoint may lie from the nearest node", low=0.0),
    }

    plan: RoutePlan

    @classmethod
    def check(cls, values, pmap, n_agents, base: Path) -> dict:
        changed = resolve_routes_file(values, base)
        route_plan({**values, **changed}, pmap, n_agents)
        return changed

    def setup(self, view) -> None:
        pmap, n = view.map, view.n_agents
        plan = self.plan = route_plan(self.values, pmap, n)
        self.route_walks = [route_walk(pmap, nodes, dwell, plan.mode) for nodes, dwell in zip(plan.nodes, plan.dwell_s)]
        timetables = [self.route_walks[plan.route_of(a)].timetable(view.speed(a), view.wait) for a in range(n)]
        self.walks = list(timetables)
        self.index = np.zeros(n, dtype=np.int64)
        self.depart_at = np.array([t or 0.0 for t in plan.depart_s])
        self.start_at = self.depart_at.copy()
        group = np.array(plan.sharing(0), dtype=np.int64)
        self.shared = np.zeros(n, dtype=bool)
        self.shared[group] = group.size > 1
        spaced = group.size > 1 and plan.depart_s[0] is None
        if spaced:  # each joins where it is nearest to the route, then takes its slot
            walk0 = self.route_walks[0]
            for a in group.tolist():
                self.index[a] = int(np.argmin(pmap.distances.row(int(view.starts[a]))[walk0.nodes]))
        gs = GraphSearch.of(pmap)
        self.approach = [gs.path(int(view.starts[a]), int(timetables[a].nodes[0])) for a in range(n)]
        lap_zero = np.full(n, np.nan)
        self.spaced = group if spaced else group[:0]  # the agents patrolsim spaces on route 0
        if spaced:
            self._spread(view, group)
            lap_zero[group] = self.depart_at[group] - np.array([timetables[a].tau[self.index[a]] for a in group])
        elif group.size > 1:
            lap_zero[group] = self.depart_at[group]
        self.joining = np.zeros(n, dtype=bool)
        self.left_at = self.index.copy()
        self._follow(n, False, lap_zero)
        self._coverage(view)

    def team_changed(self, t, view) -> None:
        if self.spaced.size:
            self._respace(t, view, self.spaced)

    def _coverage(self, view) -> None:
        """How many routes see each node, and the connected areas of the nodes none sees (numbered from 1,
        largest first, ties by their lowest node)."""
        pmap = view.map
        seen = [view.seen_from(w.nodes if view.pass_through_visits else w.nodes[w.stop]) for w in self.route_walks]
        self.covering = np.sum(seen, axis=0).astype(np.int64)
        self.area = np.zeros(pmap.n_nodes, dtype=np.int64)
        lost = np.flatnonzero(self.covering == 0)
        if lost.size:
            labels = pmap.subgraph(lost).component_labels()  # numbered in order of their lowest node
            sizes = np.bincount(labels)
            rank = np.empty(sizes.size, dtype=np.int64)
            rank[np.lexsort((np.arange(sizes.size), -sizes))] = np.arange(1, sizes.size + 1)
            self.area[lost] = rank[labels]

    def decide(self, agent, node, t, view):
        if self.off_walk[agent]:
            self._rejoin(agent, node, t, view)
        self.joining[agent] = bool(self.approach[agent])  # the next path is the way onto the route
        return super().decide(agent, node, t, view)

    def called_away(self, agent, t, view) -> None:
        walk = self.walks[agent]
        assert walk is not None  # every agent of the route strategy has a walk
        k = int(self.index[agent])
        self.left_at[agent] = k if self.joining[agent] else (k - view.plan_left(agent)) % walk.nodes.size

    def _rejoin_entry(self, agent, walk: CyclicWalk, seconds, t, view) -> tuple[int, float]:
        if self.shared[agent]:
            assert self.lap_zero is not None  # set for every agent of the route strategy
            return walk.slot_entry(seconds, t, float(self.lap_zero[agent]))
        n = walk.nodes.size
        ahead = [int(self.left_at[agent])]
        while not walk.stop[ahead[-1]]:
            ahead.append((ahead[-1] + 1) % n)
        best = ahead[int(np.argmin(seconds[walk.nodes[ahead]]))]  # ties: the nearest to where it left
        return best, float(self.start_at[agent])

    def add_to(self, result) -> None:
        plan, n = self.plan, self.plan.n_agents
        route = np.array([plan.route_of(a) for a in range(n)], dtype=np.int64)
        lap_s = np.array([w.period for w in self.walks if w is not None])  # every agent has one
        sharing = np.array([len(plan.sharing(r)) for r in route.tolist()], dtype=np.int64)
        result.agents.update(
            route=route,
            waypoints=np.array([len(plan.nodes[r]) for r in route.tolist()], dtype=np.int64),
            lap_m=np.array([self.route_walks[r].length_m for r in route.tolist()]),
            lap_s=lap_s,
            sharing=sharing,
            expected_worst_s=lap_s / sharing,
        )
        result.nodes.update(routes_covering=self.covering, uncovered_area=self.area)
        result.metrics.update(
            route_uncovered_nodes=int((self.covering == 0).sum()),
            route_uncovered_areas=int(self.area.max()),
            route_expected_worst_s=float((lap_s / sharing).max()),
        )
