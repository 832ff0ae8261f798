"""Replay files: round trip, snapping to nodes and edges, points off the map, bad rows by line."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim.errors import ScenarioError
from patrolsim.incidents.replay import read_replay, snap_points, write_replay
from patrolsim.incidents.streams import Marks, poisson_stream
from patrolsim.maps import PatrolMap, load_map

MAPS = Path(__file__).resolve().parents[2] / "maps"
L_SHAPE = PatrolMap.from_edges("L", np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]]), np.array([[0, 1], [1, 2]]))


def read(path, pmap=L_SHAPE, snap="edge", max_snap_m=50.0, off_map="error"):
    return read_replay(path, pmap, np.random.default_rng(0), Marks(), snap=snap, max_snap_m=max_snap_m, off_map=off_map)


def test_round_trip_through_a_replay_file(tmp_path):
    mesa = load_map(MAPS / "mesa_az")
    marks = Marks(reported_share=0.5, service_dist="lognormal")
    inc = poisson_stream(mesa, np.random.default_rng(11), 86400.0, 12.0, "length", marks)
    write_replay(tmp_path / "r.csv", inc)
    back, dropped = read_replay(
        tmp_path / "r.csv", mesa, np.random.default_rng(99), Marks(), snap="edge", max_snap_m=1.0, off_map="error"
    )
    assert dropped == 0 and len(back) == len(inc) > 200
    for f in ("t_s", "node", "x_m", "y_m", "priority", "service_s", "reported"):
        assert np.array_equal(getattr(back, f), getattr(inc, f)), f


def test_snapping_to_nodes_and_to_edges():
    pts = np.array([[30.0, 20.0], [60.0, 5.0], [95.0, 70.0]])
    node, dist = snap_points(L_SHAPE, pts, "node")
    assert node.tolist() == [0, 1, 2] and np.allclose(dist, [np.hypot(30, 20), np.hypot(40, 5), np.hypot(5, 30)])
    node, dist = snap_points(L_SHAPE, pts, "edge")
    assert node.tolist() == [0, 1, 2] and np.allclose(dist, [20, 5, 5])


def test_points_far_from_the_map_are_reported_with_lines(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("time_s,x_m,y_m\n0,10,3\n5,400,400\n7,50,-80\n9,99,40\n")
    with pytest.raises(ScenarioError) as err:
        read(p)
    assert "2 point(s)" in str(err.value) and "lines 3, 4" in str(err.value) and err.value.line == 3
    inc, dropped = read(p, off_map="drop")
    assert dropped == 2 and inc.t_s.tolist() == [0, 9] and inc.node.tolist() == [0, 1]


def test_rows_may_name_nodes_and_carry_marks(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("node,time_s,priority,service_s,mode,extra\n2,30,1,45,discoverable,x\n0,10,,,,y\n")
    inc, _ = read(p)
    assert inc.t_s.tolist() == [10, 30] and inc.node.tolist() == [0, 2]
    assert inc.priority[1] == 1 and inc.service_s[1] == 45 and not inc.reported[1]
    assert inc.x_m.tolist() == [0, 100] and inc.y_m.tolist() == [0, 100]


@pytest.mark.parametrize(
    "row, message",
    [
        ("abc,1,1", "expected a number in column time_s, got 'abc'"),
        ("-5,1,1", "expected time_s >= 0"),
        ("5,1,nan", "expected a finite number in column y_m"),
        ("5,1,1,4", "expected priority 1, 2 or 3, got '4'"),
        ("5,1,1,2,0", "expected service_s > 0"),
        ("5,1,1,2,9,called", "expected mode 'reported' or 'discoverable'"),
        ("5,,,2", "a node id of the map"),
    ],
)
def test_bad_rows_name_their_line(tmp_path, row, message):
    p = tmp_path / "r.csv"
    p.write_text("time_s,x_m,y_m,priority,service_s,mode\n1,0,0\n\n" + row + "\n")
    with pytest.raises(ScenarioError) as err:
        read(p)
    assert err.value.line == 4 and message in str(err.value) and str(p) in str(err.value)


def test_header_must_name_time_and_place(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("when,x_m,y_m\n1,0,0\n")
    with pytest.raises(ScenarioError, match="time_s and x_m, y_m"):
        read(p)
