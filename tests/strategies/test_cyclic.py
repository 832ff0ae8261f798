"""cgg: r agents at speed v on a closed walk of length L revisit every node every L / (r v) seconds in
steady state, and the time-averaged idleness is L / (2 r v)."""

import numpy as np
import pytest

from patrolsim.maps.model import PatrolMap
from patrolsim.strategies import Hold

LENGTHS = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]  # L = 31 m


@pytest.mark.parametrize("agents, speed, wait", [(1, 1.0, 0.0), (3, 2.0, 0.0), (4, 0.5, 1.5)])
def test_revisit_interval_and_idleness_on_a_ring(ring_map, sim_of, agents, speed, wait):
    pmap = ring_map(LENGTHS)
    period = 31.0 / speed + 8 * wait  # lap time: travel plus a wait at each of the 8 nodes
    sim = sim_of(pmap, "cgg", agents, speed=speed, wait=wait, duration=40 * period, warmup=8 * period, seed=agents)
    res = sim.run()
    assert sim.strategy.length_m == pytest.approx(31.0)
    gap = period / agents
    # a waiting agent keeps watching its node, so a node goes unseen for gap - wait between agents
    unseen = gap - wait
    assert np.allclose(res.nodes["max_interval"], unseen)  # every revisit interval is the same
    measured = 32 * period
    assert res.nodes["visits"].min() >= measured / gap - 1
    # steady state L / (2 r v) without waits; measuring starts with every node just seen, which shifts
    # the average by at most gap^2 / 2 per node over the measured time
    assert abs(res.metrics["time_avg_idleness"] - unseen**2 / (2 * gap)) <= gap**2 / (2 * measured)


def test_agents_are_spread_evenly_by_arc_length(ring_map, sim_of):
    sim = sim_of(ring_map(LENGTHS), "cgg", 2, starts=(0, 1), duration=200.0)
    sim.run()
    # in steady state the two agents are half a lap (15.5 m of walk) apart at any moment
    s = sim.strategy
    pos = np.concatenate([[0.0], np.cumsum(LENGTHS)])
    arc = []
    for a in range(2):
        k = int(np.flatnonzero(s.nodes == sim.heading_to(a))[0])
        arc.append(pos[k] - sim.state.remaining_leg_m(sim.now)[a])
    assert (arc[0] - arc[1]) % 31.0 == pytest.approx(15.5)


def test_start_spacing_keeps_the_starts_and_never_holds(ring_map, sim_of):
    sim = sim_of(ring_map(LENGTHS), "cgg", 2, starts=(0, 1), params={"spacing": "start"}, duration=100.0)
    for a, start in enumerate((0, 1)):
        choice = sim.strategy.decide(a, start, 0.0, sim.view)
        assert not isinstance(choice, Hold) and len(choice) == 8


def star():
    pos = np.array([[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]], float)
    return PatrolMap.from_edges("star", pos, np.array([[0, 1], [0, 2], [0, 3], [0, 4]]))


def test_without_pass_through_visits_every_stop_counts_once_per_lap(sim_of):
    # the walk 0-1-0-2-0-3-0-4 crosses the centre four times but stops there once
    sim = sim_of(star(), "cgg", 2, pass_through=False, duration=3000.0, warmup=600.0)
    res = sim.run()
    assert res.run["pass_through_visits"] is False
    assert np.allclose(res.nodes["max_interval"], 80.0 / 2)
    with_pass = sim_of(star(), "cgg", 2, duration=3000.0, warmup=600.0).run()
    assert with_pass.nodes["visits"][0] > res.nodes["visits"][0]


def test_edge_walk_option_covers_every_edge(sim_of, open_grid):
    sim = sim_of(open_grid(3, 4), "cgg", 1, params={"walk": "edges"}, duration=200.0)
    sim.run()
    steps = {tuple(sorted(p)) for p in zip(sim.strategy.nodes, np.roll(sim.strategy.nodes, -1))}
    assert len(steps) == sim.map.n_edges
    assert sim.result().metrics["coverage"] == 1.0


def six_entry_walk():
    """A ring walk 0 1 2 3 4 5 with 10 s legs (10 m at 1 m/s): entry k is node k at tau = 10 k, lap 60 s."""
    from patrolsim.strategies.cyclic import CyclicWalk

    return CyclicWalk(np.arange(6), np.ones(6, dtype=bool), np.full(6, 10.0), 1.0, 0.0)


# an agent released at t = 100 standing at node 5: seconds to nodes 0..5 around the ring
RING_SECONDS = np.array([10.0, 20.0, 30.0, 20.0, 10.0, 0.0])


def test_alone_on_its_walk_an_agent_resumes_where_it_left():
    # it saw nodes 0, 1, 2 at 0, 10, 20 and was called away before node 3 (nodes 3, 4, 5 last seen at
    # -30, -20, -10). Worst idleness after rejoining at entry k: k = 3 gives 150 (node 3 at 120, node 5
    # at 140); k = 5 (where it stands) 170 (node 3 only at 170); k = 0, 1, 2 give 170, k = 4 gives 190
    last_seen = np.array([0.0, 10.0, 20.0, -30.0, -20.0, -10.0])
    assert six_entry_walk().resume_entry(RING_SECONDS, 100.0, last_seen) == 3


def test_alone_on_its_walk_ties_go_to_the_nearer_entry():
    # everything seen at t = 100: any entry leaves every node 60 s idle at worst; node 5 is 0 s away
    assert six_entry_walk().resume_entry(RING_SECONDS, 100.0, np.full(6, 100.0)) == 5


@pytest.mark.parametrize(
    "lap_zero, entry, meet",
    [
        # the slot is at entry k at lap_zero + 10 k + 60 m; the agent reaches entries 0..5 at 110, 120, 130,
        # 120, 110, 100. lap_zero 0: entry 5 at 110 (reached at 100: it holds 10 s); the next best is
        # entry 0 at 120
        (0.0, 5, 110.0),
        # lap_zero -50: entry 4 at 110, just when the agent gets there; entry 5 only at 120
        (-50.0, 4, 110.0),
    ],
)
def test_on_a_shared_walk_an_agent_meets_its_slot_soonest(lap_zero, entry, meet):
    assert six_entry_walk().slot_entry(RING_SECONDS, 100.0, lap_zero) == (entry, meet)
