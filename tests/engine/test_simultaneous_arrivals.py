"""Arrivals that coincide in exact arithmetic are one instant, even when round-off splits them.

A hexagon 0-1-2-3-4-5 with edge lengths sqrt(2), sqrt(5), sqrt(8) (metres, 1 m/s): agent A walks
0 -> 1 -> 2 -> 3 -> 4 -> 5 -> 0 over edges a, b, c, a, b, c and agent B walks 0 -> 5 -> 4 -> 3 -> 2 ->
1 -> 0 over c, b, a, c, b, a. Both reach node 3 at L = a + b + c and node 0 at 2L. In floating point
A's sums ((a + b) + c ...) and B's ((c + b) + a ...) differ by a unit in the last place: B is first
at node 3 (by 8.9e-16 s) and A is first at node 0 (by 1.8e-15 s). Exactly:

* node 3 has one interval (0 -> L) and node 0 one (0 -> 2L), not two each;
* nodes 1, 2, 4, 5 have two intervals each, so 10 in all, and their sum is the sum of the last visit
  times: (a+2b+2c) + (a+b+2c) + L + (2a+b+c) + (2a+2b+c) + 2L = 9L;
* the two agents meet twice at a node (node interference 2) and never head-on on an edge: B leaving
  node 3 towards 2 at the instant A arrives from 2 is a meeting at the node, not on the edge.
"""

import json
import math

import pytest

from patrolsim.engine import kernel as K
from patrolsim.build import make
from patrolsim.strategies.base import Strategy

A, B, C = math.sqrt(2), math.sqrt(5), math.sqrt(8)
L = A + B + C


class Walks(Strategy):
    """Test strategy: agent i follows its own cyclic list of nodes."""

    name = "walks"

    def __init__(self, walks):
        super().__init__()
        self.walks = walks
        self.step = {}

    def decide(self, agent, node, t, view):
        i = self.step.get(agent, 0)
        self.step[agent] = i + 1
        walk = self.walks[agent]
        return walk[i % len(walk)]


@pytest.fixture
def hexagon(tmp_path):
    lengths = [A, B, C, A, B, C]  # edge (i, i+1 mod 6)
    nodes = [{"id": str(i), "x": 10 * math.cos(i * math.pi / 3), "y": 10 * math.sin(i * math.pi / 3)} for i in range(6)]
    links = [{"source": str(i), "target": str((i + 1) % 6), "length": lengths[i]} for i in range(6)]
    path = tmp_path / "hexagon.json"
    path.write_text(json.dumps({"directed": False, "multigraph": False, "graph": {}, "nodes": nodes, "links": links}))
    return path


def test_the_round_off_really_splits_the_meetings():
    # the premise of the test: without a tolerance these would be four different instants
    at3 = ((0 + A) + B) + C, ((0 + C) + B) + A
    at0 = ((at3[0] + A) + B) + C, ((at3[1] + C) + B) + A
    assert at3[1] < at3[0] and at0[0] < at0[1]
    assert abs(at3[0] - at3[1]) < K.instant(L) and abs(at0[0] - at0[1]) < K.instant(2 * L)


def test_simultaneous_arrivals_along_irrational_edges(make_scenario, hexagon):
    sc = make_scenario(hexagon, agents=2, duration=2 * L + 1.0, agent_keys={"starts": [0, 0]})
    r = make(sc, strategy=Walks([[1, 2, 3, 4, 5, 0], [5, 4, 3, 2, 1, 0]])).run()
    m = r.metrics
    assert m["intervals_total"] == 10
    assert r.nodes["visits"].tolist() == [4, 2, 2, 2, 2, 2]  # both at the start, both at the end
    assert m["mean_interval"] == pytest.approx(9 * L / 10, rel=1e-12)
    assert r.nodes["max_interval"][3] == pytest.approx(L + 1.0, rel=1e-12)  # open from L to the end
    assert r.nodes["mean_interval"][3] == pytest.approx(L, rel=1e-12)
    assert r.nodes["mean_interval"][0] == pytest.approx(2 * L, rel=1e-12)
    assert m["node_interference"] == 2
    assert m["edge_interference"] == 0


def test_agents_that_really_pass_on_an_edge_still_count(make_scenario, hexagon):
    # A goes 0 -> 1, B goes 1 -> 0 at the same time: a head-on meeting on edge (0, 1)
    sc = make_scenario(hexagon, agents=2, duration=A / 2, agent_keys={"starts": [0, 1]})
    r = make(sc, strategy=Walks([[1, 0], [0, 1]])).run()
    assert r.metrics["edge_interference"] == 1
