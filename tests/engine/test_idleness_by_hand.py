"""Idleness figures on tiny maps, checked against values computed by hand."""

import math

import numpy as np
import pytest

from patrolsim.build import make
from patrolsim.strategies.base import Strategy


class Route(Strategy):
    """Test strategy: every agent follows the same cyclic list of nodes."""

    name = "route"

    def __init__(self, route):
        super().__init__()
        self.route = route
        self.step = {}

    def decide(self, agent, node, t, view):
        i = self.step.get(agent, 0)
        self.step[agent] = i + 1
        return self.route[i % len(self.route)]


@pytest.fixture
def corridor(ascii_map):
    # nodes 0, 1, 2 in a row, 1 m apart; weights 1, 1, 2
    return ascii_map(".12")


def run_route(make_scenario, path, route, **kw):
    sc = make_scenario(path, agent_keys={"starts": [0]}, **kw)
    sim = make(sc, strategy=Route(route))
    return sim.run()


def test_corridor_ping_pong(make_scenario, corridor):
    # visits: node0 at 0, 4, 8; node1 at 1, 3, 5, 7; node2 at 2, 6 (speed 1 m/s, 1 m edges)
    r = run_route(make_scenario, corridor, [1, 2, 1, 0], duration=8)
    m = r.metrics
    # integrals of idleness: node0 8+8 = 16; node1 0.5+2+2+2 + 0.5 open = 7; node2 2+8 + 2 open = 12
    assert m["time_avg_idleness"] == pytest.approx(35 / 24)
    assert m["weighted_time_avg_idleness"] == pytest.approx((16 + 7 + 2 * 12) / (4 * 8))
    assert m["worst_idleness"] == 4
    # intervals 4, 4 | 1, 2, 2, 2 | 2, 4
    assert m["mean_interval"] == pytest.approx(21 / 8)
    assert m["interval_qmean"] == pytest.approx(math.sqrt(65 / 8))
    assert m["interval_std"] == pytest.approx(math.sqrt(65 / 8 - (21 / 8) ** 2))
    assert m["coverage"] == 1.0
    assert m["time_to_full_coverage"] == 2.0
    assert m["visits_total"] == 9
    assert m["complete_cycles"] == 2
    assert m["distance_total_m"] == 8.0
    assert r.nodes["visits"].tolist() == [3, 4, 2]
    assert r.nodes["max_interval"].tolist() == [4, 2, 4]
    assert r.nodes["time_avg_idleness"].tolist() == pytest.approx([16 / 8, 7 / 8, 12 / 8])
    assert r.run["decisions"] == 9  # at t = 0, 1, ..., 8


def test_warmup_restarts_the_clock(make_scenario, corridor):
    # the route has period 4, so measuring [4, 12] gives the same figures as [0, 8]
    r = run_route(make_scenario, corridor, [1, 2, 1, 0], duration=12, warmup=4)
    assert r.metrics["time_avg_idleness"] == pytest.approx(35 / 24)
    assert r.metrics["worst_idleness"] == 4
    assert r.metrics["visits_total"] == 8  # the visit at t = 4 belongs to the warm-up
    assert r.metrics["distance_total_m"] == 8.0


def test_open_interval_counts_in_worst_idleness(make_scenario, ascii_map):
    # a 5-node corridor; the agent shuttles between nodes 0 and 1 and never sees 2..4 again
    path = ascii_map(".....")
    r = run_route(make_scenario, path, [1, 0], duration=10)
    assert r.metrics["coverage"] == pytest.approx(2 / 5)
    assert r.metrics["time_to_full_coverage"] is None
    assert r.metrics["worst_idleness"] == 10  # open since t = 0
    assert np.isnan(r.nodes["mean_interval"][4])


def test_mid_edge_positions_are_interpolated(make_scenario, corridor):
    sc = make_scenario(corridor, agent_keys={"starts": [0], "speed": 0.5})
    sim = make(sc, strategy=Route([1, 2, 1, 0]))
    sim.advance_to(1.0)  # halfway along the 2-second first edge
    assert sim.agent_positions().tolist() == [[1.0, 0.5]]


def test_sensing_radius_refreshes_nodes_in_sight(make_scenario, ascii_map):
    # nodes: 0 1 2 on the top row, 3 4 below the last two; the wall is below node 0
    path = ascii_map("""
        ...
        #..
    """)
    sc = make_scenario(path, duration=0.5, agent_keys={"starts": [0], "sensing_radius": 1.5})
    r = make(sc, strategy=Route([1])).run()
    # from (0,0) within 1.5 m: (0,1) and (1,1) (diagonal 1.41 m, clear line); (0,2) is 2 m away
    assert r.nodes["visits"].tolist() == [1, 1, 0, 1, 0]


def test_a_waiting_agent_keeps_its_node_watched(make_scenario, corridor):
    # wait 2 s at every node, route 0 -> 1 -> 0 -> ...: at node0 over [0, 2], node1 [3, 5],
    # node0 [6, 8], node1 [9, 11], node0 from 12; node2 is never seen
    sc = make_scenario(corridor, duration=12, agent_keys={"starts": [0], "wait": 2.0})
    r = make(sc, strategy=Route([1, 0])).run()
    # node0 idle over (2, 6) and (8, 12): intervals 4, 4; node1 idle over (0, 3), (5, 9), (11, 12]
    assert r.nodes["max_interval"].tolist() == [4.0, 4.0, 12.0]
    assert r.nodes["mean_interval"][:2].tolist() == [4.0, 3.5]
    # integrals: node0 8+8 = 16; node1 4.5 + 8 + open (12 - 11 = 1 -> 0.5) = 13; node2 72
    assert r.nodes["time_avg_idleness"].tolist() == pytest.approx([16 / 12, 13 / 12, 72 / 12])


def test_hold_watches_the_node_and_its_surroundings(make_scenario, corridor):
    from patrolsim.strategies import Hold

    class Post(Strategy):
        name = "post"

        def decide(self, agent, node, t, view):
            return Hold(5.0)

    sc = make_scenario(corridor, duration=20, agent_keys={"starts": [1], "sensing_radius": 1.0})
    r = make(sc, strategy=Post()).run()
    # the agent stands on node 1 and sees 0, 1, 2 the whole time: nothing is ever idle
    assert r.metrics["worst_idleness"] == 0.0 and r.metrics["time_avg_idleness"] == 0.0
    assert r.metrics["node_interference"] == 0  # waking up at its own post meets nobody
    assert r.series["max_idleness"].max() == 0.0
