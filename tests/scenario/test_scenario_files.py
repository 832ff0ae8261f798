"""Scenario files: the minimal file, defaults, overrides, and every error naming file, line and key."""

import textwrap
from pathlib import Path

import pytest

from patrolsim.errors import ScenarioError
from patrolsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = """\
map = "maps/office.txt"
duration = 3600
seed = 1
[agents]
count = 4
speed = 1.0
[strategy]
name = "cr"
"""


def write(tmp_path, text, name="s.toml"):
    (tmp_path / "maps").mkdir(exist_ok=True)
    (tmp_path / "maps" / "office.txt").write_text("S...\n....\n")
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def test_shipped_minimal_scenario_is_exactly_the_documented_one():
    body = [l for l in (ROOT / "scenarios/office.toml").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert [l.split("#")[0].strip() for l in body] == [l.strip() for l in MINIMAL.splitlines()]


def test_defaults(tmp_path):
    sc = load_scenario(write(tmp_path, MINIMAL))
    assert sc.duration == 3600 and sc.warmup == 0 and sc.seed == 1
    assert sc.agents.count == 4 and sc.agents.speeds == (1.0,) * 4 and sc.agents.sensing_radius == 0
    assert sc.sample_interval == 18.0  # duration / 200
    assert sc.strategy_name == "cr" and sc.strategy_params == {}
    assert sc.map.n_nodes == 8


def test_map_path_falls_back_to_parent_folder(tmp_path):
    (tmp_path / "scenarios").mkdir()
    sc = load_scenario(write(tmp_path, MINIMAL, name="scenarios/s.toml"))
    assert sc.map.n_nodes == 8


def test_overrides(tmp_path):
    sc = load_scenario(
        write(tmp_path, MINIMAL),
        agents=2,
        strategy="hcr",
        seed=5,
        **{"strategy.w_idle": 2.0, "agents.speed": [1.0, 2.0]},
    )
    assert sc.agents.count == 2 and sc.strategy_name == "hcr" and sc.seed == 5
    assert sc.strategy_params == {"w_idle": 2.0} and sc.agents.speeds == (1.0, 2.0)


def test_another_strategy_takes_its_own_defaults(tmp_path):
    # the file's [strategy] keys belong to its strategy: switching to another drops them (keys set with
    # the switch stay); the same strategy keeps them
    hotspot = MINIMAL.replace('name = "cr"', 'name = "hotspot-dwell"\nhotspots = 2\ndwell_s = 60.0')
    path = write(tmp_path, hotspot)
    assert load_scenario(path).strategy_params == {"hotspots": 2, "dwell_s": 60.0}
    assert load_scenario(path, strategy="cgg").strategy_params == {}
    assert load_scenario(path, strategy="cgg", **{"strategy.walk": "edges"}).strategy_params == {"walk": "edges"}
    assert load_scenario(path, strategy="hotspot-dwell", **{"strategy.dwell_s": 5.0}).strategy_params == {
        "hotspots": 2,
        "dwell_s": 5.0,
    }


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (("duration = 3600", "duraton = 3600"), r"s.toml:2, key 'duraton': unknown key \(did you mean 'duration'\?\)"),
        (("duration = 3600", 'duration = "long"'), r"s.toml:2, key 'duration': expected number, got 'long'"),
        (("duration = 3600", "duration = -5"), r"s.toml:2, key 'duration': expected a value in \(0, 1e\+09\]"),
        (("count = 4", "count = 0"), r"s.toml:5, key 'agents.count': expected a value in \[1, 10000\]"),
        (("count = 4", "count = 2.5"), r"key 'agents.count': expected integer"),
        (
            ("speed = 1.0", "speed = [1.0, 2.0]"),
            r"s.toml:6, key 'agents.speed': expected a number in \(0, 1000\] \(m/s\) or a list of 4",
        ),
        (("speed = 1.0", "sped = 1.0"), r"s.toml:6, key 'agents.sped': unknown key \(did you mean 'speed'\?\)"),
        (
            ('name = "cr"', 'name = "rc"'),
            r"s.toml:8, key 'strategy.name': unknown strategy 'rc' \(did you mean 'cr'\?\)",
        ),
        (('name = "cr"', 'name = "cr"\nbogus = 1'), r"s.toml:9, key 'strategy.bogus': unknown parameter"),
        (("seed = 1\n", ""), r"missing required key 'seed'"),
        (('map = "maps/office.txt"', 'map = "maps/nope.txt"'), r"s.toml:1, key 'map': map 'maps/nope.txt' not found"),
        (("duration = 3600", "duration = 3600\nwarmup = 4000"), r"key 'warmup': warmup \(4000\) must be shorter"),
        (
            ("[agents]", "[agents]\nstarts = [0, 1, 2, 99]"),
            r"key 'agents.starts': start node 99 is not a node id of the map",
        ),
        (
            ("[agents]", "[agents]\nstarts = [[0.5, 1.5], [0.5, 0.5], [1.5, 0.5], [9.5, 9.5]]"),
            r"key 'agents.starts': start \[9.5, 9.5\] \(metres\) is on a wall or outside the map",
        ),
        (("[agents]", '[agents]\nstarts = "map"'), r"the map marks 1 start cells but count = 4"),
        (("duration = 3600", "duration = 3600\ncoverage_windows = [60, -1]"), r"coverage_windows.*positive"),
        (("seed = 1", "seed = 1 x"), r"s.toml: not valid TOML: .*line 3"),
        (
            ("seed = 1", "seed = 1\nsample_interval = 0.01"),
            r"s.toml:4, key 'sample_interval': .*more than 100,000 samples",
        ),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, edit, pattern):
    text = MINIMAL.replace(*edit)
    with pytest.raises(ScenarioError, match=pattern) as info:
        load_scenario(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_start_on_a_wall_is_rejected(tmp_path):
    p = write(
        tmp_path, MINIMAL.replace("[agents]", "[agents]\nstarts = [[0.5, 0.5], [1.5, 0.5], [2.5, 0.5], [3.5, 1.5]]")
    )
    (tmp_path / "maps" / "office.txt").write_text("S..#\n....\n")
    with pytest.raises(ScenarioError, match=r"start \[3.5, 1.5\] \(metres\) is on a wall"):
        load_scenario(p)


def test_disconnected_map_suggests_largest_component(tmp_path):
    p = write(tmp_path, MINIMAL.replace("count = 4", "count = 1"))
    (tmp_path / "maps" / "office.txt").write_text("..#.\n..#.\n")
    from patrolsim.errors import MapError

    with pytest.raises(MapError, match="2 components .*largest_component = true"):
        load_scenario(p)
    sc = load_scenario(p, largest_component=True)
    assert sc.map.n_nodes == 4
