"""Third-party strategies: the documented example run as a 'module:Class' plugin through the CLI,
entry-point plugins, and the errors for bad references."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from patrolsim.cli import main
from patrolsim.errors import StrategyError
from patrolsim.strategies.registry import available, strategy_class

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "writing-a-strategy.md"


def doc_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_doc_example_is_about_thirty_lines():
    assert 25 <= len(doc_example().splitlines()) <= 40


def test_doc_example_runs_as_a_module_class_plugin(tmp_path):
    (tmp_path / "mymod.py").write_text(doc_example(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "run",
            "maps/plaza.json",
            "--strategy",
            "mymod:MyStrategy",
            "--set",
            "strategy.pause_s=20",
            "--duration",
            "1800",
            "--json",
            "-",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["run"]["strategy"] == "idle-weight"
    assert result["run"]["strategy_params"] == {"pause_s": 20.0, "pause_weight": 3.0}
    assert result["metrics"]["coverage"] == 1.0
    # the pause at valuable nodes (weight >= 3): there every arrival is followed by a second visit
    # 20 s later, when the agent wakes up
    nodes = result["nodes"]
    valuable = [i for i, w in enumerate(nodes["weight"]) if w >= 3]
    assert valuable and all(nodes["visits"][i] >= 2 for i in valuable)


def test_doc_example_is_deterministic_and_validated(tmp_path, monkeypatch, capsys):
    (tmp_path / "mymod_inproc.py").write_text(doc_example(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    args = [
        "run",
        str(ROOT / "maps" / "plaza.json"),
        "--strategy",
        "mymod_inproc:MyStrategy",
        "--duration",
        "900",
        "--json",
        "-",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["metrics"] == second["metrics"]
    assert main(args + ["--set", "strategy.pause_s=-1"]) == 2
    err = capsys.readouterr().err
    assert "strategy.pause_s" in err and "expected a value in [0.0" in err


@pytest.mark.parametrize(
    "ref, message",
    [
        ("nosuchmodule_xyz:Thing", "no module named 'nosuchmodule_xyz' (is its folder on PYTHONPATH"),
        ("patrolsim.strategies.policing:RiskWeighed", "has no class 'RiskWeighed' (did you mean 'RiskWeighted'?)"),
        ("patrolsim.strategies.policing:np", "is not a patrolsim Strategy subclass"),
        ("not a ref:x", "is malformed; expected 'package.module:ClassName'"),
        ("rsk", "unknown strategy 'rsk' (did you mean 'risk'?)"),
        ("hotspot_dwell", "(did you mean 'hotspot-dwell'?)"),
    ],
)
def test_bad_references_are_one_line_errors(ref, message, capsys):
    assert main(["run", str(ROOT / "maps" / "plaza.json"), "--strategy", ref]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert "key 'strategy.name'" in err


def test_plugin_that_fails_to_import_is_reported(tmp_path, monkeypatch):
    (tmp_path / "brokenplug_mod.py").write_text("raise RuntimeError('needs a licence key')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(StrategyError, match="raised RuntimeError: needs a licence key"):
        strategy_class("brokenplug_mod:Anything")


def install_dist(tmp_path: Path, name: str, entry_points: dict[str, str], module: str, code: str) -> None:
    """A minimal installed distribution (dist-info with entry_points.txt) plus its module, in tmp_path."""
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[patrolsim.strategies]\n{lines}")
    (tmp_path / f"{module}.py").write_text(code, encoding="utf-8")


def test_entry_point_plugin_is_listed_and_runs(tmp_path, monkeypatch, capsys):
    install_dist(
        tmp_path,
        "idleweight_plugin",
        {"idle-weight": "epplug_mod:MyStrategy", "broken-one": "epplug_mod:Missing"},
        "epplug_mod",
        doc_example(),
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert strategy_class("idle-weight").__name__ == "MyStrategy"
    rows = {name: (summary, source) for name, summary, source in available()}
    assert rows["idle-weight"][1] == "plugin epplug_mod:MyStrategy"
    assert rows["broken-one"][0].startswith("(broken plugin:") and "no class 'Missing'" in rows["broken-one"][0]
    assert rows["risk"][1] == "built-in"
    assert main(["strategies"]) == 0
    listing = capsys.readouterr().out
    assert "idle-weight" in listing and "[plugin epplug_mod:MyStrategy]" in listing
    assert "pause_s = 30.0: seconds to pause at a valuable node" in listing
    assert (
        main(
            ["run", str(ROOT / "maps" / "plaza.json"), "--strategy", "idle-weight", "--duration", "600", "--json", "-"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["run"]["strategy"] == "idle-weight"
    # an unknown name suggests plugins too
    assert main(["run", str(ROOT / "maps" / "plaza.json"), "--strategy", "idle-weigth"]) == 2
    assert "did you mean 'idle-weight'?" in capsys.readouterr().err


def test_scenario_names_a_plugin_class(tmp_path, monkeypatch):
    from patrolsim.errors import ScenarioError
    from patrolsim.scenario import load_scenario

    (tmp_path / "mymod_scen.py").write_text(doc_example(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = (
        f'map = "{(ROOT / "maps" / "plaza.json").as_posix()}"\nduration = 600\nseed = 2\n[agents]\ncount = 2\n'
        '[strategy]\nname = "mymod_scen:{cls}"\npause_s = 5.0\n'
    )
    good = tmp_path / "good.toml"
    good.write_text(text.format(cls="MyStrategy"))
    sc = load_scenario(good)
    assert sc.strategy_name == "mymod_scen:MyStrategy" and sc.strategy_params == {"pause_s": 5.0}
    bad = tmp_path / "bad.toml"
    bad.write_text(text.format(cls="MyStrategie"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert f"{bad}:7" in str(err.value) and "(did you mean 'MyStrategy'?)" in str(err.value)
