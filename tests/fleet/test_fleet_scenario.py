"""The scenario side of real fleets (issue 15): [energy], [failures], [motion] and [[agents.group]] read
into the engine's Battery / Motion / Interference records and the fleet's Docks / Failures, every mistake
a one-line error naming the file, line and key, old scenarios unchanged, and sweep axes on the new keys."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from patrolsim.batch.sweep import load_sweep
from patrolsim.cli import main
from patrolsim.engine.spec import Battery, Interference, Motion
from patrolsim.errors import ScenarioError, SweepError
from patrolsim.fleet.spec import Docks, Failures, FleetSpec
from patrolsim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
RING = ROOT / "maps" / "ring_road.gml"  # 17 nodes labelled Centre, R1..R16 (R1 at (0, 600))

#: a corridor of five 10-m cells (nodes 0..4 at x = 5, 15, ..., 45), 0.5 m/s agents: lines 1-7
HEAD = 'map = "corridor.txt"\nduration = 3600\nseed = 1\n[strategy]\nname = "cr"\n[agents]\nspeed = 0.5\n'


def write(tmp_path: Path, text: str, head: str = HEAD) -> Path:
    (tmp_path / "corridor.txt").write_text("cell_size: 10\n.....\n")
    p = tmp_path / "s.toml"
    p.write_text(head + text)
    return p


def load(tmp_path: Path, text: str, head: str = HEAD, **overrides):
    return load_scenario(write(tmp_path, text, head), **overrides)


# ---------------------------------------------------------------------------- old scenarios
@pytest.mark.parametrize("name", ["office", "ring_road", "mall_security", "plaza"])
def test_shipped_scenarios_have_no_fleet_records(name):
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    a = sc.agents
    assert (a.groups, a.sensing_radii, a.motion, a.batteries) == ((), (), (), ())
    assert sc.interference == Interference() and not sc.interference.on
    assert sc.fleet == FleetSpec()


def test_plain_team_is_unchanged(tmp_path):
    sc = load(tmp_path, "count = 2\nsensing_radius = 3\n")
    assert sc.agents.speeds == (0.5, 0.5) and sc.agents.sensing_radius == 3.0
    assert sc.agents.batteries == () and sc.agents.motion == () and sc.fleet.docks is None


# ---------------------------------------------------------------------------- energy
def test_capacity_hours_is_driving_time_at_the_agents_speed(tmp_path):
    sc = load(
        tmp_path,
        "count = 2\n[energy]\ncapacity_h = 2\nstandby_h = 10\ncharge_h = 1.5\nreserve = 0.2\nstart = [1, 0.5]\n"
        "docks = [[44.0, 3.0], 0]\nchargers = [2, 1]\n",
    )
    # 2 h at 0.5 m/s is 3600 m: 1/3600 of a charge per metre; 10 h standing: 1/36000 per second
    b = Battery(capacity=1.0, per_m=1 / 3600, per_s=1 / 36000, reserve=0.2, charge_s=5400.0, start=1.0)
    assert sc.agents.batteries == (b, Battery(1.0, 1 / 3600, 1 / 36000, 0.2, 5400.0, 0.5))
    assert sc.fleet.docks == Docks(nodes=(4, 0), chargers=(2, 1))  # [44, 3] m is in the last cell


def test_capacity_wh(tmp_path):
    sc = load(tmp_path, "count = 1\n[energy]\ncapacity_wh = 500\nwh_per_m = 0.05\nstanding_w = 36\ndocks = [2]\n")
    assert sc.agents.batteries == (Battery(500.0, 0.05, 0.01, 0.1, 7200.0, 1.0),)
    assert sc.fleet.docks == Docks((2,), (1,))


def test_docks_on_a_graph_map_are_nearest_nodes_or_ids():
    data = {
        "map": str(RING),
        "duration": 60,
        "seed": 1,
        "agents": {"count": 1},
        "strategy": {"name": "cr"},
        "energy": {"capacity_h": 4, "docks": ["R1", [1.0, 590.0], "Centre"], "chargers": 3},
    }
    with pytest.raises(ScenarioError, match="two docks at node R1"):
        scenario_from_dict(data)
    data["energy"]["docks"] = [[1.0, 590.0], "Centre"]
    sc = scenario_from_dict(data)
    assert sc.fleet.docks == Docks((sc.map.node_of("R1"), sc.map.node_of("Centre")), (3, 3))


# ---------------------------------------------------------------------------- groups
GROUPS = """[energy]
capacity_h = 4
charge_h = 3
docks = [0]
[motion]
turn_rate = 2.0
[[agents.group]]
name = "robots"
count = 2
[agents.group.energy]
start = 0.5
[agents.group.motion]
accel = 0.5
[[agents.group]]
count = 1
speed = 8
sensing_radius = 20
[agents.group.energy]
capacity_h = 0
[[agents.group]]
name = "wh"
count = 1
[agents.group.energy]
capacity_wh = 100
wh_per_m = 0.5
"""


def test_groups_fill_every_per_agent_tuple(tmp_path):
    sc = load(tmp_path, GROUPS)
    a = sc.agents
    assert a.count == 4  # agents.count left out: the sum of the groups
    assert a.groups == ("robots", "robots", "group 2", "wh")
    assert a.speeds == (0.5, 0.5, 8.0, 0.5)
    assert a.sensing_radii == (0.0, 0.0, 20.0, 0.0) and a.sensing_radius == 0.0  # [agents] leaves it 0: the first
    robot = Battery(1.0, 1 / (4 * 3600 * 0.5), 0.0, 0.1, 3 * 3600.0, 0.5)
    assert a.batteries == (robot, robot, None, Battery(100.0, 0.5, 0.0, 0.1, 10800.0, 1.0))
    slow = Motion(accel=0.5, brake=0.5, turn_rate=2.0)
    assert a.motion == (slow, slow, Motion(turn_rate=2.0), Motion(turn_rate=2.0))


def test_count_must_equal_the_groups_sum(tmp_path):
    assert load(tmp_path, "count = 4\n" + GROUPS).agents.count == 4
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, "count = 5\n" + GROUPS)
    assert err.value.line == 8 and err.value.key == "agents.count" and "add up to 4" in str(err.value)


def test_group_keys_are_overridable(tmp_path):
    sc = load(tmp_path, GROUPS, **{"agents.group.2.count": 3, "agents.group.1.energy.capacity_h": 1})
    assert sc.agents.count == 6 and sc.agents.groups.count("group 2") == 3
    assert sc.agents.batteries[0].per_m == pytest.approx(1 / 1800) and sc.agents.batteries[0].per_m == 1 / 1800
    with pytest.raises(ScenarioError, match=r"\[\[agents.group\]\] has 3 entries; expected a number from 1 to 3"):
        load(tmp_path, GROUPS, **{"agents.group.4.count": 1})
    with pytest.raises(ScenarioError, match=r"agents\.group\.1\.count") as err:
        load(tmp_path, GROUPS, **{"agents.group.1.count": 0})
    assert err.value.line is None  # an override has no line in the file


# ---------------------------------------------------------------------------- motion, failures
def test_motion_and_interference(tmp_path):
    sc = load(
        tmp_path,
        'count = 1\n[motion]\naccel = 0.5\nbrake = inf\ninterference = "wait"\nwait_s = 2\nnode_capacity = 0\n'
        "node_capacities = [[3, 2], [1, 1]]\nedge_capacities = [[4, 3, 2]]\nreroute_after = 5\n",
    )
    assert sc.agents.motion == (Motion(accel=0.5, brake=math.inf, turn_rate=math.inf),)
    assert sc.interference == Interference("wait", 2.0, 0, 1, ((1, 1), (3, 2)), ((4, 3, 2),), 5)


def test_interference_alone_leaves_motion_instant(tmp_path):
    sc = load(tmp_path, 'count = 2\n[motion]\ninterference = "block"\n')
    assert sc.agents.motion == () and sc.interference.mode == "block"


def test_failures(tmp_path):
    sc = load(
        tmp_path,
        'count = 2\n[failures]\nmtbf_h = 20\nmttr_h = 0.5\ndistribution = "fixed"\n'
        "at = [[1, 1800, 3600], [0, 600, inf], [1, 100, 200]]\n",
    )
    assert sc.fleet.failures == Failures(
        72000.0, 1800.0, "fixed", ((1, 100.0, 200.0), (0, 600.0, math.inf), (1, 1800.0, 3600.0))
    )
    assert sc.fleet.docks is None


def test_features_off_ignore_their_keys(tmp_path):
    """A sweep axis can switch a feature off (mtbf_h = 0, interference = "none", capacity 0)."""
    sc = load(
        tmp_path,
        "count = 1\n[failures]\nmtbf_h = 0\nmttr_h = 1\n[motion]\nwait_s = 9\n[energy]\ncapacity_h = 0\ncharge_h = 1\n",
    )
    assert sc.fleet == FleetSpec() and not sc.interference.on and sc.agents.batteries == ()


# ---------------------------------------------------------------------------- bad inputs
BAD = [
    ("[energy]\ncapacity_h = 2\n", "energy.docks", 9, "need docks"),
    ("[energy]\ncapacity_h = nan\ndocks = [0]\n", "energy.capacity_h", 10, "in [0, 100000]"),
    ("[energy]\ncapacity_h = 2\ncapacity_wh = 5\ndocks = [0]\n", "energy.capacity_wh", 11, "not both"),
    ("[energy]\ncapacity_h = 2\nwh_per_m = 1\ndocks = [0]\n", "energy.wh_per_m", 11, "capacity_wh only"),
    ("[energy]\ncapacity_wh = 2\ndocks = [0]\n", "energy.wh_per_m", 9, "needs wh_per_m > 0"),
    ("[energy]\ncapacity_h = 2\nreserve = 1\ndocks = [0]\n", "energy.reserve", 11, "in [0, 1)"),
    ("[energy]\ncapacity_h = 2\nstart = [1, 0]\ndocks = [0]\n", "energy.start", 11, "got 0"),
    ("[energy]\ncapacity_h = 2\nstart = [1]\ndocks = [0]\n", "energy.start", 11, "a list of 2 of them"),
    ("[energy]\ncapacity_h = 2\ndocks = [9]\n", "energy.docks", 11, "dock node 9 is not a node id"),
    ("[energy]\ncapacity_h = 2\ndocks = [[5, 50]]\n", "energy.docks", 11, "on a wall or outside the map"),
    ("[energy]\ncapacity_h = 2\ndocks = [0, 0]\n", "energy.docks", 11, "two docks at node 0"),
    ("[energy]\ncapacity_h = 2\ndocks = [0]\nchargers = 0\n", "energy.chargers", 12, "in [1, 1000000]"),
    ("[energy]\ncapacity_h = 2\ndocks = [0]\nchargers = [1, 2]\n", "energy.chargers", 12, "a list of 1"),
    ("[energy]\ncapasity_h = 2\n", "energy.capasity_h", 10, "did you mean 'capacity_h'"),
    ("[failures]\nmtbf_h = 2\n", "failures.mttr_h", 9, "need mttr_h > 0"),
    ("[failures]\nmtbf_h = 1e-9\nmttr_h = 1\n", "failures.mtbf_h", 10, "failures in one run"),
    ('[failures]\ndistribution = "weibull"\n', "failures.distribution", 10, "'exponential' or 'fixed'"),
    ("[failures]\nat = [[2, 0, 10]]\n", "failures.at", 10, "agent 2 is not an agent index; expected 0 to 1"),
    ("[failures]\nat = [[0, 10, 10]]\n", "failures.at", 10, "0 <= t_fail < t_back"),
    ("[failures]\nat = [[0, 3600, 4000]]\n", "failures.at", 10, "not before the end of the run"),
    ("[failures]\nat = [[0, 10, 100], [0, 50, 60]]\n", "failures.at", 10, "do not overlap"),
    ("[failures]\nat = [[0, nan, 100]]\n", "failures.at", 10, "got [0, nan, 100]"),
    ("[failures]\nat = [0, 10, 100]\n", "failures.at", 10, "expected [agent index, t_fail s, t_back s]"),
    ("[motion]\naccel = -1\n", "motion.accel", 10, "or inf (instant)"),
    ("[motion]\nturn_rate = nan\n", "motion.turn_rate", 10, "or inf (instant)"),
    ('[motion]\ninterference = "push"\n', "motion.interference", 10, "one of none, wait, block"),
    ("[motion]\nwait_s = 0\n", "motion.wait_s", 10, "in (0, 1e+06]"),
    ("[motion]\nnode_capacity = 1.5\n", "motion.node_capacity", 10, "expected integer"),
    ("[motion]\nedge_capacities = [[0, 2, 1]]\n", "motion.edge_capacities", 10, "0 - 2 is not an edge of the map"),
    ("[motion]\nedge_capacities = [[0, 1, 1], [1, 0, 2]]\n", "motion.edge_capacities", 10, "given twice"),
    ("[motion]\nnode_capacities = [[0, -1]]\n", "motion.node_capacities", 10, "with a capacity in [0, 1000000]"),
    ("[motion]\nnode_capacities = [[7, 1]]\n", "motion.node_capacities", 10, "node node 7 is not a node id"),
    ("[motion]\nnode_capacities = [[0, 1]" + ", [0, 1]" * 5 + "]\n", "motion.node_capacities", 10, "at most 5"),
]


@pytest.mark.parametrize("text, key, line, words", BAD)
def test_bad_tables_name_key_and_line(tmp_path, text, key, line, words):
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, "count = 2\n" + text)
    e = err.value
    assert (e.key, e.line) == (key, line), str(e)
    assert words in str(e) and "\n" not in str(e) and str(e).startswith(f"{tmp_path / 's.toml'}:{line}, key '{key}'")


BAD_GROUPS = [
    ("count = 0\n", "agents.group.2.count", 22, "in [1, 10000]"),
    ("speed = inf\n", "agents.group.2.speed", 23, "in (0, 1000]"),
    ("sped = 1\n", "agents.group.2.sped", 23, "did you mean 'speed'"),
    ('name = "robots"\n', "agents.group.2.name", 23, "'robots' is used twice"),
    ("[agents.group.energy]\ndocks = [1]\n", "agents.group.2.energy.docks", 24, "whole fleet only, in [energy]"),
    ("[agents.group.energy]\ncapacity_wh = 1\n", "agents.group.2.energy.wh_per_m", 23, "needs wh_per_m > 0"),
    ("[agents.group.energy]\nstart = [1, 1]\n", "agents.group.2.energy.start", 24, "a list of 1 of them"),
    ("[agents.group.energy]\nwh_per_m = 1\n", "agents.group.2.energy.wh_per_m", 24, "capacity_wh only"),
    ('[agents.group.motion]\ninterference = "wait"\n', "agents.group.2.motion.interference", 24, "[motion]"),
    ("[agents.group.motion]\nbrake = -2\n", "agents.group.2.motion.brake", 24, "0 (as accel)"),
    ("energy.start = 2\n", "agents.group.2.energy.start", 23, "got 2"),
]


@pytest.mark.parametrize("text, key, line, words", BAD_GROUPS)
def test_bad_groups_name_entry_key_and_line(tmp_path, text, key, line, words):
    """The second group's header is line 21, its count line 22; a key not written (wh_per_m) is located at
    its table's header."""
    head = GROUPS.split("[[agents.group]]\ncount = 1\n")[0]
    rest = "[[agents.group]]\n" + (text if text.startswith("count") else "count = 1\n" + text)
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, head + rest)
    e = err.value
    assert (e.key, e.line) == (key, line), str(e)
    assert words in str(e) and "\n" not in str(e)


def test_group_speed_list_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="one number") as err:
        load(tmp_path, "[[agents.group]]\ncount = 1\n", head=HEAD.replace("speed = 0.5", "speed = [0.5]"))
    assert err.value.line == 7


def test_cli_prints_one_line(tmp_path, capsys):
    p = write(tmp_path, "count = 1\n[energy]\ncapacity_h = 2\n")
    assert main(["run", str(p)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "s.toml:9, key 'energy.docks'" in err[0]


# ---------------------------------------------------------------------------- sweeps
def test_sweep_axis_on_capacity_gives_the_batteries(tmp_path):
    write(tmp_path, "count = 1\n[energy]\ncapacity_h = 1\ndocks = [0]\n")
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        '[sweep]\nname = "cap"\nscenario = "s.toml"\n[axes]\n"energy.capacity_h" = [2, 4, 8]\n'
        '"motion.interference" = ["none", "wait"]\n'
    )
    runs = load_sweep(sweep).runs
    assert len(runs) == 6
    per_m = sorted({scenario_from_dict(r.scenario).agents.batteries[0].per_m for r in runs})
    assert per_m == [1 / (8 * 3600 * 0.5), 1 / (4 * 3600 * 0.5), 1 / (2 * 3600 * 0.5)]
    modes = {scenario_from_dict(r.scenario).interference.mode for r in runs}
    assert modes == {"none", "wait"}


def test_sweep_axis_on_a_group_key(tmp_path):
    write(tmp_path, GROUPS)
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('[sweep]\nscenario = "s.toml"\n[axes]\n"agents.group.2.count" = [1, 2]\n')
    counts = [scenario_from_dict(r.scenario).agents.count for r in load_sweep(sweep).runs]
    assert counts == [4, 5]
    sweep.write_text('[sweep]\nscenario = "s.toml"\n[axes]\n"agents.group.2.count" = [1, 0]\n')
    with pytest.raises(SweepError, match=r"agents.group.2.count.*value 0"):
        load_sweep(sweep)


def test_exported_scenario_keeps_the_fleet(tmp_path):
    """The window's export (every key, defaults filled in) reads back as the same fleet."""
    from patrolsim.gui.export import scenario_toml

    text = GROUPS.replace("turn_rate = 2.0", 'turn_rate = 2.0\ninterference = "wait"')
    sc = load(tmp_path, text + "[failures]\nat = [[0, 10, inf]]\n")
    again = tmp_path / "again.toml"
    again.write_text(scenario_toml(sc))
    back = load_scenario(again)
    assert back.agents == sc.agents and back.fleet == sc.fleet and back.interference == sc.interference
