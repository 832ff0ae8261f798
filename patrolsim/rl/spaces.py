"""The Gymnasium spaces of the environments' observations and state (documented in docs/rl.md)."""

from __future__ import annotations

import numpy as np
from gymnasium import spaces

from .core import Episode


def observation_space(core: Episode) -> spaces.Dict:
    """One robot's observation: where it is, the idleness around it and everywhere, where the robots are,
    the known incidents, the time, and which actions apply now."""
    n, a, hi = core.n_nodes, core.n_agents, core.idle_high
    return spaces.Dict(
        {
            "node": spaces.Discrete(n),
            "neighbour_idleness": spaces.Box(0.0, hi, (core.max_degree,), np.float32),
            "action_mask": spaces.Box(0, 1, (core.n_actions,), np.int8),
            "idleness": spaces.Box(0.0, hi, (n,), np.float32),
            "robots": spaces.MultiDiscrete(np.full(a, n, dtype=np.int64)),
            "robot_eta": spaces.Box(0.0, hi, (a,), np.float32),
            "incidents": spaces.Box(0.0, 1.0, (n,), np.float32),
            "time": spaces.Box(0.0, 1.0, (1,), np.float32),
        }
    )


def robot_observations(arrays: dict[str, np.ndarray], robots) -> list[dict]:
    """The observations of ``robots`` (indices) from :meth:`Episode.observe`'s arrays; the arrays every
    robot sees are shared by the observations of one step."""
    idle, nodes, eta, incidents, time = (arrays[k] for k in ("idleness", "robots", "robot_eta", "incidents", "time"))
    nb, mask, at = arrays["neighbour_idleness"], arrays["action_mask"], nodes.tolist()
    return [
        {
            "node": at[i],
            "neighbour_idleness": nb[i],
            "action_mask": mask[i],
            "idleness": idle,
            "robots": nodes,
            "robot_eta": eta,
            "incidents": incidents,
            "time": time,
        }
        for i in robots
    ]


def state_space(core: Episode) -> spaces.Box:
    """The global state (:meth:`Episode.state`)."""
    n, a, hi = core.n_nodes, core.n_agents, core.idle_high
    high = np.concatenate([np.full(n, hi), np.full(n, a), np.ones(n), np.ones(1)]).astype(np.float32)
    return spaces.Box(np.zeros_like(high), high, dtype=np.float32)
