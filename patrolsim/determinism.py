"""The rules that make a run's numbers the same on every machine, compiled or not, in one place.

patrolsim promises bit-identical results for the same scenario and seed in any process, on any CPU,
with the event loop compiled by numba or run as plain Python. Three things break that promise
unless they are ruled out, and every computation that decides a result follows these rules:

1. **Ties.** numpy's default (quick)sort, ``argpartition`` and numba's ``argsort`` order equal keys
   differently on different CPUs (numpy picks AVX-512 or AVX2 sorting networks at run time) and
   between the two paths. Every order that decides a result is therefore *stable with an explicit
   key*: :func:`stable_argsort` (ties keep index order, i.e. ties by node or agent id when the keys
   are indexed by id), :func:`smallest_per_row` (the k smallest of each row, ties by column), Python's
   ``sorted`` (stable) with the id as the last key, ``np.argmin``/``np.argmax`` (first index of the
   extreme) and heaps keyed by (value, id). Random tie breaks draw from the run's own seeded source.
2. **Sums.** BLAS (``@``, ``np.dot``, ``np.linalg`` without ``axis``) picks kernels and thread splits
   by CPU, so the order of additions and the rounding differ. Weighted sums that decide a result or
   are reported go through :func:`dot` and :func:`row_dots` (element-wise products, then numpy's
   pairwise sum, whose order is fixed).
3. **Transcendental functions.** numpy evaluates ``exp``/``log``/``log2``/``power`` on arrays with
   CPU-specific SIMD kernels (AVX-512 uses other approximations than the baseline), so they can
   differ in the last bit. Results use :func:`exp` and :func:`log2` (the C library's scalar
   functions, as ``math`` and numba call them). ``sqrt`` and the four arithmetic operations are
   correctly rounded everywhere and are used freely.

Simultaneous events are the engine's business: arrivals are ordered by (time, agent id), and two
times within :data:`patrolsim.engine.kernel.TIME_EPS` (relative) of each other are one instant for
revisit intervals and interference (see :mod:`patrolsim.engine.kernel`).
"""

from __future__ import annotations

import math

import numpy as np

#: rows of a matrix summed per chunk by :func:`row_dots` (bounds the temporary to ROW_CHUNK x columns)
ROW_CHUNK = 256


def stable_argsort(keys: np.ndarray, axis: int = -1) -> np.ndarray:
    """Indices that sort ``keys`` ascending; equal keys keep their index order (ties by id)."""
    return np.argsort(keys, axis=axis, kind="stable")


def smallest_per_row(matrix: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` smallest entries of each row, ordered by (value, column index).

    The same on every CPU: the k-th smallest value of a row is unique whatever sort finds it, and of
    the entries equal to it the lowest columns are taken."""
    n_rows, n_cols = matrix.shape
    k = min(k, n_cols)
    if k <= 0:
        return np.zeros((n_rows, 0), dtype=np.int64)
    kth = np.partition(matrix, k - 1, axis=1)[:, k - 1 : k]
    below = matrix < kth
    tied = matrix == kth
    room = k - below.sum(axis=1, keepdims=True)
    take = below | (tied & (np.cumsum(tied, axis=1) <= room))
    cols = np.nonzero(take)[1].reshape(n_rows, k)
    order = stable_argsort(np.take_along_axis(matrix, cols, axis=1), axis=1)
    return np.take_along_axis(cols, order, axis=1).astype(np.int64)


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """sum_i a_i b_i with a fixed order of additions (no BLAS)."""
    return float(np.multiply(a, b).sum())


def row_dots(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``matrix @ weights`` (one weighted sum per row) with a fixed order of additions (no BLAS)."""
    out = np.empty(matrix.shape[0])
    for lo in range(0, matrix.shape[0], ROW_CHUNK):
        out[lo : lo + ROW_CHUNK] = (matrix[lo : lo + ROW_CHUNK] * weights).sum(axis=1)
    return out


def exp(x: np.ndarray) -> np.ndarray:
    """Element-wise e**x by the C library (the same value numba and ``math.exp`` give)."""
    x = np.asarray(x, dtype=float)
    return np.fromiter(map(math.exp, x.ravel().tolist()), float, x.size).reshape(x.shape)


def log2(x: np.ndarray) -> np.ndarray:
    """Element-wise log2 by the C library (positive inputs)."""
    x = np.asarray(x, dtype=float)
    return np.fromiter(map(math.log2, x.ravel().tolist()), float, x.size).reshape(x.shape)
