"""Time series sampled at scheduled sample times (never per event), for plots and the GUI."""

from __future__ import annotations

import numpy as np


def sample_row(
    t: float, last: np.ndarray, visits: np.ndarray, weights: np.ndarray | None, windows: np.ndarray, out: np.ndarray
) -> None:
    """out = [coverage, mean idleness, weighted mean, max idleness, windowed coverage per window] at the
    current time t.

    Idleness in seconds (t - last visit); coverages as fractions of nodes (seen at least once, or within
    the last W seconds). ``weights`` None means all equal (:attr:`PatrolMap.sample_weights`). A few
    O(N) numpy passes, run only at sample times.
    """
    n = last.size
    seen = visits > 0
    out[0] = np.count_nonzero(seen) / n
    out[1] = t - last.mean()
    # not np.dot: BLAS threads stall under load
    out[2] = out[1] if weights is None else t - (weights * last).sum() / weights.sum()
    out[3] = t - last.min()
    for i, window in enumerate(windows):
        out[4 + i] = np.count_nonzero(seen & (last >= t - window)) / n


class SeriesRecorder:
    """Appends one row per sample: t, coverage, mean/weighted/max idleness, windowed coverages."""

    def __init__(self, windows: tuple[float, ...]) -> None:
        self.windows = np.asarray(windows, dtype=np.float64)
        self.columns = ["t", "coverage", "avg_idleness", "weighted_avg_idleness", "max_idleness"] + [
            window_key(w) for w in windows
        ]
        self.rows: list[np.ndarray] = []

    def sample(self, t: float, last: np.ndarray, visits: np.ndarray, weights: np.ndarray | None) -> None:
        """Record the row at the current time t; ``last`` is each node's last-seen time, ``visits`` its
        visit count, ``weights`` as in :func:`sample_row`."""
        row = np.empty(len(self.columns))
        row[0] = t
        sample_row(t, last, visits, weights, self.windows, row[1:])
        self.rows.append(row)

    def clear(self) -> None:
        self.rows.clear()

    def as_arrays(self) -> dict[str, np.ndarray]:
        data = np.array(self.rows, dtype=np.float64).reshape(-1, len(self.columns))
        return {c: data[:, i] for i, c in enumerate(self.columns)}


def window_key(window: float) -> str:
    """Metric name of windowed coverage for a window in seconds, e.g. 'coverage_within_300s'."""
    return f"coverage_within_{window:g}s"
