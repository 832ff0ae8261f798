"""IncidentFeed: what the window reads from (and asks of) the incidents engine, if the run has one.

The window works with or without incidents. It looks for ``sim.incidents`` and uses this protocol:

* ``active()`` -> the incidents open now; each has ``node`` (int) and may have ``agent`` (id of the
  responding agent, or None), ``expires`` (simulated time in seconds at which it lapses, or None)
  and ``priority`` (1 = most urgent);
* ``add(node, t)`` -> report a new incident at ``node`` at simulated time ``t`` (the user's click);
* ``response_times()`` -> seconds from report to arrival of every incident reached so far;
* ``target_s`` (optional) -> the response-time target in seconds (default 300).

Without ``sim.incidents`` the feed is empty and clicking the map says so on the status line.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_TARGET_S = 300.0


@dataclass(frozen=True)
class IncidentMark:
    """One open incident as drawn: node, responding agent (or -1), seconds left (or None), priority."""

    node: int
    agent: int
    left_s: float | None
    priority: int


class IncidentFeed:
    """Reads ``sim.incidents`` through the protocol in the module docstring; empty when absent."""

    def __init__(self, sim) -> None:
        self.sim = sim

    @property
    def source(self):
        return getattr(self.sim, "incidents", None)

    @property
    def available(self) -> bool:
        return self.source is not None

    @property
    def target_s(self) -> float:
        return float(getattr(self.source, "target_s", DEFAULT_TARGET_S))

    def add(self, node: int) -> None:
        """Report an incident at ``node`` now."""
        self.source.add(int(node), self.sim.now)

    def marks(self) -> list[IncidentMark]:
        src = self.source
        if src is None:
            return []
        out = []
        for inc in src.active():
            agent = getattr(inc, "agent", None)
            expires = getattr(inc, "expires", None)
            out.append(IncidentMark(int(inc.node), -1 if agent is None else int(agent),
                                    None if expires is None else float(expires) - self.sim.now,
                                    int(getattr(inc, "priority", 1))))
        return out

    def response_times(self) -> np.ndarray:
        src = self.source
        return np.zeros(0) if src is None else np.asarray(src.response_times(), dtype=float)

    def response_stats(self) -> dict:
        """Mean, 90th percentile (s), share within target, count; NaN when nothing was reached yet."""
        rt = self.response_times()
        if rt.size == 0:
            return {"resp_n": 0, "resp_mean": float("nan"), "resp_p90": float("nan"),
                    "resp_within": float("nan"), "resp_target": self.target_s}
        return {"resp_n": int(rt.size), "resp_mean": float(rt.mean()), "resp_p90": float(np.percentile(rt, 90)),
                "resp_within": float(np.mean(rt <= self.target_s)), "resp_target": self.target_s}
