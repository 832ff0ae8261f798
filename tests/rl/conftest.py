"""RL environment tests run headless: SDL's dummy drivers, set before pygame is imported."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import numpy as np
import pytest

from patrolsim.maps.model import PatrolMap
from patrolsim.scenario import load_run_scenario, scenario_from_dict


@pytest.fixture
def line3():
    """Nodes 0 -(10 m)- 1 -(20 m)- 2 on a line; robot 0 starts at node 0, robot 1 at node 2; 1 m/s, 40 s."""
    pmap = PatrolMap.from_edges("line", np.array([[0.0, 0.0], [10.0, 0.0], [30.0, 0.0]]), np.array([[0, 1], [1, 2]]))
    data = {"duration": 40, "seed": 1, "agents": {"count": 2, "starts": [0, 2]}, "strategy": {"name": "random"}}
    return scenario_from_dict(data, pmap=pmap)


@pytest.fixture
def plaza():
    """The shipped plaza (18 nodes), 3 robots, 600 s: a few hundred decisions per episode."""
    return load_run_scenario("plaza", {"agents": 3, "duration": 600})
