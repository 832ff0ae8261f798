"""Time series sampled at scheduled sample times (never per event), for plots and the GUI."""
from __future__ import annotations

import numpy as np

from .coverage import coverage, windowed_coverage
from .idleness import instantaneous


class SeriesRecorder:
    """Appends one row per sample: t, coverage, mean/weighted/max idleness, windowed coverages."""

    def __init__(self, windows: tuple[float, ...]) -> None:
        self.windows = windows
        self.columns = ["t", "coverage", "avg_idleness", "weighted_avg_idleness", "max_idleness"] + \
            [window_key(w) for w in windows]
        self.rows: list[tuple[float, ...]] = []

    def sample(self, t: float, m_flt: np.ndarray, m_int: np.ndarray, weights: np.ndarray) -> None:
        mean, wmean, worst = instantaneous(m_flt, weights, t)
        self.rows.append((t, coverage(m_flt, t), mean, wmean, worst,
                          *(windowed_coverage(m_flt, m_int, t, w) for w in self.windows)))

    def clear(self) -> None:
        self.rows.clear()

    def as_arrays(self) -> dict[str, np.ndarray]:
        data = np.array(self.rows, dtype=np.float64).reshape(-1, len(self.columns))
        return {c: data[:, i] for i, c in enumerate(self.columns)}


def window_key(window: float) -> str:
    """Metric name of windowed coverage for a window in seconds, e.g. 'coverage_within_300s'."""
    return f"coverage_within_{window:g}s"
