"""gui-bench: the window's frame rate and simulated events per second, drawn off-screen.

Case: 1280x800 window, 100x100 open grid (1 m cells), 50 agents (cr), heat map, paths and discs on.
Reported per speed: frames per second with the 60 fps cap lifted, how much simulated time passed per
wall second (x1000 must keep pace: >= 1000), and arrivals (events) processed per wall second.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time

import numpy as np


def bench_scenario(size: int = 100, agents: int = 50):
    """The benchmark scenario: an open size x size grid of 1 m cells, ``agents`` cr agents, 1 m sensing."""
    from ..data import default_scenario
    from ..gui.session import with_changes
    from ..maps.occupancy import grid_map
    from ..scenario import load_scenario

    base = load_scenario(default_scenario())
    pmap = grid_map(f"open grid {size}x{size}", np.ones((size, size), dtype=bool))
    sc = dataclasses.replace(
        base,
        map=pmap,
        name=f"bench {size}x{size}",
        duration=1e9,
        agents=dataclasses.replace(base.agents, sensing_radius=1.5),
    )
    return with_changes(sc, count=agents, starts="random")


def measure(app, speed: float, seconds: float) -> dict:
    """Run ``app`` uncapped at ``speed`` for ``seconds`` of wall time; frame rate and event rates."""
    s = app.sessions[0]
    s.speed, s.paused = speed, False
    app.frame(1 / 60)  # warm-up frame (compiles, caches)
    t_sim0, ev0, frames = s.sim.now, s.events, 0
    cpu0 = time.process_time()
    start = last = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        app.frame(now - last)
        last = now
        frames += 1
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    return {
        "speed": speed,
        "fps": frames / wall,
        "cpu_ms_per_frame": 1000 * cpu / frames,
        "sim_s_per_s": (s.sim.now - t_sim0) / wall,
        "events_per_s": (s.events - ev0) / wall,
    }


def run_gui_bench(seconds: float = 5.0) -> list[dict]:
    """Print and return one row per speed (x1, x1000, max)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from ..gui.app import App

    app = App(bench_scenario(), size=(1280, 800))
    rows = [measure(app, speed, seconds) for speed in (1.0, 1000.0, math.inf)]
    app.close()
    print("gui-bench: 1280x800, 100x100 grid, 50 agents, heat map + paths + discs, frames uncapped")
    print(f"{'speed':>8} {'frames/s':>9} {'CPU ms/frame':>13} {'sim s / wall s':>15} {'events/s':>10}")
    for r in rows:
        label = "max" if math.isinf(r["speed"]) else f"x{r['speed']:g}"
        print(
            f"{label:>8} {r['fps']:9.0f} {r['cpu_ms_per_frame']:13.1f} {r['sim_s_per_s']:15.0f} "
            f"{r['events_per_s']:10.0f}"
        )
    print("(frames/s is wall-clock and drops when other processes share the CPU; CPU ms/frame does not)")
    return rows
