"""Coverage: which nodes have been seen, and how recently."""

from __future__ import annotations

import numpy as np

from ..engine import kernel as K
from .series import sample_row, window_key


def time_to_full_coverage(m_flt: np.ndarray, t0: float) -> float | None:
    """Seconds from t0 until every node had been seen once, or None if some node never was."""
    first = m_flt[K.M_FIRST]
    return float(first.max() - t0) if np.all(np.isfinite(first)) else None


def coverage_metrics(
    last: np.ndarray, m_flt: np.ndarray, m_int: np.ndarray, t: float, t0: float, windows: tuple[float, ...]
) -> dict[str, float | None]:
    """coverage (fraction of nodes seen by the current time t), time_to_full_coverage (s) and, per
    window W, coverage_within_Ws (fraction seen within the last W seconds); ``last`` = last-seen times."""
    w = np.asarray(windows, dtype=np.float64)
    row = np.empty(4 + w.size)
    sample_row(t, last, m_int[K.M_VISITS], None, w, row)
    return {
        "coverage": float(row[0]),
        "time_to_full_coverage": time_to_full_coverage(m_flt, t0),
        **{window_key(x): float(v) for x, v in zip(windows, row[4:])},
    }
