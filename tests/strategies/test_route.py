"""The route strategy, timed by hand on tiny maps: a shuttle on a corridor with a dwell at each end, two
agents sharing a loop, routes from the scenario's table and from CSV and GeoJSON files (all 1 m/s)."""

import json

import numpy as np
import pytest

from patrolsim.build import make
from patrolsim.scenario import scenario_from_dict

CORRIDOR = "cell_size: 1\n..........\n"  # nodes 0..9 at x = 0.5 ... 9.5 m, 1 m apart
# an 8-node ring of 10 m cells (ids row by row): 0 1 2 / 3 # 4 / 5 6 7; walked 0 1 2 4 7 6 5 3 it is 80 m
RING = "cell_size: 10\n...\n.#.\n...\n"


@pytest.fixture
def route_run(tmp_path):
    """route_run(map_text, strategy_keys, agents=1, starts=None, duration=..., warmup=0) -> (sim, visits)
    with visits a list of (time, node, agent), the run finished."""

    def build(map_text, keys, agents=1, starts=None, duration=1000.0, warmup=0.0, sensing_radius=0.0):
        (tmp_path / "m.txt").write_text(map_text)
        team = {"count": agents, "sensing_radius": sensing_radius}
        if starts is not None:
            team["starts"] = list(starts)
        data = {
            "map": "m.txt",
            "duration": duration,
            "warmup": warmup,
            "seed": 1,
            "agents": team,
            "strategy": {"name": "route", **keys},
        }
        sim = make(scenario_from_dict(data, source=tmp_path / "s.toml"))
        visits = []
        sim.on_visits(lambda t, n, a: visits.extend(zip(t.tolist(), n.tolist(), a.tolist())))
        sim.result_ = sim.run()
        return sim, visits

    return build


def intervals(visits, node, t0=0.0):
    """The revisit intervals of ``node`` (the first from t0); a wake-up after a dwell closes none."""
    times = [t for t, n, _ in visits if n == node and t >= t0]
    return np.diff([t0] + times)


def test_shuttle_with_a_dwell_at_each_end_has_exact_intervals(route_run):
    # 0 -> 9 -> 0 with 5 s at each end: lap 18 m + 10 s = 28 s. The robot stands at 0 from 0 to 5, walks
    # to 9 (14), stands until 19, is back at 0 at 28, and so on. A node in view of a standing robot is not
    # idle: the end nodes go unseen 28 - 5 = 23 s at a time. Inner node k is passed at 5 + k, then
    # 23 - 2k later (out to 9 and back) and 5 + 2k after that (back to 0 and out again).
    sim, visits = route_run(CORRIDOR, {"routes": [[0, 9]], "mode": "back-and-forth", "dwell_s": 5}, starts=[0])
    res = sim.result_
    laps = 28.0 * np.arange(40)
    for end, first in ((0, 0.0), (9, 14.0)):  # arrivals, and the wake-ups 5 s later that close no interval
        times = [t for t, n, _ in visits if n == end]
        assert times == np.sort(np.concatenate([first + laps, first + 5 + laps]))[: len(times)].tolist()
    assert res.nodes["max_interval"][[0, 9]].tolist() == [23.0, 23.0]
    assert res.nodes["mean_interval"][0] == 23.0  # every interval of node 0 (the first opens at its start)
    for k in range(1, 9):
        gaps = intervals(visits, k)
        assert gaps[0] == 5 + k
        assert np.all(gaps[1::2] == 23 - 2 * k) and np.all(gaps[2::2] == 5 + 2 * k), (k, gaps[:6])
    assert res.metrics["worst_idleness"] == 23.0
    assert res.agents["lap_m"][0] == 18.0 and res.agents["lap_s"][0] == 28.0
    assert res.agents["expected_worst_s"][0] == 28.0 and res.agents["waypoints"][0] == 2
    assert res.metrics["route_uncovered_nodes"] == 0


def test_two_waypoints_in_a_loop_are_a_shuttle_too(route_run):
    loop, _ = route_run(CORRIDOR, {"routes": [[0, 9]], "dwell_s": 5}, starts=[0], duration=300.0)
    shuttle, _ = route_run(
        CORRIDOR, {"routes": [[0, 9]], "mode": "back-and-forth", "dwell_s": 5}, starts=[0], duration=300.0
    )
    assert loop.result_.metrics == shuttle.result_.metrics


def test_two_agents_sharing_a_loop_leave_lap_over_two(route_run):
    # the corners 0 2 7 5 as waypoints: the loop 0 1 2 4 7 6 5 3, 80 s a lap. Agents from nodes 0 and 1
    # take slots half a lap apart (agent 1 walks 1 -> 7 in 30 s, agent 0 holds at 0 until then), so every
    # node is seen every 40 s
    sim, visits = route_run(RING, {"routes": [[0, 2, 7, 5]]}, agents=2, starts=[0, 1], duration=2000, warmup=200)
    res = sim.result_
    assert res.metrics["worst_idleness"] == 40.0
    assert np.all(res.nodes["max_interval"] == 40.0)
    assert res.agents["lap_s"].tolist() == [80.0, 80.0] and res.agents["sharing"].tolist() == [2, 2]
    assert res.agents["expected_worst_s"].tolist() == [40.0, 40.0]
    assert [n for t, n, a in visits if a == 1][:4] == [1, 2, 4, 7]
    assert [(t, n) for t, n, a in visits if a == 1 and t >= 30][:3] == [(30.0, 7), (40.0, 6), (50.0, 5)]


def test_a_shared_loop_with_a_dwell(route_run):
    # 10 s at node 0: lap 90 s, two agents 45 s apart; node 0 is watched for 10 s of every 45
    sim, _ = route_run(
        RING, {"routes": [[0, 2, 7, 5]], "dwell_s": [[10, 0, 0, 0]]}, agents=2, starts=[0, 1], duration=2000, warmup=300
    )
    res = sim.result_
    assert res.metrics["worst_idleness"] == 45.0
    assert res.nodes["max_interval"][0] == 35.0 and np.all(res.nodes["max_interval"][1:] == 45.0)


def test_own_routes_and_departure_times(route_run):
    # agent 0 shuttles on nodes 0-4 and leaves node 0 at 100; agent 1 walks to node 9 and leaves it at once
    sim, visits = route_run(
        CORRIDOR,
        {"routes": [[0, 4], [9, 5]], "mode": "back-and-forth", "depart_s": [100.0]},
        agents=2,
        starts=[0, 7],
        duration=200.0,
    )
    first = [(t, n) for t, n, a in visits if a == 0 and n != 0][:1]
    assert first == [(101.0, 1)]
    assert [(t, n) for t, n, a in visits if a == 1][:5] == [(0.0, 7), (1.0, 8), (2.0, 9), (3.0, 8), (4.0, 7)]
    res = sim.result_
    assert res.agents["route"].tolist() == [0, 1] and res.agents["lap_m"].tolist() == [8.0, 8.0]


def test_points_snap_and_a_loop_closes_on_its_first_waypoint(route_run):
    # [x, y] points snap to the nearest cell; the last waypoint repeating the first is the same waypoint,
    # its dwell added: 3 s + 2 s at node 0
    sim, _ = route_run(
        CORRIDOR, {"routes": [[[0.2, 0.4], 5, [0.6, 0.6]]], "dwell_s": [[3, 0, 2]]}, starts=[0], duration=100.0
    )
    plan = sim.strategy.plan
    assert plan.nodes == ((0, 5),) and plan.dwell_s == ((5.0, 0.0),)
    assert sim.result_.agents["lap_s"][0] == 15.0


def test_nodes_no_route_covers_are_counted_by_area(route_run):
    # a route over nodes 2-4 of the corridor leaves 0-1 and 5-9: two areas, the larger first; with a
    # sensing radius of 1 m it sees nodes 1-5
    sim, _ = route_run(CORRIDOR, {"routes": [[2, 4]]}, starts=[2], duration=50.0)
    res = sim.result_
    assert res.nodes["routes_covering"].tolist() == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    assert res.nodes["uncovered_area"].tolist() == [2, 2, 0, 0, 0, 1, 1, 1, 1, 1]
    assert res.metrics["route_uncovered_nodes"] == 7 and res.metrics["route_uncovered_areas"] == 2
    sensed, _ = route_run(CORRIDOR, {"routes": [[2, 4]]}, starts=[2], duration=50.0, sensing_radius=1.0)
    assert sensed.result_.nodes["routes_covering"].tolist() == [0, 1, 1, 1, 1, 1, 0, 0, 0, 0]


def test_routes_from_a_csv_file(route_run, tmp_path):
    (tmp_path / "routes.csv").write_text(
        "agent,order,node,x_m,y_m,dwell_s\n1,2,,9.4,0.5,\n0,1,3,,,4\n1,1,6,,,\n0,2,0,,,\n"
    )
    sim, _ = route_run(CORRIDOR, {"routes_file": "routes.csv", "dwell_s": 1.0}, agents=3, starts=[0, 6, 1])
    plan = sim.strategy.plan
    assert plan.nodes == ((3, 0), (6, 9)) and plan.dwell_s == ((4.0, 1.0), (1.0, 1.0))
    assert sim.result_.agents["route"].tolist() == [0, 1, 0]


def test_routes_from_a_geojson_file(route_run, tmp_path):
    # a GIS export in the map's metres: a LineString for agent 0 (dwell per vertex), Points for agent 1
    features = [
        {"type": "Feature", "properties": {"dwell_s": [6, 0, 0]}, "geometry": {"type": "LineString",
         "coordinates": [[0.5, 0.5, 12.0], [4.6, 0.4, 12.0], [9.5, 0.5, 12.0]]}},
        {"type": "Feature", "properties": {"agent": 1, "order": 2}, "geometry": {"type": "Point",
         "coordinates": [2.5, 0.5]}},
        {"type": "Feature", "properties": {"agent": 1, "order": 1, "dwell_s": 3}, "geometry": {"type": "Point",
         "coordinates": [7.5, 0.5]}},
    ]  # fmt: skip
    (tmp_path / "routes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}, indent=1))
    sim, _ = route_run(CORRIDOR, {"routes_file": "routes.geojson", "mode": "back-and-forth"}, agents=2, starts=[0, 7])
    plan = sim.strategy.plan
    assert plan.nodes == ((0, 4, 9), (7, 2)) and plan.dwell_s == ((6.0, 0.0, 0.0), (3.0, 0.0))
    res = sim.result_
    assert res.agents["lap_m"].tolist() == [18.0, 10.0] and res.agents["lap_s"].tolist() == [24.0, 13.0]


def test_the_shipped_guard_routes():
    # two rounds out and back from the CSV, two minutes at every door; robots 2 and 3 share the north round
    from pathlib import Path

    from patrolsim.scenario import load_run_scenario

    sc = load_run_scenario("mall_guard_routes", {"duration": 3600.0, "warmup": 600.0})
    assert Path(sc.strategy_params["routes_file"]).is_absolute()
    sim = make(sc)
    plan = sim.strategy.plan
    assert [len(r) for r in plan.nodes] == [28, 27] and plan.mode == "back-and-forth"
    assert sorted(d for r in plan.dwell_s for d in r if d) == [60.0, 120.0, 120.0, 120.0, 120.0]
    res = sim.run()
    agents = res.agents
    assert agents["route"].tolist() == [0, 1, 0, 0] and agents["sharing"].tolist() == [3, 1, 3, 3]
    assert agents["expected_worst_s"][0] == pytest.approx(agents["lap_s"][0] / 3)
    assert res.metrics["route_uncovered_nodes"] == 0 and res.metrics["coverage"] == 1.0


def test_the_shipped_sweep_runs_other_strategies_with_their_defaults():
    from pathlib import Path

    from patrolsim.batch.sweep import load_sweep

    sweep = load_sweep(Path(__file__).resolve().parents[2] / "sweeps" / "mall_guard_routes.toml")
    assert len(sweep.runs) == 60 and sweep.axes["agents.count"] == [2, 3, 4, 5, 6]
    for run in sweep.runs:
        strategy = run.scenario["strategy"]
        if strategy["name"] == "route":  # the routes file pinned, so a run works from any folder
            assert Path(strategy["routes_file"]).is_absolute()
        else:
            assert strategy == {"name": strategy["name"]}
