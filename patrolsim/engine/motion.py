"""Motion that takes real time: legs driven from rest to rest with acceleration and braking, and turns
in place at nodes. Exact times (closed forms), no time steps.

A leg of ``length`` metres at top speed ``v`` with acceleration ``a`` and braking ``b`` (m/s^2) is a
trapezoid of speed over time: up to ``v`` in ``v/a`` s over ``v^2/2a`` m, cruise, and down in ``v/b``
s over ``v^2/2b`` m; a leg too short to reach ``v`` is a triangle peaking at
``sqrt(2 L / (1/a + 1/b))``. An infinite ``a`` or ``b`` takes no time or distance, so ``inf, inf``
is the constant-speed leg ``L / v`` exactly. A turn of angle ``theta`` (radians, between the last leg
and the next, pi for a U-turn) at ``turn_rate`` rad/s takes ``theta / turn_rate`` s.
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import kernel_function


@kernel_function
def leg_seconds(length, v, a, b):
    """Seconds to drive ``length`` m from rest to rest (top speed v, acceleration a, braking b)."""
    ramps = v * v / (2.0 * a) + v * v / (2.0 * b)
    if ramps <= length:
        return v / a + v / b + (length - ramps) / v
    peak = math.sqrt(2.0 * length / (1.0 / a + 1.0 / b))
    return peak / a + peak / b


@kernel_function
def turn_seconds(px, py, x, y, nx, ny, rate):
    """Seconds to turn in place at (x, y) from the heading of the leg from (px, py) to that of the leg
    towards (nx, ny), at ``rate`` rad/s (0 when either leg has no length)."""
    ux, uy, wx, wy = x - px, y - py, nx - x, ny - y
    cross, dot = ux * wy - uy * wx, ux * wx + uy * wy
    if cross == 0.0 and dot == 0.0:
        return 0.0
    return abs(math.atan2(cross, dot)) / rate


def leg_progress(length: np.ndarray, v: np.ndarray, a: np.ndarray, b: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Metres covered ``tau`` seconds into legs as :func:`leg_seconds` drives them (arrays, one per leg;
    ``tau`` clipped to the leg)."""
    length, v = np.asarray(length, float), np.asarray(v, float)
    a, b, tau = np.asarray(a, float), np.asarray(b, float), np.asarray(tau, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ramps = v * v / (2 * a) + v * v / (2 * b)
        top = np.where(ramps <= length, v, np.sqrt(2 * length / (1 / a + 1 / b)))
        t_up, t_down = top / a, top / b
        d_up, d_down = top * top / (2 * a), top * top / (2 * b)
        t_cruise = np.where(top > 0, (length - d_up - d_down) / top, 0.0)
        total = t_up + t_cruise + t_down
        tau = np.clip(tau, 0.0, total)
        up = 0.5 * a * np.minimum(tau, t_up) ** 2
        up = np.where(np.isinf(a), 0.0, up)
        cruise = top * np.clip(tau - t_up, 0.0, t_cruise)
        left = np.clip(total - tau, 0.0, t_down)  # seconds of braking still to come
        down = d_down - 0.5 * b * left * left
        down = np.where(np.isinf(b) | (tau <= t_up + t_cruise), 0.0, down)
    return np.clip(np.nan_to_num(up + cruise + down), 0.0, length)
