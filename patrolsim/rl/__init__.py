"""Reinforcement learning on patrolsim: a PettingZoo ParallelEnv and a Gymnasium Env on the same engine.

Needs the ``rl`` extra (``pip install 'patrolsim[rl]'``: pettingzoo and gymnasium); the rest of
patrolsim never imports this package. docs/rl.md describes the observations, actions, rewards and
how to plug the environments into RLlib, Stable-Baselines3 or CleanRL.

>>> from patrolsim.rl import parallel_env
>>> env = parallel_env("office", agents=4)                  # every robot learns
>>> obs, infos = env.reset(seed=1)
>>> import gymnasium, patrolsim.rl
>>> env = gymnasium.make("patrolsim/Patrol-v0", scenario="office", others="cgg")   # one robot learns
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import require

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario
    from .parallel import PatrolParallelEnv

ENV_ID = "patrolsim/Patrol-v0"


def parallel_env(
    scenario_or_map: Scenario | str | Path = "office",
    agents: int | None = None,
    render_mode: str | None = None,
    *,
    overrides: dict | None = None,
    render_size: tuple[int, int] | None = None,
    **options: Any,
) -> PatrolParallelEnv:
    """The PettingZoo ParallelEnv over a scenario, a map file or a shipped name (``agents`` robots,
    ``overrides``: scenario keys as ``--set`` takes them); ``options``: ``action``, ``reward``,
    ``idleness_scale_s`` (docs/rl.md). Bad inputs raise one-line errors (:class:`patrolsim.errors.UserError`)."""
    require("pettingzoo", "rl")
    from .core import load_episode_scenario, options_from
    from .parallel import PatrolParallelEnv

    scenario = load_episode_scenario(scenario_or_map, agents, overrides)
    return PatrolParallelEnv(scenario, options_from(options), render_mode, render_size)


def env(*args: Any, **kwargs: Any):
    """The same environment in PettingZoo's AEC form (``parallel_to_aec(parallel_env(...))``): every robot
    gives an action in turn, and a cycle of them is one parallel step (only the deciding robot's counts);
    the arguments are :func:`parallel_env`'s."""
    from pettingzoo.utils.conversions import parallel_to_aec

    return parallel_to_aec(parallel_env(*args, **kwargs))


def register() -> None:
    """Register ``patrolsim/Patrol-v0`` with Gymnasium (done when this package is imported, if Gymnasium
    is installed), so that ``gymnasium.make("patrolsim/Patrol-v0", scenario=..., ...)`` works."""
    import gymnasium

    if ENV_ID not in gymnasium.registry:
        gymnasium.register(ENV_ID, entry_point="patrolsim.rl.single:PatrolEnv", disable_env_checker=False)


with contextlib.suppress(ImportError):  # without Gymnasium, parallel_env says which extra to install
    register()
