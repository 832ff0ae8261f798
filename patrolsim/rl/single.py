"""The Gymnasium environment ``patrolsim/Patrol-v0``: one robot learns, its team mates follow a strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ..scenario import Scenario
from .core import Episode, RLOptionError, load_episode_scenario, options_from
from .parallel import METADATA, RENDER_MODES
from .render import Rendered, check_render_mode
from .spaces import observation_space, robot_observations


class PatrolEnv(Rendered, gym.Env):
    """Robot ``learner`` of ``scenario`` learns; the others follow ``others`` (default: the scenario's
    strategy) in the same run. A step is one decision of the learner (semi-Markov): it advances the run
    to the next moment the learner stands at a node with nothing left to do; the reward covers the
    stretch since its previous decision; the episode is truncated at the scenario's duration (then
    ``info["metrics"]`` holds the run's ``result.metrics``). Observations as in the PettingZoo
    environment (docs/rl.md)."""

    metadata = METADATA

    def __init__(
        self,
        scenario: Scenario | str | Path = "office",
        agents: int | None = None,
        render_mode: str | None = None,
        *,
        learner: int = 0,
        others: str | None = None,
        overrides: dict | None = None,
        render_size: tuple[int, int] | None = None,
        **options: Any,
    ) -> None:
        self.render_mode = check_render_mode(render_mode, RENDER_MODES)
        self._render_size = render_size
        sc = load_episode_scenario(scenario, agents, overrides)
        n = sc.agents.count
        if isinstance(learner, bool) or not isinstance(learner, int) or not 0 <= learner < n:
            raise RLOptionError(f"learner: expected a robot index in [0, {n}), got {learner!r}")
        self.learner = learner
        learning = np.zeros(n, dtype=bool)
        learning[learner] = True
        others_name = others or sc.strategy_name
        if n > 1:
            from ..strategies import strategy_class

            strategy_class(others_name)  # an unknown name: a one-line StrategyError now
        self.core = Episode(sc, options_from(options), learning, others_name if n > 1 else None)
        self.observation_space = observation_space(self.core)
        self.action_space = spaces.Discrete(self.core.n_actions)

    @property
    def idleness_scale_s(self) -> float:
        """The unit (s) of every observed idleness and of the rewards."""
        return self.core.scale_s

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        core = self.core
        core.reset(seed, self._attach_renderer if self.render_mode is not None else None)
        core.rewards()
        if self.render_mode == "human":
            self.render()
        return self._observation(), self._info()

    def step(self, action):
        core = self.core
        if core.done:
            raise RuntimeError("the episode is over: call reset()")
        core.act(action)
        reward = float(core.rewards()[self.learner])
        obs, info = self._observation(), self._info()
        if self.render_mode == "human":
            self.render()
        return obs, reward, False, core.done, info

    def action_masks(self) -> np.ndarray:
        """Which actions apply now (bool; what sb3-contrib's MaskablePPO and similar algorithms ask for)."""
        return self.core.observe()["action_mask"][self.learner].astype(bool)

    def _observation(self) -> dict:
        return robot_observations(self.core.observe(), [self.learner])[0]

    def _info(self) -> dict:
        core = self.core
        info: dict[str, Any] = {"t": core.sim.now}
        if core.done:
            info["metrics"] = dict(core.result().metrics)
        else:
            info["since_decision_s"] = core.sim.now - float(core.decided_at()[self.learner])
        return info
