"""Motion that takes time and robots in each other's way, computed by hand."""

import math

import numpy as np
import pytest
from fleetkit import GoTo, arrivals, fleet_scenario, line, run

from patrolsim.build import make
from patrolsim.engine.spec import Interference, Motion
from patrolsim.maps.model import PatrolMap


def first_visits(res) -> dict:
    return dict(zip(res.nodes["id"].tolist(), res.nodes["first_visit"].tolist()))


def test_a_straight_leg_with_acceleration_and_braking_follows_the_kinematics(backend):
    # 10 m at 1 m/s top speed, 0.5 m/s^2 up (2 s over 1 m), 0.25 m/s^2 down (4 s over 2 m): 7 m cruise
    sc = fleet_scenario(line(2, 10.0), duration=20.0, motion=(Motion(accel=0.5, brake=0.25),))
    sim = make(sc, strategy=GoTo([[1]]), backend=backend)
    for t, x in [(1.0, 0.25), (2.0, 1.0), (5.0, 4.0), (9.0, 8.0), (11.0, 10.0 - 0.125 * 2.0**2)]:
        sim.advance_to(t)
        assert sim.agent_positions()[0, 0] == pytest.approx(x)
    assert first_visits(sim.run())[1] == pytest.approx(2.0 + 7.0 + 4.0)


def test_a_leg_too_short_for_top_speed_is_a_triangle(backend):
    # 0.5 m, a = b = 0.5 m/s^2: peak sqrt(2 * 0.5 / (2 + 2)) = 0.5 m/s after 1 s, stopped after 2 s
    sc = fleet_scenario(line(2, 0.5), duration=5.0, motion=(Motion(accel=0.5, brake=0.5),))
    assert first_visits(run(sc, strategy=GoTo([[1]]), backend=backend))[1] == pytest.approx(2.0)


def test_turning_at_a_corner_costs_angle_over_rate(backend):
    # 0 -> 1 east, then 1 -> 2 north: a quarter turn at 0.5 rad/s is pi s; constant speed otherwise
    pos = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]])
    pmap = PatrolMap.from_edges("corner", pos, np.array([(0, 1), (1, 2)]))
    sc = fleet_scenario(pmap, duration=20.0, motion=(Motion(turn_rate=0.5),))
    visits = first_visits(run(sc, strategy=GoTo([[2]]), backend=backend))
    assert visits[1] == pytest.approx(4.0)
    assert visits[2] == pytest.approx(4.0 + math.pi + 3.0)


# A corridor 0-1-2-3-4 of 1 m edges, one lane, one robot per node except the passing place, node 2
# (two). Robot 0 walks 0 -> 4 from t = 0; robot 1 waits 0.5 s at 4, then walks to 0. Robot 0 reaches
# node 2 at 2 s while robot 1 is on the edge 3 -> 2 (until 2.5 s): a head-on meeting in a lane.
CORRIDOR = {"node_capacity": 1, "edge_capacity": 1, "nodes": ((2, 2),)}


def corridor(mode, backend):
    sc = fleet_scenario(
        line(5), agents=2, starts=(0, 4), duration=30.0, interference=Interference(mode=mode, **CORRIDOR)
    )
    return arrivals(sc, GoTo([[4], [("hold", 0.5), 0]]), backend)


def test_without_interference_robots_pass_through_each_other(backend):
    res, seen = corridor("none", backend)
    assert seen[0, 4] == pytest.approx(4.0)
    assert "interference_waits" not in res.metrics


def test_wait_stops_three_seconds_then_goes_again(backend):
    # robot 0 stops at node 2 from 2 s to 5 s (patrolling_sim's rule), then 2 -> 3 -> 4 by 7 s
    res, seen = corridor("wait", backend)
    assert seen[0, 4] == pytest.approx(7.0)
    assert res.metrics["interference_waits"] == 1
    assert res.metrics["interference_wait_s"] == pytest.approx(3.0)
    assert res.agents["blocked_s"].tolist() == pytest.approx([3.0, 0.0])
    assert seen[1, 0] == pytest.approx(0.5 + 4.0)  # robot 1 is not held up
    assert res.metrics["deadlocks"] == 0


def test_block_waits_exactly_until_the_way_is_free(backend):
    # robot 1 leaves the lane at 2.5 s: robot 0 goes on then, at node 4 by 4.5 s
    res, seen = corridor("block", backend)
    assert seen[0, 4] == pytest.approx(4.5)
    assert seen[1, 0] == pytest.approx(4.5)
    assert res.metrics["interference_wait_s"] == pytest.approx(0.5)


def test_a_deadlock_is_broken_by_stepping_aside():
    # a T: 1 - 2 - 3 with a bay 0 off the junction 2. Robot 0 from 1 to 3, robot 1 from 3 to 1: robot 1
    # waits for robot 0 (bound for 2), robot 0 at 2 waits for robot 1 (at 3): a cycle, broken by robot 0
    # stepping into the bay; both then get through
    pos = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    pmap = PatrolMap.from_edges("tee", pos, np.array([(1, 2), (2, 3), (0, 2)]))
    for mode in ("wait", "block"):
        sc = fleet_scenario(
            pmap, agents=2, starts=(1, 3), duration=60.0, interference=Interference(mode=mode, node_capacity=1)
        )
        sim = make(sc, strategy=GoTo([[3], [1]]))
        res = sim.run()
        assert res.metrics["deadlocks"] >= 1
        assert res.metrics["interference_reroutes"] >= 1
        assert sim.state.heading.tolist() == [3, 1], mode
        assert res.nodes["visits"][0] >= 1  # the bay


def test_interference_is_the_same_plain_and_compiled():
    from patrolsim import jit
    from patrolsim.maps.occupancy import grid_map

    pmap = grid_map("open", np.ones((8, 8), dtype=bool))
    sc = fleet_scenario(
        pmap, "cr", agents=6, starts=tuple(range(0, 60, 10)), duration=600.0, interference=Interference(mode="wait")
    )
    a = run(sc, backend=jit.PLAIN).to_dict()
    b = run(sc, backend=jit.COMPILED).to_dict()
    assert a["metrics"] == b["metrics"]
    assert a["metrics"]["interference_waits"] > 0


def test_capacities_from_a_graph_file_hold_robots_back_and_round_trip(tmp_path):
    """A GraphML corridor whose middle node is a passing place (capacity 2) and whose edges are one lane:
    the file alone gives the corridor case its 3 s wait; written back, the capacities are kept."""
    import networkx as nx

    from patrolsim.maps import load_map
    from patrolsim.maps.graph_file import write_graph_file

    g = nx.Graph()
    for i in range(5):
        g.add_node(f"n{i}", x=float(i), y=0.0, capacity=2 if i == 2 else 1)
    for i in range(4):
        g.add_edge(f"n{i}", f"n{i + 1}", capacity=1)
    path = tmp_path / "corridor.graphml"
    nx.write_graphml(g, path)
    pmap = load_map(path)
    sc = fleet_scenario(
        pmap,
        agents=2,
        starts=(0, 4),
        duration=30.0,
        interference=Interference(mode="wait", node_capacity=0, edge_capacity=0),
    )
    _, seen = arrivals(sc, GoTo([[4], [("hold", 0.5), 0]]))
    assert seen[0, 4] == pytest.approx(7.0)
    again = tmp_path / "again.graphml"
    write_graph_file(pmap, again)
    assert (
        load_map(again).meta["node_capacity"]
        == pmap.meta["node_capacity"]
        == {f"n{i}": 2 if i == 2 else 1 for i in range(5)}
    )
    assert sorted(load_map(again).meta["edge_capacity"]) == sorted(pmap.meta["edge_capacity"])


def test_a_bad_capacity_in_a_graph_file_is_a_one_line_error(tmp_path):
    import networkx as nx

    from patrolsim.errors import MapError
    from patrolsim.maps import load_map

    g = nx.Graph()
    g.add_node("a", x=0.0, y=0.0, capacity=1.5)
    g.add_node("b", x=1.0, y=0.0)
    g.add_edge("a", "b")
    path = tmp_path / "bad.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(MapError, match=r"node 'a' has capacity = 1\.5; expected a whole number of robots"):
        load_map(path)


def test_a_controlled_robot_that_waited_too_often_goes_round_the_other_way(backend):
    # a ring of 8 nodes 10 m apart; robot 1 stands at node 2 for good, robot 0 is steered 0 -> 1 -> 2 -> 3
    # -> 4. At node 1 (10 s) it is blocked: waits 3 s at 10, 13 and 16 s; blocked a fourth time at 19 s it
    # steps aside to node 0 (29 s) and goes round by 7, 6, 5 to node 4 (69 s)
    from fleetkit import ring

    sc = fleet_scenario(
        ring(8, 10.0),
        agents=2,
        starts=(0, 2),
        duration=200.0,
        interference=Interference(mode="wait", node_capacity=1, edge_capacity=0),
    )
    sim = make(sc, strategy=GoTo([[], []]), backend=backend)
    arrived = []
    sim.take_control(0, [1, 2, 3, 4], lambda s, a, node, t: (arrived.append((node, t)), s.hold(a, 1e6)))
    res = sim.run()
    assert arrived == [(4, pytest.approx(69.0))]
    assert res.metrics["interference_reroutes"] == 1
    assert res.metrics["interference_waits"] == 4
    assert res.agents["blocked_s"][0] == pytest.approx(9.0)
