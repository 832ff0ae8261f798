"""Dispatched agents of the cyclic and partition strategies rejoin their walks, timed by hand.

RING is an 8-node ring of 10 m cells (1 m/s, so 10 s an edge). Node ids (row-major free cells):

    0 1 2
    3 # 4
    5 6 7

cgg's tour runs 0 1 2 4 7 6 5 3 (80 s a lap)."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim.incidents import manager_of
from patrolsim.strategies.cyclic import CyclicStrategy
from patrolsim.strategies.partition import PartitionStrategy

RING = "cell_size: 10\n...\n.#.\n...\n"
ROOT = Path(__file__).resolve().parents[2]


def visits_of(sim, agent, after):
    """(time, node) of ``agent``'s visits after time ``after`` (recorded while the run goes)."""
    return [(t, n) for t, n, a in sim.recorded if a == agent and t > after]


def recording(world, *args, **kwargs):
    sim = world(*args, run=False, **kwargs)
    sim.recorded = []
    sim.on_visits(lambda t, n, a: sim.recorded.extend(zip(t.tolist(), n.tolist(), a.tolist())))
    sim.run()
    return sim


@pytest.mark.parametrize(
    "service, back",
    [
        # released at node 6 at t = 50: its slot (40 s ahead of agent 0) is at node 4 at t = 70, 6 -> 7 -> 4
        (20, [(60.0, 7), (70.0, 4), (80.0, 7), (90.0, 6), (100.0, 5)]),
        # released at t = 55: node 4 is reached at 75, after the slot left it; the slot reaches node 7 at 80,
        # so the agent walks there (65), holds until 80 (visiting it again on waking) and walks on
        (25, [(65.0, 7), (80.0, 7), (90.0, 6), (100.0, 5)]),
    ],
)
def test_cgg_agent_goes_to_the_call_and_meets_its_slot(world, service, back):
    # agents start half a lap apart (entries 0 and 4), so nobody holds at the start; at t = 15 agent 1
    # (heading 6 -> 5, 10 m behind the call at node 6) turns back and arrives at 30 (agent 0 would need 50)
    sim = recording(
        world,
        [(15, 6, 2, service, "reported")],
        starts=(0, 7),
        strategy=CyclicStrategy(),
        map_text=RING,
        duration=400.0,
    )
    log = manager_of(sim).log
    assert log.agent[0] == 1 and log.arrived_at[0] == 30 and log.cleared_at[0] == 30 + service
    assert visits_of(sim, 1, 30 + service)[: len(back)] == back
    # agent 0 never left its slot; once agent 1 is back the two are half a lap apart again
    assert [n for t, n in visits_of(sim, 0, 0.0)[:8]] == [1, 2, 4, 7, 6, 5, 3, 0]
    late = [(t, n) for t, n, a in sim.recorded if t > 200.0]
    for node in range(8):
        times = np.array([t for t, n in late if n == node])
        assert np.allclose(np.diff(times), 40.0), node


def test_msp_agent_goes_to_the_call_and_resumes_its_region_walk(world):
    # two regions: {0, 1, 3, 5} (agent 0, walk 0 1 0 3 5 3) and {2, 4, 6, 7} (agent 1, walk 7 6 7 4 2 4,
    # starting at node 7). At t = 12 the call at node 6 takes agent 1 (heading 6 -> 7, there at 20) back
    # to 6 at 30; released at 40 it walks on from node 6 (6 7 4 2), reaching nodes 4 and 2, unseen
    # since t = 0, at 60 and 70 (every other entry makes the region's worst idleness no smaller)
    strategy = PartitionStrategy()
    sim = recording(
        world, [(12, 6, 2, 10, "reported")], starts=(0, 7), strategy=strategy, map_text=RING, duration=300.0
    )
    assert strategy.partition.tolist() == [0, 0, 1, 0, 1, 0, 1, 1]
    log = manager_of(sim).log
    assert log.agent[0] == 1 and log.arrived_at[0] == 30 and log.cleared_at[0] == 40
    assert visits_of(sim, 1, 40.0)[:5] == [(50.0, 7), (60.0, 4), (70.0, 2), (80.0, 4), (90.0, 7)]
    assert {n for t, n, a in sim.recorded if a == 0} == {0, 1, 3, 5}


@pytest.mark.parametrize("strategy", ["cgg", "msp"])
def test_mall_security_answers_calls(strategy):
    from patrolsim.build import make
    from patrolsim.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "mall_security.toml", duration=3600, **{"strategy.name": strategy})
    sim = make(sc)
    res = sim.run()
    served = manager_of(sim).dispatcher.served
    assert served.sum() >= 3 and res.metrics["response_count"] >= 3
    assert res.metrics["coverage"] == 1.0


def test_route_agent_resumes_where_it_left_or_nearer_before_the_next_waypoint(world):
    # the loop through the corners 0 2 7 5 walks 0 1 2 4 7 6 5 3. At t = 25 the call at node 5 takes the
    # agent, heading for node 4 on its leg 2 -> 7, on 4 7 6 5 (there at 60); released at 70, it rejoins
    # the leg at the point nearest ahead of where it left (node 4, 30 s away, or waypoint 7, 20 s), so it
    # skips no waypoint, and walks on
    from patrolsim.strategies.route import RouteStrategy

    strategy = RouteStrategy(routes=[[0, 2, 7, 5]])
    sim = recording(world, [(25, 5, 2, 10, "reported")], strategy=strategy, map_text=RING)
    log = manager_of(sim).log
    assert log.arrived_at[0] == 60 and log.cleared_at[0] == 70
    assert visits_of(sim, 0, 70.0)[:5] == [(80.0, 6), (90.0, 7), (100.0, 6), (110.0, 5), (120.0, 3)]


def test_route_agent_called_away_mid_dwell_dwells_again_on_return(world):
    # the loop 0 -> 7 -> 0 (out and back on 0 3 5 6 7) with 30 s at waypoint 7 (reached at 40); the call
    # at node 5 at t = 50 takes the agent from its dwell (7 6 5, there at 70, done at 80); it goes back to
    # waypoint 7 (100), stands there 30 s and walks on
    from patrolsim.strategies.route import RouteStrategy

    strategy = RouteStrategy(routes=[[0, 7]], dwell_s=[[0, 30]])
    sim = recording(world, [(50, 5, 2, 10, "reported")], strategy=strategy, map_text=RING)
    assert manager_of(sim).log.cleared_at[0] == 80
    assert visits_of(sim, 0, 80.0)[:5] == [(90.0, 6), (100.0, 7), (130.0, 7), (140.0, 6), (150.0, 5)]


def test_route_agents_sharing_a_loop_meet_their_slots_again(world):
    # two agents on the loop through the corners (80 s a lap, 40 s apart); agent 1, called to node 6, comes
    # back where it meets its slot, and the spacing is restored
    from patrolsim.strategies.route import RouteStrategy

    sim = recording(
        world, [(15, 6, 2, 20, "reported")], starts=(0, 7), strategy=RouteStrategy(routes=[[0, 2, 7, 5]]),
        map_text=RING, duration=600.0,
    )  # fmt: skip
    assert manager_of(sim).log.agent[0] == 1
    late = [(t, n) for t, n, a in sim.recorded if t > 300.0]
    for node in range(8):
        times = np.array([t for t, n in late if n == node])
        assert np.allclose(np.diff(times), 40.0), node
