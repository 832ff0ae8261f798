"""Routes a planner sets: waypoint lists from a scenario's ``[strategy]`` table or a routes file, checked
against the map and the team, and the closed walks they become.

A waypoint is a node id as the map file names it (on grid maps: the node index) or an ``[x, y]`` point in
metres, snapped to the nearest node; a point farther than ``max_snap_m`` from every node, or nearer to a
part of the map that ``largest_component`` left out, is an error. Consecutive waypoints on one node are
one waypoint (their dwell times add up), and so is a loop's last waypoint when it is its first. Every
mistake is one line naming the agent and the waypoint (counted from 0), in the scenario (key
``strategy.routes`` / ``strategy.dwell_s`` / ``strategy.depart_s``) or in the routes file (its line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..algorithms.tours import expand_walk, walk_lengths
from ..errors import StrategyError, snippet
from ..maps.model import PatrolMap
from ..schema import find_file, finite, is_number, plain
from .cyclic import CyclicWalk
from .route_files import RawWaypoint, read_routes

MODES = ("loop", "back-and-forth")


@dataclass(frozen=True)
class RoutePlan:
    """The checked routes: ``nodes[r]`` the waypoint nodes of route r in order and ``dwell_s[r]`` the
    seconds spent at each; ``mode`` 'loop' or 'back-and-forth'; ``depart_s[a]`` when agent a leaves its
    route's first waypoint (None: as soon as it gets there, or evenly spaced on a shared route). Agent a
    follows route a when there is one, else route 0."""

    nodes: tuple[tuple[int, ...], ...]
    dwell_s: tuple[tuple[float, ...], ...]
    mode: str
    depart_s: tuple[float | None, ...]

    @property
    def n_agents(self) -> int:
        return len(self.depart_s)

    def route_of(self, agent: int) -> int:
        """The route ``agent`` follows."""
        return agent if agent < len(self.nodes) else 0

    def sharing(self, route: int) -> list[int]:
        """The agents that follow ``route`` (in id order)."""
        return [a for a in range(self.n_agents) if self.route_of(a) == route]


@dataclass(frozen=True)
class RouteWalk:
    """A route as a closed walk along shortest paths: ``nodes`` (consecutive entries adjacent, the last
    adjacent to the first), ``stop`` (the waypoint entries), ``dwell_s`` per entry (0 off the
    waypoints) and ``lengths`` (metres from each entry to the next)."""

    nodes: np.ndarray
    stop: np.ndarray
    dwell_s: np.ndarray
    lengths: np.ndarray

    @property
    def length_m(self) -> float:
        return float(self.lengths.sum())

    def lap_s(self, speed: float, wait: float = 0.0) -> float:
        """Seconds of one lap at ``speed`` m/s waiting ``wait`` s at every node left, dwell included (the
        period of :class:`patrolsim.strategies.cyclic.CyclicWalk`)."""
        return self.timetable(speed, wait).period

    def timetable(self, speed: float, wait: float = 0.0) -> CyclicWalk:
        """The walk as an agent at ``speed`` m/s waiting ``wait`` s at every node it leaves follows it."""
        return CyclicWalk(self.nodes, self.stop, self.lengths, speed, wait, self.dwell_s)


def route_walk(pmap: PatrolMap, nodes: Sequence[int], dwell_s: Sequence[float], mode: str) -> RouteWalk:
    """The closed walk of one route's waypoints: in a loop back from the last to the first, or out and
    back (``back-and-forth``: first ... last ... second); legs follow shortest paths."""
    order, dwell = list(nodes), list(dwell_s)
    if mode == "back-and-forth" and len(order) > 2:
        order += order[-2:0:-1]
        dwell += dwell[-2:0:-1]
    walk, stop = expand_walk(pmap, np.asarray(order, dtype=np.int64))
    per_entry = np.zeros(walk.size)
    per_entry[np.flatnonzero(stop)] = dwell
    return RouteWalk(walk, stop, per_entry, walk_lengths(pmap, walk))


# ---------------------------------------------------------------------------- from the strategy's values
def resolve_routes_file(values: dict, base: Path) -> dict:
    """``{"routes_file": absolute path}`` for a routes file named relative to ``base`` (see
    :func:`patrolsim.schema.find_file`); {} without one. StrategyError when it is not found."""
    name = values["routes_file"]
    if not name:
        return {}
    found = find_file(name, base)
    if found is None:
        raise StrategyError(
            f"routes file '{name}' not found (relative to the scenario's folder, its parent or the working directory)",
            key="strategy.routes_file",
        )
    return {"routes_file": str(found.resolve())}


def route_plan(values: dict, pmap: PatrolMap, n_agents: int) -> RoutePlan:
    """The checked routes of the route strategy's parameter ``values`` (defaults filled in) on ``pmap``
    for a team of ``n_agents``; StrategyError (one line, naming the agent and waypoint) otherwise."""
    given, from_file = values["routes"], values["routes_file"]
    if given and from_file:
        raise StrategyError(
            "give the waypoints either as routes or in routes_file, not both", key="strategy.routes_file"
        )
    if from_file:
        raw = read_routes(Path(from_file), n_agents)
    elif given:
        raw = _routes_from_table(given, n_agents)
    else:
        raise StrategyError(
            "the route strategy needs waypoints: routes = [[...], ...] (one list per agent: node ids or "
            '[x, y] metres) or routes_file = "..." (CSV or GeoJSON)',
            key="strategy.routes",
        )
    dwell = _dwell_per_waypoint(values["dwell_s"], raw)
    routes: list[tuple[int, ...]] = []
    dwells: list[tuple[float, ...]] = []
    for agent, waypoints in enumerate(raw):
        nodes = [_snap(w, agent, i, pmap, float(values["max_snap_m"])) for i, w in enumerate(waypoints)]
        merged, times = _merged(nodes, dwell[agent], values["mode"])
        if len(merged) == 1 and times[0] <= 0:
            w = waypoints[0]
            raise StrategyError(
                f"agent {agent}: the route is one place (node {pmap.node_label(merged[0])}) with no dwell, so the "
                "robot would stand there without a lap; expected a second waypoint or a dwell_s > 0",
                source=w.source,
                line=w.line,
                key=None if w.source else "strategy.routes",
            )
        routes.append(tuple(merged))
        dwells.append(tuple(times))
    depart = _departures(values["depart_s"], routes, n_agents)
    return RoutePlan(tuple(routes), tuple(dwells), values["mode"], depart)


def _routes_from_table(given: list, n_agents: int) -> list[list[RawWaypoint]]:
    if len(given) > n_agents:
        raise StrategyError(
            f"{len(given)} routes for a team of {n_agents}; expected at most one route per agent "
            "(agents without a route of their own share route 0)",
            key="strategy.routes",
        )
    out = []
    for agent, route in enumerate(given):
        if not isinstance(route, list):
            raise StrategyError(
                f"agent {agent}: expected a list of waypoints (one list per agent, e.g. routes = [[3, 17, 42]]), "
                f"got {snippet(route)}",
                key="strategy.routes",
            )
        if not route:
            raise StrategyError(f"agent {agent}: empty route; expected at least one waypoint", key="strategy.routes")
        out.append([RawWaypoint(place) for place in route])
    return out


def _where(w: RawWaypoint) -> dict:
    return {"source": w.source, "line": w.line, "key": None if w.source else "strategy.routes"}


def _snap(w: RawWaypoint, agent: int, i: int, pmap: PatrolMap, max_snap_m: float) -> int:
    """The node of waypoint i of ``agent``'s route (see the module docstring)."""
    what = f"agent {agent}, waypoint {i}"
    place = w.place
    if isinstance(place, (list, tuple)) and len(place) == 2 and all(is_number(c) for c in place):
        if not all(finite(c) for c in place):
            raise StrategyError(
                f"{what}: [{plain(place[0])}, {plain(place[1])}] is not a point; expected finite metres", **_where(w)
            )
        xy = np.asarray(place, dtype=float)
        node = pmap.nearest_node(xy)
        dist = float(np.hypot(*(pmap.positions[node] - xy)))
        shown = f"[{plain(place[0])}, {plain(place[1])}] m"
        if pmap.dropped_positions is not None and pmap.dropped_positions.size:
            lost = float(np.hypot(*(pmap.dropped_positions - xy).T).min())
            if lost < dist and lost <= max_snap_m:
                raise StrategyError(
                    f"{what}: {shown} is unreachable: it lies in a part of the map not connected to the rest "
                    "(largest_component left that part out)",
                    **_where(w),
                )
        if dist > max_snap_m:
            raise StrategyError(
                f"{what}: {shown} is off the map: {dist:.1f} m from the nearest node; expected within "
                f"max_snap_m = {plain(max_snap_m)} m",
                **_where(w),
            )
        return node
    if isinstance(place, (int, str)) and not isinstance(place, bool):
        found = pmap.node_of(place)
        if found is not None:
            return found
        if pmap.dropped_labels is not None and str(place) in {str(x) for x in pmap.dropped_labels}:
            raise StrategyError(
                f"{what}: node {snippet(place)} is unreachable: it lies in a part of the map not connected to the "
                "rest (largest_component left that part out)",
                **_where(w),
            )
        some = ", ".join(str(pmap.node_label(k)) for k in range(min(pmap.n_nodes, 3)))
        raise StrategyError(f"{what}: {snippet(place)} is not a node id of the map (its ids: {some}, ...)", **_where(w))
    raise StrategyError(f"{what}: expected a node id or [x, y] in metres, got {snippet(place)}", **_where(w))


def _dwell_per_waypoint(dwell_s: float | list, raw: list[list[RawWaypoint]]) -> list[list[float]]:
    """Seconds at each waypoint: its own (from a file), else ``dwell_s``: one number for all, or one entry
    per route, each a number or a list with one per waypoint."""
    if not isinstance(dwell_s, list):
        per_route: list = [dwell_s] * len(raw)
    elif len(dwell_s) != len(raw):
        raise StrategyError(
            f"expected one number of seconds for every waypoint, or a list with one entry per route "
            f"({len(raw)}), got a list of {len(dwell_s)}",
            key="strategy.dwell_s",
        )
    else:
        per_route = dwell_s
    out = []
    for agent, (spec, waypoints) in enumerate(zip(per_route, raw)):
        if isinstance(spec, list) and len(spec) != len(waypoints):
            raise StrategyError(
                f"agent {agent}: expected {len(waypoints)} dwell times (one per waypoint), got {len(spec)}",
                key="strategy.dwell_s",
            )
        times = []
        for i, w in enumerate(waypoints):
            value = w.dwell_s if w.dwell_s is not None else (spec[i] if isinstance(spec, list) else spec)
            if not (finite(value) and value >= 0):
                where = _where(w) if w.dwell_s is not None else {"key": "strategy.dwell_s"}
                raise StrategyError(
                    f"agent {agent}, waypoint {i}: dwell_s {snippet(plain(value))} is not a time; expected finite "
                    "seconds >= 0",
                    **where,
                )
            times.append(float(value))
        out.append(times)
    return out


def _merged(nodes: list[int], dwell: list[float], mode: str) -> tuple[list[int], list[float]]:
    """Consecutive waypoints on one node as one (dwell added), and a loop's closing repeat of its first."""
    out: list[int] = []
    times: list[float] = []
    for node, d in zip(nodes, dwell):
        if out and out[-1] == node:
            times[-1] += d
        else:
            out.append(node)
            times.append(d)
    if mode == "loop" and len(out) > 1 and out[-1] == out[0]:
        times[0] += times.pop()
        out.pop()
    return out, times


def _departures(depart_s: list, routes: list, n_agents: int) -> tuple[float | None, ...]:
    if len(depart_s) > n_agents:
        raise StrategyError(
            f"{len(depart_s)} departure times for a team of {n_agents}; expected at most one per agent",
            key="strategy.depart_s",
        )
    for agent, t in enumerate(depart_s):
        if not (finite(t) and t >= 0):
            raise StrategyError(
                f"agent {agent}: depart_s {snippet(plain(t))} is not a time; expected finite seconds >= 0",
                key="strategy.depart_s",
            )
    out = tuple(float(t) for t in depart_s) + (None,) * (n_agents - len(depart_s))
    shared = [a for a in range(n_agents) if a == 0 or a >= len(routes)]
    timed = [a for a in shared if out[a] is not None]
    if len(shared) > 1 and timed and len(timed) < len(shared):
        names = ", ".join(str(a) for a in shared)
        raise StrategyError(
            f"agents {names} share route 0: expected a depart_s for each of them or for none (without, they are "
            f"spaced evenly in time); got {len(timed)} of {len(shared)}",
            key="strategy.depart_s",
        )
    return out
