"""Coverage: which nodes have been seen, and how recently."""
from __future__ import annotations

import numpy as np

from ..engine import kernel as K


def coverage(m_flt: np.ndarray, t: float) -> float:
    """Fraction of nodes seen at least once by time t."""
    return float(np.mean(m_flt[K.M_FIRST] <= t))


def time_to_full_coverage(m_flt: np.ndarray, t0: float) -> float | None:
    """Seconds from t0 until every node had been seen once, or None if some node never was."""
    first = m_flt[K.M_FIRST]
    return float(first.max() - t0) if np.all(np.isfinite(first)) else None


def windowed_coverage(m_flt: np.ndarray, m_int: np.ndarray, t: float, window: float) -> float:
    """Fraction of nodes seen within the last ``window`` seconds before t."""
    seen = m_int[K.M_VISITS] > 0
    return float(np.mean(seen & (t - m_flt[K.M_LAST] <= window)))
