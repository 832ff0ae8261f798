"""Street networks as CSV tables: folder and file-pair layouts, map.toml, and error messages."""

import math

import numpy as np
import pytest

from patrolsim.errors import MapError
from patrolsim.maps import load_map

NODES = "id,x_m,y_m,weight,lon\n10,0,0,2,-111\n20,30,40,,-111\n30,30,0,1.5,-111\n"
EDGES = "u,v,length_m,segment\n10,20,55.5,1\n20,30,,2\n30,10,30,3\n"


def folder(tmp_path, nodes=NODES, edges=EDGES, toml=None):
    d = tmp_path / "town"
    d.mkdir(exist_ok=True)
    (d / "nodes.csv").write_text(nodes)
    (d / "edges.csv").write_text(edges)
    if toml is not None:
        (d / "map.toml").write_text(toml)
    return d


def test_folder_layout(tmp_path):
    m = load_map(folder(tmp_path, toml='name = "Town"\nattribution = "OSM"\ndescription = "d"\n'))
    assert m.name == "Town" and m.attribution == "OSM" and m.meta["description"] == "d"
    assert m.labels == [10, 20, 30]
    assert m.positions.tolist() == [[0, 0], [30, 40], [30, 0]]
    assert m.weights.tolist() == [2.0, 1.0, 1.5]
    assert m.edge_length(0, 1) == 55.5  # given length_m
    assert m.edge_length(1, 2) == 40.0  # blank length_m: straight line
    assert m.edge_length(2, 0) == 30.0
    assert m.n_edges == 3 and m.total_length() == pytest.approx(125.5)


def test_file_pair_layout_and_node_column(tmp_path):
    (tmp_path / "beat_nodes.csv").write_text("node,y_m,x_m\na,0,0\nb,0,3\n")
    (tmp_path / "beat_edges.csv").write_text("v,u\na,b\n")
    for name in ("beat_nodes.csv", "beat_edges.csv"):
        m = load_map(tmp_path / name)
        assert m.name == "beat" and m.labels == ["a", "b"]
        assert m.positions.tolist() == [[0, 0], [3, 0]] and m.total_length() == 3.0
    (tmp_path / "beat.toml").write_text('name = "Beat 7"\n')
    assert load_map(tmp_path / "beat_edges.csv").name == "Beat 7"


def test_ids_with_leading_zeros_and_largest_component(tmp_path):
    d = folder(tmp_path, "id,x_m,y_m\n1,0,0\n2,1,0\n3,5,5\n", "u,v\n01,2\n")
    with pytest.raises(MapError, match="disconnected"):
        load_map(d)
    m = load_map(d, largest_component=True)
    assert m.labels == [1, 2] and math.isclose(m.total_length(), 1.0)


def err(path):
    with pytest.raises(MapError) as info:
        load_map(path)
    assert "\n" not in str(info.value)
    return info.value


@pytest.mark.parametrize(
    "nodes, edges, table, line, key, fragment",
    [
        ("id,x_m\n1,0\n", EDGES, "nodes.csv", 1, None, "missing column 'y_m'"),
        ("name,x_m,y_m\n1,0,0\n", EDGES, "nodes.csv", 1, None, "missing column 'id' or 'node'"),
        (NODES + "40,abc,0,1,0\n", EDGES, "nodes.csv", 5, "x_m", "expected a number, got 'abc'"),
        (NODES + "40,1,nan,1,0\n", EDGES, "nodes.csv", 5, "y_m", "expected a number"),
        (NODES + "40,1,1,0,0\n", EDGES, "nodes.csv", 5, "weight", "expected a positive number, got '0'"),
        (NODES + "20,1,1,1,0\n", EDGES, "nodes.csv", 5, "id", "duplicate node id '20' (first on line 3)"),
        (NODES + ",1,1,1,0\n", EDGES, "nodes.csv", 5, "id", "empty node id"),
        (NODES + "40,1,1\n", EDGES, "nodes.csv", 5, None, "expected 5 fields, got 3"),
        ("id,x_m,y_m\n", EDGES, "nodes.csv", None, None, "no node rows"),
        ("", EDGES, "nodes.csv", 1, None, "the file is empty"),
        (NODES, "u,w\n10,20\n", "edges.csv", 1, None, "missing column 'v'"),
        (NODES, EDGES + "10,99,5,4\n", "edges.csv", 5, "v", "node '99' is not in the nodes table"),
        (NODES, EDGES + "x,10,5,4\n", "edges.csv", 5, "u", "node 'x' is not in the nodes table"),
        (NODES, EDGES + "10,30,-5,4\n", "edges.csv", 5, "length_m", "expected a positive number"),
        (NODES + "40,0,0,1,0\n", EDGES + "10,40,,4\n", "edges.csv", 5, "length_m", "share a position"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path, nodes, edges, table, line, key, fragment):
    d = folder(tmp_path, nodes, edges)
    e = err(d)
    assert e.source == str(d / table) and e.line == line and e.key == key
    assert fragment in str(e)


def test_blank_lines_are_skipped_and_line_numbers_stay_true(tmp_path):
    d = folder(tmp_path, NODES + "\n\n40,zz,0,1,0\n")
    assert err(d).line == 7


def test_layout_errors(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    assert "no nodes.csv" in str(err(d))
    (tmp_path / "a_nodes.csv").write_text("id,x_m,y_m\n1,0,0\n")
    assert "a_edges.csv is missing" in str(err(tmp_path / "a_nodes.csv"))
    (tmp_path / "streets.csv").write_text("id,x_m,y_m\n1,0,0\n")
    assert "<stem>_nodes.csv" in str(err(tmp_path / "streets.csv"))


def test_map_toml_errors(tmp_path):
    e = err(folder(tmp_path, toml='name = "x"\ncolour = "red"\n'))
    assert e.key == "colour" and e.source.endswith("map.toml")
    e = err(folder(tmp_path, toml="name = 3\n"))
    assert e.key == "name" and "expected a string" in str(e)
    e = err(folder(tmp_path, toml='name = "x\n'))
    assert "TOML syntax error" in str(e) and e.source.endswith("map.toml")
