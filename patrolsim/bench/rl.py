"""``patrolsim bench --rl`` (or ``python -m patrolsim.bench.rl``): steps per second of the RL environment.

Case: the PettingZoo environment on a 10 x 10 open grid (100 nodes, 1 m cells, 1 m/s), 4 robots, a
random policy (a uniform pick among the actions the mask allows, drawn ahead in one numpy call), one
long episode (no reset inside the timing). Reported: ``step`` calls per second (wall clock and CPU
time; the target is 20,000), beside the engine's own decisions per second on the same team (the
compiled ``random`` rule, and a trivial Python strategy: the engine's round trip to Python per
decision), and where a step's time goes (the engine's advance, observations, rewards, the dicts
PettingZoo wants), measured part by part.
"""

from __future__ import annotations

import time

import numpy as np

TARGET_STEPS_PER_S = 20_000


def _scenario(strategy: str = "random"):
    from ..maps.occupancy import grid_map
    from .scenarios import bench_scenario

    pmap = grid_map("open grid 10x10", np.ones((10, 10), dtype=bool))
    return bench_scenario(pmap, strategy, 4, 1e7, 200, (60.0,))


def _timed(fn, n: int) -> tuple[float, float]:
    """(wall s, CPU s) of ``fn(i)`` for i in range(n)."""
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        fn(i)
    return time.perf_counter() - w0, time.process_time() - c0


def engine_rates(decisions: int) -> dict[str, float]:
    """Decisions per second of the engine alone on the benchmark's team: the compiled random rule, and
    a Python strategy that picks a random neighbour (so every decision returns to Python)."""
    from ..build import make
    from ..jit import COMPILED
    from ..strategies.base import Strategy

    class PythonRandom(Strategy):
        name = "python-random"

        def decide(self, agent, node, t, view):
            lo, hi = view.map.indptr[node], view.map.indptr[node + 1]
            return int(view.map.indices[lo + int(view.rng.integers(hi - lo))])

    out = {}
    for label, strategy in (("compiled random rule", None), ("Python strategy", PythonRandom())):
        sim = make(_scenario(), strategy=strategy, backend=COMPILED)
        sim.advance_to(10.0)  # compile and warm up outside the timing
        before, wall = int(sim.result().run["decisions"]), sim.wall_s
        seconds = decisions / 4.0  # 4 robots on 1 m edges at 1 m/s: 4 decisions per simulated second
        sim.advance_to(sim.now + seconds)
        out[label] = (int(sim.result().run["decisions"]) - before) / (sim.wall_s - wall)
    return out


def measure(steps: int = 200_000) -> dict:
    """Time ``steps`` environment steps with the random policy, then each part of a step."""
    from ..rl import parallel_env

    env = parallel_env(_scenario())
    obs, _ = env.reset(seed=1)
    names = env.possible_agents
    u = np.random.default_rng(1).random(steps)
    state = {"obs": obs, "deciding": env.core.deciding}

    def step(i: int) -> None:
        name = names[state["deciding"]]
        degree = int(state["obs"][name]["action_mask"].sum())
        state["obs"] = env.step({name: int(u[i] * degree)})[0]
        state["deciding"] = env.core.deciding

    _timed(step, 2000)  # warm-up
    wall, cpu = _timed(step, steps)
    core = env.core
    parts = {
        "engine (answer + advance)": lambda i: core.act(int(u[i] * core.degree[core.sim.heading_to(core.deciding)])),
        "observation arrays": lambda i: core.observe(),
        "rewards": lambda i: core.rewards(),
        "per-robot dicts": lambda i: env._observations(),
        "infos": lambda i: env._infos(False),
    }
    n = max(steps // 4, 1000)
    breakdown = {label: _timed(fn, n)[1] / n * 1e6 for label, fn in parts.items()}
    # the dicts' row includes building the arrays once more; keep only what the dicts add
    breakdown["per-robot dicts"] -= breakdown["observation arrays"]
    breakdown["the rest: step()'s own work, the policy"] = cpu / steps * 1e6 - sum(breakdown.values())
    return {
        "steps": steps,
        "steps_per_s_wall": steps / wall,
        "steps_per_s_cpu": steps / cpu,
        "us_per_step_cpu": cpu / steps * 1e6,
        "breakdown_us": breakdown,
        "engine": engine_rates(steps),
    }


def profile(steps: int = 50_000, top: int = 12) -> str:
    """cProfile's top functions (own time) over ``steps`` random-policy steps, as text."""
    import cProfile
    import io
    import pstats

    from ..rl import parallel_env

    env = parallel_env(_scenario())
    obs, _ = env.reset(seed=1)
    rng = np.random.default_rng(2)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        name = env.possible_agents[env.core.deciding]
        obs = env.step({name: int(rng.integers(int(obs[name]["action_mask"].sum())))})[0]
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def run_rl_bench(quick: bool = False, with_profile: bool = False) -> dict:
    """Print and return :func:`measure` (``quick``: 20,000 steps instead of 200,000)."""
    row = measure(20_000 if quick else 200_000)
    ok = row["steps_per_s_cpu"] >= TARGET_STEPS_PER_S
    print("rl-bench: PettingZoo ParallelEnv, 10x10 open grid (100 nodes), 4 robots, random policy (masked)")
    print(
        f"  step calls/s   {row['steps_per_s_wall']:>9,.0f} wall   {row['steps_per_s_cpu']:>9,.0f} CPU   "
        f"({row['us_per_step_cpu']:.1f} us of CPU per step; target {TARGET_STEPS_PER_S:,}: {'ok' if ok else 'MISSED'})"
    )
    for label, rate in row["engine"].items():
        print(f"  engine alone, {label + ':':<22} {rate:>9,.0f} decisions/s (wall)")
    print("  where a step's CPU time goes (each part timed alone):")
    for label, us in row["breakdown_us"].items():
        print(f"    {label:<40} {us:6.1f} us")
    print("(wall-clock rates drop when other processes share the CPU; CPU-time rates do not)")
    if with_profile:
        print(profile())
    return row


if __name__ == "__main__":  # pragma: no cover
    import sys

    run_rl_bench(quick="--quick" in sys.argv, with_profile="--profile" in sys.argv)
