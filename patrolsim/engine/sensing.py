"""What an agent sees from a node: the node itself plus every node within the sensing radius
(with line of sight through free cells on grid maps), as CSR arrays for the event loop."""
from __future__ import annotations

import numpy as np

from ..maps.model import PatrolMap

LOS_STEP_CELLS = 0.25  # line-of-sight samples per cell along a sight line
PAIR_CHUNK = 2_000_000


def sensing_sets(pmap: PatrolMap, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """CSR (ptr, idx) of the nodes sensed from each node; radius 0 senses only the node itself."""
    n = pmap.n_nodes
    if radius_m <= 0:
        return np.arange(n + 1, dtype=np.int64), np.arange(n, dtype=np.int64)
    from scipy.spatial import cKDTree

    pairs = cKDTree(pmap.positions).query_pairs(radius_m, output_type="ndarray").astype(np.int64)
    if pmap.grid is not None and pairs.size:
        pairs = np.concatenate([pairs[i:i + PAIR_CHUNK][_line_of_sight(pmap, pairs[i:i + PAIR_CHUNK])]
                                for i in range(0, len(pairs), PAIR_CHUNK)])
    selfs = np.arange(n, dtype=np.int64)
    src = np.concatenate([selfs, pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([selfs, pairs[:, 1], pairs[:, 0]])
    order = np.lexsort((dst, src))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=ptr[1:])
    return ptr, dst[order]


def _line_of_sight(pmap: PatrolMap, pairs: np.ndarray) -> np.ndarray:
    """True for node pairs whose straight segment crosses only free cells."""
    grid = pmap.grid
    cells = grid.node_cells().astype(np.float64) + 0.5
    a, b = cells[pairs[:, 0]], cells[pairs[:, 1]]
    span = np.abs(b - a).max(axis=1)
    steps = int(np.ceil(span.max() / LOS_STEP_CELLS)) + 1
    ok = np.ones(len(pairs), dtype=bool)
    for s in np.linspace(0.0, 1.0, steps):
        p = np.floor(a + (b - a) * s).astype(np.int64)
        ok &= grid.free[p[:, 0], p[:, 1]]
    return ok
