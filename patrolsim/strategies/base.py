"""The strategy interface.

A strategy is one object per team. The engine asks it where an agent goes next whenever the agent
stands at a node with no plan left. Three kinds of rule fit this one method:

* local rules return a neighbour of the current node;
* global rules return a path (a list of nodes, each adjacent to the previous, starting with a
  neighbour of the current node); the engine follows it without asking again until it is used up;
* team-shared state (a board of intentions, auctions) lives on the strategy object itself, which
  sees every decision of its team.

Built-in local rules instead name a compiled ``kernel_rule``: the engine then decides inside its
compiled loop (patrolsim.engine.kernel.choose_local) and never calls :meth:`decide`.

Strategies read the world through a :class:`patrolsim.engine.view.TeamView`, never the engine's
internals: ``view.own_idleness(agent)`` for what the agent itself has seen, ``view.shared_idleness()``
for the team board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..engine.decision import Defer, Hold
from ..errors import StrategyError
from .comm import CommSpec

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.result import Result
    from ..engine.view import TeamView
    from ..maps.model import PatrolMap


@dataclass(frozen=True)
class Param:
    """A documented strategy parameter: its default, type, valid range and meaning. ``file``: the value
    names a file, which scenarios resolve as they resolve a map (their folder, its parent, the working
    directory) and must exist. ``also`` names types accepted besides the default's (e.g. ``list`` for a
    number that may also be given per agent); a list value is checked by the strategy's own
    :meth:`Strategy.check`, not against ``low`` / ``high``."""

    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    file: bool = False
    also: tuple[type, ...] = ()


class Strategy:
    """Base class of all strategies. Subclasses set ``name``, ``summary``, ``params`` and implement decide()."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    #: compiled rule id from patrolsim.engine.kernel (RULE_PYTHON = decide() is called)
    kernel_rule: ClassVar[int] = 0
    #: whether agents keep their own idleness memory (conscientious) instead of the shared board
    own_knowledge: ClassVar[bool] = False
    params: ClassVar[dict[str, Param]] = {}
    #: how the team shares what it sees (set from the scenario's [communication] table; perfect by default)
    communication: CommSpec = CommSpec()

    def __init__(self, **values: Any) -> None:
        self.values = self.validate_params(values)

    @classmethod
    def validate_params(cls, values: dict[str, Any], source: str | None = None) -> dict[str, Any]:
        """Defaults filled in; raises StrategyError naming an unknown, mistyped or out-of-range key."""
        from ..errors import did_you_mean

        out = {k: p.default for k, p in cls.params.items()}
        for key, value in values.items():
            if key not in cls.params:
                known = ", ".join(cls.params) or "none"
                raise StrategyError(
                    f"unknown parameter for strategy '{cls.name}'"
                    f"{did_you_mean(key, list(cls.params))}; it takes: {known}",
                    source=source,
                    key=f"strategy.{key}",
                )
            spec = cls.params[key]
            kind = type(spec.default)
            kinds = (kind, *spec.also)
            if float in kinds and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kinds) or (int in kinds and isinstance(value, bool)):
                raise StrategyError(
                    f"expected {' or '.join(k.__name__ for k in kinds)}, got {value!r}",
                    source=source,
                    key=f"strategy.{key}",
                )
            if isinstance(value, list):
                out[key] = value
                continue
            if spec.choices is not None and value not in spec.choices:
                raise StrategyError(
                    f"expected one of {', '.join(map(str, spec.choices))}, got {value!r}",
                    source=source,
                    key=f"strategy.{key}",
                )
            number: Any = value  # an int, float or str of the declared type (bounds are for numbers)
            if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
                raise StrategyError(
                    f"expected a value in [{spec.low}, {spec.high}], got {value!r}",
                    source=source,
                    key=f"strategy.{key}",
                )
            out[key] = value
        return out

    @classmethod
    def check(cls, values: dict[str, Any], pmap: PatrolMap, n_agents: int, base: Path) -> dict[str, Any]:
        """The checks of validated parameters that need the map and the team size, made when a scenario is
        loaded so that a mistake is reported then, with the scenario's line; returns the values it
        replaces for the run (e.g. a file name resolved against ``base``, the scenario's folder, its
        parent, then the working directory). Raises :class:`StrategyError` naming the key (and the file
        and line of a file it reads). The default checks nothing and replaces nothing."""
        return {}

    def kernel_params(self) -> dict[int, float]:
        """Values for the compiled loop's parameter slots (kernel.P_*), for built-in rules."""
        return {}

    def work(self, view: TeamView) -> float:
        """Plain-Python events :meth:`setup` and the decisions are expected to cost, for the run's
        choice of plain or compiled kernels (:meth:`patrolsim.engine.simulation.Simulation.work`);
        strategies that search, build tours or solve p-median estimate theirs with the algorithms' own
        ``*_work`` functions. Only speed depends on it, never a result."""
        return 0.0

    def setup(self, view: TeamView) -> None:
        """Called once before the run starts (e.g. to compute tours or partitions)."""

    def decide(self, agent: int, node: int, t: float, view: TeamView) -> int | Sequence[int] | Hold | Defer:
        """Where ``agent`` (standing at ``node`` at time ``t`` seconds) goes next: a neighbour, a path,
        or ``Hold(seconds)`` to stay put (or ``DEFER``: a controller outside the engine answers,
        ``Simulation.answer``)."""
        raise NotImplementedError

    def called_away(self, agent: int, t: float, view: TeamView) -> None:
        """``agent`` leaves this strategy's control at time ``t`` (a dispatch): it is heading to
        ``view.agent_node(agent)`` with ``view.plan_left(agent)`` nodes of its plan after that one. The
        default does nothing; a strategy that resumes a route where the agent left it records that here."""

    def released(self, agent: int, t: float, view: TeamView) -> None:
        """``agent`` comes back from external control (a dispatch) at time ``t``; its next :meth:`decide`
        is wherever it then stands. Strategies that follow a timetable re-plan there; the default
        does nothing (a rule that decides from the current node needs nothing)."""

    def team_changed(self, t: float, view: TeamView) -> None:
        """The agents in service changed at time ``t`` (``view.in_service()``): one failed or went to
        charge, or came back. Agents out of service are never asked to decide; one coming back decides
        next wherever it stands (after :meth:`released` when it was taken from this strategy). Team
        strategies re-plan here for the agents in service (re-space a shared tour, re-partition,
        re-assign goals, re-solve posts); the default does nothing (a rule that decides from the
        current node needs nothing)."""

    def add_to(self, result: Result) -> None:
        """Add the strategy's own figures to a run's result (``result.metrics``, columns of its
        ``agents`` and ``nodes`` tables), as the run's attachments do; the default adds nothing."""

    def describe(self) -> str:
        """'name (key=value, ...)' for tables and the GUI."""
        inner = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.values.items())
        return f"{self.name} ({inner})" if inner else self.name
