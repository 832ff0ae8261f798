"""patrolsim compare: patrolling_sim's figures from a visit log, the table's spread, determinism, the CLI."""

import json
from pathlib import Path

import numpy as np
import pytest

from patrolsim.batch.compare import compare, parse_int_set, patrolling_sim_figures
from patrolsim.cli import main
from patrolsim.errors import UserError

GRID = str(Path(__file__).resolve().parents[2] / "maps/benchmarks/grid.graph")


def test_parse_int_set():
    assert parse_int_set("1-3,5,2", "--agents") == [1, 2, 3, 5]
    with pytest.raises(UserError):
        parse_int_set("3-1", "--agents")
    with pytest.raises(UserError):
        parse_int_set("a", "--seeds")


def test_patrolling_sim_figures_by_hand():
    # node 0 visited at 0, 10, 30 (intervals 10, 20); node 1 at 5, 5 (same instant: none), 25 (20);
    # node 2 once (no interval: counts 0 in the node averages, as in patrolling_sim's monitor)
    times = np.array([0.0, 5.0, 5.0, 10.0, 12.0, 25.0, 30.0])
    nodes = np.array([0, 1, 1, 0, 2, 1, 0])
    got = patrolling_sim_figures(times, nodes, 3)
    assert got["gavg"] == pytest.approx(50.0 / 3)
    assert got["gmax"] == 20.0
    assert got["avg_graph"] == pytest.approx((15.0 + 20.0 + 0.0) / 3)
    assert got["worst_avg"] == 20.0


def test_cgg_on_grid_matches_the_benchmark_and_is_deterministic():
    args = (GRID, ["cgg"], [1, 2], [1, 2], {"duration": 1500.0})
    first, again = compare(*args), compare(*args)
    assert first.runs == again.runs
    assert [(r["strategy"], r["agents"], r["seeds"]) for r in first.rows] == [("cgg", 1, 2), ("cgg", 2, 2)]
    for row in first.rows:  # one evenly spaced tour of 148.2 m at 1 m/s: every node mean interval L / R
        assert row["worst_avg_mean"] == pytest.approx(148.2 / row["agents"], rel=0.02)
        assert row["worst_avg_min"] <= row["worst_avg_mean"] <= row["worst_avg_max"]
        assert row["gavg_std"] >= 0.0


def test_compare_cli_table_csv_json(tmp_path, capsys):
    jpath = tmp_path / "c.json"
    argv = ["compare", GRID, "--strategies", "cgg,cr", "--agents", "2", "--seeds", "1-2", "--duration", "600"]
    assert main([*argv, "--json", str(jpath), "-q"]) == 0
    data = json.loads(jpath.read_text())
    assert [r["strategy"] for r in data["rows"]] == ["cgg", "cr"] and len(data["runs"]) == 4
    assert main([*argv, "--csv", "-", "-q"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("strategy,agents,seeds,worst_idleness_mean") and len(lines) == 3
    assert main(argv) == 0
    out = capsys.readouterr().out
    for head in ("worst", "time-avg", "interval", "gavg", "gmax", "avg_graph", "worst_avg"):
        assert head in out
    assert main(["compare", GRID, "--agents", "x"]) == 2


def test_run_vs_sets_the_scenarios_own_run_beside_other_strategies(tmp_path, capsys):
    # a route over half of an 8-node ring (10 m cells) for two robots, against cgg and msp on the same
    # map, team and seed; each rival runs with its own defaults (the route's keys are not cgg's)
    (tmp_path / "ring.txt").write_text("cell_size: 10\n...\n.#.\n...\n")
    path = tmp_path / "s.toml"
    path.write_text(
        'map = "ring.txt"\nduration = 800\nwarmup = 200\nseed = 3\n[agents]\ncount = 2\n'
        '[strategy]\nname = "route"\nroutes = [[0, 2, 4]]\nmode = "back-and-forth"\n'
    )
    argv = ["run", str(path), "--vs", "cgg,msp"]
    assert main([*argv, "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "Routes" in out and "your routes: worst " in out and "; cgg " in out and "; msp " in out
    vs = json.loads((tmp_path / "r.json").read_text())["vs"]
    assert [(r["strategy"], r["agents"], r["seeds"]) for r in vs["rows"]] == [
        ("route", 2, 1),
        ("cgg", 2, 1),
        ("msp", 2, 1),
    ]
    alone = compare(str(path), ["route", "cgg", "msp"], [2], [3])
    assert vs["runs"] == alone.runs  # the run itself gives the figures a separate compare run gives
    assert len((tmp_path / "r_vs.csv").read_text().splitlines()) == 4
    assert main(["run", str(path), "--vs", ","]) == 2 and main(["run", str(path), "--vs", "cgx"]) == 2
    assert "did you mean 'cgg'" in capsys.readouterr().err
