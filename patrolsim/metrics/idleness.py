"""Idleness and visit metrics, computed from the per-node accumulators the event loop keeps.

The loop closes one idleness interval per visit in O(1) (kernel.visit); here the open intervals
(from each node's last visit to the end time) are added, so every figure is exact.

Definitions (t0 = end of warm-up, T = end time, I(v, t) = t - last visit of v, last visit = t0 at t0):
* time_avg_idleness: (1 / (N (T - t0))) * sum_v integral_{t0}^{T} I(v, t) dt
* weighted_time_avg_idleness: the same with node weights w_v: sum_v w_v * integral / (sum_v w_v (T - t0))
* worst_idleness: max over nodes and time of I(v, t), open intervals at T included
* a node in view of an agent standing still (waiting, holding at a post, on scene) has I = 0
* mean_interval, interval_qmean, interval_std: mean, quadratic mean and standard deviation of all
  closed revisit intervals (the first interval runs from t0 to the first visit), the "average
  idleness" of patrolling_sim; zero-length intervals (two agents at once) are not intervals
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..determinism import log2
from .totals import NodeTotals

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap


def sweep_time_s(pmap: PatrolMap, speeds: Sequence[float]) -> float:
    """The team's sweep time (s): how long agents at ``speeds`` (m/s, one per agent) take to walk past
    every node of ``pmap`` once (one mean edge per node), the natural unit of idleness on a map (the
    window's heat scale, the RL environment's observations)."""
    mean_edge = float(pmap.lengths.mean()) if pmap.lengths.size else 1.0
    return pmap.n_nodes * mean_edge / (len(speeds) * float(np.mean(speeds)))


def node_table(nodes: NodeTotals, t0: float, t_end: float) -> dict[str, np.ndarray]:
    """Per-node figures: visits, mean/max interval (s), time-averaged idleness (s), first visit (s).

    ``nodes.last`` is each node's last-seen time at t_end (the open interval runs from there)."""
    open_int = t_end - nodes.last
    area = nodes.area + 0.5 * open_int**2
    count = nodes.intervals
    span = max(t_end - t0, 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_int = np.where(count > 0, nodes.interval_sum / np.maximum(count, 1), np.nan)
    first = nodes.first
    return {
        "visits": nodes.visits.copy(),
        "mean_interval": mean_int,
        "max_interval": np.maximum(nodes.interval_max, open_int),
        "time_avg_idleness": area / span,
        "first_visit": np.where(np.isfinite(first), first - t0, np.nan),
    }


def idleness_metrics(nodes: NodeTotals, weights: np.ndarray, t0: float, t_end: float) -> dict[str, float]:
    """Network-level idleness figures (seconds) between t0 and t_end; see the module docstring."""
    open_int = t_end - nodes.last
    area = nodes.area + 0.5 * open_int**2
    span = t_end - t0
    count = int(nodes.intervals.sum())
    mean = float(nodes.interval_sum.sum() / count) if count else float("nan")
    qmean = float(np.sqrt(nodes.interval_sq.sum() / count)) if count else float("nan")
    return {
        "time_avg_idleness": float(area.mean() / span) if span > 0 else 0.0,
        "weighted_time_avg_idleness": float((weights * area).sum() / (weights.sum() * span)) if span > 0 else 0.0,
        "worst_idleness": float(max(nodes.interval_max.max(), open_int.max())),
        "mean_interval": mean,
        "interval_qmean": qmean,
        "interval_std": float(np.sqrt(max(qmean**2 - mean**2, 0.0))) if count else float("nan"),
        "intervals_total": count,
    }


def choice_entropy(indptr: np.ndarray, moves: np.ndarray) -> float:
    """Unpredictability of the patrol: the entropy (bits) of the next-node choice at a node, averaged
    over departures. 0 means an observer who knows where an agent is always knows where it goes next;
    log2(degree) is a uniform random walk. ``moves[k]`` counts departures along CSR entry k."""
    total = moves.sum()
    if total == 0:
        return 0.0
    node_of = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    out_of = np.bincount(node_of, weights=moves, minlength=indptr.size - 1)
    p = moves / np.maximum(out_of[node_of], 1)
    used = moves > 0
    return float((-moves[used] * log2(p[used])).sum() / total)
