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
    x0, y0, x1, y1 = pmap.bounds()
    cell = pmap.grid.cell_size if pmap.grid is not None else 0.0
    radius_m = min(radius_m, float(np.hypot(x1 - x0, y1 - y0)) + 2 * cell)  # beyond the map's extent: all of it
    if pmap.grid is not None:
        pairs = _grid_pairs(pmap, radius_m)
        pairs = np.concatenate(
            [
                pairs[i : i + PAIR_CHUNK][_line_of_sight(pmap, pairs[i : i + PAIR_CHUNK])]
                for i in range(0, len(pairs), PAIR_CHUNK)
            ]
            or [pairs]
        )
    else:
        pairs = _graph_pairs(pmap.positions, radius_m)
    selfs = np.arange(n, dtype=np.int64)
    src = np.concatenate([selfs, pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([selfs, pairs[:, 1], pairs[:, 0]])
    order = np.lexsort((dst, src))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=ptr[1:])
    return ptr, dst[order]


def _grid_pairs(pmap: PatrolMap, radius_m: float) -> np.ndarray:
    """(P, 2) node pairs, each unordered pair once, whose cell centres lie within ``radius_m``."""
    grid = pmap.grid
    assert grid is not None  # called for grid maps only
    cells = grid.cell_node
    rows, cols = cells.shape
    reach = int(radius_m // grid.cell_size)
    out = [np.zeros((0, 2), dtype=np.int64)]
    for dr in range(reach + 1):
        for dc in range(-reach, reach + 1):
            if (dr == 0 and dc <= 0) or (dr * dr + dc * dc) * grid.cell_size**2 > radius_m**2:
                continue
            if dr >= rows or abs(dc) >= cols:
                continue
            a = cells[: rows - dr, max(0, -dc) : cols - max(0, dc)]
            b = cells[dr:, max(0, dc) : cols - max(0, -dc)]
            both = (a >= 0) & (b >= 0)
            out.append(np.column_stack([a[both], b[both]]))
    return np.concatenate(out)


def _graph_pairs(positions: np.ndarray, radius_m: float, chunk: int = 2048) -> np.ndarray:
    """(P, 2) node pairs (u < v) within ``radius_m`` of each other (Euclidean), by chunked brute force."""
    out = [np.zeros((0, 2), dtype=np.int64)]
    for start in range(0, len(positions), chunk):
        block = positions[start : start + chunk]
        d2 = ((block[:, None, :] - positions[None, :, :]) ** 2).sum(axis=2)
        u, v = np.nonzero(d2 <= radius_m**2)
        u = u + start
        keep = u < v
        out.append(np.column_stack([u[keep], v[keep]]))
    return np.concatenate(out)


def _line_of_sight(pmap: PatrolMap, pairs: np.ndarray) -> np.ndarray:
    """True for node pairs whose straight segment crosses only free cells."""
    grid = pmap.grid
    assert grid is not None  # called for grid maps only
    cells = grid.node_cells().astype(np.float64) + 0.5
    a, b = cells[pairs[:, 0]], cells[pairs[:, 1]]
    span = np.abs(b - a).max(axis=1)
    steps = int(np.ceil(span.max() / LOS_STEP_CELLS)) + 1
    ok = np.ones(len(pairs), dtype=bool)
    for s in np.linspace(0.0, 1.0, steps):
        p = np.floor(a + (b - a) * s).astype(np.int64)
        ok &= grid.free[p[:, 0], p[:, 1]]
    return ok


def grouped_sensing_sets(pmap: PatrolMap, radii: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sensing sets of agents with radii ``radii`` (one per agent), one block of rows per distinct
    radius: (ptr, idx, offsets), where agent i senses from node v along
    ``idx[ptr[offsets[i] + v] : ptr[offsets[i] + v + 1]]``. One radius gives exactly
    :func:`sensing_sets` with every offset 0."""
    distinct = sorted(set(radii), key=radii.index)  # first appearance order: agent 0's radius is block 0
    n = pmap.n_nodes
    ptrs, idxs, size = [], [], 0
    for r in distinct:
        ptr, idx = sensing_sets(pmap, r)
        ptrs.append(ptr + size)
        idxs.append(idx)
        size += idx.size
    offsets = np.array([distinct.index(r) * (n + 1) for r in radii], dtype=np.int64)
    return np.concatenate(ptrs), np.concatenate(idxs), offsets
