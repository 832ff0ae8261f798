"""What the engine needs to know of a run: the map, the team, the clock and the seed.

A validated scenario (:class:`patrolsim.scenario.Scenario`) has these fields; so can any other
object (tests and benchmarks build one in memory). The engine reads nothing else of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap


class TeamSpec(Protocol):
    """The agents: count, speeds (m/s, one per agent), start rule, sensing radius (m), wait (s)."""

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


class RunSpec(Protocol):
    """One run: map, team, seed and clock (seconds); names for the run record."""

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
