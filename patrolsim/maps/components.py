"""Connected components of a CSR graph (compiled breadth-first search; avoids importing scipy at start-up)."""

from __future__ import annotations

import numpy as np

from ..jit import kernel_function


@kernel_function
def component_labels(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Label (0, 1, ...) of the connected component of every node, numbered in order of first node."""
    n = indptr.size - 1
    labels = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    current = 0
    for root in range(n):
        if labels[root] >= 0:
            continue
        labels[root] = current
        head, tail = 0, 1
        queue[0] = root
        while head < tail:
            u = queue[head]
            head += 1
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                if labels[v] < 0:
                    labels[v] = current
                    queue[tail] = v
                    tail += 1
        current += 1
    return labels
