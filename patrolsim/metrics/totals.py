"""NodeTotals: the per-node accumulators every metric is computed from, by name.

The event loop keeps them in its own arrays (:class:`patrolsim.engine.state.EngineState`) and hands
them out as this structure, so the metrics never depend on how the engine lays out its state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class NodeTotals:
    """Per node, since the start of measurement t0 (times and intervals in seconds):

    ``last``: last time the node was seen (t0 if not since; counting time in view of a standing agent);
    ``first``: first visit (inf = never); ``visits``: visits; ``intervals``: closed revisit intervals
    (the first runs from t0); ``interval_sum``, ``interval_sq``, ``interval_max``: their sum, sum of
    squares and maximum; ``area``: the integral of idleness over the closed intervals (sum of dt^2 / 2).
    """

    last: np.ndarray
    first: np.ndarray
    visits: np.ndarray
    intervals: np.ndarray
    interval_sum: np.ndarray
    interval_sq: np.ndarray
    interval_max: np.ndarray
    area: np.ndarray
