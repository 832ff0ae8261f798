"""Colours: the idleness colour scale (a lookup table), agent and region colours, UI greys."""

from __future__ import annotations

import colorsys
import functools
import math

import numpy as np

BACKGROUND = (24, 27, 33)
MAP_BG = (44, 48, 56)
WALL = (58, 62, 72)
FREE = (226, 229, 234)
EDGE = (150, 156, 168)
NODE = (110, 116, 128)
TEXT = (232, 235, 240)
TEXT_DIM = (160, 166, 178)
INCIDENT = (230, 30, 60)
#: an incident no robot has been sent to yet
INCIDENT_WAITING = (150, 20, 40)
#: nodes nobody has seen yet (in the window and in the report's heat maps: patrolsim/report/heatmap.py)
NEVER_SEEN = (96, 140, 200)
PANEL_BG = (33, 37, 45)

#: idleness scale stops: fresh (just seen) pale yellow ... stale dark red (ColorBrewer YlOrRd)
_STOPS = np.array([(255, 255, 204), (254, 217, 118), (253, 141, 60), (227, 26, 28), (128, 0, 38)], float)

#: 256-entry RGB lookup table of the idleness scale
HEAT_LUT: np.ndarray = np.stack(
    [np.interp(np.linspace(0, 1, 256), np.linspace(0, 1, len(_STOPS)), _STOPS[:, k]) for k in range(3)], axis=1
).astype(np.uint8)

#: tab10 without its red (red means an incident), the agents' first colours
_TAB10 = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
    (188, 189, 34),
    (127, 127, 127),
]


#: hues (0..1) outside this range are red
RED_HUES = (0.05, 0.92)


@functools.lru_cache(maxsize=64)
def agent_colours(n: int) -> list[tuple[int, int, int]]:
    """:func:`distinct_colours` as a list of RGB tuples (cached: drawn every frame)."""
    return [(int(c[0]), int(c[1]), int(c[2])) for c in distinct_colours(n)]


def darker(rgb: tuple[int, int, int], share: float = 0.55) -> tuple[int, int, int]:
    """``rgb`` at ``share`` of its brightness (a run's worst-idleness line beside its average)."""
    return (int(rgb[0] * share), int(rgb[1] * share), int(rgb[2] * share))


def distinct_colours(n: int) -> np.ndarray:
    """(n, 3) uint8 colours, easy to tell apart: tab10 first, then golden-ratio hues; none red (the
    incidents' colour)."""
    out: list[tuple[int, ...]] = [tuple(c) for c in _TAB10[:n]]
    for i in range(len(out), n):
        h = (i * 0.618033988749895) % 1.0
        if h < RED_HUES[0] or h > RED_HUES[1]:
            h = RED_HUES[0] + (h + 1.0 - RED_HUES[1]) % 1.0 * 2  # moved out of the reds, into the oranges
        out.append(tuple(int(255 * c) for c in colorsys.hsv_to_rgb(h, 0.75, 0.95)))
    return np.array(out, dtype=np.uint8).reshape(-1, 3)


def heat_index(idle_s: np.ndarray, scale_max_s: float) -> np.ndarray:
    """LUT index (0..255) of each idleness value (seconds) on a 0..scale_max_s scale."""
    return np.clip(idle_s * (255.0 / max(scale_max_s, 1e-9)), 0, 255).astype(np.intp)


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5 x 10^k (or 60 / 300 / 600 ... for minutes) not below ``x`` seconds."""
    steps = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400]
    for s in steps:
        if x <= s:
            return float(s)
    return float(86400 * math.ceil(x / 86400))


def duration_label(seconds: float) -> str:
    """'45 s', '5 min', '2 h', or 'h:mm:ss' style for clocks (see clock_label)."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h".replace(".0 h", " h")


def seconds_label(seconds: float | None) -> str:
    """A metric in seconds with its unit, to three significant figures: '87.2 s', '5.43 min', '1.92 h'
    ('n/a' for None or NaN)."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    for unit, size, limit in (("s", 1.0, 120.0), ("min", 60.0, 7200.0), ("h", 3600.0, math.inf)):
        if abs(seconds) < limit:
            v = seconds / size
            return f"{v:.3g} {unit}" if abs(v) < 1000 else f"{v:,.0f} {unit}"
    return f"{seconds:.0f} s"


def share_label(x: float | None) -> str:
    """A fraction as a percentage ('83.3 %'; 'n/a' for None)."""
    return "n/a" if x is None or not math.isfinite(x) else f"{x * 100:.1f} %"


def clock_label(seconds: float) -> str:
    """Simulated time as h:mm:ss."""
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
