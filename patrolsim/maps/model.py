"""PatrolMap: the one in-memory map model every loader produces and the engine consumes.

A map is an undirected graph. Nodes have a position in metres and a priority weight; edges have a
length in metres. The engine works on the compiled arrays held here (CSR adjacency, positions,
weights); :attr:`PatrolMap.graph` builds the equivalent networkx graph for analysis on demand.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MapError, printable, snippet
from ..schema import MAX_COORD, plain

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .distances import DistanceOracle


@dataclass(eq=False)
class GridInfo:
    """The occupancy grid behind a grid map, kept for drawing and line-of-sight checks.

    ``free[r, c]`` is True for a free cell; row 0 is the top (northmost) row. ``cell_node[r, c]`` is the
    node id of a free cell and -1 for a wall. Cell (r, c) has its centre at
    ``origin + ((c + 0.5) * cell_size, (rows - r - 0.5) * cell_size)`` metres (y grows northwards).
    """

    free: np.ndarray
    cell_node: np.ndarray
    cell_size: float
    origin: tuple[float, float] = (0.0, 0.0)
    connectivity: int = 4

    @property
    def shape(self) -> tuple[int, int]:
        return self.free.shape

    def node_cells(self) -> np.ndarray:
        """(N, 2) array of (row, col) for every node, in node-id order."""
        rows, cols = np.nonzero(self.cell_node >= 0)
        ids = self.cell_node[rows, cols]
        out = np.empty((ids.size, 2), dtype=np.int64)
        out[ids, 0] = rows
        out[ids, 1] = cols
        return out


@dataclass(eq=False)
class PatrolMap:
    """A patrol map compiled to arrays.

    Attributes:
        name: human-readable map name.
        positions: (N, 2) float64 node positions in metres (x east, y north).
        weights: (N,) float64 priority weights (default 1).
        indptr, indices, lengths: symmetric CSR adjacency; ``lengths`` are edge lengths in metres.
        starts: node ids marked as start positions in the map file (may be empty).
        labels: the node ids as the source file names them (for output), in node-id order.
        grid: the occupancy grid for grid maps, else None.
        source: the file the map came from.
        attribution: data credit to show wherever the map is used.
        dropped_positions, dropped_labels: the nodes ``largest_component`` left out (their positions
            in metres and, on maps with ids, their ids), so that a place given there is reported as
            unreachable rather than moved; None when nothing was dropped.
    """

    name: str
    positions: np.ndarray
    weights: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    lengths: np.ndarray
    starts: tuple[int, ...] = ()
    labels: list | None = None
    grid: GridInfo | None = None
    source: str | None = None
    attribution: str = ""
    meta: dict = field(default_factory=dict)
    dropped_positions: np.ndarray | None = None
    dropped_labels: list | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_edges(
        cls,
        name: str,
        positions: np.ndarray,
        edges: np.ndarray,
        lengths: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        *,
        source: str | None = None,
        largest_component: bool = False,
        **kwargs,
    ) -> PatrolMap:
        """Build a validated map from node positions and an (E, 2) array of undirected edges.

        Edge lengths default to the Euclidean distance between end points. Duplicate edges keep the
        shortest length; self-loops are dropped. Raises :class:`MapError` for an empty map, edge ids
        out of range, non-positive or non-finite lengths or weights, or a disconnected graph (unless
        ``largest_component`` is set, which keeps the largest connected component).
        """
        src = source or name
        name = printable(name)  # file text: shown escaped, never as terminal control sequences
        if "attribution" in kwargs:
            kwargs["attribution"] = printable(kwargs["attribution"])
        positions = np.asarray(positions, dtype=np.float64).reshape(-1, 2)
        n = positions.shape[0]
        if n == 0:
            raise MapError("the map has no free cells or nodes; expected at least one", source=src)
        if not np.all(np.isfinite(positions)):
            raise MapError("node positions must be finite numbers", source=src)
        if np.abs(positions).max() > MAX_COORD:
            raise MapError(f"node positions must lie within +-{MAX_COORD:g} metres of the origin", source=src)
        labels = kwargs.get("labels")
        if labels is not None and len(set(labels)) != len(labels):
            counts = collections.Counter(labels)
            twice = next(x for x in labels if counts[x] > 1)
            raise MapError(
                f"two nodes have the id {snippet(twice)} (ids such as '1' and '01' name the same number); "
                "expected distinct node ids",
                source=src,
            )
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        if edges.size and (edges.min() < 0 or edges.max() >= n):
            bad = edges[(edges < 0).any(axis=1) | (edges >= n).any(axis=1)][0]
            raise MapError(
                f"edge {tuple(int(x) for x in bad)} names a node id that does not exist (expected 0..{n - 1})",
                source=src,
            )
        if lengths is None:
            lengths = np.linalg.norm(positions[edges[:, 0]] - positions[edges[:, 1]], axis=1)
        lengths = np.asarray(lengths, dtype=np.float64).reshape(-1)
        loops = edges[:, 0] == edges[:, 1]
        edges, lengths = edges[~loops], lengths[~loops]
        bad = ~(np.isfinite(lengths) & (lengths > 0))
        if bad.any():
            i = int(np.argmax(bad))
            u, v = (labels[int(k)] if labels is not None else int(k) for k in edges[i])
            raise MapError(
                f"edge ({snippet(u)}, {snippet(v)}) has length {plain(lengths[i])}; expected a positive number of "
                "metres",
                source=src,
            )
        if weights is None:
            weights = np.ones(n)
        weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        if weights.shape[0] != n or not np.all(np.isfinite(weights) & (weights > 0)):
            raise MapError("node weights must be positive numbers, one per node", source=src)
        indptr, indices, lens = _symmetric_csr(n, edges, lengths)
        pmap = cls(
            name=name,
            positions=positions,
            weights=weights,
            indptr=indptr,
            indices=indices,
            lengths=lens,
            source=source,
            **kwargs,
        )
        return pmap._checked_connected(largest_component)

    def _checked_connected(self, largest_component: bool) -> PatrolMap:
        labels = self.component_labels()
        count = int(labels.max()) + 1
        if count == 1:
            return self
        sizes = np.bincount(labels)
        if not largest_component:
            raise MapError(
                f"the map is disconnected: {count} components (largest has {sizes.max()} "
                f"of {self.n_nodes} nodes); set largest_component = true in the scenario's "
                "[map] table (or --largest-component) to keep only the largest",
                source=self.source or self.name,
            )
        keep = labels == int(np.argmax(sizes))
        kept = self.subgraph(np.flatnonzero(keep))
        kept.dropped_positions = self.positions[~keep]
        if self.labels is not None:
            kept.dropped_labels = [label for label, k in zip(self.labels, keep.tolist()) if not k]
        return kept

    def component_labels(self) -> np.ndarray:
        """Connected-component label of every node (0-based)."""
        from .. import jit
        from . import components

        jit.for_work(self.indices.size)
        return components.component_labels(self.indptr, self.indices)

    def subgraph(self, keep: np.ndarray) -> PatrolMap:
        """The map restricted to the nodes ``keep`` (sorted node ids), renumbered 0..len(keep)-1."""
        keep = np.asarray(keep, dtype=np.int64)
        new_id = np.full(self.n_nodes, -1, dtype=np.int64)
        new_id[keep] = np.arange(keep.size)
        u, v, lens = self.edge_list()
        ok = (new_id[u] >= 0) & (new_id[v] >= 0)
        indptr, indices, lens = _symmetric_csr(keep.size, np.column_stack([new_id[u[ok]], new_id[v[ok]]]), lens[ok])
        grid = None
        if self.grid is not None:
            cell_node = np.where(self.grid.cell_node >= 0, new_id[np.maximum(self.grid.cell_node, 0)], -1)
            grid = GridInfo(
                free=cell_node >= 0,
                cell_node=cell_node,
                cell_size=self.grid.cell_size,
                origin=self.grid.origin,
                connectivity=self.grid.connectivity,
            )
        starts = tuple(int(new_id[s]) for s in self.starts if new_id[s] >= 0)
        labels = [self.labels[i] for i in keep] if self.labels is not None else None
        return PatrolMap(
            name=self.name,
            positions=self.positions[keep],
            weights=self.weights[keep],
            indptr=indptr,
            indices=indices,
            lengths=lens,
            starts=starts,
            labels=labels,
            grid=grid,
            source=self.source,
            attribution=self.attribution,
            meta=dict(self.meta),
        )

    # ------------------------------------------------------------------ queries
    @property
    def n_nodes(self) -> int:
        return int(self.positions.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.indices.size // 2)

    @property
    def kind(self) -> str:
        """'grid' for occupancy-grid maps, 'graph' otherwise."""
        return "grid" if self.grid is not None else "graph"

    def neighbours(self, node: int) -> np.ndarray:
        """Node ids adjacent to ``node``."""
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def edge_length(self, u: int, v: int) -> float:
        """Length in metres of edge (u, v); raises KeyError when there is no such edge."""
        lo, hi = self.indptr[u], self.indptr[u + 1]
        hit = np.flatnonzero(self.indices[lo:hi] == v)
        if hit.size == 0:
            raise KeyError((u, v))
        return float(self.lengths[lo + hit[0]])

    def edge_list(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each undirected edge once: arrays (u, v, length_m) with u < v."""
        u = np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))
        once = u < self.indices
        return u[once], self.indices[once], self.lengths[once]

    def reverse_entries(self) -> np.ndarray:
        """For each CSR entry k (edge u->v), the entry of the same edge stored at v (v->u)."""
        u = np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))
        # entries sorted by (u, v); the reverse entries sorted by (v, u) line up with them
        order = np.lexsort((u, self.indices))
        rev = np.empty_like(order)
        rev[np.lexsort((self.indices, u))] = order
        return rev

    def total_length(self) -> float:
        """Sum of all edge lengths in metres."""
        return float(self.edge_list()[2].sum())

    def node_label(self, node: int):
        """The id the source file used for ``node``."""
        return self.labels[node] if self.labels is not None else node

    @cached_property
    def _ids(self) -> dict:
        if self.labels is None:
            return {str(i): i for i in range(self.n_nodes)}
        out: dict = {label: i for i, label in enumerate(self.labels)}
        out.update({str(label): i for i, label in enumerate(self.labels) if str(label) not in out})
        return out

    def node_of(self, node_id) -> int | None:
        """The node a file names by ``node_id`` (its own id, or the id as text; on grid maps the node
        index), or None when the map has no such node."""
        ids = self._ids
        found = ids.get(node_id) if isinstance(node_id, (int, str)) and not isinstance(node_id, bool) else None
        return found if found is not None else ids.get(str(node_id))

    def adjacency(self):
        """The adjacency as a scipy CSR matrix of edge lengths."""
        from scipy.sparse import csr_matrix

        n = self.n_nodes
        return csr_matrix((self.lengths, self.indices, self.indptr), shape=(n, n))

    def nearest_node(self, xy: Sequence[float] | np.ndarray) -> int:
        """The node closest (Euclidean) to the point ``xy`` in metres."""
        d = np.einsum("ij,ij->i", self.positions - np.asarray(xy), self.positions - np.asarray(xy))
        return int(np.argmin(d))

    @cached_property
    def sample_weights(self) -> np.ndarray | None:
        """The node weights, or None when they are all equal (weighted figures equal plain ones)."""
        w = self.weights
        return None if w.size == 0 or w.min() == w.max() else w

    @cached_property
    def distances(self) -> DistanceOracle:
        """Shortest-path distances in metres (full matrix when it fits the budget, else cached rows)."""
        from .distances import DistanceOracle

        return DistanceOracle(self)

    @cached_property
    def graph(self) -> nx.Graph:
        """The map as a networkx Graph: node attributes x, y, weight; edge attribute length."""
        import networkx as nx

        g = nx.Graph(name=self.name)
        for i, ((x, y), w) in enumerate(zip(self.positions.tolist(), self.weights.tolist())):
            g.add_node(i, x=x, y=y, weight=w)
        u, v, lens = self.edge_list()
        g.add_weighted_edges_from(zip(u.tolist(), v.tolist(), lens.tolist()), weight="length")
        return g

    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the map in metres, including grid cell extents."""
        if self.grid is not None:
            rows, cols = self.grid.shape
            x0, y0 = self.grid.origin
            return (x0, y0, x0 + cols * self.grid.cell_size, y0 + rows * self.grid.cell_size)
        lo, hi = self.positions.min(axis=0), self.positions.max(axis=0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

    def summary(self) -> dict:
        """A short description used by ``patrolsim maps show``."""
        deg = np.diff(self.indptr)
        xmin, ymin, xmax, ymax = self.bounds()
        out = {
            "name": self.name,
            "kind": self.kind,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "total_edge_length_m": round(self.total_length(), 2),
            "extent_m": f"{xmax - xmin:.1f} x {ymax - ymin:.1f}",
            "degree_min_mean_max": f"{deg.min()} / {deg.mean():.2f} / {deg.max()}",
            "weights_min_max": f"{self.weights.min():g} / {self.weights.max():g}",
            "starts": len(self.starts),
        }
        if self.grid is not None:
            out["grid"] = (
                f"{self.grid.shape[0]} rows x {self.grid.shape[1]} cols, "
                f"cell {self.grid.cell_size:g} m, {self.grid.connectivity}-connected"
            )
        if self.attribution:
            out["attribution"] = self.attribution
        return out


def _symmetric_csr(n: int, edges: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Symmetric CSR arrays (indptr, indices, lengths) from undirected edges; duplicates keep the minimum."""
    src = np.concatenate([edges[:, 0], edges[:, 1]])
    dst = np.concatenate([edges[:, 1], edges[:, 0]])
    lens = np.concatenate([lengths, lengths])
    order = np.lexsort((lens, dst, src))
    src, dst, lens = src[order], dst[order], lens[order]
    first = np.ones(src.size, dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, lens = src[first], dst[first], lens[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst.astype(np.int64), lens.astype(np.float64)
