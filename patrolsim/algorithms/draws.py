"""The one random generator of the compiled code: splitmix64 on a state of one uint64 (an array of
length 1, so a draw advances it in place).

The event loop (random rules, tie draws) and the searches (ties between equally good goals) each
keep such a state, seeded once from the run's numpy Generator (``Simulation.rng``), so every draw of
a run follows from its seed. The multiplications wrap around 2**64 on purpose: as plain Python, call
under ``np.errstate(over="ignore")``. Numba-compatible Python registered with
:func:`patrolsim.jit.kernel_function`.
"""

from __future__ import annotations

import numpy as np

from ..jit import kernel_function


@kernel_function
def rand_u64(rng):
    """The next 64 random bits of the state ``rng[0]``."""
    rng[0] += np.uint64(0x9E3779B97F4A7C15)
    z = rng[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@kernel_function
def rand_float(rng):
    """Uniform float in [0, 1) with 53 random bits."""
    return float(rand_u64(rng) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel_function
def rand_below(rng, k):
    """Uniform integer in [0, k)."""
    return int(rand_float(rng) * k)
