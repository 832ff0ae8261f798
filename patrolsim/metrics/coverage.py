"""Coverage: which nodes have been seen, and how recently."""

from __future__ import annotations

import numpy as np

from .series import sample_row, window_key
from .totals import NodeTotals


def time_to_full_coverage(first: np.ndarray, t0: float) -> float | None:
    """Seconds from t0 until every node had been seen once (``first``: first visits), or None if some
    node never was."""
    return float(first.max() - t0) if np.all(np.isfinite(first)) else None


def coverage_metrics(nodes: NodeTotals, t: float, t0: float, windows: tuple[float, ...]) -> dict[str, float | None]:
    """coverage (fraction of nodes seen by the current time t), time_to_full_coverage (s) and, per
    window W, coverage_within_Ws (fraction seen within the last W seconds)."""
    w = np.asarray(windows, dtype=np.float64)
    row = np.empty(4 + w.size)
    sample_row(t, nodes.last, nodes.visits, None, w, row)
    return {
        "coverage": float(row[0]),
        "time_to_full_coverage": time_to_full_coverage(nodes.first, t0),
        **{window_key(x): float(v) for x, v in zip(windows, row[4:])},
    }
