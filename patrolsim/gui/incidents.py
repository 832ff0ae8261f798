"""IncidentFeed: what the window reads from (and asks of) the run's incidents engine, if it has one.

The window works with or without incidents. It reads the incidents engine attached to the run (an
``IncidentManager`` of :mod:`patrolsim.incidents`; none: no incidents) through these fields only:

* ``inc.t_s``, ``inc.node``, ``inc.priority``, ``inc.reported``: every incident of the run (arrays);
* ``log.detected_at``, ``log.arrived_at``, ``log.cleared_at`` (NaN = not yet), ``log.expired`` and
  ``log.agent`` (the agent sent, -1 = none);
* ``dspec.targets_s`` (response-time targets, seconds; the first is the panel's target);
* ``add(node, t)``: report a new call at ``node`` at time ``t`` (the user's click). A run without
  incidents gets an engine with the ``calls`` stream on the first click.

Response time = arrival of the first agent - occurrence, over reported incidents (calls), as in
:mod:`patrolsim.incidents.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_TARGET_S = 300.0


@dataclass(frozen=True)
class IncidentMark:
    """One incident as drawn: node, responding agent (-1: none yet), seconds left until the response
    target (negative: late), priority, and whether an agent is on scene."""

    node: int
    agent: int
    left_s: float
    priority: int
    on_scene: bool


class IncidentFeed:
    """Reads the run's incidents engine (``source``) through the fields listed in the module docstring;
    empty when the run has none."""

    def __init__(self, sim) -> None:
        from ..incidents import manager_of

        self.sim = sim
        self.source = manager_of(sim)

    @property
    def available(self) -> bool:
        return self.source is not None

    @property
    def target_s(self) -> float:
        targets = getattr(getattr(self.source, "dspec", None), "targets_s", None)
        return float(targets[0]) if targets else DEFAULT_TARGET_S

    def add(self, node: int) -> None:
        """Report a priority-1 call at ``node`` now (attaching a calls-only incidents engine if the run
        has none)."""
        if self.source is None:
            from ..incidents import attach

            self.source = attach(self.sim, None, None, calls_only=True)
        assert self.source is not None  # calls_only always attaches
        self.source.add(int(node), self.sim.now)

    def marks(self) -> list[IncidentMark]:
        """Known incidents not yet cleared: calls from their occurrence, others once detected."""
        src = self.source
        if src is None:
            return []
        inc, log, now = src.inc, src.log, self.sim.now
        known = (inc.t_s <= now) & (inc.reported | np.isfinite(log.detected_at))
        open_ = np.flatnonzero(known & np.isnan(log.cleared_at) & ~log.expired)
        return [
            IncidentMark(
                int(inc.node[i]),
                int(log.agent[i]),
                float(inc.t_s[i] + self.target_s - now),
                int(inc.priority[i]),
                bool(np.isfinite(log.arrived_at[i])),
            )
            for i in open_.tolist()
        ]

    def response_times(self) -> np.ndarray:
        """Seconds from occurrence to first arrival of every call (after the warm-up) reached so far."""
        src = self.source
        if src is None:
            return np.zeros(0)
        resp = src.log.arrived_at - src.inc.t_s
        calls = src.inc.reported & (src.inc.t_s >= self.sim.t0)  # the calls the run's metrics count
        return resp[calls & np.isfinite(resp)]

    @property
    def count(self) -> int:
        """Incidents known to the engine so far (grows with the user's clicks)."""
        return 0 if self.source is None else len(self.source.inc.t_s)
