"""Set-up progress: a strategy whose set-up takes long reports how far it is (``TeamView.progress``), so
nobody waits in silence. Reports go to a sink ``(strategy name, fraction done, stage)``; without one, a
line on standard error, shown only once the set-up has run ``SILENT_S`` seconds and refreshed at most
every ``REFRESH_S``, then closed with the set-up's wall time. A sink may raise to stop the set-up (the window's Esc does): the
exception leaves the strategy's ``setup`` and ``Simulation()`` at the next report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

#: seconds of set-up before the default sink shows anything
SILENT_S = 2.0
#: seconds between two refreshes of the default line
REFRESH_S = 0.5

#: (strategy name, fraction done in [0, 1], stage) -> None
ProgressSink = Callable[[str, float, str], None]


class SetupProgress:
    """The reports of one strategy set-up: ``report(fraction, stage)`` during, ``finish()`` after.
    ``times`` holds the wall-clock seconds (since the start) of every report, for benchmarks."""

    def __init__(self, name: str, sink: ProgressSink | None = None) -> None:
        self.name, self.sink = name, sink
        self.started = time.perf_counter()
        self.times: list[float] = []
        self._shown_at = -REFRESH_S
        self._shown = False

    def report(self, fraction: float, stage: str) -> None:
        """The set-up is ``fraction`` done, now at ``stage`` (a few words)."""
        elapsed = time.perf_counter() - self.started
        self.times.append(elapsed)
        fraction = min(max(float(fraction), 0.0), 1.0)
        if self.sink is not None:
            self.sink(self.name, fraction, stage)
        elif elapsed >= SILENT_S and elapsed - self._shown_at >= REFRESH_S:
            print(f"\rsetting up {self.name}: {100 * fraction:3.0f} % {stage:<40}", end="", file=sys.stderr, flush=True)
            self._shown_at, self._shown = elapsed, True

    def finish(self) -> float:
        """End of the set-up: closes the default line if one was shown; returns the set-up's seconds."""
        elapsed = time.perf_counter() - self.started
        if self.sink is not None:
            self.sink(self.name, 1.0, "done")
        elif self._shown:
            print(f"\rsetting up {self.name}: done in {elapsed:.1f} s{' ' * 40}", file=sys.stderr, flush=True)
        return elapsed
