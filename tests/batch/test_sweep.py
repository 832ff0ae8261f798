"""Sweep files: run sets, include/exclude, seeds keyed by parameters, and one-line errors."""

import numpy as np
import pytest

from patrolsim.batch.sweep import load_sweep, run_seed
from patrolsim.errors import SweepError
from sweep_helpers import ROOT, TINY, write


def test_product_and_replications(tmp_path):
    sw = load_sweep(write(tmp_path, TINY))
    assert sw.name == "tiny" and len(sw.runs) == 2 * 2 * 2
    assert [r.params for r in sw.runs[::2]] == [
        {"strategy.name": s, "agents.count": n} for s in ("cr", "hcr") for n in (1, 3)
    ]
    assert [r.replication for r in sw.runs[:2]] == [0, 1]
    assert len({r.seed for r in sw.runs}) == len({r.key for r in sw.runs}) == 8
    first = sw.runs[0].scenario
    assert first["seed"] == sw.runs[0].seed and first["agents"]["count"] == 1
    assert first["map"] == str(ROOT / "maps" / "open_square.txt")


def test_seed_formula_is_the_documented_one():
    import hashlib
    import json

    params = {"strategy.name": "cr", "agents.count": 3}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).digest()
    words = np.random.SeedSequence(11, spawn_key=(int.from_bytes(digest[:16], "big"), 1)).generate_state(2, np.uint32)
    assert run_seed(11, params, 1) == (int(words[0]) << 31) | (int(words[1]) >> 1)
    assert 0 <= run_seed(11, params, 1) < 2**63
    assert run_seed(11, params, 1) != run_seed(11, params, 0) != run_seed(12, params, 0)


def test_adding_an_axis_value_keeps_existing_seeds_and_keys(tmp_path):
    before = {r.key: r.seed for r in load_sweep(write(tmp_path, TINY)).runs}
    wider = TINY.replace('"agents.count" = [1, 3]', '"agents.count" = [1, 2, 3]').replace(
        '["cr", "hcr"]', '["random", "cr", "hcr"]'
    )
    after = {r.key: r.seed for r in load_sweep(write(tmp_path, wider, "wider.toml")).runs}
    assert len(after) == 18 and all(after[k] == s for k, s in before.items())


def test_include_and_exclude(tmp_path):
    text = (
        TINY
        + """
[[exclude]]
"strategy.name" = "hcr"
"agents.count" = 1
[[include]]
"strategy.name" = "random"
"agents.count" = [2, 5]
"""
    )
    points = [tuple(r.params.values()) for r in load_sweep(write(tmp_path, text)).runs[::2]]
    assert points == [("cr", 1), ("cr", 3), ("hcr", 3), ("random", 2), ("random", 5)]


def test_base_scenario_file_and_strategy_parameter_axis(tmp_path):
    text = f"""
[sweep]
scenario = "{ROOT / "scenarios" / "office.toml"}"
[base]
duration = 60
[axes]
"strategy.name" = ["cr", "hpcc"]
"strategy.path_bias" = [0.0, 0.5]
"""
    sw = load_sweep(write(tmp_path, text))
    assert len(sw.runs) == 4 and sw.runs[0].scenario["map"] == str(ROOT / "maps" / "office.txt")
    assert sw.runs[0].scenario["duration"] == 60 and sw.runs[0].scenario["agents"]["count"] == 4


@pytest.mark.parametrize(
    "edit, where, message",
    [
        (('"agents.count" = [1, 3]', '"agents.cont" = [1, 3]'), ":14, key 'axes.agents.cont'", "unknown key"),
        (('"agents.count" = [1, 3]', '"agents.count" = []'), ":14, key 'axes.agents.count'", "empty axis"),
        (
            ('"agents.count" = [1, 3]', '"agents.count" = [1, "two"]'),
            ":14, key 'axes.agents.count'",
            "expected integer, got 'two'",
        ),
        (('"agents.count" = [1, 3]', '"agents.count" = 3'), ":14, key 'axes.agents.count'", "expected a list"),
        (('["cr", "hcr"]', '["cr", "crr"]'), ":13, key 'axes.strategy.name'", "unknown strategy 'crr'"),
        (('["cr", "hcr"]', '["cr", "cr"]'), ":13, key 'axes.strategy.name'", "appears twice"),
        (("[axes]", '[axes]\n"strategy.w_idle" = [1.0, -2.0]'), ":13, key 'axes.strategy.w_idle'", "-2.0"),
        (("[axes]", "[axes]\nseed = [1, 2]"), ":13, key 'axes.seed'", "replications"),
        (("[sweep]", "[sweep]\nreplicas = 3"), ":3, key 'sweep.replicas'", "did you mean 'replications'"),
        (("[axes]", "[axis]"), ":12, key 'axis'", "unknown table"),
        (("[axes]", '[[exclude]]\n"agents.count" = 7\n[axes]'), ":12, key 'exclude[1]'", "matches no run"),
        (("[axes]", "[[include]]\nagents = 7\n[axes]"), ":13, key 'include[1].agents'", "is not an axis"),
        (("[axes]", '[[include]]\n"agents.count" = 0\n[axes]'), ":13, key 'include[1].agents.count'", "in [1, 10000]"),
    ],
)
def test_malformed_sweeps_name_file_line_and_key(tmp_path, edit, where, message):
    path = write(tmp_path, TINY.replace(*edit))
    with pytest.raises(SweepError) as err:
        load_sweep(path)
    text = str(err.value)
    assert text.startswith(str(path) + where), text
    assert message in text and "\n" not in text


def test_combination_errors_are_left_to_the_runs(tmp_path):
    # starts for two agents suit count 2 only: count 3 is a failing combination, not a sweep error
    text = TINY.replace("agents.count = 1", "agents.count = 2\nagents.starts = [0, 1]").replace(
        '"agents.count" = [1, 3]', '"agents.count" = [2, 3]'
    )
    assert len(load_sweep(write(tmp_path, text)).runs) == 8
