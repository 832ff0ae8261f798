"""Compile the hot loops with numba only when the work pays for numba's start-up.

Numba costs about a second the first time a process calls compiled code (importing it, its
type registries, and scipy's BLAS check), even with the on-disk cache. A small run finishes faster
than that as plain Python, so the kernel functions are written once as numba-compatible Python,
registered with :func:`kernel_function`, and swapped for ``numba.njit(cache=True)`` versions by
:func:`use_compiled` when a run is big enough (or ``PATROLSIM_JIT=1``). Both forms execute the same
source with the same IEEE arithmetic, so results are identical either way (a test checks this).
``PATROLSIM_JIT=0`` never compiles (for debugging with pdb).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

#: estimated events (arrivals, node visits of a BFS, ...) above which compiling pays off
COMPILE_ABOVE = 40_000

_registered: list[Callable] = []
_compiled = False
_expected = 0.0  # work announced to for_work so far in this process


def _compile(fn: Callable) -> Callable:
    from numba import njit

    dispatcher = njit(cache=True)(fn)
    setattr(sys.modules[fn.__module__], fn.__name__, dispatcher)
    return dispatcher


def kernel_function(fn: Callable) -> Callable:
    """Mark ``fn`` (numba-compatible Python, called through its module's globals) as compilable."""
    _registered.append(fn)
    return _compile(fn) if _compiled else fn


def use_compiled() -> None:
    """From now on run every kernel function compiled: those registered so far are replaced in their
    modules by numba dispatchers, and later ones are compiled as they register."""
    global _compiled
    if _compiled or os.environ.get("PATROLSIM_JIT") == "0":
        return
    _compiled = True
    for fn in _registered:
        _compile(fn)


def for_work(events: float) -> None:
    """Announce ``events`` (an estimate of loop iterations ahead); compile once the work announced in
    this process adds up to more than COMPILE_ABOVE (numba's start-up is paid once per process, so many
    small pieces of work, e.g. the tours of a partition's regions, add up), or always when PATROLSIM_JIT=1."""
    global _expected
    _expected += events
    if os.environ.get("PATROLSIM_JIT") == "1" or _expected > COMPILE_ABOVE:
        use_compiled()
