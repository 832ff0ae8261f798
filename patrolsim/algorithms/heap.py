"""The one binary min-heap of the compiled code: (key, id) pairs in two preallocated arrays.

Items are ordered by key, then by id (the tie rule of :mod:`patrolsim.determinism`), so equal keys
leave in id order whatever the order of the pushes. The event loop keeps its agents' next arrivals in
one (key = arrival time, id = agent) and the searches their frontier (key = distance, id = node).
Written as numba-compatible Python and registered with :func:`patrolsim.jit.kernel_function`, so it
runs compiled or not like the event loop.
"""

from __future__ import annotations

from ..jit import kernel_function


@kernel_function
def before(k1, v1, k2, v2):
    """Whether the item (k1, v1) leaves the heap before (k2, v2)."""
    return k1 < k2 or (k1 == k2 and v1 < v2)


@kernel_function
def sift_down(keys, vals, size, i):
    """Move the item at position ``i`` down to its place (after its key grew, or in :func:`heapify`)."""
    key, val = keys[i], vals[i]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and before(keys[child + 1], vals[child + 1], keys[child], vals[child]):
            child += 1
        if not before(keys[child], vals[child], key, val):
            break
        keys[i], vals[i] = keys[child], vals[child]
        i = child
    keys[i], vals[i] = key, val


@kernel_function
def heap_push(keys, vals, size, key, val):
    """Add (key, val) to a heap of ``size`` items; returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if not before(key, val, keys[parent], vals[parent]):
            break
        keys[i], vals[i] = keys[parent], vals[parent]
        i = parent
    keys[i], vals[i] = key, val
    return size + 1


@kernel_function
def heap_pop(keys, vals, size):
    """Remove the first item of a heap of ``size`` items; returns (key, val, new size)."""
    key, val = keys[0], vals[0]
    size -= 1
    if size > 0:
        keys[0], vals[0] = keys[size], vals[size]
        sift_down(keys, vals, size, 0)
    return key, val, size


@kernel_function
def replace_top(keys, vals, size, key, val):
    """Replace the first item by (key, val), whose key is no smaller (the event loop's next arrival of
    the agent it just moved)."""
    keys[0], vals[0] = key, val
    sift_down(keys, vals, size, 0)


@kernel_function
def heapify(keys, vals, size):
    """Put the first ``size`` items in heap order."""
    for i in range(size // 2 - 1, -1, -1):
        sift_down(keys, vals, size, i)
