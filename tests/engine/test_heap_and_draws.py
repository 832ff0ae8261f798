"""The one heap and the one compiled generator: ties leave by id, and draws follow the seed."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from patrolsim import jit
from patrolsim.algorithms import draws, heap


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50)), min_size=1, max_size=40, unique_by=lambda p: p[1]))
def test_items_leave_by_key_then_id_whatever_the_push_order(items):
    keys, vals = np.zeros(len(items)), np.zeros(len(items), dtype=np.int64)
    size = 0
    for k, v in items:
        size = heap.heap_push(keys, vals, size, float(k), v)
    out = []
    while size:
        k, v, size = heap.heap_pop(keys, vals, size)
        out.append((float(k), int(v)))
    assert out == sorted((float(k), v) for k, v in items)


def test_heapify_and_replace_top_keep_the_order():
    keys = np.array([5.0, 1.0, 1.0, 3.0, 0.5])
    vals = np.array([0, 4, 2, 3, 1], dtype=np.int64)
    heap.heapify(keys, vals, 5)
    assert (keys[0], vals[0]) == (0.5, 1)
    heap.replace_top(keys, vals, 5, 1.0, 1)  # now three items share key 1.0: ids 1, 2, 4
    order = []
    size = 5
    while size:
        k, v, size = heap.heap_pop(keys, vals, size)
        order.append((float(k), int(v)))
    assert order == [(1.0, 1), (1.0, 2), (1.0, 4), (3.0, 3), (5.0, 0)]


@pytest.mark.parametrize("backend", [jit.PLAIN, jit.COMPILED], ids=["plain", "compiled"])
def test_draws_are_uniform_and_the_same_on_both_backends(backend):
    state = np.array([12345], dtype=np.uint64)
    with backend.active(), np.errstate(over="ignore"):
        first = [draws.rand_below(state, 6) for _ in range(6000)]
    counts = np.bincount(first, minlength=6)
    assert counts.sum() == 6000 and counts.min() > 850  # 1000 expected per face
    # the same bits as splitmix64's reference code, written with Python integers
    x, mask, expected = 12345, 2**64 - 1, []
    for _ in range(3):
        x = (x + 0x9E3779B97F4A7C15) & mask
        z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        expected.append(z ^ (z >> 31))
    again = np.array([12345], dtype=np.uint64)
    with backend.active(), np.errstate(over="ignore"):
        assert [int(draws.rand_u64(again)) for _ in range(3)] == expected
