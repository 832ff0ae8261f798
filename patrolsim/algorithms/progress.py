"""Progress reports of long computations: a ``Report`` is called with (fraction done, stage); the
strategies pass ``TeamView.progress`` (see :mod:`patrolsim.engine.progress`)."""

from __future__ import annotations

from collections.abc import Callable

#: (fraction done in [0, 1], stage) -> None
Report = Callable[[float, str], None]


def scaled(report: Report | None, lo: float, hi: float) -> Report | None:
    """``report`` for a part of the work that runs from ``lo`` to ``hi`` of the whole (None stays None)."""
    if report is None:
        return None
    return lambda fraction, stage: report(lo + (hi - lo) * fraction, stage)
