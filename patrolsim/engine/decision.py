"""What a strategy may answer when the engine asks where an agent goes next, and what the engine needs
of the object that answers (the strategy layer implements it; the engine knows nothing more of it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from .view import TeamView


@dataclass(frozen=True)
class Hold:
    """A decision to stay at the current node for ``seconds`` (then the strategy is asked again)."""

    seconds: float


@dataclass(frozen=True)
class Defer:
    """A decision left to a controller outside the engine: the advance stops at this agent's arrival
    (its visits done, ``Simulation.awaiting`` names it) until ``Simulation.answer`` gives the choice."""


#: the one :class:`Defer` value
DEFER = Defer()


class Decider(Protocol):
    """The team's decision maker as the engine sees it (:class:`patrolsim.strategies.Strategy`)."""

    @property
    def name(self) -> str: ...

    @property
    def kernel_rule(self) -> int:
        """A built-in compiled rule (:mod:`patrolsim.engine.rules`); RULE_PYTHON: :meth:`decide` is called."""
        ...

    @property
    def own_knowledge(self) -> bool:
        """Whether agents keep their own idleness memory (conscientious) instead of the shared board."""
        ...

    @property
    def values(self) -> dict[str, Any]:
        """The parameter values (for the run record)."""
        ...

    def kernel_params(self) -> dict[int, float]: ...

    def work(self, view: TeamView) -> float:
        """Plain-Python events the set-up and the decisions are expected to cost (arrivals of the event
        loop are counted by the engine); part of the estimate that decides whether a run is compiled."""
        ...

    def setup(self, view: TeamView) -> None: ...

    def decide(self, agent: int, node: int, t: float, view: TeamView) -> int | Sequence[int] | Hold | Defer: ...

    def called_away(self, agent: int, t: float, view: TeamView) -> None: ...

    def released(self, agent: int, t: float, view: TeamView) -> None: ...

    def team_changed(self, t: float, view: TeamView) -> None: ...
