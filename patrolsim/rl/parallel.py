"""The PettingZoo ParallelEnv: every robot of a scenario learns (see :mod:`patrolsim.rl` and docs/rl.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from ..scenario import Scenario
from .core import Episode, Options
from .render import Rendered, check_render_mode
from .spaces import observation_space, robot_observations, state_space

RENDER_MODES = ["human", "rgb_array"]
METADATA = {"name": "patrolsim_patrol_v0", "render_modes": RENDER_MODES, "render_fps": 30}


class PatrolParallelEnv(Rendered, ParallelEnv):
    """Robots ``robot_0`` ... ``robot_{A-1}`` patrolling ``scenario``; a step is one robot's decision.

    Each step advances the run to the next moment a robot stands at a node with nothing left to do
    (semi-Markov: steps are decisions, not clock ticks); that robot acts and the others' actions are
    ignored (``infos[robot]["deciding"]`` says who acts; only its ``action_mask`` has ones). Robots that
    reach nodes at the same instant act in successive steps, in id order. Rewards cover the stretch
    since the previous step; the episode is truncated at the scenario's duration, when ``infos`` of
    every robot hold ``metrics``: the run's ``result.metrics``, the figures ``patrolsim run`` prints.
    """

    metadata = METADATA

    def __init__(self, scenario: Scenario, options: Options, render_mode: str | None = None, render_size=None) -> None:
        self.render_mode = check_render_mode(render_mode, RENDER_MODES)
        self._render_size = render_size
        n = scenario.agents.count
        self.core = Episode(scenario, options, np.ones(n, dtype=bool))
        self.possible_agents = [f"robot_{i}" for i in range(n)]
        self.agents: list[str] = []
        self._observation_spaces = {a: observation_space(self.core) for a in self.possible_agents}
        self._action_spaces = {a: spaces.Discrete(self.core.n_actions) for a in self.possible_agents}
        self.state_space = state_space(self.core)

    def observation_space(self, agent: str) -> spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self._action_spaces[agent]

    # ------------------------------------------------------------------ episodes
    @property
    def idleness_scale_s(self) -> float:
        """The unit (s) of every observed idleness and of the rewards."""
        return self.core.scale_s

    def reset(self, seed: int | None = None, options: dict | None = None):
        """Start an episode: ``seed`` is the run's scenario seed (the same seed, the same episode; without
        one, the next of a stream seeded by the last seed given, or by the scenario's seed)."""
        core = self.core
        core.reset(seed, self._attach_renderer if self.render_mode is not None else None)
        self.agents = self.possible_agents[:]
        core.rewards()  # start the reward stretch at the first decision
        if self.render_mode == "human":
            self.render()
        return self._observations(), self._infos(final=core.done)

    def step(self, actions: dict[str, Any]):
        core = self.core
        if not self.agents:
            raise RuntimeError("the episode is over: call reset()")
        name = self.possible_agents[core.deciding] if core.deciding >= 0 else None
        if name is not None:
            if name not in actions:
                raise ValueError(f"{name} decides now (infos[{name!r}]['deciding']) and needs an action")
            core.act(actions[name])
        rewards = dict(zip(self.possible_agents, core.rewards().tolist()))
        obs = self._observations()
        done = core.done
        infos = self._infos(final=done)
        terminations = dict.fromkeys(self.possible_agents, False)
        truncations = dict.fromkeys(self.possible_agents, done)
        if done:
            self.agents = []
        if self.render_mode == "human":
            self.render()
        return obs, rewards, terminations, truncations, infos

    def state(self) -> np.ndarray:
        """The global state for centralised training (see :meth:`Episode.state`)."""
        return self.core.state()

    def _observations(self) -> dict[str, dict]:
        names = self.possible_agents
        return dict(zip(names, robot_observations(self.core.observe(), range(len(names)))))

    def _infos(self, final: bool) -> dict[str, dict]:
        core = self.core
        t, deciding = core.sim.now, core.deciding
        infos: dict[str, dict[str, Any]]
        if core.incidents is None:  # only incidents' dispatch takes robots out of their decisions
            infos = {name: {"deciding": False, "t": t, "dispatched": False} for name in self.possible_agents}
        else:
            controlled = core.sim.state.controlled.tolist()
            infos = {
                name: {"deciding": False, "t": t, "dispatched": controlled[i]}
                for i, name in enumerate(self.possible_agents)
            }
        if deciding >= 0:
            info = infos[self.possible_agents[deciding]]
            info["deciding"] = True
            info["since_decision_s"] = t - float(core.decided_at()[deciding])
        if final:
            metrics = core.result().metrics
            for info in infos.values():
                info["metrics"] = dict(metrics)
        return infos
