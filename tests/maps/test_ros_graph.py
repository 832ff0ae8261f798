"""patrolling_sim .graph loader and writer: both header variants, round trips, error lines."""

import numpy as np
import pytest

from patrolsim.errors import MapError
from patrolsim.maps import load_map
from patrolsim.maps.model import PatrolMap
from patrolsim.maps.ros_graph import write_ros_graph

# a 3-vertex path 0 - 1 - 2 plus edge 0 - 2; resolution 0.1 m/pixel
BODY = """
0
10
20
2
1
E
30
2
NE
50

1
40
20
2
0
W
30
2
N
40

2
40
60
2
0
SW
50
1
S
40
"""


def write(tmp_path, text, name="g.graph"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_six_number_header_with_offsets(tmp_path):
    m = load_map(write(tmp_path, "3\n100\n80\n0.1\n-5.0\n2.5\n" + BODY))
    assert m.n_nodes == 3 and m.n_edges == 3
    assert np.allclose(m.positions, [[1.0 - 5.0, 2.0 + 2.5], [4.0 - 5.0, 4.5], [-1.0, 6.0 + 2.5]])
    assert m.edge_length(0, 1) == pytest.approx(3.0)
    assert m.edge_length(1, 2) == pytest.approx(4.0)
    assert m.edge_length(2, 0) == pytest.approx(5.0)
    assert m.meta["header_numbers"] == 6 and m.name == "g"
    assert np.all(m.weights == 1) and m.starts == ()


def test_four_number_header_without_offsets(tmp_path):
    m = load_map(write(tmp_path, "3 100 80 0.1\n" + BODY))
    assert np.allclose(m.positions, [[1.0, 2.0], [4.0, 2.0], [4.0, 6.0]])
    assert m.total_length() == pytest.approx(12.0)
    assert m.meta["header_numbers"] == 4


def test_zero_offsets_header_and_one_line_layout(tmp_path):
    # the 6-number header with offsets 0 0 looks like vertex "0" at the start: the parse decides
    text = "2 50 50 0.5 0 0  0 4 6 1 1 E 8  1 12 6 1 0 W 8"
    m = load_map(write(tmp_path, text))
    assert np.allclose(m.positions, [[2.0, 3.0], [6.0, 3.0]])
    assert m.edge_length(0, 1) == pytest.approx(4.0)
    assert m.meta["header_numbers"] == 6


def test_sidecar_toml_gives_name_and_attribution(tmp_path):
    p = write(tmp_path, "3 100 80 0.1\n" + BODY)
    (tmp_path / "g.toml").write_text('name = "Tri"\nattribution = "someone"\ndescription = "d"\n')
    m = load_map(p)
    assert m.name == "Tri" and m.attribution == "someone" and m.meta["description"] == "d"


def test_round_trip(tmp_path):
    pos = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 7.5], [-3.25, 4.0]])
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
    lengths = np.array([10.0, 7.5, 14.0, 5.2, 12.5])
    src = PatrolMap.from_edges("rt", pos, edges, lengths)
    out = tmp_path / "rt.graph"
    write_ros_graph(src, out, resolution=0.05)
    back = load_map(out)
    assert np.allclose(back.positions, src.positions, atol=1e-6)
    assert np.array_equal(back.indptr, src.indptr) and np.array_equal(back.indices, src.indices)
    assert np.allclose(back.lengths, src.lengths, atol=1e-6)
    assert np.array_equal(back.weights, src.weights)
    tokens = out.read_text().split()
    assert tokens[3:6] == ["0.05", "-3.25", "0"]
    assert "E" in tokens and "N" in tokens and "NE" in tokens and "W" in tokens


def err(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(MapError) as info:
        load_map(p)
    msg = str(info.value)
    assert msg.startswith(str(p)) and "\n" not in msg
    return info.value


def test_neighbour_out_of_range_names_line(tmp_path):
    text = "3 100 80 0.1 0 0\n" + BODY.replace("0\nW\n30\n2\nN", "0\nW\n30\n17\nN")
    e = err(tmp_path, text)
    assert "vertex 1 lists neighbour 17 but the graph has 3 vertices" in str(e)
    assert e.line == text.splitlines().index("17") + 1


def test_expected_integer_vertex_id(tmp_path):
    text = "3 100 80 0.1 0 0\n" + BODY.replace("\n1\n40\n20", "\nx\n40\n20", 1)
    e = err(tmp_path, text)
    assert "expected an integer vertex id" in str(e) and "'x'" in str(e)
    assert e.line == text.splitlines().index("x") + 1


def test_ids_out_of_order(tmp_path):
    text = "2 50 50 0.5 0 0\n0 4 6 1 1 E 8\n\n5 12 6 1 0 W 8\n"
    e = err(tmp_path, text)
    assert "expected vertex id 1" in str(e) and "got 5" in str(e) and e.line == 4


def test_trailing_tokens(tmp_path):
    e = err(tmp_path, "2 50 50 0.5 0 0\n0 4 6 1 1 E 8\n1 12 6 1 0 W 8\n\nextra 1\n")
    assert "trailing tokens" in str(e) and "'extra'" in str(e) and e.line == 5


def test_file_ends_early(tmp_path):
    e = err(tmp_path, "2 50 50 0.5 0 0\n0 4 6 1 1 E 8\n1 12 6 1 0\n")
    assert "ends early" in str(e) and e.line == 3


def test_bad_compass_label_and_cost(tmp_path):
    e = err(tmp_path, "2 50 50 0.5 0 0\n0 4 6 1 1 E 8\n1 12 6 1 0 UP 8\n")
    assert "compass label" in str(e) and "'UP'" in str(e) and e.line == 3
    e = err(tmp_path, "2 50 50 0.5 0 0\n0 4 6 1 1 E 0\n1 12 6 1 0 W 8\n")
    assert "cost 0" in str(e) and e.line == 2


def test_edge_listed_at_one_end_only_is_one_way(tmp_path):
    # 1 -> 2 listed at 1 only: one way; 2 can be left only back through ... nothing: not strongly connected
    e = err(tmp_path, "3 50 50 0.5 0 0\n0 4 6 1 1 E 8\n1 12 6 2 0 W 8 2 N 4\n2 12 10 0\n")
    assert "not strongly connected" in str(e)
    # a one-way triangle 0 -> 1 -> 2 -> 0 plus the two-way edge 0 - 1
    m = load_map(write(tmp_path, "3 50 50 0.5 0 0\n0 0 0 1 1 E 8\n1 8 0 2 0 W 8 2 N 6\n2 8 6 1 0 SW 10\n"))
    assert m.directed and (m.n_edges, m.n_one_way) == (3, 2)
    assert (m.edge_length(0, 1), m.edge_length(1, 0), m.edge_length(1, 2), m.edge_length(2, 0)) == (4, 4, 3, 5)
    with pytest.raises(KeyError):
        m.edge_length(2, 1)
    assert m.distances.between(0, 2) == 7.0 and m.distances.between(2, 1) == 9.0


def test_cost_that_differs_by_direction_is_kept_per_direction(tmp_path):
    # 83 pixels at 0.05 m/pixel one way (4.15 m), 49 back (2.45 m): never collapsed to either
    m = load_map(write(tmp_path, "2 50 50 0.05 0 0\n0 4 6 1 1 E 83\n1 12 6 1 0 W 49\n"))
    assert m.directed and m.n_edges == 1 and m.n_one_way == 0
    assert m.edge_length(0, 1) == pytest.approx(4.15) and m.edge_length(1, 0) == pytest.approx(2.45)
    assert m.total_length() == pytest.approx(2.45)  # an edge counts once, at its shorter direction


def test_bad_header_and_empty_file(tmp_path):
    e = err(tmp_path, "three 50 50 0.5\n")
    assert "number of vertices" in str(e) and e.line == 1
    e = err(tmp_path, "2 50 50\n-0.5\n0 0\n")
    assert "expected a resolution" in str(e) and e.line == 2
    e = err(tmp_path, "")
    assert "ends early" in str(e)


def test_disconnected_graph(tmp_path):
    text = "3 50 50 0.5 0 0\n0 4 6 1 1 E 8\n1 12 6 1 0 W 8\n2 20 20 0\n"
    with pytest.raises(MapError, match="disconnected"):
        load_map(write(tmp_path, text))
    assert load_map(tmp_path / "g.graph", largest_component=True).n_nodes == 2
