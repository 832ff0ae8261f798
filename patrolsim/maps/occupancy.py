"""Occupancy grid -> PatrolMap: one node per free cell, edges between adjacent free cells."""

from __future__ import annotations

import numpy as np

from .model import GridInfo, PatrolMap


def grid_map(
    name: str,
    free: np.ndarray,
    *,
    cell_size: float = 1.0,
    connectivity: int = 4,
    cell_weights: np.ndarray | None = None,
    start_cells: np.ndarray | None = None,
    origin: tuple[float, float] = (0.0, 0.0),
    source: str | None = None,
    largest_component: bool = False,
    attribution: str = "",
    meta: dict | None = None,
) -> PatrolMap:
    """Build a grid map from a boolean ``free`` array (row 0 = north).

    Orthogonal neighbours are joined by edges of ``cell_size`` metres; with ``connectivity=8``
    diagonal neighbours too (``cell_size * sqrt(2)``), but only where both cells beside the diagonal
    are free, so a move never cuts a wall corner.
    """
    free = np.asarray(free, dtype=bool)
    rows, cols = free.shape
    cell_node = np.full(free.shape, -1, dtype=np.int64)
    cell_node[free] = np.arange(int(free.sum()))
    rr, cc = np.nonzero(free)
    positions = np.column_stack([origin[0] + (cc + 0.5) * cell_size, origin[1] + (rows - rr - 0.5) * cell_size])
    padded = np.zeros((rows + 2, cols + 2), dtype=bool)
    padded[1:-1, 1:-1] = free

    def shifted(dr: int, dc: int) -> np.ndarray:
        return padded[1 + dr : 1 + dr + rows, 1 + dc : 1 + dc + cols]

    edges, lengths = [], []
    steps = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if connectivity == 8 else [])
    for dr, dc in steps:
        ok = free & shifted(dr, dc)
        if dr and dc:  # diagonal: both cells beside it must be free
            ok &= shifted(dr, 0) & shifted(0, dc)
        r0, c0 = np.nonzero(ok)
        edges.append(np.column_stack([cell_node[r0, c0], cell_node[r0 + dr, c0 + dc]]))
        lengths.append(np.full(r0.size, cell_size * (np.sqrt(2.0) if dr and dc else 1.0)))
    weights = None if cell_weights is None else np.asarray(cell_weights, dtype=np.float64)[free]
    starts: tuple[int, ...] = ()
    if start_cells is not None and len(start_cells):
        starts = tuple(int(cell_node[r, c]) for r, c in np.asarray(start_cells))
    grid = GridInfo(free=free, cell_node=cell_node, cell_size=cell_size, origin=origin, connectivity=connectivity)
    return PatrolMap.from_edges(
        name,
        positions,
        np.concatenate(edges),
        np.concatenate(lengths),
        weights,
        source=source,
        largest_component=largest_component,
        starts=starts,
        grid=grid,
        attribution=attribution,
        meta=meta or {},
    )
