"""Characteristic behaviour of the core rules and the ordering the literature agrees on."""

import numpy as np
import pytest

from patrolsim.maps import load_map


def test_cr_never_picks_a_less_idle_neighbour(sim_of, open_grid):
    pmap = open_grid(7)
    sim = sim_of(pmap, "cr", 2, duration=600.0, seed=3)
    log = []
    sim.on_visits(lambda t, n, a: log.append(np.column_stack([t, n, a])))
    sim.run()
    visits = np.concatenate(log)
    known = np.zeros((2, pmap.n_nodes))  # each agent's own memory of last visits
    last_at = {}
    for t, node, agent in visits:
        node, agent = int(node), int(agent)
        if agent in last_at:
            prev = last_at[agent]
            nbrs = pmap.neighbours(prev)
            assert known[agent, node] <= known[agent, nbrs].min()  # the chosen one was the most idle
        known[agent, node] = t
        last_at[agent] = node


def test_hpcc_goal_trades_idleness_against_distance(sim_of):
    from patrolsim.maps.model import PatrolMap

    pos = np.column_stack([np.arange(5) * 10.0, np.zeros(5)])
    pmap = PatrolMap.from_edges("line", pos, np.array([(i, i + 1) for i in range(4)]))
    sim = sim_of(pmap, "hpcc", 1, starts=(0,), params={"path_bias": 0.0}, duration=10.0)
    s = sim.strategy
    assert s.diameter == 40.0
    sim.state.know[0] = [100.0, 100.0, 40.0, 100.0, 0.0]  # idle at t = 100: 0 0 60 0 100
    # scores: node 2: 0.6 + (1 - 20/40) = 1.1; node 4: 1.0 + 0 = 1.0
    assert s.decide(0, 0, 100.0, sim.view) == [1, 2]
    sim.state.know[0] = [100.0, 100.0, 60.0, 100.0, 0.0]  # node 2: 0.4 + 0.5 = 0.9 < 1.0
    assert s.decide(0, 0, 100.0, sim.view) == [1, 2, 3, 4]


@pytest.mark.parametrize("agents", [1, 2])
def test_cyclic_beats_random_and_cr_on_worst_idleness(sim_of, agents):
    pmap = load_map("maps/office.txt")
    worst = {
        name: sim_of(pmap, name, agents, duration=9000.0, warmup=3000.0, seed=2).run().metrics["worst_idleness"]
        for name in ("cgg", "random", "cr")
    }
    assert worst["cgg"] < worst["cr"] and worst["cgg"] < worst["random"]


@pytest.mark.parametrize("name", ["random", "cr", "hcr", "hpcc", "cgg", "msp", "gbs", "sebs", "cbls", "dtag", "dtap"])
def test_every_strategy_respects_wait_and_pass_through_options(sim_of, open_grid, name):
    pmap = open_grid(6)
    res = sim_of(pmap, name, 2, wait=3.0, pass_through=False, duration=1500.0, seed=5).run()
    assert res.run["wait"] == 3.0 and res.run["pass_through_visits"] is False
    assert res.metrics["coverage"] == 1.0
    # every departure waits 3 s: travel time is at most the time not spent waiting
    moves = res.metrics["distance_total_m"]
    assert moves <= 2 * 1500.0 - 3.0 * (res.run["arrivals"] - 2) + 1e-6
