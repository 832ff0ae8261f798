"""Directed edges in the engine: travel takes the direction's own length, head-on meetings happen only
on edges with both directions, a plan against a one-way edge is refused, and a directed map whose every
edge has an equal reverse runs exactly as the undirected map.

Map: nodes 0 (0, 0), 1 (10, 0), 2 (10, 10); the edge 0 - 1 is 10 m from 0 to 1 and 30 m back (a detour);
1 -> 2 (10 m) and 2 -> 0 (14 m) are one-way. Agents walk at 1 m/s."""

import json

import pytest
from test_simultaneous_arrivals import Walks  # agent i follows its own cyclic list of nodes

from patrolsim.build import make
from patrolsim.errors import StrategyError
from patrolsim.maps import load_map


def write(tmp_path, links, name="d.json", directed=True):
    nodes = [{"id": i, "x": x, "y": y} for i, (x, y) in enumerate([(0, 0), (10, 0), (10, 10)])]
    data = {"directed": directed, "multigraph": False, "graph": {}, "nodes": nodes}
    data["links"] = [{"source": u, "target": v, "length": m} for u, v, m in links]
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def one_way(tmp_path):
    return write(tmp_path, [(0, 1, 10.0), (1, 0, 30.0), (1, 2, 10.0), (2, 0, 14.0)])


def test_the_map(one_way):
    m = load_map(one_way)
    assert m.directed and (m.n_edges, m.n_one_way) == (3, 2)
    assert m.distances.between(1, 0) == 24.0  # round by 2 beats the 30 m way back
    assert m.distances.to(0).tolist() == [0.0, 24.0, 14.0]


def test_travel_takes_each_directions_length(make_scenario, one_way):
    sc = make_scenario(one_way, duration=85.0, agent_keys={"starts": [0]})
    r = make(sc, strategy=Walks([[1, 0]])).run()
    # at node 1 at 10 s and 50 s (10 m out, 30 m back, 10 m out); at node 0 at 40 s and 80 s
    assert r.nodes["max_interval"][1] == 40.0 and r.nodes["mean_interval"][1] == 25.0
    assert r.nodes["visits"][1] == 2 and r.nodes["max_interval"][0] == 40.0
    assert r.metrics["distance_total_m"] == pytest.approx(85.0)


def test_head_on_only_where_both_directions_exist(make_scenario, one_way):
    # 0 -> 1 and 1 -> 0 at once: both directions of the edge exist, a head-on meeting
    sc = make_scenario(one_way, agents=2, duration=5.0, agent_keys={"starts": [0, 1]})
    assert make(sc, strategy=Walks([[1], [0]])).run().metrics["edge_interference"] == 1
    # round the one-way loop, one agent on 2 -> 0 while the other leaves 1 -> 2, whose reverse does not
    # exist (its slot must not be read as 2 -> 0's, the last edge entry): never a meeting
    sc = make_scenario(one_way, agents=2, duration=60.0, agent_keys={"starts": [2, 1]})
    assert make(sc, strategy=Walks([[0, 1, 2], [2, 0, 1]])).run().metrics["edge_interference"] == 0


def test_a_plan_against_a_one_way_edge_is_refused(make_scenario, one_way):
    sc = make_scenario(one_way, duration=50.0, agent_keys={"starts": [1]})
    with pytest.raises(StrategyError, match="from node 2 to node 1, which is not adjacent"):
        make(sc, strategy=Walks([[2, 1]])).run()


@pytest.mark.parametrize("strategy", ["cr", "cgg", "msp", "dtap"])
def test_two_way_directed_file_runs_exactly_as_the_undirected_one(make_scenario, tmp_path, strategy):
    links = [(0, 1, 10.0), (1, 2, 10.0), (2, 0, 14.0)]
    undirected = write(tmp_path, links, "u.json", directed=False)
    directed = write(tmp_path, links + [(v, u, m) for u, v, m in links], "d.json")
    assert not load_map(directed).directed
    results = [
        make(make_scenario(p, agents=2, strategy=strategy, duration=500.0)).run() for p in (undirected, directed)
    ]
    assert results[0].metrics == results[1].metrics
