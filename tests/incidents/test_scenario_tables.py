"""The [incidents] and [dispatch] scenario tables: every mistake names the key and its line."""

from pathlib import Path

import pytest

from patrolsim.cli import main
from patrolsim.errors import ScenarioError
from patrolsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
HEAD = f'map = "{ROOT}/maps/ring_road.gml"\nduration = 3600\nseed = 1\n[agents]\ncount = 2\n[strategy]\nname = "cr"\n'


def write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(HEAD + text)
    return p


def error_of(tmp_path, text):
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, text))
    return err.value


def test_no_table_means_no_incidents(tmp_path):
    sc = load_scenario(write(tmp_path, ""))
    assert sc.incidents is None and sc.dispatch is None


def test_tables_are_read(tmp_path):
    sc = load_scenario(
        write(
            tmp_path,
            '[incidents]\nstream = "self-exciting"\ntheta = 0.4\nservice_mean_s = [60, 120, 180]\n'
            '[dispatch]\npolicy = "nearest-preempt"\ndelay_s = 30\ntargets_s = [120]\n',
        )
    )
    assert sc.incidents.stream == "hawkes" and sc.incidents.theta == 0.4
    assert sc.incidents.marks.service_mean_s == (60, 120, 180) and sc.incidents.snap == "edge"
    assert sc.dispatch.policy == "nearest-preempt" and sc.dispatch.delay_s == (30, 30, 30)
    assert sc.dispatch.targets_s == (120,)


@pytest.mark.parametrize(
    "text, key, line, words",
    [
        (
            '[incidents]\nstream = "poisson"\nrate_per_hr = 3\n',
            "incidents.rate_per_hr",
            10,
            "did you mean 'rate_per_hour'",
        ),
        ('[incidents]\nstream = "poisson"\nrate_per_hour = "lots"\n', "incidents.rate_per_hour", 10, "expected number"),
        ('[incidents]\nstream = "poisson"\ndetection_prob = 0\n', "incidents.detection_prob", 10, "in (0, 1]"),
        ('[incidents]\nstream = "hawkes"\ntheta = 1.0\n', "incidents.theta", 10, "theta >= 1"),
        ('[incidents]\nstream = "hawkes"\n\ntheta = 1.7\n', "incidents.theta", 11, "in [0, 1)"),
        ('[incidents]\nstream = "poison"\n', "incidents.stream", 9, "one of none, poisson"),
        ('[incidents]\nstream = "profile"\nprofile = [1, 2]\n', "incidents.profile", 10, "expected 24 numbers"),
        (
            '[incidents]\nstream = "poisson"\npriority_shares = [1, -1, 1]\n',
            "incidents.priority_shares",
            10,
            "3 numbers",
        ),
        ('[incidents]\nstream = "poisson"\nservice_mean_s = [60, 0, 1]\n', "incidents.service_mean_s", 10, "list of 3"),
        ('[incidents]\nstream = "replay"\n', "incidents.stream", 9, "needs incidents.file"),
        ('[incidents]\nstream = "replay"\nfile = "nowhere.csv"\n', "incidents.file", 10, "not found"),
        ('[incidents]\nstream = "poisson"\n[dispatch]\npolicy = "closest"\n', "dispatch.policy", 11, "'nearest'"),
        ('[incidents]\nstream = "poisson"\n[dispatch]\ndelay_s = [1, 2]\n', "dispatch.delay_s", 11, "list of 3"),
        ('[incidents]\nstream = "poisson"\n[dispatch]\ntargets_s = [300, -1]\n', "dispatch.targets_s", 11, "positive"),
        ('[incidents]\nstream = "poisson"\n[dispatch]\ntick_s = 0\n', "dispatch.tick_s", 11, "> 0"),
        ('[dispatch]\npolicy = "none"\n', "dispatch.policy", 9, "no effect without incidents"),
        ("[incidents]\nrate_per_hour = 3\n", "incidents.rate_per_hour", 9, "set incidents.stream"),
    ],
)
def test_mistakes_name_key_and_line(tmp_path, text, key, line, words):
    err = error_of(tmp_path, text)
    assert err.key == key and err.line == line and words in str(err), str(err)


def test_replay_errors_come_from_the_csv_with_its_line(tmp_path):
    (tmp_path / "calls.csv").write_text("time_s,x_m,y_m\n0,100,100\n60,1e9,0\n")
    err = error_of(tmp_path, '[incidents]\nstream = "replay"\nfile = "calls.csv"\n')
    assert err.line == 3 and "calls.csv" in str(err)


def test_cli_prints_one_line_and_exits_2(tmp_path, capsys):
    p = write(tmp_path, '[incidents]\nstream = "hawkes"\ntheta = 1.2\n')
    assert main(["run", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "s.toml:10" in err and "incidents.theta" in err


def test_risk_file_replaces_map_weights(tmp_path):
    (tmp_path / "risk.csv").write_text("node,risk\nR3,5\nCentre,0.5\n")
    sc = load_scenario(write(tmp_path, '[incidents]\nstream = "hotspot"\nrisk_file = "risk.csv"\n'))
    risk = dict(zip((sc.map.node_label(i) for i in range(sc.map.n_nodes)), sc.incidents.risk))
    assert risk["R3"] == 5 and risk["Centre"] == 0.5 and risk["R7"] == 0.5  # unlisted: smallest listed


def test_risk_file_errors_name_the_csv_line(tmp_path):
    (tmp_path / "risk.csv").write_text("node,risk\nR3,5\nnope,1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, '[incidents]\nstream = "hotspot"\nrisk_file = "risk.csv"\n'))
    assert err.value.line == 3 and "'nope' is not a node" in str(err.value)
