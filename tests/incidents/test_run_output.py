"""End to end: shipped policing scenarios load; `patrolsim run` prints the response table and writes
the incident and area tables; a run's incident table replays to the same incidents."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from patrolsim.cli import main
from patrolsim.build import make
from patrolsim.output import summary_text
from patrolsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
POLICING = ["mall_security.toml", "mesa_crimes.toml", "feedback_loop.toml"]


@pytest.mark.parametrize("name", POLICING)
def test_shipped_policing_scenarios_load(name):
    sc = load_scenario(ROOT / "scenarios" / name)
    assert sc.incidents is not None and sc.dispatch is not None


def test_run_prints_and_writes_incident_tables(tmp_path, capsys):
    out = tmp_path / "mall.json"
    assert (
        main(
            [
                "run",
                str(ROOT / "scenarios" / "mall_security.toml"),
                "--duration",
                "3600",
                "--json",
                str(out),
                "--csv",
                str(tmp_path / "mall"),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Response" in text and "response 90th pct" in text and "Fairness and privacy" in text
    assert text.index("Coverage") < text.index("Response") < text.index("Idleness")
    data = json.loads(out.read_text())
    assert data["metrics"]["incidents_total"] == len([t for t in data["incidents"]["time_s"] if t <= 3600]) > 0
    assert set(data["areas"]) >= {"patrol_s", "exposure_ratio", "observed_s"}
    assert "busy_s" in data["agents"] and data["run"]["dispatch_policy"] == "nearest-preempt"
    for name in ("nodes", "agents", "series", "incidents", "areas"):
        assert (tmp_path / f"mall_{name}.csv").exists()


def test_plain_scenarios_keep_their_output(tmp_path, capsys):
    assert (
        main(["run", str(ROOT / "scenarios" / "office.toml"), "--duration", "300", "--csv", str(tmp_path / "o")]) == 0
    )
    assert "Response" not in capsys.readouterr().out
    assert not (tmp_path / "o_incidents.csv").exists()


def test_a_runs_incident_table_replays_to_the_same_incidents(tmp_path):
    sc = load_scenario(ROOT / "scenarios" / "mall_security.toml", duration=3600)
    first = make(sc).run()
    main(
        [
            "run",
            str(ROOT / "scenarios" / "mall_security.toml"),
            "--duration",
            "3600",
            "-q",
            "--csv",
            str(tmp_path / "a"),
        ]
    )
    rows = list(csv.DictReader((tmp_path / "a_incidents.csv").open()))
    assert len(rows) == len(first.incidents["time_s"])
    again = load_scenario(
        ROOT / "scenarios" / "mall_security.toml",
        duration=3600,
        **{"incidents.stream": "replay", "incidents.file": str(tmp_path / "a_incidents.csv")},
    )
    second = make(again).run()
    for col in ("time_s", "node", "priority", "service_s", "mode", "arrived_s"):
        a, b = first.incidents[col], second.incidents[col]
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), col
    assert first.metrics["response_mean_s"] == second.metrics["response_mean_s"]


def test_same_seed_same_incident_results():
    sc = load_scenario(ROOT / "scenarios" / "mall_security.toml", duration=1800)
    a, b = make(sc).run(), make(sc).run()
    assert a.metrics == b.metrics
    for col in a.incidents:
        x, y = a.incidents[col], b.incidents[col]
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), col


def test_incidents_leave_the_patrol_alone_until_the_first_dispatch():
    base = load_scenario(ROOT / "scenarios" / "office.toml", duration=600)
    with_calls = load_scenario(
        ROOT / "scenarios" / "office.toml",
        duration=600,
        **{"incidents.stream": "poisson", "incidents.rate_per_hour": 0.001},
    )
    a, b = make(base).run(), make(with_calls).run()
    assert b.metrics["incidents_total"] == 0
    assert np.array_equal(a.nodes["visits"], b.nodes["visits"])
    assert "response mean / median   n/a / n/a" in summary_text(b)  # nothing to report, no crash
