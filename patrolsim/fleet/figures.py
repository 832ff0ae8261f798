"""The fleet attachment: docks and failures of one run, and the figures they add to its result.

Run figures (``result.metrics``): ``availability`` (the agents' mean share of time in service since
the warm-up: not failed, not on the way to a dock, queueing or charging), ``agent_downtime_s`` (failed
seconds, all agents), ``failures``, ``worst_idleness_degraded_s`` (the worst idleness any node reached
while some agent was out of service; None when none ever was) and, with batteries, ``charging_s``,
``dock_queue_wait_mean_s`` (mean wait for a charger per dock visit, 0 s when one was free) and
``energy_trips``. The agents table gets the same per agent, plus ``energy_left`` (share of a charge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .charging import Charging
from .failures import Breakdowns

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.result import Result
    from ..engine.simulation import Simulation
    from ..engine.spec import TeamSpec
    from .spec import FleetSpec


class Fleet:
    """Docks (:class:`~.charging.Charging`, None without batteries) and breakdowns
    (:class:`~.failures.Breakdowns`, None without failures) of one run."""

    def __init__(self, sim: Simulation, spec: FleetSpec, team: TeamSpec) -> None:
        self.sim = sim
        with sim.backend.active():
            self.charging = Charging(sim, spec.docks, team.batteries) if spec.docks is not None else None
        self.breakdowns = Breakdowns(sim, spec.failures) if spec.failures is not None and spec.failures.on else None

    def add_to(self, result: Result) -> None:
        sim = self.sim
        span = max(sim.now - sim.t0, 0.0)
        out, down = sim.time_out_of_service(), sim.downtime()
        availability = 1.0 - out / span if span > 0 else np.ones_like(out)
        ever_degraded = bool(out.sum() > 0 or not sim.state.in_service.all())
        failures = self.breakdowns.failures if self.breakdowns is not None else np.zeros(out.size, dtype=np.int64)
        result.metrics.update(
            {
                "availability": float(availability.mean()),
                "agent_downtime_s": float(down.sum()),
                "failures": int(failures.sum()),
                "worst_idleness_degraded_s": sim.worst_idleness_degraded() if ever_degraded else None,
            }
        )
        agents = result.agents
        agents["availability"] = availability
        agents["downtime_s"] = down
        agents["failures"] = failures
        c = self.charging
        if c is not None:
            charging = c.open_charging_s()
            waits = c.queue_waits.sum()
            result.metrics.update(
                {
                    "charging_s": float(charging.sum()),
                    "dock_queue_wait_mean_s": float(c.queue_s.sum() / waits) if waits else 0.0,
                    "energy_trips": int(c.trips.sum()),
                }
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                agents["charging_s"] = charging
                agents["dock_queue_wait_mean_s"] = np.where(c.queue_waits > 0, c.queue_s / c.queue_waits, 0.0)
            agents["energy_trips"] = c.trips.copy()
            agents["energy_left"] = c.level(sim.now)
