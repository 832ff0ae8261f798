"""GraphML / GML / node-link JSON loader and writer."""

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from patrolsim.errors import MapError
from patrolsim.maps import load_map
from patrolsim.maps.graph_file import write_graph_file
from patrolsim.maps.model import PatrolMap


def small_graph() -> nx.Graph:
    g = nx.Graph(name="Tri", attribution="me")
    g.add_node("b", x=3.0, y=0.0, weight=2.5)
    g.add_node("a", x=0.0, y=0.0, start=True)
    g.add_node("c", x=3.0, y=4.0)
    g.add_edge("a", "b")
    g.add_edge("b", "c", length=6.0)
    g.add_edge("c", "a")
    return g


@pytest.mark.parametrize("suffix", [".graphml", ".gml", ".json"])
def test_each_format(tmp_path, suffix):
    g = small_graph()
    p = tmp_path / f"tri{suffix}"
    if suffix == ".graphml":
        nx.write_graphml(g, p)
    elif suffix == ".gml":
        nx.write_gml(g, p)
    else:
        p.write_text(json.dumps(nx.node_link_data(g, edges="links")))
    m = load_map(p)
    assert m.labels == ["b", "a", "c"]  # file order
    assert m.positions.tolist() == [[3.0, 0.0], [0.0, 0.0], [3.0, 4.0]]
    assert m.weights.tolist() == [2.5, 1.0, 1.0]
    assert m.starts == (1,)
    assert m.edge_length(0, 1) == 3.0  # Euclidean default
    assert m.edge_length(0, 2) == 6.0  # explicit length
    assert m.edge_length(1, 2) == 5.0
    assert m.name == "Tri" and m.attribution == "me"


def test_pos_string_and_list_and_integer_ids(tmp_path):
    data = {
        "directed": False,
        "multigraph": False,
        "graph": {},
        "nodes": [{"id": 0, "pos": [0, 0]}, {"id": 1, "pos": "1.5,2"}],
        "edges": [{"source": 0, "target": 1}],
    }
    p = tmp_path / "p.json"
    p.write_text(json.dumps(data))
    m = load_map(p)
    assert m.labels == [0, 1] and m.name == "p"
    assert m.positions.tolist() == [[0.0, 0.0], [1.5, 2.0]] and m.edge_length(0, 1) == 2.5


def test_directed_file_keeps_one_way_edges(tmp_path):
    g = nx.DiGraph()
    g.add_node("a", x=0, y=0)
    g.add_node("b", x=0, y=2)
    g.add_edge("a", "b")
    p = tmp_path / "d.graphml"
    nx.write_graphml(g, p)
    with pytest.raises(MapError, match="not strongly connected .* 2 components"):
        load_map(p)
    g.add_edge("b", "a")  # both ways at one length: an undirected map, exactly as an undirected file gives
    nx.write_graphml(g, p)
    m = load_map(p)
    assert not m.directed and m.n_edges == 1 and m.edge_length(1, 0) == 2.0


def test_gml_without_labels_uses_ids(tmp_path):
    p = tmp_path / "n.gml"
    p.write_text("graph [\n node [ id 7 x 0 y 0 ]\n node [ id 9 x 1 y 0 ]\n edge [ source 7 target 9 ]\n]\n")
    m = load_map(p)
    assert m.labels == [7, 9] and m.total_length() == 1.0


@pytest.mark.parametrize("suffix", [".graphml", ".gml", ".json"])
def test_round_trip(tmp_path, suffix):
    pos = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 7.5], [-3.25, 4.0]])
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])
    src = PatrolMap.from_edges(
        "rt",
        pos,
        edges,
        np.array([10.0, 8.0, 14.0, 5.2]),
        np.array([1.0, 2.0, 3.5, 1.0]),
        starts=(2,),
        labels=["w", "x", "y", "z"],
        attribution="credit",
    )
    out = tmp_path / f"rt{suffix}"
    write_graph_file(src, out)
    back = load_map(out)
    assert back.labels == src.labels and back.name == "rt" and back.attribution == "credit"
    assert np.allclose(back.positions, src.positions)
    assert np.array_equal(back.indptr, src.indptr) and np.array_equal(back.indices, src.indices)
    assert np.allclose(back.lengths, src.lengths)
    assert np.array_equal(back.weights, src.weights)
    assert back.starts == (2,)


def test_write_unknown_extension(tmp_path):
    src = PatrolMap.from_edges("x", np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0, 1]]))
    with pytest.raises(MapError, match="unknown graph format"):
        write_graph_file(src, tmp_path / "x.dot")


def node_link(tmp_path, nodes, edges, name="e.json"):
    p = tmp_path / name
    p.write_text(json.dumps({"directed": False, "multigraph": False, "graph": {}, "nodes": nodes, "links": edges}))
    return p


@pytest.mark.parametrize(
    "nodes, edges, key, fragment",
    [
        ([{"id": "a", "x": 0, "y": 0}, {"id": "hall", "x": 1}], [], "x", "node 'hall' has no coordinates"),
        ([{"id": "a", "x": 0, "y": "north"}], [], "y", "node 'a' has y = 'north'; expected a number"),
        ([{"id": "a", "pos": "1;2"}], [], "pos", "node 'a' has pos '1;2'"),
        ([{"id": "a", "x": 0, "y": 0, "weight": "heavy"}], [], "weight", "expected a number"),
        ([{"id": "a", "x": 0, "y": 0, "start": "maybe"}], [], "start", "expected true/false"),
        (
            [{"id": "a", "x": 0, "y": 0}, {"id": "b", "x": 1, "y": 0}],
            [{"source": "a", "target": "b", "length": "far"}],
            "length",
            "edge ('a', 'b') has length 'far'",
        ),
        (
            [{"id": "a", "x": 0, "y": 0}, {"id": "b", "x": 1, "y": 0}],
            [{"source": "a", "target": "b", "length": -2}],
            "length",
            "expected a positive number",
        ),
    ],
)
def test_attribute_errors_name_node_and_key(tmp_path, nodes, edges, key, fragment):
    p = node_link(tmp_path, nodes, edges)
    with pytest.raises(MapError) as err:
        load_map(p)
    msg = str(err.value)
    assert msg.startswith(str(p)) and f"key '{key}'" in msg and fragment in msg


@pytest.mark.parametrize(
    "name, text, start",
    [
        ("bad.graphml", "<graphml>\n<graph>\n<node id='a'>\n</graphml>\n", ":4: XML syntax error"),
        ("bad.json", '{"nodes": [\n{"id": 1,}\n]}', ":2: JSON syntax error"),
        ("bad.gml", 'graph [\n node [ id 0 label "a" \n', ": cannot parse the GML graph"),
        ("list.json", "[1, 2]", ": expected a networkx node-link JSON object"),
    ],
)
def test_parse_errors_are_one_line(tmp_path, name, text, start):
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(MapError) as err:
        load_map(p)
    assert str(err.value).startswith(f"{p}{start}") and "\n" not in str(err.value)


def test_empty_graph(tmp_path):
    with pytest.raises(MapError, match="no nodes"):
        load_map(node_link(tmp_path, [], []))


def test_euclidean_lengths_match_positions(tmp_path):
    p = node_link(
        tmp_path, [{"id": "a", "x": 0, "y": 0}, {"id": "b", "x": 1, "y": 1}], [{"source": "a", "target": "b"}]
    )
    assert load_map(p).total_length() == pytest.approx(math.sqrt(2))


# ---------------------------------------------------------------------------- coordinate systems, OSMnx graphs
UWS = Path(__file__).parent / "osm" / "nyc_uws_osmnx.graphml"  # a copy of ../shared/data/osm


def _unprojected_uws(path: Path, directed: bool = False) -> None:
    """The Upper West Side graph as OSMnx saves it by default: x/y are longitude/latitude, crs epsg:4326."""
    g = nx.read_graphml(UWS)
    out = nx.MultiDiGraph() if directed else nx.Graph()
    out.graph.update(g.graph, crs="epsg:4326")
    for node, data in g.nodes(data=True):
        out.add_node(node, x=float(data["lon"]), y=float(data["lat"]))
    for _, _, data in g.edges(data=True):  # OSMnx keeps the direction of an undirected edge in from / to
        out.add_edge(data["from"], data["to"], length=float(data["length"]))
        if directed and data["oneway"] == "False":
            out.add_edge(data["to"], data["from"], length=float(data["length"]))
    nx.write_graphml(out, path)


def test_unprojected_osmnx_graph_is_projected_to_metres(tmp_path):
    pytest.importorskip("pyproj", reason="the [osm] extra")
    p = tmp_path / "uws_lonlat.graphml"
    _unprojected_uws(p)
    projected, unprojected = load_map(UWS), load_map(p)
    assert unprojected.total_length() == pytest.approx(projected.total_length(), rel=1e-12)  # `length` kept
    span = lambda m: np.subtract(m.bounds()[2:], m.bounds()[:2])  # noqa: E731
    assert np.all(np.abs(span(unprojected) / span(projected) - 1) < 0.005)  # extent within 0.5 %
    assert span(projected).min() > 700  # metres, not degrees
    assert unprojected.meta["crs"] == "EPSG:32618 (projected from epsg:4326)"
    assert unprojected.attribution.startswith("(c) OpenStreetMap contributors")  # created_with OSMnx


def test_osmnx_multidigraph_keeps_one_way_streets(tmp_path):
    pytest.importorskip("pyproj", reason="the [osm] extra")
    p = tmp_path / "uws_directed.graphml"
    _unprojected_uws(p, directed=True)
    with pytest.raises(MapError, match="not strongly connected"):
        load_map(p)
    m = load_map(p, largest_component=True)
    assert m.directed and m.n_nodes == 39 and m.n_one_way > 0
    assert m.meta["dropped"].startswith("kept the largest strongly connected part: 39 of 46 nodes")


def test_parallel_edges_keep_the_shortest_in_each_direction(tmp_path):
    g = nx.MultiDiGraph()
    for node, (x, y) in {"a": (0, 0), "b": (30, 0), "c": (0, 40)}.items():
        g.add_node(node, x=x, y=y)
    g.add_edge("a", "b", length=31.0)
    g.add_edge("a", "b", length=30.5)  # a parallel edge: the shorter one is kept
    g.add_edge("b", "a", length=33.0)  # the other direction keeps its own length
    g.add_edge("b", "c", length=50.0)
    g.add_edge("c", "a", length=40.0)
    p = tmp_path / "multi.graphml"
    nx.write_graphml(g, p)
    m = load_map(p, crs="metres")
    assert m.directed and (m.n_edges, m.n_one_way) == (3, 2)
    a, b, c = (m.labels.index(x) for x in "abc")
    assert (m.edge_length(a, b), m.edge_length(b, a), m.edge_length(b, c)) == (30.5, 33.0, 50.0)
    with pytest.raises(KeyError):
        m.edge_length(c, b)
    assert m.distances.between(a, c) == 80.5 and m.distances.between(c, a) == 40.0
    out = tmp_path / "again.json"
    write_graph_file(m, out)  # a directed map round-trips as a directed graph
    back = load_map(out, crs="metres")
    assert back.directed and np.array_equal(back.lengths, m.lengths) and np.array_equal(back.indices, m.indices)


def test_degree_like_coordinates_without_crs_say_how_to_declare_them(tmp_path):
    g = nx.Graph()
    g.add_node(1, x=-73.97, y=40.78)
    g.add_node(2, x=-73.96, y=40.79)
    g.add_edge(1, 2, length=1400.0)
    p = tmp_path / "degrees.graphml"
    nx.write_graphml(g, p)
    with pytest.raises(MapError, match=r'look like longitude/latitude degrees .* crs = "epsg:4326"') as err:
        load_map(p)
    assert "\n" not in str(err.value) and "--crs" in str(err.value)
    metres = load_map(p, crs="metres")  # declared: taken as they are
    assert metres.positions[1, 0] == -73.96
    pytest.importorskip("pyproj", reason="the [osm] extra")
    m = load_map(p, crs="epsg:4326")
    # great circle: 1,112 m north by 843 m east is 1,395 m; UTM zone 18's scale is 0.9996-1.0004 there
    assert np.hypot(*(m.positions[1] - m.positions[0])) == pytest.approx(1395.0, rel=1e-3)
    with pytest.raises(MapError, match="crs 'epsg:99999999' is not a coordinate reference system"):
        load_map(p, crs="epsg:99999999")
