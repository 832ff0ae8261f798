"""RouteDraft: the route editor's working copy of a scenario's routes (no pygame here).

Routes are kept as in the route strategy's :class:`~patrolsim.strategies.route_plan.RoutePlan`: per route
the waypoint nodes and the seconds spent at each, robot a following route a when there is one, else route
0. Editing changes the draft only; :meth:`RouteDraft.scenario` turns it into a scenario (checked as a
scenario file would be) that runs the routes, and the window saves that one as TOML.
"""

from __future__ import annotations

from functools import cached_property

from ..errors import UserError
from ..scenario import Scenario
from ..strategies import strategy_class
from ..strategies.route_plan import RouteWalk, route_plan, route_walk
from .settings import apply_settings


class RouteDraft:
    """The routes of ``scenario`` (its own when it runs the route strategy, else none yet) being edited."""

    def __init__(self, scenario: Scenario) -> None:
        self.base = scenario
        self.robots = scenario.agents.count
        self.routes: list[list[int]] = []
        self.dwell: list[list[float]] = []
        self.mode = "loop"
        self.depart: list[float] = []
        if scenario.strategy_name == "route":
            values = strategy_class("route").validate_params(dict(scenario.strategy_params))
            plan = route_plan(values, scenario.map, self.robots)
            self.routes = [list(r) for r in plan.nodes]
            self.dwell = [list(d) for d in plan.dwell_s]
            self.mode = plan.mode
            self.depart = [t for t in plan.depart_s if t is not None]
        self.robot = 0  # the selected robot
        self.waypoint: int | None = None  # the selected waypoint of its route
        self.changed = False

    # ------------------------------------------------------------------ reading
    def route_of(self, robot: int) -> int | None:
        """The route ``robot`` follows (its own, else route 0), None while there is no route."""
        if robot < len(self.routes):
            return robot
        return 0 if self.routes else None

    def sharing(self, route: int) -> list[int]:
        """The robots that follow ``route``."""
        return [a for a in range(self.robots) if self.route_of(a) == route]

    @cached_property
    def walks(self) -> list[RouteWalk]:
        """Each route's closed walk along shortest paths (recomputed after every edit)."""
        pmap = self.base.map
        return [route_walk(pmap, nodes, dwell, self.mode) for nodes, dwell in zip(self.routes, self.dwell)]

    def lap(self, robot: int) -> tuple[float, float]:
        """(metres, seconds) of one lap of ``robot``'s route at its speed, dwell included."""
        route = self.route_of(robot)
        if route is None:
            return 0.0, 0.0
        walk = self.walks[route]
        return walk.length_m, walk.lap_s(self.base.agents.speeds[robot], self.base.agents.wait)

    def expected_worst(self, robot: int) -> float:
        """The lap time of ``robot``'s route over the robots sharing it: how long a node on it waits at
        most, with the robots evenly spaced (s)."""
        route = self.route_of(robot)
        return 0.0 if route is None else self.lap(robot)[1] / len(self.sharing(route))

    # ------------------------------------------------------------------ editing (the selected robot's route)
    def select(self, robot: int) -> None:
        self.robot, self.waypoint = robot, None

    def own_route(self) -> str:
        """Give the selected robot a route of its own (a copy of the one it follows); what happened."""
        robot = self.robot
        if robot < len(self.routes):
            return f"robot {robot} already has a route of its own"
        if robot > len(self.routes):
            return f"routes are given to robots in turn: give robot {len(self.routes)} its own route first"
        if not self.routes:
            return "robot 0 follows route 0: click nodes on the map to add its waypoints"
        self.routes.append(list(self.routes[0]))
        self.dwell.append(list(self.dwell[0]))
        self._edited()
        return f"robot {robot} has a route of its own now (a copy of route 0 to edit)"

    def append(self, node: int) -> str:
        """Add ``node`` as the next waypoint of the selected robot's route (route 0 when there is none)."""
        route = self.route_of(self.robot)
        if route is None:
            self.routes.append([])
            self.dwell.append([])
            route = 0
        self.routes[route].append(node)
        self.dwell[route].append(0.0)
        self.waypoint = len(self.routes[route]) - 1
        self._edited()
        return f"route {route}: waypoint {self.waypoint} at node {self.base.map.node_label(node)}"

    def move(self, waypoint: int, node: int) -> str:
        route = self._route()
        self.routes[route][waypoint] = node
        self.waypoint = waypoint
        self._edited()
        return f"route {route}: waypoint {waypoint} moved to node {self.base.map.node_label(node)}"

    def delete(self, waypoint: int) -> str:
        route = self._route()
        del self.routes[route][waypoint]
        del self.dwell[route][waypoint]
        self.waypoint = None
        self._edited()
        return f"route {route}: waypoint {waypoint} deleted"

    def set_dwell(self, seconds: float) -> str:
        """Set the selected waypoint's dwell time (s)."""
        if self.waypoint is None:
            raise UserError("select a waypoint first (click it on the map)")
        if not (seconds >= 0 and seconds < float("inf")):
            raise UserError(f"dwell: expected seconds >= 0, got {seconds:g}")
        route = self._route()
        self.dwell[route][self.waypoint] = float(seconds)
        self._edited()
        return f"route {route}: {seconds:g} s at waypoint {self.waypoint}"

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._edited()

    def _route(self) -> int:
        route = self.route_of(self.robot)
        assert route is not None  # a waypoint is selected only on an existing route
        return route

    def _edited(self) -> None:
        self.changed = True
        self.__dict__.pop("walks", None)

    # ------------------------------------------------------------------ the result
    def scenario(self) -> Scenario:
        """The base scenario run by the route strategy on the draft's routes (node ids as the map file
        names them), checked as a scenario file would be: a UserError naming the robot and waypoint when
        a route cannot run (e.g. an empty route, or one waypoint without a dwell)."""
        routes = [route for route in self.routes if route]
        if len(routes) < len(self.routes) or not routes:
            empty = next((r for r, route in enumerate(self.routes) if not route), 0)
            raise UserError(f"route {empty} has no waypoints: click nodes to add some (or delete the route)")
        label = self.base.map.node_label
        edits = {
            "strategy.name": "route",
            "strategy.routes": [[label(n) for n in route] for route in self.routes],
            "strategy.routes_file": "",
            "strategy.mode": self.mode,
            "strategy.dwell_s": _dwell_value(self.dwell),
            "strategy.depart_s": list(self.depart),
        }
        return apply_settings(self.base, edits)


def _dwell_value(dwell: list[list[float]]) -> float | list:
    """dwell_s as a scenario writes it: one number when all are equal, else per route a number or a list."""
    flat = {d for route in dwell for d in route}
    if len(flat) <= 1:
        return flat.pop() if flat else 0.0
    return [route[0] if len(set(route)) == 1 else list(route) for route in dwell]
