"""The tie and arithmetic rules of patrolsim.determinism, checked on inputs whose answer is known."""

import math

import numpy as np
import pytest

from patrolsim import determinism as D
from patrolsim.algorithms.tours import _neighbour_lists_matrix


def test_smallest_per_row_breaks_ties_by_column():
    m = np.array([[5.0, 1.0, 1.0, 1.0, 0.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [np.inf, 3.0, 1.0, 3.0, 3.0, 1.0]])
    assert D.smallest_per_row(m, 3).tolist() == [[4, 1, 2], [0, 1, 2], [2, 5, 1]]
    assert D.smallest_per_row(m, 6)[2].tolist() == [2, 5, 1, 3, 4, 0]


def test_neighbour_lists_on_a_grid_of_ties_are_by_node_id():
    # a 1 x 5 corridor: node 2 has two neighbours at 1 m and two at 2 m; the lower id comes first
    pos = np.arange(5.0)
    dist = np.abs(pos[:, None] - pos[None, :])
    nbr, d = _neighbour_lists_matrix(dist, 3)
    assert nbr[2].tolist() == [1, 3, 0] and d[2].tolist() == [1.0, 1.0, 2.0]
    assert nbr[0].tolist() == [1, 2, 3]


def test_stable_argsort_keeps_index_order_of_ties():
    keys = np.array([3.0, 1.0, 3.0, 1.0, 2.0] * 50)  # long enough for numpy's SIMD sorts to engage
    order = D.stable_argsort(keys)
    for value in (1.0, 2.0, 3.0):
        tied = order[keys[order] == value]
        assert tied.tolist() == sorted(tied.tolist())


def test_dot_and_row_dots_add_in_a_fixed_order():
    rng = np.random.default_rng(5)
    m, w = rng.random((600, 333)), rng.random(333)
    rows = D.row_dots(m, w)
    assert rows.tolist() == [float(np.multiply(r, w).sum()) for r in m]  # chunking changes nothing
    assert rows == pytest.approx(m @ w, rel=1e-12)
    assert D.dot(m[0], w) == rows[0]


def test_exp_and_log2_are_the_c_library_values():
    x = np.linspace(-30.0, 30.0, 1001)
    assert D.exp(x).tolist() == [math.exp(v) for v in x]
    y = np.linspace(1e-3, 1e3, 1001)
    assert D.log2(y).tolist() == [math.log2(v) for v in y]
    assert D.exp(np.zeros((2, 3))).shape == (2, 3)


def test_no_sort_in_the_package_orders_ties_by_chance():
    # argsort / argpartition / lexsort-free orders must be stable (ties keep index order); a plain
    # np.sort of values is fine (equal values are interchangeable)
    import ast
    from pathlib import Path

    package = Path(D.__file__).parent
    loose = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            kinds = [k.value for k in node.keywords if k.arg == "kind"]
            if name == "argpartition" and path.name != "determinism.py":
                loose.append(f"{path.name}:{node.lineno} argpartition")
            if name == "argsort" and not any(
                isinstance(k, ast.Constant) and k.value in ("stable", "mergesort") for k in kinds
            ):
                loose.append(f"{path.name}:{node.lineno} argsort without kind='stable'")
    assert not loose, loose
