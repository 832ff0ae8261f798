"""Connected components of a CSR graph, with numpy alone (no compiled code, no scipy at start-up)."""

from __future__ import annotations

import numpy as np


def component_labels(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Label (0, 1, ...) of the connected component of every node, numbered in order of each
    component's first (smallest) node id.

    Each node points to the smallest node id it is known to share a component with; every round
    hooks both ends of every edge to the smaller of their roots, then shortens the pointers to their
    roots, until no edge joins two roots (a few dozen rounds on a 1,000 x 1,000 grid)."""
    n = indptr.size - 1
    root = np.arange(n, dtype=np.int64)
    u = np.repeat(root, np.diff(indptr))
    v = np.asarray(indices, dtype=np.int64)
    while True:
        ru, rv = root[u], root[v]
        apart = ru != rv
        if not apart.any():
            break
        low = np.minimum(ru[apart], rv[apart])
        np.minimum.at(root, ru[apart], low)
        np.minimum.at(root, rv[apart], low)
        while True:  # pointer jumping: every node to its root
            up = root[root]
            if np.array_equal(up, root):
                break
            root = up
    return np.unique(root, return_inverse=True)[1].astype(np.int64)
