"""``patrolsim rl-train``: tabular Q-learning in the PettingZoo environment, minutes on a CPU, no deep learning.

Every robot of the team learns one shared table (parameter sharing) with semi-Markov Q-learning: robot i
decides in state s = (node, j, c) (:mod:`patrolsim.strategies.learned`), moves, and decides again in s'
after tau seconds, having earned R (its rewards in between); then

    q[s, a] += alpha * (R + gamma ** (tau / scale) * max_a' q[s', a'] - q[s, a])

with epsilon-greedy exploration (epsilon falls linearly over the episodes). Episodes use the seeds of a
stream seeded by ``seed``; the table is saved as the ``rl`` strategy's policy file, and the comparison
runs it beside other strategies with ``patrolsim compare``'s figures, on the evaluation seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..scenario import Scenario
from ..strategies.learned import QPolicy, best_action, q_state


@dataclass(frozen=True)
class Schedule:
    """Learning rate, discount per idleness scale of time, and exploration from first to last episode."""

    alpha: float = 0.1
    gamma: float = 0.5
    epsilon: tuple[float, float] = (0.3, 0.02)

    def checked(self) -> Schedule:
        if not 0 < self.alpha <= 1:
            raise UserError(f"alpha: expected a learning rate in (0, 1], got {self.alpha!r}")
        if not 0 <= self.gamma < 1:
            raise UserError(f"gamma: expected a discount in [0, 1), got {self.gamma!r}")
        if not all(0 <= e <= 1 for e in self.epsilon):
            raise UserError(f"epsilon: expected exploration rates in [0, 1], got {self.epsilon!r}")
        return self


@dataclass
class Training:
    """What :func:`train` learned: the policy and, per episode, its steps, mean return per robot and the
    run's time-averaged idleness (s)."""

    policy: QPolicy
    steps: list[int] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    idleness: list[float] = field(default_factory=list)
    wall_s: float = 0.0


def observed_state(obs: dict, table: np.ndarray) -> tuple[int, int, int, int]:
    """(node, j, c, degree) of a deciding robot from its observation (``table``: the map's
    ``neighbour_table``): the state of the table and how many actions apply."""
    node = int(obs["node"])
    degree = int(obs["action_mask"].sum())
    j, c = q_state(obs["neighbour_idleness"], degree, table[node], obs["robots"])
    return node, j, c, degree


def greedy_action(policy: QPolicy, obs: dict, table: np.ndarray) -> int:
    """The action the policy takes on ``obs`` (what the ``rl`` strategy does in a run)."""
    node, j, c, degree = observed_state(obs, table)
    return best_action(policy.q[node, j, c], degree)


def train(
    scenario: Scenario,
    episodes: int,
    seed: int,
    schedule: Schedule = Schedule(),
    progress: Callable[[int, Training], None] | None = None,
) -> Training:
    """Learn a table on ``scenario`` (its team size, map and duration) over ``episodes`` episodes."""
    from . import parallel_env

    schedule = schedule.checked()
    if episodes < 1:
        raise UserError(f"episodes: expected a whole number >= 1, got {episodes!r}")
    env = parallel_env(scenario)
    pmap = scenario.map
    table = pmap.neighbour_table
    policy = QPolicy.empty(pmap, env.idleness_scale_s)
    q, scale = policy.q, policy.idleness_scale_s
    rng = np.random.default_rng(seed)
    out = Training(policy)
    names = env.possible_agents
    started = time.perf_counter()
    for episode in range(episodes):
        share = episode / max(episodes - 1, 1)
        eps = schedule.epsilon[0] + (schedule.epsilon[1] - schedule.epsilon[0]) * share
        obs, infos = env.reset(seed=seed if episode == 0 else None)
        pending: list[tuple | None] = [None] * len(names)  # each robot's last (node, j, c, action, t)
        earned = np.zeros(len(names))
        total, steps = 0.0, 0
        while env.agents:
            i = next(k for k, name in enumerate(names) if infos[name]["deciding"])
            t = infos[names[i]]["t"]
            node, j, c, degree = observed_state(obs[names[i]], table)
            last = pending[i]
            if last is not None:
                u, pj, pc, pa, pt = last
                target = earned[i] + schedule.gamma ** ((t - pt) / scale) * q[node, j, c, :degree].max()
                q[u, pj, pc, pa] += schedule.alpha * (target - q[u, pj, pc, pa])
            a = int(rng.integers(degree)) if rng.random() < eps else best_action(q[node, j, c], degree)
            pending[i] = (node, j, c, a, t)
            earned[i] = 0.0
            obs, rewards, _, _, infos = env.step({names[i]: a})
            r = np.fromiter(rewards.values(), dtype=float, count=len(names))
            earned += r
            total += float(r.sum())
            steps += 1
        out.steps.append(steps)
        out.returns.append(total / len(names))
        out.idleness.append(float(infos[names[0]]["metrics"]["time_avg_idleness"]))
        out.wall_s = time.perf_counter() - started
        if progress is not None:
            progress(episode + 1, out)
    env.close()
    return out


def compare_learned(
    path: str,
    policy_path: Path,
    agents: Sequence[int],
    seeds: Sequence[int],
    strategies: Sequence[str],
    overrides: dict | None = None,
    progress=None,
):
    """``patrolsim compare``'s runs and table of the learned policy (``rl``) beside ``strategies``."""
    from ..batch.compare import compare

    names = ["rl", *[s for s in strategies if s != "rl"]]
    return compare(path, names, agents, seeds, overrides, progress, {"rl": {"policy": str(policy_path)}})
