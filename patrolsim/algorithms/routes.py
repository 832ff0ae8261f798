"""Shortest paths towards target nodes (incidents, docks): one Dijkstra tree per target, grown back
along the edges, the most recent kept."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap


class Router:
    """Shortest paths towards target nodes: one Dijkstra tree per target, the most recent kept
    (as many as fit ``budget_bytes``)."""

    def __init__(self, pmap: PatrolMap, budget_bytes: int = 64 * 1024 * 1024) -> None:
        # trees grow from the target back along the edges: reversed on a directed map
        self._directed = pmap.directed
        self._adj = pmap.adjacency().T.tocsr() if pmap.directed else pmap.adjacency()
        self._trees: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._capacity = max(1, budget_bytes // (12 * pmap.n_nodes))

    def _tree(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        tree = self._trees.get(node)
        if tree is None:
            from scipy.sparse.csgraph import dijkstra

            dist, pred = dijkstra(self._adj, directed=self._directed, indices=node, return_predecessors=True)
            tree = self._trees[node] = (dist, pred.astype(np.int32))
            if len(self._trees) > self._capacity:
                self._trees.popitem(last=False)
        else:
            self._trees.move_to_end(node)
        return tree

    def distances_to(self, node: int) -> np.ndarray:
        """Shortest-path distance in metres from every node to ``node``."""
        return self._tree(node)[0]

    def path(self, here: int, node: int) -> list[int]:
        """Node ids of a shortest path from ``here`` to ``node`` (excluding here, including node)."""
        pred = self._tree(node)[1]
        out = []
        while here != node:
            here = int(pred[here])
            out.append(here)
        return out
