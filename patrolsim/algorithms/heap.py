"""A binary min-heap kept in two preallocated arrays (keys, values), for the compiled searches.

Written as numba-compatible Python and registered with :func:`patrolsim.jit.kernel_function`, so
it runs compiled or not like the event loop. Equal keys leave in an order fixed by the pushes.
"""

from __future__ import annotations

from ..jit import kernel_function


@kernel_function
def heap_push(keys, vals, size, key, val):
    """Add (key, val) to a heap of ``size`` items; returns the new size."""
    i = size
    keys[i] = key
    vals[i] = val
    while i > 0:
        parent = (i - 1) // 2
        if keys[parent] <= keys[i]:
            break
        keys[i], keys[parent] = keys[parent], keys[i]
        vals[i], vals[parent] = vals[parent], vals[i]
        i = parent
    return size + 1


@kernel_function
def heap_pop(keys, vals, size):
    """Remove the smallest item of a heap of ``size`` items; returns (key, val, new size)."""
    key, val = keys[0], vals[0]
    size -= 1
    keys[0] = keys[size]
    vals[0] = vals[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[i] <= keys[child]:
            break
        keys[i], keys[child] = keys[child], keys[i]
        vals[i], vals[child] = vals[child], vals[i]
        i = child
    return key, val, size
