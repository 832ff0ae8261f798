"""Fairness and privacy ledgers per area (a node, or a square region of the map).

Three incident ledgers (true, reported, discovered) and two presence ledgers: patrol time (seconds
agents spend in the area) and observation time (seconds of agent sensing aimed at the area's nodes,
summed over agents: a privacy cost, person-observation exposure). From them:

* exposure ratio = patrol-time share / true-incident share (> 1: over-policed relative to incidents);
* Gini index of patrol time over areas (0: even; near 1: all in one area);
* detection rate per area = discovered / true discoverable, and the detection disparity: the
  detection rate in the more-patrolled half of the areas over that in the less-patrolled half.
"""

from __future__ import annotations

import numpy as np

from ..determinism import dot
from ..maps.model import PatrolMap


def area_of_nodes(pmap: PatrolMap, region_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(area id of every node, (K, 2) area centres in metres); region_m = 0: one area per node."""
    if region_m <= 0:
        return np.arange(pmap.n_nodes, dtype=np.int64), pmap.positions.copy()
    xmin, ymin, _, _ = pmap.bounds()
    cell = np.floor((pmap.positions - (xmin, ymin)) / region_m).astype(np.int64)
    keys, area = np.unique(cell[:, 0] * 1_000_003 + cell[:, 1], return_inverse=True)
    centres = np.zeros((keys.size, 2))
    np.add.at(centres, area, pmap.positions)
    return area.astype(np.int64), centres / np.bincount(area)[:, None]


def gini(values: np.ndarray) -> float:
    """Gini index of non-negative values (0 = all equal, (n - 1) / n = all in one)."""
    v = np.sort(np.asarray(values, dtype=float))
    n, total = v.size, v.sum()
    if n == 0 or total <= 0:
        return 0.0
    return dot(2.0 * np.arange(1, n + 1) - n - 1, v) / (n * total)


class Ledgers:
    """Per-area incident and presence ledgers of one run."""

    def __init__(self, pmap: PatrolMap, region_m: float, sense_ptr: np.ndarray, sense_idx: np.ndarray) -> None:
        self.area, self.centres = area_of_nodes(pmap, region_m)
        self.n_areas = int(self.centres.shape[0])
        self._sense = (sense_ptr, sense_idx)
        self._n = pmap.n_nodes
        # agent-seconds standing nearest to each node, per row of the sensing CSR (one block of n + 1
        # rows per sensing group, the last row of each unused)
        self._presence = np.zeros(sense_ptr.size - 1)

    def add_presence(self, rows: np.ndarray, seconds: float) -> None:
        """Count ``seconds`` of presence of one agent at each of ``rows`` (its nearest node plus the
        offset of its sensing group)."""
        np.add.at(self._presence, rows, seconds)

    @property
    def presence(self) -> np.ndarray:
        """Agent-seconds standing nearest to each node."""
        n = self._n
        return np.append(self._presence, 0.0).reshape(-1, n + 1)[:, :n].sum(axis=0)

    def observation_by_node(self) -> np.ndarray:
        """Agent-seconds each node spent inside some agent's sensing range."""
        ptr, idx = self._sense
        src = np.repeat(np.arange(ptr.size - 1), np.diff(ptr))
        return np.bincount(idx, weights=self._presence[src], minlength=self._n)

    def table(
        self,
        true_nodes: np.ndarray,
        reported_nodes: np.ndarray,
        discoverable_nodes: np.ndarray,
        discovered_nodes: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Per-area columns: incident ledgers, patrol and observation seconds, shares and ratios."""
        k = self.n_areas

        def count(nodes):
            return np.bincount(self.area[nodes], minlength=k).astype(np.int64)

        patrol = np.bincount(self.area, weights=self.presence, minlength=k)
        true = count(true_nodes)
        disc_true, disc = count(discoverable_nodes), count(discovered_nodes)
        patrol_share = patrol / patrol.sum() if patrol.sum() > 0 else np.zeros(k)
        true_share = true / true.sum() if true.sum() > 0 else np.zeros(k)
        with np.errstate(divide="ignore", invalid="ignore"):
            exposure = np.where(true > 0, patrol_share / np.where(true_share > 0, true_share, 1), np.nan)
            detection = np.where(disc_true > 0, disc / np.maximum(disc_true, 1), np.nan)
        return {
            "area": np.arange(k),
            "x_m": self.centres[:, 0],
            "y_m": self.centres[:, 1],
            "nodes": np.bincount(self.area, minlength=k),
            "true": true,
            "reported": count(reported_nodes),
            "discoverable": disc_true,
            "discovered": disc,
            "patrol_s": patrol,
            "patrol_share": patrol_share,
            "true_share": true_share,
            "exposure_ratio": exposure,
            "detection_rate": detection,
            "observed_s": np.bincount(self.area, weights=self.observation_by_node(), minlength=k),
        }


def fairness_metrics(table: dict[str, np.ndarray]) -> dict[str, float | None]:
    """Scalar summaries of an area table (see the module docstring)."""
    exposure = table["exposure_ratio"][np.isfinite(table["exposure_ratio"])]
    return {
        "patrol_gini": gini(table["patrol_s"]),
        "exposure_ratio_min": float(exposure.min()) if exposure.size else None,
        "exposure_ratio_max": float(exposure.max()) if exposure.size else None,
        "detection_disparity": detection_disparity(table["patrol_s"], table["discoverable"], table["discovered"]),
        "observation_total_s": float(table["observed_s"].sum()),
        "observation_gini": gini(table["observed_s"]),
    }


def detection_disparity(patrol_s: np.ndarray, discoverable: np.ndarray, discovered: np.ndarray) -> float | None:
    """Detection rate in the more-patrolled half of the areas (by patrol time, incidents weighted)
    over that in the less-patrolled half; None when either half has no discoverable incident or the
    less-patrolled half found none."""
    order = np.argsort(patrol_s, kind="stable")
    low, high = order[: order.size // 2], order[order.size // 2 :]
    if discoverable[low].sum() == 0 or discoverable[high].sum() == 0 or discovered[low].sum() == 0:
        return None
    return float(
        (discovered[high].sum() / discoverable[high].sum()) / (discovered[low].sum() / discoverable[low].sum())
    )
