"""The validated [energy] docks and [failures] tables of a scenario (the per-agent batteries and
motion are :class:`patrolsim.engine.spec.Battery` / :class:`~patrolsim.engine.spec.Motion`)."""

from __future__ import annotations

from dataclasses import dataclass

#: failure time distributions
DISTRIBUTIONS = ("exponential", "fixed")


@dataclass(frozen=True)
class Docks:
    """Charging docks: ``nodes`` (internal node indices, one per dock) and ``chargers`` (agents that
    can charge at once, one count per dock)."""

    nodes: tuple[int, ...]
    chargers: tuple[int, ...]


@dataclass(frozen=True)
class Failures:
    """Breakdowns. Random: each agent fails after a time drawn with mean ``mtbf_s`` (of its time in
    service) and is repaired after one with mean ``mttr_s``; ``distribution`` "exponential" draws
    them, "fixed" uses the means themselves (0 = no random failures). Scripted: ``at`` lists
    (agent, t_fail, t_back) in seconds."""

    mtbf_s: float = 0.0
    mttr_s: float = 0.0
    distribution: str = "exponential"
    at: tuple[tuple[int, float, float], ...] = ()

    @property
    def on(self) -> bool:
        return self.mtbf_s > 0 or bool(self.at)


@dataclass(frozen=True)
class FleetSpec:
    """The site's docks (None: no batteries) and the failures (None: none)."""

    docks: Docks | None = None
    failures: Failures | None = None
