"""Reading back the path a shortest-path search found, from its predecessor array.

Numba-compatible Python registered with :func:`patrolsim.jit.kernel_function`, shared by the searches
of :mod:`patrolsim.algorithms.search` and :mod:`patrolsim.algorithms.goal_search`.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel_function


@kernel_function
def walk_back(pred, source, target):
    """Node ids of the path source -> target from a predecessor array, excluding source."""
    n = 0
    node = target
    while node != source and node >= 0:
        n += 1
        node = pred[node]
    out = np.empty(n, dtype=np.int64)
    node = target
    for i in range(n - 1, -1, -1):
        out[i] = node
        node = pred[node]
    return out
