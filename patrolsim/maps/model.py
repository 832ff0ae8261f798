"""PatrolMap: the one in-memory map model every loader produces and the engine consumes.

A map is an undirected graph, or a directed one when some edge can be travelled one way only or
costs differ by direction (one-way streets). Nodes have a position in metres and a priority weight;
edges have a length in metres (each direction its own). The engine works on the compiled arrays held here (CSR adjacency, positions,
weights); :attr:`PatrolMap.graph` builds the equivalent networkx graph for analysis on demand.
"""

from __future__ import annotations

import collections
import dataclasses
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
        indptr, indices, lengths: CSR adjacency of the edges leaving each node (symmetric unless
            ``directed``); ``lengths`` are edge lengths in metres.
        starts: node ids marked as start positions in the map file (may be empty).
        labels: the node ids as the source file names them (for output), in node-id order.
        grid: the occupancy grid for grid maps, else None.
        source: the file the map came from.
        attribution: data credit to show wherever the map is used.
        directed: True when some edge has no reverse of the same length (one-way streets, costs that
            differ by direction); the CSR then holds each direction as its own entry.
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
    directed: bool = False
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
        directed: bool = False,
        **kwargs,
    ) -> PatrolMap:
        """Build a validated map from node positions and an (E, 2) array of edges: undirected, or with
        ``directed`` edges u -> v (travelled that way only, at that length).

        Edge lengths default to the Euclidean distance between end points. Duplicate edges keep the
        shortest length; self-loops are dropped. Directed edges whose every one has a reverse of the same
        length make an undirected map. Raises :class:`MapError` for an empty map, edge ids out of range,
        non-positive or non-finite lengths or weights, or a disconnected graph (unless
        ``largest_component`` is set, which keeps the largest connected component; strongly connected
        for a directed map, so that every node can be reached from every other).
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
        if directed:
            indptr, indices, lens, directed = _directed_csr(n, edges[:, 0], edges[:, 1], lengths)
        else:
            indptr, indices, lens = _symmetric_csr(n, edges, lengths)
        pmap = cls(
            name=name,
            positions=positions,
            weights=weights,
            indptr=indptr,
            indices=indices,
            lengths=lens,
            source=source,
            directed=directed,
            **kwargs,
        )
        return pmap._checked_connected(largest_component)

    def _checked_connected(self, largest_component: bool) -> PatrolMap:
        labels = self.component_labels()
        count = int(labels.max()) + 1
        if count == 1:
            return self
        sizes = np.bincount(labels)
        strongly = "strongly " if self.directed else ""
        if not largest_component:
            what = "not strongly connected (one-way edges lead out of some parts and not back)"
            raise MapError(
                f"the map is {what if self.directed else 'disconnected'}: {count} components (largest has {sizes.max()} "
                f"of {self.n_nodes} nodes); set largest_component = true in the scenario's "
                "[map] table (or --largest-component) to keep only the largest",
                source=self.source or self.name,
            )
        keep = labels == int(np.argmax(sizes))
        kept = self.subgraph(np.flatnonzero(keep))
        kept.dropped_positions = self.positions[~keep]
        if self.labels is not None:
            kept.dropped_labels = [label for label, k in zip(self.labels, keep.tolist()) if not k]
        kept.meta["dropped"] = (
            f"kept the largest {strongly}connected part: {kept.n_nodes:,} of {self.n_nodes:,} nodes "
            f"({self.n_nodes - kept.n_nodes:,} nodes in {count - 1:,} other parts dropped)"
        )
        return kept

    def component_labels(self) -> np.ndarray:
        """Connected-component label of every node (0-based, numbered in order of their first node);
        strongly connected components on a directed map."""
        from . import components

        if self.directed:
            from scipy.sparse.csgraph import connected_components

            raw = connected_components(self.adjacency(), directed=True, connection="strong")[1]
            _, first = np.unique(raw, return_index=True)
            rank = np.empty(first.size, dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(first.size)
            return rank[raw]
        return components.component_labels(self.indptr, self.indices)

    def subgraph(self, keep: np.ndarray) -> PatrolMap:
        """The map restricted to the nodes ``keep`` (sorted node ids), renumbered 0..len(keep)-1."""
        keep = np.asarray(keep, dtype=np.int64)
        new_id = np.full(self.n_nodes, -1, dtype=np.int64)
        new_id[keep] = np.arange(keep.size)
        directed = self.directed
        if directed:
            u, v, lens = self.arcs()
            ok = (new_id[u] >= 0) & (new_id[v] >= 0)
            indptr, indices, lens, directed = _directed_csr(keep.size, new_id[u[ok]], new_id[v[ok]], lens[ok])
        else:
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
            directed=directed,
        )

    # ------------------------------------------------------------------ queries
    @property
    def n_nodes(self) -> int:
        return int(self.positions.shape[0])

    @property
    def n_edges(self) -> int:
        """Edges counted once however many directions they have (street segments)."""
        if not self.directed:
            return int(self.indices.size // 2)
        return int(self.edge_list()[0].size)

    @property
    def n_one_way(self) -> int:
        """Edges that can be travelled in one direction only (0 on an undirected map)."""
        if not self.directed:
            return 0
        return int(np.count_nonzero(self.reverse_entries() == self.indices.size))

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
        """Each edge once however many directions it has: arrays (u, v, length_m) with u < v (on a
        directed map the shorter direction's length)."""
        u = np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))
        if not self.directed:
            once = u < self.indices
            return u[once], self.indices[once], self.lengths[once]
        lo, hi = np.minimum(u, self.indices), np.maximum(u, self.indices)
        order = np.lexsort((self.lengths, hi, lo))
        lo, hi, lens = lo[order], hi[order], self.lengths[order]
        first = np.ones(lo.size, dtype=bool)
        first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
        return lo[first], hi[first], lens[first]

    def arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every direction of every edge: arrays (u, v, length_m) of the CSR entries u -> v, in CSR order."""
        return np.repeat(np.arange(self.n_nodes), np.diff(self.indptr)), self.indices, self.lengths

    def as_undirected(self) -> PatrolMap:
        """The map itself when undirected; else the same nodes with every edge two-way at its shorter
        direction's length (for partitioning by geometry, drawing)."""
        if not self.directed:
            return self
        u, v, lens = self.edge_list()
        indptr, indices, lens = _symmetric_csr(self.n_nodes, np.column_stack([u, v]), lens)
        return dataclasses.replace(
            self, indptr=indptr, indices=indices, lengths=lens, meta=dict(self.meta), directed=False
        )

    def reverse_entries(self) -> np.ndarray:
        """For each CSR entry k (edge u->v), the entry of the same edge stored at v (v->u); on a directed
        map ``indices.size`` (one past the last entry) where there is no v->u."""
        n = self.n_nodes
        u = np.repeat(np.arange(n), np.diff(self.indptr))
        keys = u * n + self.indices  # ascending: CSR entries are sorted by (u, v)
        back = self.indices * n + u
        at = np.minimum(np.searchsorted(keys, back), max(keys.size - 1, 0))
        found = keys[at] == back if keys.size else np.zeros(0, dtype=bool)
        return np.where(found, at, keys.size).astype(np.int64)

    def total_length(self) -> float:
        """Sum of all edge lengths in metres (each edge once, however many directions it has)."""
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
    def neighbour_table(self) -> np.ndarray:
        """(N, D) the neighbours of every node in the map's (CSR) order, D the largest degree; -1 pads
        the rows of nodes with fewer neighbours (read-only)."""
        deg = np.diff(self.indptr)
        table = np.full((self.n_nodes, int(deg.max()) if deg.size else 0), -1, dtype=np.int64)
        rows = np.repeat(np.arange(self.n_nodes), deg)
        table[rows, np.arange(self.indices.size) - self.indptr[rows]] = self.indices
        table.setflags(write=False)
        return table

    @cached_property
    def digest(self) -> str:
        """A fingerprint of the graph (node count and edges with their order; not positions or weights):
        data learned on one map (a policy) can check that it is used on the same graph."""
        import hashlib

        h = hashlib.sha256()
        for arr in (self.indptr, self.indices, self.lengths):
            h.update(np.ascontiguousarray(arr, dtype="<f8" if arr.dtype.kind == "f" else "<i8").tobytes())
        return h.hexdigest()[:16]

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
        """The map as a networkx Graph (a DiGraph when the map is directed): node attributes x, y,
        weight; edge attribute length."""
        import networkx as nx

        g = nx.DiGraph(name=self.name) if self.directed else nx.Graph(name=self.name)
        for i, ((x, y), w) in enumerate(zip(self.positions.tolist(), self.weights.tolist())):
            g.add_node(i, x=x, y=y, weight=w)
        u, v, lens = self.arcs() if self.directed else self.edge_list()
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
        if self.directed:
            out["directed"] = (
                f"yes: {self.n_one_way:,} of {self.n_edges:,} edges one-way ({self.indices.size:,} directions)"
            )
        if self.meta.get("crs"):
            out["crs"] = self.meta["crs"]
        if self.meta.get("dropped"):
            out["dropped"] = self.meta["dropped"]
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
    return _csr(n, src, dst, np.concatenate([lengths, lengths]))


def _directed_csr(
    n: int, src: np.ndarray, dst: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """CSR arrays (indptr, indices, lengths) of directed edges src -> dst (duplicates keep the minimum)
    and whether they stay directed: False when every edge has a reverse of the same length."""
    indptr, indices, lens = _csr(n, src, dst, lengths)
    u = np.repeat(np.arange(n), np.diff(indptr))
    keys, back = u * n + indices, indices * n + u
    at = np.minimum(np.searchsorted(keys, back), max(keys.size - 1, 0))
    symmetric = bool(keys.size == 0 or (np.array_equal(keys[at], back) and np.array_equal(lens[at], lens)))
    return indptr, indices, lens, not symmetric


def _csr(n: int, src: np.ndarray, dst: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of the entries src -> dst sorted by (src, dst); duplicates keep the minimum length."""
    order = np.lexsort((lens, dst, src))
    src, dst, lens = src[order], dst[order], lens[order]
    first = np.ones(src.size, dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, lens = src[first], dst[first], lens[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst.astype(np.int64), lens.astype(np.float64)
