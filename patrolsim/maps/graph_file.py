"""Graph maps in networkx formats: GraphML (``.graphml``), GML (``.gml``), node-link JSON (``.json``).

Node attributes: ``x`` and ``y`` in metres (or ``pos`` as an ``"x,y"`` string or a two-number list),
optional ``weight`` (priority, default 1), ``start`` (true marks a start node) and ``capacity`` (robots
the node holds at once when interference is on; 0 = unlimited). Edge attributes: optional ``length``
in metres (default: straight-line distance) and ``capacity`` (1 = one lane: no two robots on it in
opposite directions; 0 = unlimited). Capacities the file gives replace the scenario's defaults for those
nodes and edges (``[motion]``), and the scenario's own overrides replace them in turn. Graph attributes ``name``,
``attribution`` and ``description`` are kept. A graph attribute ``crs`` (OSMnx's convention, e.g.
``epsg:4326`` for longitude/latitude) says what x and y are; they are projected to metres when needed
(:mod:`patrolsim.maps.crs`). A graph OSMnx made (``created_with``) is OpenStreetMap data and gets its
attribution when it has none. Node ids become the map's labels (integers when every id is an integer)
in the order the file lists the nodes.

An undirected graph gives an undirected map. A directed graph (an OSMnx MultiDiGraph, a DiGraph) keeps
each edge as a direction of its own: a one-way street has no reverse; parallel edges keep the shortest.
When every edge has a reverse of the same length the map is undirected again.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from xml.etree.ElementTree import ParseError

import networkx as nx
import numpy as np

from ..errors import MapError, read_text
from .crs import to_metres
from .model import PatrolMap
from .osm import ATTRIBUTION as OSM_ATTRIBUTION

TRUE_WORDS = {"1", "true", "yes", "y", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "f", ""}


def load_graph_file(path: Path, *, largest_component: bool = False, crs: str | None = None) -> PatrolMap:
    """Load a GraphML, GML or node-link JSON graph map (format chosen by extension). ``crs`` says what
    the coordinates are when the file does not (or overrides its ``crs`` attribute)."""
    g = _read(path)
    nodes = list(g.nodes)
    if not nodes:
        raise MapError("the graph has no nodes; expected at least one", source=path)
    index = {node: i for i, node in enumerate(nodes)}
    raw = np.array([_position(node, data, path) for node, data in g.nodes(data=True)])
    declared = crs if crs is not None else g.graph.get("crs")
    positions, metric, projected_from = to_metres(raw, declared, path, key="crs" if crs is None else "map.crs")
    weights = np.array([_node_number(node, data, "weight", path, 1.0) for node, data in g.nodes(data=True)])
    starts = tuple(i for i, (node, data) in enumerate(g.nodes(data=True)) if _truthy(node, data, path))
    node_caps = {
        node: _capacity(f"node {node!r}", data, path) for node, data in g.nodes(data=True) if "capacity" in data
    }
    edges, lengths, edge_caps = [], [], []
    for u, v, data in g.edges(data=True):
        iu, iv = index[u], index[v]
        if "capacity" in data:
            edge_caps.append((u, v, _capacity(f"edge ({u!r}, {v!r})", data, path)))
        if "length" in data:
            length = _float(data["length"])
            if not (length > 0):
                raise MapError(
                    f"edge ({u!r}, {v!r}) has length {data['length']!r}; expected a positive number of metres",
                    source=path,
                    key="length",
                )
        else:
            length = float(np.linalg.norm(positions[iu] - positions[iv]))
        edges.append((iu, iv))
        lengths.append(length)
    labels = [int(n) for n in nodes] if all(_int_like(n) for n in nodes) else nodes
    text = {k: str(g.graph[k]) for k in ("name", "attribution", "description") if g.graph.get(k)}
    if str(g.graph.get("created_with", "")).startswith("OSMnx"):
        text.setdefault("attribution", OSM_ATTRIBUTION)  # OSMnx graphs are OpenStreetMap data
    meta: dict = {"description": text.get("description", "")}
    label_of = dict(zip(nodes, labels))
    if node_caps:
        meta["node_capacity"] = {label_of[n]: c for n, c in node_caps.items()}
    if edge_caps:
        meta["edge_capacity"] = [(label_of[u], label_of[v], c) for u, v, c in edge_caps]
    if metric:
        meta["crs"] = metric if projected_from is None else f"{metric} (projected from {projected_from})"
        meta["crs_name"] = metric
    return PatrolMap.from_edges(
        text.get("name", path.stem),
        positions,
        np.array(edges, dtype=np.int64).reshape(-1, 2),
        np.array(lengths),
        weights,
        source=str(path),
        largest_component=largest_component,
        starts=starts,
        labels=labels,
        attribution=text.get("attribution", ""),
        meta=meta,
        directed=g.is_directed(),
    )


def write_graph_file(pmap: PatrolMap, path: str | Path) -> None:
    """Write ``pmap`` as GraphML, GML or node-link JSON, chosen by the extension of ``path``: a directed
    graph when the map is directed; graph attribute ``crs`` when the map's coordinates are in a named
    system (so that it reads back without projecting again)."""
    path = Path(path)
    g = nx.DiGraph() if pmap.directed else nx.Graph()
    for key, value in (
        ("name", pmap.name),
        ("attribution", pmap.attribution),
        ("description", pmap.meta.get("description", "")),
        ("crs", pmap.meta.get("crs_name", "")),
    ):
        if value:
            g.graph[key] = value
    labels = pmap.labels if pmap.labels is not None else list(range(pmap.n_nodes))
    starts = set(pmap.starts)
    node_caps = pmap.meta.get("node_capacity", {})
    for i, ((x, y), w) in enumerate(zip(pmap.positions.tolist(), pmap.weights.tolist())):
        g.add_node(labels[i], x=x, y=y, weight=w, start=int(i in starts))
        if labels[i] in node_caps:
            g.nodes[labels[i]]["capacity"] = node_caps[labels[i]]
    u, v, lens = pmap.arcs() if pmap.directed else pmap.edge_list()
    g.add_edges_from(
        (labels[a], labels[b], {"length": length}) for a, b, length in zip(u.tolist(), v.tolist(), lens.tolist())
    )
    for a, b, cap in pmap.meta.get("edge_capacity", []):
        if g.has_edge(a, b):
            g.edges[a, b]["capacity"] = cap
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(g, path)
    elif suffix == ".gml":
        nx.write_gml(g, path)
    elif suffix == ".json":
        path.write_text(json.dumps(nx.node_link_data(g, edges="links"), indent=1), encoding="utf-8")
    else:
        raise MapError(f"unknown graph format '{path.suffix}'; expected .graphml, .gml or .json", source=path)


def _read(path: Path) -> nx.Graph:
    """The file as a networkx graph; parse errors become one-line MapErrors."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".graphml":
            return nx.read_graphml(path)
        if suffix == ".gml":
            try:
                return nx.read_gml(path)
            except nx.NetworkXError as exc:
                if "label" not in str(exc):
                    raise
                return nx.read_gml(path, label="id")  # nodes without labels: use the numeric ids
        data = json.loads(read_text(path, MapError, "map"))
        if not isinstance(data, dict) or "nodes" not in data:
            raise MapError(
                "expected a networkx node-link JSON object with 'nodes' and 'links' (or 'edges')", source=path
            )
        edges = "links" if "links" in data else "edges"
        data.setdefault(edges, [])
        return nx.node_link_graph(data, edges=edges)
    except json.JSONDecodeError as exc:
        raise MapError(f"JSON syntax error: {exc.msg} (column {exc.colno})", source=path, line=exc.lineno) from None
    except ParseError as exc:
        raise MapError(f"XML syntax error: {_one_line(exc)}", source=path, line=exc.position[0]) from None
    except (nx.NetworkXError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise MapError(
            f"cannot parse the {suffix.lstrip('.').upper()} graph: {exc.__class__.__name__}: {_one_line(exc)}",
            source=path,
        ) from None


def _position(node, data: dict, path: Path) -> tuple[float, float]:
    if "x" in data and "y" in data:
        return _node_number(node, data, "x", path), _node_number(node, data, "y", path)
    if "pos" in data:
        pos = data["pos"]
        parts = pos.split(",") if isinstance(pos, str) else pos
        values = [_float(p) for p in parts] if isinstance(parts, (list, tuple)) else []
        if len(values) != 2 or not all(math.isfinite(v) for v in values):
            raise MapError(
                f"node {node!r} has pos {pos!r}; expected two numbers 'x,y' in metres", source=path, key="pos"
            )
        return values[0], values[1]
    raise MapError(
        f"node {node!r} has no coordinates; expected attributes x and y (or pos) in metres", source=path, key="x"
    )


def _node_number(node, data: dict, key: str, path: Path, default: float | None = None) -> float:
    if key not in data and default is not None:
        return default
    value = _float(data[key])
    if not math.isfinite(value):
        raise MapError(f"node {node!r} has {key} = {data[key]!r}; expected a number", source=path, key=key)
    return value


def _capacity(what: str, data: dict, path: Path) -> int:
    """A node's or edge's ``capacity``: a whole number of robots >= 0."""
    value = _float(data["capacity"])
    if not (math.isfinite(value) and value >= 0 and value == int(value) and value <= 1e6):
        raise MapError(
            f"{what} has capacity = {data['capacity']!r}; expected a whole number of robots >= 0 (0 = unlimited)",
            source=path,
            key="capacity",
        )
    return int(value)


def _truthy(node, data: dict, path: Path) -> bool:
    value = data.get("start", False)
    if isinstance(value, (bool, int, float)):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise MapError(f"node {node!r} has start = {value!r}; expected true/false or 1/0", source=path, key="start")


def _float(value) -> float:
    """``value`` as a float, NaN when it is not a number (bools are not numbers)."""
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _int_like(node) -> bool:
    if isinstance(node, bool):
        return False
    if isinstance(node, int):
        return True
    return isinstance(node, str) and node.strip().lstrip("-").isdigit()


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or exc.__class__.__name__
