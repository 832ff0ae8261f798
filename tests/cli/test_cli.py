"""The command line as a user meets it: output, files written, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from patrolsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_run_prints_summary(capsys):
    assert main(["run", str(ROOT / "scenarios/office.toml"), "--duration", "300"]) == 0
    out = capsys.readouterr().out
    for label in ("time-averaged idleness", "worst idleness", "coverage", "time to full coverage"):
        assert label in out


def test_json_and_csv_outputs(tmp_path, capsys):
    jpath = tmp_path / "r.json"
    assert (
        main(
            [
                "run",
                str(ROOT / "scenarios/office.toml"),
                "--duration",
                "120",
                "--agents",
                "2",
                "--json",
                str(jpath),
                "--csv",
                str(tmp_path / "out/r"),
                "-q",
            ]
        )
        == 0
    )
    data = json.loads(jpath.read_text())
    for key in ("strategy", "agents", "seed", "duration", "decisions", "wall_s"):
        assert key in data["run"]
    for key in (
        "time_avg_idleness",
        "worst_idleness",
        "mean_interval",
        "coverage",
        "time_to_full_coverage",
        "visits_total",
    ):
        assert key in data["metrics"]
    assert data["run"]["agents"] == 2 and data["run"]["duration"] == 120
    nodes = (tmp_path / "out/r_nodes.csv").read_text().splitlines()
    assert nodes[0].startswith("id,x_m,y_m,weight,visits") and len(nodes) == 1 + data["run"]["nodes"]
    assert (tmp_path / "out/r_series.csv").exists() and (tmp_path / "out/r_agents.csv").exists()


def test_json_to_stdout_is_pure_json(capsys):
    assert main(["run", str(ROOT / "scenarios/office.toml"), "--duration", "60", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["visits_total"] > 0


def test_map_file_runs_with_defaults(capsys):
    assert main(["run", str(ROOT / "maps/open_square.txt"), "--duration", "60"]) == 0
    assert "open" in capsys.readouterr().out.lower()


@pytest.mark.parametrize(
    "argv, pattern",
    [
        (["run", "nope.toml"], "nope.toml: no such scenario file"),
        (["run", "scenarios/office.toml", "--strategy", "crr"], "unknown strategy 'crr' (did you mean 'cr'?)"),
        (
            ["run", "scenarios/office.toml", "--set", "agents.count=0"],
            "key 'agents.count': expected a value in [1, 10000]",
        ),
        (["run", "scenarios/office.toml", "--set", "nonsense"], "--set expects KEY=VALUE"),
        (["run", "README.md"], "expected a scenario .toml file, a map file or the name"),
        (["maps", "show", "nope.txt"], "nope.txt: no such map file or folder"),
    ],
)
def test_user_errors_are_one_line_exit_2(capsys, monkeypatch, argv, pattern):
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert pattern in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_flag_value_exits_2():
    out = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "run", "x.toml", "--agents", "-3"], capture_output=True, text=True
    )
    assert out.returncode == 2 and "expected a whole number >= 1" in out.stderr
    assert "Traceback" not in out.stderr


def test_maps_and_strategies_listings(capsys):
    assert main(["maps"]) == 0
    listing = capsys.readouterr().out
    assert "office.txt" in listing and "mesa_az" in listing
    assert main(["maps", "validate"]) == 0
    assert "FAIL" not in capsys.readouterr().out
    assert main(["maps", "show", str(ROOT / "maps/office.txt")]) == 0
    assert "nodes" in capsys.readouterr().out
    assert main(["strategies"]) == 0
    out = capsys.readouterr().out
    assert "cr " in out and "hpcc" in out and "w_idle" in out


def test_console_script_and_run_py_agree():
    a = subprocess.run([sys.executable, str(ROOT / "run.py"), "strategies"], capture_output=True, text=True)
    b = subprocess.run([sys.executable, "-m", "patrolsim.cli", "strategies"], capture_output=True, text=True)
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout


@pytest.mark.parametrize(
    "argv, module, extra",
    [
        (["gui", "office"], "pygame_gui", "gui"),
        (["batch", "sweeps/office_team_size.toml", "--out", "{tmp}/r.db"], "distributed", "batch"),
        (["report", "{tmp}/r.db", "--out", "{tmp}/rep"], "matplotlib", "report"),
    ],
)
def test_a_missing_optional_part_names_its_extra(capsys, monkeypatch, tmp_path, argv, module, extra):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setitem(sys.modules, module, None)  # importing it now raises ImportError
    capsys.readouterr()
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert f"pip install 'patrolsim[{extra}]'" in err and err.count("\n") == 1, err


OSM_DIR = Path(__file__).parents[1] / "maps" / "osm"


def test_maps_import_writes_a_projected_map_that_runs(tmp_path, capsys):
    pytest.importorskip("osmium", reason="the [osm] extra")
    out = tmp_path / "loop.graphml"
    assert main(["maps", "import", str(OSM_DIR / "oneway_loop.osm"), "--network", "drive", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out}: 4 nodes, 4 edges, 3 one-way" in text and "(c) OpenStreetMap contributors" in text
    assert main(["maps", "show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "EPSG:32632" in shown and "directed" in shown and "OpenStreetMap contributors" in shown
    # the imported map and the source run alike (the source read directly, as the window does too)
    assert main(["run", str(out), "--duration", "600", "--json", str(tmp_path / "a.json"), "-q"]) == 0
    source = OSM_DIR / "oneway_loop.osm"
    assert (
        main(["run", str(source), "--network", "drive", "--duration", "600", "--json", str(tmp_path / "b.json"), "-q"])
        == 0
    )
    a, b = (json.loads((tmp_path / f"{k}.json").read_text()) for k in "ab")
    assert a["metrics"] == b["metrics"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["maps", "import", "x.osm"], "maps import needs --out PATH"),
        (["maps", "import", "--out", "x.graphml"], "maps import expects one SOURCE file"),
        (["maps", "import", "a.osm", "--out", "x.txt"], "--out expects a .graphml, .gml or .json file"),
        (["maps", "show", "maps/office.txt", "--network", "walk"], "the option network applies only to .osm"),
        (["run", "maps/office.txt", "--bbox", "1,2,3"], "--bbox expects four numbers"),
    ],
)
def test_map_option_errors_are_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
