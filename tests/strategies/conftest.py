"""Shared helpers for the strategy tests: tiny maps and scenarios built in memory."""

import numpy as np
import pytest

from patrolsim.build import make
from patrolsim.maps.model import PatrolMap
from patrolsim.maps.occupancy import grid_map
from patrolsim.scenario import AgentSpec, Scenario
from patrolsim.strategies.comm import CommSpec


def make_scenario(
    pmap,
    strategy,
    agents=1,
    *,
    duration=1000.0,
    warmup=0.0,
    seed=1,
    speed=1.0,
    starts="random",
    wait=0.0,
    pass_through=True,
    params=None,
    comm=None,
):
    speeds = tuple(speed) if isinstance(speed, (list, tuple)) else (float(speed),) * agents
    spec = AgentSpec(
        count=agents, speeds=speeds, starts=starts, sensing_radius=0.0, wait=wait, pass_through_visits=pass_through
    )
    return Scenario(
        name="t",
        map=pmap,
        map_path="<memory>",
        duration=duration,
        warmup=warmup,
        seed=seed,
        sample_interval=duration / 20.0,
        coverage_windows=(60.0,),
        agents=spec,
        strategy_name=strategy,
        strategy_params=params or {},
        data={},
        communication=comm or CommSpec(),
    )


@pytest.fixture
def scenario_of():
    """scenario_of(pmap, strategy, agents, **options) -> a Scenario (see make_scenario)."""
    return make_scenario


@pytest.fixture
def sim_of():
    """sim_of(pmap, strategy, agents, **options) -> a Simulation."""

    def build(pmap, strategy, agents=1, **options):
        return make(make_scenario(pmap, strategy, agents, **options))

    return build


@pytest.fixture
def open_grid():
    def build(rows, cols=None, cell=1.0):
        return grid_map("grid", np.ones((rows, cols or rows), dtype=bool), cell_size=cell)

    return build


def ring(lengths):
    """A cycle graph 0-1-...-(n-1)-0 with the given edge lengths (m); nodes on a circle."""
    n = len(lengths)
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    edges = np.array([(i, (i + 1) % n) for i in range(n)])
    return PatrolMap.from_edges(
        "ring", np.column_stack([np.cos(ang), np.sin(ang)]) * 10, edges, np.asarray(lengths, dtype=float)
    )


@pytest.fixture
def ring_map():
    return ring
