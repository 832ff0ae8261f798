"""SetUp: the strategies' set-up of new runs in a worker thread, with progress, that can be cancelled.

A strategy's set-up (tours, partitions, posts) can take seconds on a large map, and it reports its
progress at least every second or so (``TeamView.progress``, :mod:`patrolsim.engine.progress`). The
worker hands ``make`` a progress sink that notes each report and, once :meth:`SetUp.cancel` was called,
raises :class:`SetUpCancelled`: the exception unwinds the set-up at its next report and ends the
thread, so nothing keeps computing after a cancel. No pygame here (the tests drive it directly).
"""

from __future__ import annotations

import threading

from ..build import make
from ..engine.simulation import Simulation
from ..jit import COMPILED
from ..scenario import Scenario


class SetUpCancelled(Exception):
    """Raised by the progress sink of a cancelled :class:`SetUp` to stop the strategy's set-up."""


class SetUp:
    """Builds a Simulation of each of ``scenarios`` (``make``) in a daemon thread: :meth:`start`, then
    :meth:`wait` until done; :attr:`sims` holds the runs, :attr:`error` the exception a set-up raised.
    :attr:`ticks` counts the progress reports, :attr:`fraction` and :attr:`stage` are the last one's."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self.scenarios = list(scenarios)
        self.sims: list[Simulation] | None = None
        self.error: Exception | None = None
        self.ticks = 0
        self.cancelled_at: int | None = None  # the number of reports when cancel() was called
        self.fraction, self.stage, self.current = 0.0, "", 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="patrolsim-set-up", daemon=True)

    def start(self) -> SetUp:
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (None: until done) for the worker; True once it has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the set-up at its next progress report (its results, if it gets to finish, are dropped)."""
        with self._lock:
            if self.cancelled_at is None:
                self.cancelled_at = self.ticks

    def progress_label(self) -> str:
        """How far the set-up is, e.g. '37 % splitting the map' (with 'run 2 of 2: ' in compare mode)."""
        if not self.ticks:
            return ""
        run = f"run {self.current + 1} of {len(self.scenarios)}: " if len(self.scenarios) > 1 else ""
        return f"{run}{100 * self.fraction:.0f} % {self.stage}".rstrip()

    def _report(self, name: str, fraction: float, stage: str) -> None:
        """The progress sink given to ``make``: notes the report, raises once cancelled."""
        with self._lock:
            self.ticks += 1
            self.fraction, self.stage = fraction, stage
            if self.cancelled_at is not None:
                raise SetUpCancelled

    def _work(self) -> None:
        sims = []
        try:
            for k, scenario in enumerate(self.scenarios):
                self.current = k
                if self.cancelled:
                    return
                # the window runs open-ended and up to x1000: always worth compiling
                sims.append(make(scenario, progress=self._report, backend=COMPILED))
        except SetUpCancelled:
            return
        except Exception as exc:  # handed to the window's thread (a UserError becomes its status line)
            self.error = exc
            return
        self.sims = sims
