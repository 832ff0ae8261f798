"""ASCII grid loader: hand-checked small maps and every error message."""

import math

import numpy as np
import pytest

from patrolsim.errors import MapError
from patrolsim.maps import load_map


def write(tmp_path, text, name="m.txt"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_small_grid_counts_positions_weights_starts(tmp_path):
    p = write(tmp_path, "name: tiny\ncell_size: 2\nS.3\n.#.\n")
    m = load_map(p)
    assert m.name == "tiny" and m.kind == "grid"
    assert m.n_nodes == 5
    # edges: row 0: (0,0)-(0,1), (0,1)-(0,2); columns: (0,0)-(1,0), (0,2)-(1,2)
    assert m.n_edges == 4
    assert np.allclose(m.lengths, 2.0)
    # node ids in row-major order of free cells; row 0 is the north row, cell centres in metres
    assert m.positions.tolist() == [[1.0, 3.0], [3.0, 3.0], [5.0, 3.0], [1.0, 1.0], [5.0, 1.0]]
    assert m.weights.tolist() == [1, 1, 3, 1, 1]
    assert m.starts == (0,)
    assert m.edge_length(0, 1) == 2.0


def test_eight_connectivity_diagonals_never_cut_corners(tmp_path):
    p = write(tmp_path, "connectivity: 8\n..\n..\n.#\n")
    m = load_map(p)
    # 5 free cells; orthogonal edges: 2 along rows 0 and 1, 3 down the columns;
    # diagonals (0,0)-(1,1) and (0,1)-(1,0); (1,1)-(2,0) would cut the wall corner at (2,1)
    assert m.n_nodes == 5
    assert m.n_edges == 7
    u, v, lens = m.edge_list()
    assert sorted(np.round(lens, 6).tolist()) == [1.0] * 5 + [round(math.sqrt(2), 6)] * 2
    ids = m.grid.cell_node
    with pytest.raises(KeyError):
        m.edge_length(ids[1, 1], ids[2, 0])
    assert m.edge_length(ids[0, 0], ids[1, 1]) == pytest.approx(math.sqrt(2))


def test_comments_blank_lines_and_ragged_rows(tmp_path):
    p = write(tmp_path, "; a comment\n\nname: ragged\n...\n.\n\n")
    m = load_map(p)
    assert m.n_nodes == 4 and m.grid.shape == (2, 3)


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("colour: red\n...\n", 1, "unknown header key 'colour'"),
        ("...\n.x.\n", 2, "unexpected character 'x' at column 2"),
        ("...\n\n...\n", 2, "blank line inside the grid"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, line, fragment):
    p = write(tmp_path, text)
    with pytest.raises(MapError) as err:
        load_map(p)
    msg = str(err.value)
    assert f"{p}:{line}" in msg and fragment in msg and "\n" not in msg


@pytest.mark.parametrize(
    "text, key, fragment",
    [
        ("cell_size: big\n..\n", "cell_size", "expected a number"),
        ("cell_size: -1\n..\n", "cell_size", "expected a number in"),
        ("connectivity: 6\n..\n", "connectivity", "must be 4 or 8"),
    ],
)
def test_header_value_errors_name_the_key(tmp_path, text, key, fragment):
    p = write(tmp_path, text)
    with pytest.raises(MapError) as err:
        load_map(p)
    assert str(p) in str(err.value) and f"key '{key}'" in str(err.value) and fragment in str(err.value)


def test_no_grid_and_disconnected(tmp_path):
    with pytest.raises(MapError, match="no grid rows"):
        load_map(write(tmp_path, "name: x\n"))
    p = write(tmp_path, ".#.\n", "d.txt")
    with pytest.raises(MapError, match="disconnected: 2 components"):
        load_map(p)
    assert load_map(p, largest_component=True).n_nodes == 1
