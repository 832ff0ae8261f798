"""Shortest-path distances on a PatrolMap (scipy.sparse.csgraph Dijkstra).

A full N x N matrix is computed once when it fits ``budget_bytes``; otherwise rows are computed on
demand and kept in a small LRU cache, so a 1,000,000-node grid never allocates N^2 floats.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .model import PatrolMap

DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024
DEFAULT_CACHED_ROWS = 256


class DistanceOracle:
    """Shortest-path distances (metres) and paths between nodes of one map; on a directed map
    ``row(u)[v]`` and ``matrix[u, v]`` are the distance from u to v (which may differ from v to u)."""

    def __init__(
        self, pmap: PatrolMap, budget_bytes: int = DEFAULT_BUDGET_BYTES, cached_rows: int = DEFAULT_CACHED_ROWS
    ) -> None:
        self._map = pmap
        self._adj = pmap.adjacency()
        n = pmap.n_nodes
        self.full = n * n * 8 <= budget_bytes
        self._matrix: np.ndarray | None = None
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self._cached_rows = cached_rows

    @property
    def matrix(self) -> np.ndarray:
        """The full N x N distance matrix; only available when ``self.full`` is True."""
        if not self.full:
            raise MemoryError("the distance matrix of this map exceeds the memory budget; use row()")
        if self._matrix is None:
            from scipy.sparse.csgraph import dijkstra

            self._matrix = dijkstra(self._adj, directed=self._map.directed)
        return self._matrix

    def row(self, source: int) -> np.ndarray:
        """Distances in metres from ``source`` to every node (read-only array)."""
        if self.full:
            return self.matrix[source]
        row = self._rows.get(source)
        if row is None:
            from scipy.sparse.csgraph import dijkstra

            row = dijkstra(self._adj, directed=self._map.directed, indices=source)
            row.setflags(write=False)
            self._rows[source] = row
            if len(self._rows) > self._cached_rows:
                self._rows.popitem(last=False)
        else:
            self._rows.move_to_end(source)
        return row

    def to(self, target: int) -> np.ndarray:
        """Distances in metres from every node to ``target`` (read-only): ``row(target)`` on an undirected
        map; on a directed one a search along the edges reversed (not cached)."""
        if not self._map.directed:
            return self.row(target)
        from scipy.sparse.csgraph import dijkstra

        out = dijkstra(self._adj.T.tocsr(), directed=True, indices=target)
        out.setflags(write=False)
        return out

    def between(self, u: int, v: int) -> float:
        """Shortest-path distance in metres from u to v."""
        return float(self.row(u)[v])

    def path(self, u: int, v: int, edge_cost: np.ndarray | None = None) -> list[int]:
        """Node ids of a shortest path from u to v, excluding u and including v.

        ``edge_cost`` optionally replaces the edge lengths (aligned with the map's CSR ``lengths``),
        for strategies that route through preferred nodes.
        """
        if u == v:
            return []
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        adj = self._adj
        if edge_cost is not None:
            n = self._map.n_nodes
            adj = csr_matrix((edge_cost, self._map.indices, self._map.indptr), shape=(n, n))
        _, pred = dijkstra(adj, directed=True, indices=u, return_predecessors=True)
        out = []
        node = v
        while node != u:
            if node < 0:
                raise ValueError(f"node {v} is not reachable from {u}")
            out.append(int(node))
            node = pred[node]
        out.reverse()
        return out
