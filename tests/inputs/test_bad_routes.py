"""Every bad route is one line naming the agent and the waypoint (and the file and line of a routes file):
a point off the map, an unreachable waypoint, an empty route, more routes than agents, non-finite
coordinates or dwell times, and malformed CSV and GeoJSON files (issue 18)."""

from __future__ import annotations

import json

import pytest
from test_bad_inputs import assert_one_line_error, run_cli, scenario

#: a 10-cell corridor, 1 m cells (nodes 0..9), and two cells cut off from it on the right
CORRIDOR = "cell_size: 1\n..........#..\n"
#: a street graph in two parts: A - B - C and, apart, X - Y
STREETS = {
    "directed": False,
    "graph": {"name": "two parts"},
    "nodes": [
        {"id": "A", "x": 0, "y": 0},
        {"id": "B", "x": 50, "y": 0},
        {"id": "C", "x": 100, "y": 0},
        {"id": "X", "x": 300, "y": 0},
        {"id": "Y", "x": 350, "y": 0},
    ],
    "links": [{"source": "A", "target": "B"}, {"source": "B", "target": "C"}, {"source": "X", "target": "Y"}],
}


def route_scenario(tmp_path, strategy: str, agents: int = 2, map_name: str = "c.txt") -> str:
    (tmp_path / "c.txt").write_text(CORRIDOR)
    (tmp_path / "streets.json").write_text(json.dumps(STREETS))
    return scenario(
        tmp_path,
        f'duration = 60\nseed = 1\n[map]\npath = "{map_name}"\nlargest_component = true\n'
        f'[agents]\ncount = {agents}\n[strategy]\nname = "route"\n{strategy}\n',
    )


@pytest.mark.parametrize(
    "strategy, names",
    [
        (
            "routes = [[[50.0, 0.5], 3]]",
            ["s.toml:10", "strategy.routes", "agent 0, waypoint 0", "off the map", "40.5 m"],
        ),
        ("routes = [[2, [11.5, 0.5]]]", ["s.toml:10", "agent 0, waypoint 1", "unreachable", "not connected"]),
        ("routes = [[2], []]", ["strategy.routes", "agent 1: empty route"]),
        ("routes = [[2], [3], [4]]", ["strategy.routes", "3 routes for a team of 2", "share route 0"]),
        ("routes = [[2, [nan, 0.5]]]", ["strategy.routes", "agent 0, waypoint 1", "finite metres"]),
        ("routes = [[2, [0.5, inf]]]", ["strategy.routes", "agent 0, waypoint 1", "finite metres"]),
        ("routes = [[2, 4]]\ndwell_s = [[1, inf]]", ["s.toml:11", "strategy.dwell_s", "agent 0, waypoint 1", "inf"]),
        ("routes = [[2, 4]]\ndwell_s = [[1, -3]]", ["strategy.dwell_s", "agent 0, waypoint 1", "seconds >= 0"]),
        ("routes = [[2, 4]]\ndwell_s = nan", ["strategy.dwell_s", "finite number"]),
        ("routes = [[2, 4]]\ndwell_s = [[1]]", ["strategy.dwell_s", "agent 0: expected 2 dwell times"]),
        ("routes = [[2, 4], [5]]\ndwell_s = [1]", ["strategy.dwell_s", "one entry per route (2)"]),
        ("routes = [[2, 99]]", ["agent 0, waypoint 1", "'99' is not a node id"]),
        ("routes = [[2, true]]", ["agent 0, waypoint 1", "expected a node id or [x, y]"]),
        ("routes = [2, 4]", ["agent 0: expected a list of waypoints"]),
        ("routes = [[3]]", ["agent 0", "one place (node 3) with no dwell"]),
        ("routes = [[2, 4]]\ndepart_s = [1, 2, 3]", ["strategy.depart_s", "3 departure times for a team of 2"]),
        ("routes = [[2, 4]]\ndepart_s = [5]", ["strategy.depart_s", "agents 0, 1 share route 0", "1 of 2"]),
        ("routes = [[2, 4], [5, 6]]\ndepart_s = [0, nan]", ["strategy.depart_s", "agent 1", "finite seconds"]),
        ("routes = [[2, 4]]\nroutes_file = 'r.csv'", ["strategy.routes_file", "either as routes or in routes_file"]),
        ("mode = 'loop'", ["strategy.routes", "needs waypoints"]),
        ("routes_file = 'nowhere.csv'", ["strategy.routes_file", "'nowhere.csv' not found"]),
        ("mode = 'circle'\nroutes = [[2, 4]]", ["strategy.mode", "loop, back-and-forth"]),
    ],
)
def test_bad_routes_in_the_scenario(tmp_path, capsys, strategy, names):
    (tmp_path / "r.csv").write_text("agent,node\n0,1\n")
    assert_one_line_error(["run", route_scenario(tmp_path, strategy)], capsys, *names)


def test_unreachable_node_ids_on_a_street_map(tmp_path, capsys):
    path = route_scenario(tmp_path, "routes = [['A', 'X']]", map_name="streets.json")
    assert_one_line_error(["run", path], capsys, "agent 0, waypoint 1", "node 'X' is unreachable")


@pytest.mark.parametrize(
    "content, names",
    [
        ("node,dwell_s\n1,2\n", ["r.csv:1", "expected a header with agent and node"]),
        ("", ["r.csv:1", "got an empty file"]),
        ("agent,node\n0,1\nzero,4\n", ["r.csv:3", "column agent", "'zero'"]),
        ("agent,order,node\n0,1,2\n0,nan,4\n", ["r.csv:3", "finite number in column order"]),
        ("agent,node\n0,1\n0,77\n", ["r.csv:3", "agent 0, waypoint 1", "'77' is not a node id"]),
        ("agent,x_m,y_m\n0,0.5,0.5\n0,north,1\n", ["r.csv:3", "column x_m", "'north'"]),
        ("agent,x_m,y_m\n0,0.5,0.5\n0,nan,1\n", ["r.csv:3", "agent 0, waypoint 1", "finite metres"]),
        ("agent,x_m,y_m\n0,0.5,0.5\n0,0.5,40\n", ["r.csv:3", "agent 0, waypoint 1", "off the map"]),
        ("agent,x_m,y_m\n0,0.5,0.5\n0,11.5,0.5\n", ["r.csv:3", "agent 0, waypoint 1", "unreachable"]),
        ("agent,node,dwell_s\n0,1,2\n0,4,inf\n", ["r.csv:3", "agent 0, waypoint 1", "dwell_s 'inf'"]),
        ("agent,node\n0,1\n0,4\n2,5\n", ["r.csv:4", "a route for agent 2 but the team has 2"]),
        ("agent,node\n1,5\n", ["r.csv:2", "no waypoints for agent 0 but some for agent 1"]),
        ("agent,order,node\n0,1,2\n0,1,4\n", ["r.csv:3", "agent 0 has two waypoints with order 1 (lines 2 and 3)"]),
        ("agent,node\n\n", ["r.csv", "has no waypoints"]),
        ("agent,node\n0,\n", ["r.csv:2", "expected a node id, or both x_m and y_m"]),
    ],
)
def test_bad_csv_routes(tmp_path, capsys, content, names):
    (tmp_path / "r.csv").write_text(content)
    path = route_scenario(tmp_path, "routes_file = 'r.csv'\nmode = 'back-and-forth'")
    assert_one_line_error(["run", path], capsys, *names)


def test_a_good_csv_with_a_route_per_agent_runs(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("agent,node\n0,1\n0,4\n1,5\n1,6\n")
    path = route_scenario(tmp_path, "routes_file = 'r.csv'")
    assert run_cli(["run", path, "-q"], capsys)[0] == 0


def feature(kind, coords, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords}}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, indent=1)


@pytest.mark.parametrize(
    "content, names",
    [
        ('{"type": "FeatureCollection", "features": [\n}', ["r.geojson:2", "not valid JSON"]),
        ('{"type": "Feature"}', ["r.geojson:1", "expected a GeoJSON FeatureCollection"]),
        (collection(feature("Polygon", [[[0, 0], [1, 0], [0, 1]]])), ["r.geojson:4", "LineString or Point", "Polygon"]),
        (collection(feature("LineString", [[0.5, 0.5], [4.5, 0.5]]), feature("LineString", [])), ["r.geojson:21",
         "agent 1: empty route"]),
        (collection(feature("LineString", [[0.5, 0.5], "east"])), ["r.geojson:4", "vertex 1 as [x, y]"]),
        (collection(feature("LineString", [[0.5, 0.5], [0.5, 80.0]])), ["r.geojson:4", "agent 0, waypoint 1",
         "off the map"]),
        (collection(feature("Point", [0.5, 0.5], agent="one")), ["r.geojson:4", "properties.agent"]),
        (collection(feature("LineString", [[0.5, 0.5], [4.5, 0.5]], dwell_s=[1])), ["r.geojson:4",
         "expected 2 dwell times (one per vertex)"]),
        (collection(feature("Point", [0.5, 0.5]), feature("LineString", [[1.5, 0.5], [3.5, 0.5]], agent=0)),
         ["r.geojson:15", "agent 0 already has its route from the Point at line 4"]),
        (collection(feature("LineString", [[0.5, 0.5], [4.5, 0.5]]), feature("LineString", [[0.5, 0.5]], agent=3)),
         ["r.geojson:21", "a route for agent 3 but the team has 2"]),
    ],
)  # fmt: skip
def test_bad_geojson_routes(tmp_path, capsys, content, names):
    (tmp_path / "r.geojson").write_text(content)
    assert_one_line_error(["run", route_scenario(tmp_path, "routes_file = 'r.geojson'")], capsys, *names)


def test_non_finite_geojson_coordinates_name_the_feature(tmp_path, capsys):
    text = collection(feature("LineString", [[0.5, 0.5], [4.5, 0.5]]), feature("Point", [float("nan"), 0.5], agent=1))
    (tmp_path / "r.geojson").write_text(text)
    path = route_scenario(tmp_path, "routes_file = 'r.geojson'")
    assert_one_line_error(["run", path], capsys, "r.geojson:21", "agent 1, waypoint 0", "finite metres")


def test_a_routes_file_of_another_kind(tmp_path, capsys):
    (tmp_path / "r.txt").write_text("0,1\n")
    path = route_scenario(tmp_path, "routes_file = 'r.txt'")
    assert_one_line_error(["run", path], capsys, "r.txt", "ending in .csv, .geojson or .json")
