"""What the engine needs to know of a run: the map, the team, the clock and the seed.

A validated scenario (:class:`patrolsim.scenario.Scenario`) has these fields; so can any other
object (tests and benchmarks build one in memory). The engine reads nothing else of it.

The physical side of a fleet (batteries, motion that takes time, robots that get in each other's
way) is described by the small frozen records below; every one is off by default, and a run without
them moves agents exactly as before: constant speed, instant turns, passing through each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap


@dataclass(frozen=True)
class Battery:
    """One agent's battery, in any unit of energy (a full charge of ``capacity``).

    ``per_m``: energy per metre driven; ``per_s``: energy per second standing (at a node, waiting,
    turning; not while failed); ``reserve``: share of ``capacity`` kept for the way home (an agent
    turns back for a dock when the energy left would not cover one more leg and the trip from its
    end to the nearest dock plus the reserve); ``charge_s``: seconds from empty to full at a dock
    (linear); ``start``: share of a full charge at time 0.
    """

    capacity: float
    per_m: float
    per_s: float = 0.0
    reserve: float = 0.1
    charge_s: float = 7200.0
    start: float = 1.0


@dataclass(frozen=True)
class Motion:
    """How an agent moves along a leg: ``accel`` / ``brake`` (m/s^2) from and to a standstill at each
    node, and ``turn_rate`` (rad/s) turning in place at a node by the angle between its last leg and
    the next. ``inf`` (the default) is instantaneous: constant speed, no turning time."""

    accel: float = math.inf
    brake: float = math.inf
    turn_rate: float = math.inf

    @property
    def instant(self) -> bool:
        return math.isinf(self.accel) and math.isinf(self.brake) and math.isinf(self.turn_rate)


#: interference modes: pass through each other; wait a fixed time and try again (patrolling_sim's
#: rule, 3 s); wait exactly until the robot in the way moves
INTERFERENCE_MODES = ("none", "wait", "block")


@dataclass(frozen=True)
class Interference:
    """Robots in each other's way. ``mode``: one of :data:`INTERFERENCE_MODES`. A node holds at most
    ``node_capacity`` robots (standing there or bound for it) and an edge of capacity 1 is one lane
    (no two robots on it in opposite directions); 0 means unlimited. ``nodes`` / ``edges`` override
    the capacity of single nodes ((node, capacity)) and edges ((u, v, capacity), both directions),
    by internal node index. ``wait_s``: how long a "wait" robot stops before it tries again;
    ``reroute_after``: consecutive waits after which it steps aside to a free neighbour and decides
    again (deadlocks, a cycle of robots each waiting for the next, are broken at once the same way)."""

    mode: str = "none"
    wait_s: float = 3.0
    node_capacity: int = 1
    edge_capacity: int = 1
    nodes: tuple[tuple[int, int], ...] = ()
    edges: tuple[tuple[int, int, int], ...] = ()
    reroute_after: int = 3

    @property
    def on(self) -> bool:
        return self.mode != "none"


class TeamSpec(Protocol):
    """The agents: count, speeds (m/s, one per agent), start rule, sensing radius (m), wait (s).

    Optional per-agent tuples (empty: every agent alike, off): ``groups`` (group names),
    ``sensing_radii`` (m), ``motion`` (:class:`Motion`), ``batteries`` (:class:`Battery` or None)."""

    @property
    def count(self) -> int: ...
    @property
    def speeds(self) -> tuple[float, ...]: ...
    @property
    def starts(self) -> str | tuple: ...
    @property
    def sensing_radius(self) -> float: ...
    @property
    def wait(self) -> float: ...
    @property
    def pass_through_visits(self) -> bool: ...
    @property
    def groups(self) -> tuple[str, ...]: ...
    @property
    def sensing_radii(self) -> tuple[float, ...]: ...
    @property
    def motion(self) -> tuple[Motion, ...]: ...
    @property
    def batteries(self) -> tuple[Battery | None, ...]: ...


class RunSpec(Protocol):
    """One run: map, team, seed and clock (seconds); names for the run record; interference."""

    @property
    def name(self) -> str: ...
    @property
    def map(self) -> PatrolMap: ...
    @property
    def map_path(self) -> str: ...
    @property
    def duration(self) -> float: ...
    @property
    def warmup(self) -> float: ...
    @property
    def seed(self) -> int: ...
    @property
    def sample_interval(self) -> float: ...
    @property
    def coverage_windows(self) -> tuple[float, ...]: ...
    @property
    def agents(self) -> TeamSpec: ...
    @property
    def interference(self) -> Interference: ...
