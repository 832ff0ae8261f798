"""Every bad input a user can give gets one line: exit status 2, exactly one line on stderr naming the file
and the key or line (or the flag), no traceback, and nothing written (issue 13).

The cases run the CLI in this process (``patrolsim.cli.main``); hypothesis generates malformed maps,
scenario numbers and sweep axes. ``DISTINCT_INPUTS`` counts the inputs the file tries.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patrolsim.cli import main
from patrolsim.errors import UserError
from patrolsim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
OFFICE = ROOT / "maps" / "office.txt"
PLAZA = ROOT / "maps" / "plaza.json"
HYPOTHESIS_EXAMPLES = 60
HYPO = settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

BASE = f"""map = "{OFFICE}"
duration = 60
seed = 1
[agents]
count = 2
speed = 1.0
[strategy]
name = "hcr"
"""


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``patrolsim ARGV`` run in this process."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(argv, capsys, *names: str, tmp_path: Path | None = None) -> str:
    """Exit 2, exactly one stderr line containing every one of ``names``, no traceback, nothing written."""
    before = sorted(p.name for p in tmp_path.iterdir()) if tmp_path else None
    code, _, err = run_cli(argv, capsys)
    lines = err.splitlines()
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    assert "Traceback" not in err and "\x1b" not in err
    for name in names:
        assert name in lines[0], (name, lines[0])
    if tmp_path is not None:
        assert sorted(p.name for p in tmp_path.iterdir()) == before, "something was written"
    return lines[0]


def scenario(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------- numbers in scenario files
NON_FINITE = ["nan", "inf", "-inf", "+nan", "1e300"]
NUMERIC_KEYS = [
    ("", "duration"),
    ("", "warmup"),
    ("", "sample_interval"),
    ("agents", "speed"),
    ("agents", "sensing_radius"),
    ("agents", "wait"),
    ("communication", "delay"),
    ("communication", "loss"),
    ("strategy", "w_idle"),
    ("incidents", "rate_per_hour"),
    ("incidents", "theta"),
    ("incidents", "sigma_m"),
    ("map", "cell_size"),
]


def scenario_text(table: str, key: str, value: str, duration: str = "60") -> str:
    """The base scenario (office, 2 agents, hcr) with ``[table] key = value`` (table "" = top level)."""
    top = {"map": f'"{OFFICE}"', "duration": duration, "seed": "1"}
    tables: dict[str, dict[str, str]] = {"agents": {"count": "2"}, "strategy": {"name": '"hcr"'}}
    if table == "":
        top[key] = value
    elif table == "map":
        tables["map"] = {"path": top.pop("map"), key: value}
    else:
        tables.setdefault(table, {})[key] = value
    if table == "incidents":
        tables["incidents"].setdefault("stream", '"poisson"')
    lines = [f"{k} = {v}" for k, v in top.items()]
    for name, keys in tables.items():
        lines += [f"[{name}]"] + [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


SCENARIO_CASES = [(t, k, v) for t, k in NUMERIC_KEYS for v in NON_FINITE]


@pytest.mark.parametrize("table, key, value", SCENARIO_CASES)
def test_non_finite_numbers_in_a_scenario(tmp_path, capsys, table, key, value):
    p = scenario(tmp_path, scenario_text(table, key, value))
    dotted = f"{table}.{key}" if table else key
    line = assert_one_line_error(
        ["run", p, "--json", tmp_path / "o.json"], capsys, "s.toml", f"key '{dotted}'", tmp_path=tmp_path
    )
    assert "np.float64" not in line


ABSURD = [
    ("agents", "count", "1000000"),
    ("agents", "count", "0"),
    ("agents", "speed", "1e9"),
    ("agents", "speed", "[1.0, nan]"),
    ("agents", "sensing_radius", "1e9"),
    ("agents", "starts", "[[nan, nan], [0.5, 0.5]]"),
    ("agents", "starts", "[[inf, 0], [0.5, 0.5]]"),
    ("agents", "starts", "[999999, 0]"),
    ("agents", "starts", '["\\u001b[31mred", 0]'),
    ("", "coverage_windows", "[60, nan]"),
    ("", "coverage_windows", "[inf]"),
    ("", "seed", "-1"),
    ("", "name", '"\\u001b]0;owned\\u0007"'),
    ("incidents", "rate_per_hour", "1e9"),
    ("incidents", "rate_per_hour", "3000"),
    ("incidents", "detection_prob", "nan"),
    ("incidents", "reported_share", "nan"),
    ("communication", "range", "nan"),
    ("communication", "range", "-inf"),
    ("strategy", "w_idle", "[nan]"),
]


@pytest.mark.parametrize("table, key, value", ABSURD)
def test_absurd_values_name_the_bound(tmp_path, capsys, table, key, value):
    duration = "3600000" if key == "rate_per_hour" else "60"
    p = scenario(tmp_path, scenario_text(table, key, value, duration))
    dotted = f"{table}.{key}" if table else key
    assert_one_line_error(["run", p, "--csv", tmp_path / "o"], capsys, "s.toml", f"key '{dotted}'", tmp_path=tmp_path)


# ---------------------------------------------------------------------------- flags and --set
FLAG_CASES = [
    (["--duration", "inf"], "--duration"),
    (["--duration", "nan"], "--duration"),
    (["--duration", "1e300"], "duration"),
    (["--speed", "nan"], "--speed"),
    (["--speed", "-1"], "--speed"),
    (["--sensing-radius", "inf"], "--sensing-radius"),
    (["--warmup", "-inf"], "--warmup"),
    (["--agents", "0"], "--agents"),
    (["--agents", "1000000"], "agents.count"),
    (["--seed", "x"], "--seed"),
    (["--bogus"], "--bogus"),
    (["--set", "strategy.w_idle=nan"], "strategy.w_idle"),
    (["--set", "strategy.w_idle=inf"], "strategy.w_idle"),
    (["--set", "duration=inf"], "duration"),
    (["--set", "duration=nan"], "duration"),
    (["--set", "agents.speed=[nan, 1.0]"], "agents.speed"),
    (["--set", "agents.sensing_radius=inf"], "agents.sensing_radius"),
    (["--set", "communication.loss=nan"], "communication.loss"),
    (["--set", "agents.starts=[[inf, 0], [1, 1]]"], "agents.starts"),
    (["--set", "noequals"], "--set"),
]


@pytest.mark.parametrize("flags, name", FLAG_CASES)
def test_bad_flags_are_one_line(tmp_path, capsys, flags, name):
    p = scenario(tmp_path, BASE)
    assert_one_line_error(["run", p, *flags, "--json", tmp_path / "o.json"], capsys, name, tmp_path=tmp_path)


def test_argparse_errors_are_one_line(capsys):
    for argv in (["ru"], ["run"], ["batch"], ["maps", "nope"], ["results"]):
        code, _, err = run_cli(argv, capsys)
        assert code == 2 and len(err.splitlines()) == 1 and "usage:" not in err, err


# ---------------------------------------------------------------------------- unreadable files
def test_unreadable_scenario_files(tmp_path, capsys):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(BASE.encode() + b'name = "caf\xe9"\n')
    assert_one_line_error(["run", bad], capsys, "latin1.toml:9", "UTF-8")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert_one_line_error(["run", folder], capsys, "folder.toml")
    nul = tmp_path / "nul.toml"
    nul.write_bytes(b"\x00\x01\x02")
    assert_one_line_error(["run", nul], capsys, "nul.toml")


def test_a_bom_is_fine(tmp_path, capsys):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    code, _, err = run_cli(["run", p, "-q"], capsys)
    assert code == 0, err


def _replay(tmp_path: Path, content: bytes, name: str = "calls.csv") -> Path:
    (tmp_path / name).write_bytes(content)
    return scenario(tmp_path, BASE + f'[incidents]\nstream = "replay"\nfile = "{name}"\n')


REPLAY_CASES = [
    (b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n", "calls.csv:1"),
    (b"time_s,x_m,y_m\n0,1,\xff\n", "calls.csv:2"),
    (b"time_s,x_m,y_m\n0,1," + b"9" * 200_000 + b"\n", "calls.csv"),
    (b"time_s,x_m,y_m\n0,nan,1\n", "calls.csv:2"),
    (b"time_s,x_m,y_m\ninf,1,1\n", "calls.csv:2"),
    (b"time_s,node\n0,\x1b[2J\n", "calls.csv:2"),
]


@pytest.mark.parametrize("content, where", REPLAY_CASES)
def test_bad_replay_files(tmp_path, capsys, content, where):
    p = _replay(tmp_path, content)
    line = assert_one_line_error(["run", p], capsys, where)
    assert "root:x" not in line and "bash" not in line and "9" * 30 not in line


RISK_CASES = [
    b"node,risk\n\xff,1\n",
    b"secret line of a private file\n",
    b"node,risk\nnowhere,1\n",
    b"node,risk\n0,nan\n",
]


@pytest.mark.parametrize("content", RISK_CASES)
def test_bad_risk_files(tmp_path, capsys, content):
    (tmp_path / "risk.csv").write_bytes(content)
    p = scenario(tmp_path, BASE + '[incidents]\nstream = "poisson"\nlocation = "weights"\nrisk_file = "risk.csv"\n')
    line = assert_one_line_error(["run", p], capsys, "risk.csv")
    assert "secret line" not in line


# ---------------------------------------------------------------------------- maps
MAP_CASES = [
    ("c.txt", b"connectivity: 4.5\n...\n", "c.txt:1"),
    ("c.txt", b"connectivity: 8.0\n...\n", "c.txt:1"),
    ("d.txt", b"cell_size: 1\ncell_size: 2\n...\n", "d.txt:2"),
    ("n.txt", b"cell_size: nan\n...\n", "cell_size"),
    ("n.txt", b"cell_size: inf\n...\n", "cell_size"),
    ("n.txt", b"cell_size: 1e300\n...\n", "cell_size"),
    ("u.txt", b"name: caf\xe9\n...\n", "u.txt"),
    ("e.txt", b"...\n.\x1b[31m.\n", "e.txt:2"),
    ("r.yaml", b"image: x.pgm\nresolution: 1e-12\norigin: [0, 0, 0]\n", "resolution"),
    ("r.yaml", b"image: x.pgm\nresolution: .nan\norigin: [0, 0, 0]\n", "resolution"),
    ("o.yaml", b"image: x.pgm\nresolution: 0.05\norigin: [1e308, 0, 0]\n", "origin"),
    ("o.yaml", b"image: x.pgm\nresolution: 0.05\norigin: [.nan, .nan, 0]\n", "origin"),
    ("k.yaml", b"image: x.pgm\nresolution: 0.05\nresolution: 0.1\norigin: [0, 0, 0]\n", "k.yaml:3"),
    ("g.graph", b"1000000000000 10 10 1\n0 1 1 0\n", "g.graph:1"),
    ("g.graph", b"2 10 10 nan\n0 1 1 0\n1 2 2 0\n", "g.graph:1"),
    ("g.graph", b"2 10 10 1\n0 nan 1 1 1 E 1\n1 2 2 1 0 W 1\n", "g.graph"),
    ("x_nodes.csv", b"id,x_m,y_m\n1,0,0\n01,1,0\n2,2,0\n", "x_nodes.csv"),
    ("y_nodes.csv", b"id,x_m,y_m\n1,0," + b"7" * 200_000 + b"\n", "y_nodes.csv:2"),
    ("z_nodes.csv", b"id,x_m,y_m\n1,0,1e308\n2,1,0\n", "z_nodes.csv"),
    ("j.json", b'{"nodes": [{"id": "1", "x": 0, "y": 0}, {"id": "01", "x": 1, "y": 0}], "links": []}', "j.json"),
]


@pytest.mark.parametrize("name, content, where", MAP_CASES)
def test_bad_maps(tmp_path, capsys, name, content, where):
    p = tmp_path / name
    p.write_bytes(content)
    if name.endswith("_nodes.csv"):
        (tmp_path / name.replace("_nodes", "_edges")).write_text("u,v\n1,2\n")
    if name.endswith(".yaml"):
        from PIL import Image

        Image.new("L", (4, 4), 254).save(tmp_path / "x.pgm")
    line = assert_one_line_error(["maps", "show", p], capsys, where)
    assert "7" * 30 not in line


def test_cgg_on_a_one_node_map(tmp_path, capsys):
    p = tmp_path / "one.txt"
    p.write_text(".\n")
    for walk in ('"tour"', '"edges"'):
        code, _, err = run_cli(["run", p, "--strategy", "cgg", "--set", f"strategy.walk={walk}", "-q"], capsys)
        assert code == 0 and err == "", err


# ---------------------------------------------------------------------------- node ids
def _id_map(tmp_path: Path) -> Path:
    (tmp_path / "ids_nodes.csv").write_text("id,x_m,y_m\n1,0,0\n2,10,0\n3,20,0\n")
    (tmp_path / "ids_edges.csv").write_text("u,v\n1,2\n2,3\n")
    return tmp_path / "ids_nodes.csv"


def test_starts_name_the_maps_own_ids(tmp_path, capsys):
    m = _id_map(tmp_path)
    text = f'map = "{m}"\nduration = 10\nseed = 1\n[agents]\ncount = 1\nstarts = [1]\n[strategy]\nname = "cr"\n'
    p = scenario(tmp_path, text)
    code, out, err = run_cli(["run", p, "--json", "-"], capsys)
    assert code == 0, err
    assert json.loads(out)["agents"]["start"] == [1]  # the file's node "1", not index 1 (the file's "2")
    p = scenario(tmp_path, text.replace("starts = [1]", "starts = [0]"))
    assert_one_line_error(["run", p], capsys, "s.toml", "agents.starts", "0")


def test_labelled_map_starts_by_name(capsys):
    code, out, err = run_cli(
        ["run", PLAZA, "--agents", "1", "--duration", "10", "--set", 'agents.starts=["fountain_n"]', "--json", "-"],
        capsys,
    )
    assert code == 0, err and json.loads(out)["agents"]["start"] == ["fountain_n"]


# ---------------------------------------------------------------------------- JSON never holds NaN
def test_json_has_no_nan_or_infinity(tmp_path, capsys):
    out = tmp_path / "o.json"
    code, _, err = run_cli(
        ["run", ROOT / "maps" / "campus.txt", "--agents", "1", "--duration", "5", "--json", out], capsys
    )
    assert code == 0, err

    def refuse(name):
        raise AssertionError(f"JSON literal {name}")

    json.loads(out.read_text(), parse_constant=refuse)


# ---------------------------------------------------------------------------- sweeps
SWEEP = f"""[sweep]
name = "t"
replications = 1
[base]
map = "{OFFICE}"
duration = 30
seed = 1
agents = {{count = 1}}
strategy = {{name = "hcr"}}
[axes]
"""
SWEEP_CASES = [
    ('"strategy.w_idle" = [1.0, nan]', "axes.strategy.w_idle"),
    ('"duration" = [inf]', "axes.duration"),
    ('"agents.speed" = [1e300]', "axes.agents.speed"),
    ('"agents.count" = [1, 100000]', "axes.agents.count"),
    ('"agents.sensing_radius" = [-inf]', "axes.agents.sensing_radius"),
]


@pytest.mark.parametrize("axis, key", SWEEP_CASES)
def test_bad_sweep_axes(tmp_path, capsys, axis, key):
    p = scenario(tmp_path, SWEEP + axis + "\n", "w.toml")
    assert_one_line_error(
        ["batch", p, "--out", tmp_path / "r.db", "--serial"], capsys, "w.toml", key, tmp_path=tmp_path
    )


def test_bad_sweep_files(tmp_path, capsys):
    p = tmp_path / "w.toml"
    p.write_bytes(SWEEP.encode() + b'"agents.count" = [1]\n# \xff\n')
    assert_one_line_error(["batch", p, "--dry-run"], capsys, "w.toml:12")
    p = scenario(tmp_path, SWEEP.replace('name = "t"', 'name = "t\\u001b[2J"') + '"agents.count" = [1]\n', "e.toml")
    assert_one_line_error(["batch", p, "--dry-run"], capsys, "e.toml", "sweep.name")


def test_dry_run_imports_no_plugin(tmp_path, capsys):
    (tmp_path / "evil_plugin_mod.py").write_text("open(__file__ + '.ran', 'w').close()\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        p = scenario(tmp_path, SWEEP + '"strategy.name" = ["cr", "evil_plugin_mod:Patrol"]\n', "w.toml")
        code, out, err = run_cli(["batch", p, "--dry-run"], capsys)
    finally:
        sys.path.remove(str(tmp_path))
    assert code == 0, err
    assert not (tmp_path / "evil_plugin_mod.py.ran").exists()
    assert "evil_plugin_mod:Patrol" in err and "code" in err


def test_two_sweeps_differing_in_name_keep_their_runs(tmp_path):
    from patrolsim.batch.sweep import load_sweep

    body = SWEEP.replace("duration = 30", 'duration = 30\nname = "same base"') + '"agents.count" = [1]\n'
    a = load_sweep(scenario(tmp_path, body, "a.toml"))
    b = load_sweep(scenario(tmp_path, body.replace('name = "t"', 'name = "u"'), "b.toml"))
    assert {r.key for r in a.runs}.isdisjoint(r.key for r in b.runs)
    assert [r.config for r in a.runs] == [r.config for r in b.runs]


def test_results_tell_versions_apart(tmp_path, capsys):
    p = scenario(tmp_path, SWEEP + '"agents.count" = [1]\n', "w.toml")
    db = tmp_path / "r.db"
    assert run_cli(["batch", p, "--out", db, "--serial", "-q"], capsys)[0] == 0
    p.write_text(p.read_text().replace("duration = 30", "duration = 20"))
    code, _, err = run_cli(["batch", p, "--out", db, "--serial", "-q"], capsys)
    assert code == 0 and "another version of this sweep file" in err
    code, out, _ = run_cli(["results", db], capsys)
    assert code == 0 and "2 versions" in out and "v1" in out and "v2" in out


# ---------------------------------------------------------------------------- databases
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_foreign_and_damaged_databases(tmp_path, capsys):
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as c:
        c.execute("CREATE TABLE people (name TEXT)")
    before = _digest(foreign)
    for argv in (["results", foreign], ["report", foreign, "--out", tmp_path / "rep"]):
        assert_one_line_error(argv, capsys, "foreign.db")
    assert_one_line_error(["batch", ROOT / "sweeps" / "office_team_size.toml", "--out", foreign], capsys, "foreign.db")
    assert _digest(foreign) == before and not (tmp_path / "rep").exists()
    text = tmp_path / "text.db"
    text.write_text("not a database at all\n" * 100)
    assert_one_line_error(["results", text], capsys, "text.db")
    assert_one_line_error(["results", tmp_path / "missing.db"], capsys, "missing.db")
    (tmp_path / "afile").write_text("x")
    p = scenario(tmp_path, SWEEP + '"agents.count" = [1]\n', "w.toml")
    assert_one_line_error(["batch", p, "--out", tmp_path / "afile" / "x.db", "--serial"], capsys, "afile")


def test_results_never_change_the_database(tmp_path, capsys):
    p = scenario(tmp_path, SWEEP + '"agents.count" = [1]\n', "w.toml")
    db = tmp_path / "r.db"
    assert run_cli(["batch", p, "--out", db, "--serial", "-q"], capsys)[0] == 0
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA journal_mode=DELETE")
    before = _digest(db)
    assert run_cli(["results", db], capsys)[0] == 0
    assert _digest(db) == before


def test_damaged_database_is_reported(tmp_path, capsys):
    p = scenario(tmp_path, SWEEP + '"agents.count" = [1, 2, 3]\n', "w.toml")
    db = tmp_path / "r.db"
    assert run_cli(["batch", p, "--out", db, "--serial", "-q"], capsys)[0] == 0
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(db.read_bytes())
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 400] = b"\xff" * 392
    db.write_bytes(bytes(data))
    assert_one_line_error(["results", db], capsys, "r.db")


# ---------------------------------------------------------------------------- hypothesis
@HYPO
@given(st.text(alphabet="#.S19:; \nabcxyz_\x00\x1b\t4.58", max_size=80))
def test_generated_ascii_maps_never_trace(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("gen") / "g.txt"
    p.write_text(text, encoding="utf-8")
    from patrolsim.maps import load_map

    try:
        load_map(p)
    except UserError as exc:
        assert "\n" not in str(exc) and "\x1b" not in str(exc) and "g.txt" in str(exc)


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, -0.0, 1e-320, 1e300, -1]),
)
KEYS = st.sampled_from(
    [
        "duration",
        "warmup",
        "sample_interval",
        "agents.speed",
        "agents.sensing_radius",
        "agents.wait",
        "agents.count",
        "seed",
        "communication.delay",
        "communication.loss",
        "communication.range",
        "strategy.w_idle",
    ]
)


@HYPO
@given(KEYS, NUMBERS)
def test_generated_scenario_numbers(key, value):
    data = {"map": str(OFFICE), "duration": 60, "seed": 1, "agents": {"count": 2}, "strategy": {"name": "hcr"}}
    try:
        sc = scenario_from_dict(data, overrides={key: value}, source="gen.toml")
    except UserError as exc:
        assert exc.key is not None and "\n" not in str(exc) and "np.float64" not in str(exc)
        return
    for x in (sc.duration, sc.warmup, sc.sample_interval, sc.agents.sensing_radius, sc.agents.wait, *sc.agents.speeds):
        assert math.isfinite(x)
    assert all(math.isfinite(v) for v in sc.strategy_params.values() if isinstance(v, float))


@HYPO
@given(
    st.lists(NUMBERS, min_size=1, max_size=3, unique_by=repr),
    st.sampled_from(["strategy.w_idle", "duration", "agents.speed"]),
)
def test_generated_sweep_axes(tmp_path_factory, values, key):
    from patrolsim.batch.sweep import sweep_from_dict

    data = {
        "sweep": {"name": "g"},
        "base": {"map": str(OFFICE), "duration": 30, "seed": 1, "agents": {"count": 1}, "strategy": {"name": "hcr"}},
        "axes": {key: values},
    }
    try:
        sweep = sweep_from_dict(data, source=tmp_path_factory.mktemp("s") / "g.toml")
    except UserError as exc:
        assert exc.key is not None and exc.key.startswith("axes") and "\n" not in str(exc)
        return
    for run in sweep.runs:
        assert all(isinstance(v, str) or math.isfinite(v) for v in run.params.values())


PARAMETRIZED = (
    len(SCENARIO_CASES)
    + len(ABSURD)
    + len(FLAG_CASES)
    + 5  # argparse
    + 4  # unreadable scenario files and the BOM
    + len(REPLAY_CASES)
    + len(RISK_CASES)
    + len(MAP_CASES)
    + 1  # cgg on one node
    + 3  # node ids
    + len(SWEEP_CASES)
    + 2  # sweep files
    + 1  # plugin
    + 6  # databases: foreign (3 commands), text, missing, folder path through a file
    + 1  # damaged database
)
DISTINCT_INPUTS = PARAMETRIZED + 3 * HYPOTHESIS_EXAMPLES


# ---------------------------------------------------------------------------- resources and signals
def test_a_run_that_cannot_fit_in_memory_is_refused(tmp_path, capsys):
    p = tmp_path / "big.txt"
    p.write_text(("." * 600 + "\n") * 600)
    assert_one_line_error(["run", p, "--agents", "10000", "-q"], capsys, "big.txt", "agents.count", "GiB")


def test_a_sensing_radius_beyond_the_map_is_the_whole_map(capsys):
    code, _, err = run_cli(["run", OFFICE, "--sensing-radius", "90000", "--duration", "10", "-q"], capsys)
    assert code == 0, err


def test_ctrl_c_stops_a_long_run_at_its_next_pause(tmp_path):
    """Ctrl-C in the middle of the event loop: once the run shows its progress line (on a terminal, from
    the loop's pauses), SIGINT ends it with one line and exit code 130, without a traceback. The run
    is seen inside the loop by what it prints, not by how long the test waits."""
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys

    leader, follower = pty.openpty()  # stderr on a terminal: the run prints its progress there
    proc = subprocess.Popen(
        [sys.executable, "run.py", "run", str(OFFICE), "--duration", "1e9"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    try:
        while b"running:" not in seen:
            ready, _, _ = select.select([leader], [], [], 600.0)
            assert ready, "the run never reported progress"
            seen += os.read(leader, 4096)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=600) == 130
        while True:
            ready, _, _ = select.select([leader], [], [], 5.0)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the run closed its end
                break
            if not chunk:
                break
            seen += chunk
    finally:
        proc.kill()
        os.close(leader)
    text = seen.decode(errors="replace")
    assert "patrolsim: interrupted" in text and "Traceback" not in text, text


DISTINCT_INPUTS += 3


def test_file_text_is_printed_escaped(tmp_path, capsys):
    p = tmp_path / "esc.txt"
    p.write_text("name: \x1b[31mred\nattribution: a\x07b\n...\n")
    code, out, _ = run_cli(["maps", "show", p], capsys)
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\\x1b[31mred" in out


def test_yaml_reads_exponents_as_numbers(tmp_path, capsys):
    from PIL import Image

    Image.new("L", (40, 40), 254).save(tmp_path / "x.pgm")
    p = tmp_path / "e.yaml"
    p.write_text("image: x.pgm\nresolution: 5.0e-2\norigin: [0.0, 0.0, 0.0]\ncell_size: 1.0e0\n")
    code, out, err = run_cli(["maps", "show", p], capsys)
    assert code == 0, err


DISTINCT_INPUTS += 2


# ---------------------------------------------------------------------------- databases under stress
TWO_WRITERS_SWEEP = f"""
[sweep]
name = "writers"
replications = 3
root_seed = 5
[base]
map = "{ROOT / "maps" / "open_square.txt"}"
duration = 60
seed = 0
agents.count = 1
strategy.name = "cr"
[axes]
"agents.count" = [1, 2]
"""


class _DiskFailsAfter(sqlite3.Connection):
    """A connection whose disk 'fills up' after two finished runs have been written."""

    runs_written = 0

    def executemany(self, sql, rows):  # type: ignore[override]
        if sql.lstrip().upper().startswith("INSERT INTO RUNS"):
            if _DiskFailsAfter.runs_written >= 2:
                raise sqlite3.OperationalError("disk I/O error")
            _DiskFailsAfter.runs_written += 1
        return super().executemany(sql, rows)


def test_a_disk_error_mid_sweep_is_one_line_and_keeps_the_runs_written(tmp_path, capsys, monkeypatch):
    from patrolsim.batch import store as store_module

    sweep = tmp_path / "writers.toml"
    sweep.write_text(TWO_WRITERS_SWEEP, encoding="utf-8")
    db = tmp_path / "r.db"
    real_connect = sqlite3.connect
    monkeypatch.setattr(store_module.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=_DiskFailsAfter, **k))
    _DiskFailsAfter.runs_written = 0
    code, _, err = run_cli(["batch", sweep, "--out", db, "--serial", "-q"], capsys)
    monkeypatch.undo()
    lines = [line for line in err.splitlines() if "disk I/O error" in line]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert str(db) in lines[0]
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT COUNT(*) FROM runs WHERE status = 'ok'").fetchone()[0] == 2
    # the same command again resumes and completes the sweep
    code, _, _ = run_cli(["batch", sweep, "--out", db, "--serial", "-q"], capsys)
    with sqlite3.connect(db) as check:
        assert code == 0 and check.execute("SELECT COUNT(*) FROM runs WHERE status = 'ok'").fetchone()[0] == 6


def test_two_batch_processes_creating_one_new_database(tmp_path):
    import subprocess
    import sys

    sweep = tmp_path / "writers.toml"
    sweep.write_text(TWO_WRITERS_SWEEP, encoding="utf-8")
    db = tmp_path / "new.db"
    argv = [sys.executable, str(ROOT / "run.py"), "batch", str(sweep), "--out", str(db), "--serial", "-q"]
    procs = [subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, cwd=tmp_path) for _ in range(2)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("Traceback" in e for e in errors), errors
    with sqlite3.connect(db) as check:
        ok = check.execute("SELECT run_id, COUNT(*) FROM runs WHERE status = 'ok' GROUP BY run_id").fetchall()
    assert len(ok) == 6 and all(n == 1 for _, n in ok)


DISTINCT_INPUTS += 2
