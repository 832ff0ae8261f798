"""A learned policy is data (.npz) and a strategy: it decides the same in an episode of the environment as
in a patrolsim run (so RL runs and batch runs report the same numbers), bad policy files are one-line
errors, and ``patrolsim rl-train`` learns one and prints the comparison table."""

import dataclasses
import json
import re

import gymnasium
import numpy as np
import pytest

import patrolsim.rl
from patrolsim.build import make
from patrolsim.cli import main
from patrolsim.errors import StrategyError
from patrolsim.rl import parallel_env
from patrolsim.rl.core import Episode, Options
from patrolsim.rl.train import greedy_action
from patrolsim.scenario import load_run_scenario
from patrolsim.strategies.learned import QPolicy, load_policy


def random_policy(scenario, path, seed=5):
    """A policy with random values (every state decides differently), saved to ``path``."""
    env = parallel_env(scenario)
    policy = QPolicy.empty(scenario.map, env.idleness_scale_s)
    policy.q[:] = np.random.default_rng(seed).random(policy.q.shape)
    return policy, policy.save(path)


def with_policy(scenario, path, seed):
    return load_run_scenario(
        "plaza",
        {
            "agents": scenario.agents.count,
            "duration": scenario.duration,
            "seed": seed,
            "strategy": "rl",
            "strategy.policy": str(path),
        },
    )


def same_results(a, b):
    assert a.metrics == b.metrics
    for table in ("nodes", "agents", "series"):
        for key in getattr(a, table):
            np.testing.assert_array_equal(getattr(a, table)[key], getattr(b, table)[key])


def test_a_policy_decides_the_same_in_an_episode_and_in_a_run(plaza, tmp_path):
    policy, path = random_policy(plaza, tmp_path / "p.npz")
    table = plaza.map.neighbour_table
    env = parallel_env(plaza)
    for seed in (3, 4):
        obs, infos = env.reset(seed=seed)
        steps = 0
        while env.agents:
            name = next(a for a in env.agents if infos[a]["deciding"])
            obs, _, _, _, infos = env.step({name: greedy_action(policy, obs[name], table)})
            steps += 1
        run = make(with_policy(plaza, path, seed)).run()
        assert infos["robot_0"]["metrics"] == run.metrics
        assert steps == run.run["decisions"]  # a step is a decision (the last one's step ends the episode)
        same_results(env.core.sim.result(), run)


def test_one_learner_among_team_mates_of_the_same_policy_is_that_policy_run(plaza, tmp_path):
    policy, path = random_policy(plaza, tmp_path / "p.npz")
    sc = with_policy(plaza, path, 2)
    env = gymnasium.make(patrolsim.rl.ENV_ID, scenario=sc, learner=1)  # team mates: the scenario's strategy
    obs, info = env.reset(seed=2)
    table = sc.map.neighbour_table
    done = False
    while not done:
        obs, reward, terminated, done, info = env.step(greedy_action(policy, obs, table))
        assert not terminated
    assert info["metrics"] == make(sc).run().metrics


@pytest.mark.parametrize("others", ["cr", "hcr", "random", "gbs"])
def test_team_mates_follow_their_strategy_exactly(plaza, others):
    # nobody learns: the run is the strategy's own, local rules run from Python for one agent at a time
    sc = dataclasses.replace(plaza, strategy_name=others, strategy_params={})
    core = Episode(sc, Options(), np.zeros(3, dtype=bool), others)
    core.reset(seed=plaza.seed)
    assert core.done
    same_results(core.result(), make(sc).run())


def test_seeds_give_identical_episodes_and_a_stream_after_them(plaza):
    env = parallel_env(plaza)
    env.reset()
    assert env.core.sim.spec.seed == plaza.seed  # no seed yet: the scenario's own
    env.reset(seed=7)
    assert env.core.sim.spec.seed == 7
    later = [env.reset()[0]["robot_0"]["robots"].tolist() for _ in range(3)]
    env.reset(seed=7)
    assert [env.reset()[0]["robot_0"]["robots"].tolist() for _ in range(3)] == later
    assert len({tuple(x) for x in later}) > 1  # the episodes start from different places


def test_policy_files_round_trip(plaza, tmp_path):
    policy, path = random_policy(plaza, tmp_path / "p")  # ".npz" is added
    assert path.name == "p.npz"
    back = load_policy(path)
    np.testing.assert_array_equal(back.q, policy.q)
    assert (back.idleness_scale_s, back.map_name, back.map_digest) == (
        policy.idleness_scale_s,
        plaza.map.name,
        plaza.map.digest,
    )


def run_cli(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def bad_file(tmp_path, name, **arrays):
    base = {
        "kind": np.array("patrolsim-tabular-q"),
        "version": np.array(1),
        "q": np.zeros((18, 4, 2, 4)),
        "idleness_scale_s": np.array(100.0),
        "map_name": np.array("x"),
        "map_digest": np.array("y"),
    }
    base.update(arrays)
    base = {k: v for k, v in base.items() if v is not None}
    path = tmp_path / name
    np.savez(path, **base)
    return path


def test_bad_policy_files_are_one_line_errors(plaza, tmp_path, capsys):
    _, good = random_policy(plaza, tmp_path / "good.npz")
    (tmp_path / "text.npz").write_text("not an archive")
    np.savez(tmp_path / "objects.npz", **{**dict(np.load(good)), "q": np.array([{}], dtype=object)})
    cases = [
        ("missing.npz", "file 'missing.npz' not found"),
        (tmp_path / "text.npz", "not an .npz file"),
        (tmp_path / "objects.npz", "holds Python objects, which are never loaded"),
        (bad_file(tmp_path, "noq.npz", q=None), "no array q; expected a patrolsim policy"),
        (bad_file(tmp_path, "kind.npz", kind=np.array("other")), "kind is 'other'"),
        (
            bad_file(tmp_path, "shape.npz", q=np.zeros((18, 4, 4))),
            r"q has shape \(18, 4, 4\), expected \(nodes, D, 2, D\)",
        ),
        (bad_file(tmp_path, "nan.npz", q=np.full((18, 4, 2, 4), np.nan)), "q must hold finite numbers"),
        (
            bad_file(tmp_path, "scale.npz", idleness_scale_s=np.array(-1.0)),
            "idleness_scale_s is '-1.0', expected one number > 0",
        ),
        (
            bad_file(tmp_path, "size.npz", q=np.zeros((30, 4, 2, 4))),
            "trained on map 'x' \\(30 nodes, largest degree 4\\); this map 'Pedestrian plaza .*' has 18 nodes",
        ),
        (bad_file(tmp_path, "graph.npz"), "whose edges differ from those of this map"),
    ]
    for path, message in cases:
        code, out, err = run_cli(["run", "plaza", "--strategy", "rl", "--set", f"strategy.policy={path}"], capsys)
        assert code == 2 and out == "", path
        assert err.count("\n") == 1 and "strategy.policy" in err, err
        assert re.search(message, err), (message, err)
    code, _, err = run_cli(["run", "plaza", "--strategy", "rl"], capsys)
    assert code == 2 and "needs a policy file" in err and err.count("\n") == 1
    with pytest.raises(StrategyError, match="trained on map"):
        make(load_run_scenario("ring_road", {"strategy": "rl", "strategy.policy": str(good)}))


def study(plaza, tmp_path):
    """A folder holding a policy for plaza (policy.npz): where a scenario or sweep file names it."""
    folder = tmp_path / "study"
    folder.mkdir()
    random_policy(plaza, folder / "policy.npz")
    return folder


def test_a_scenario_names_its_policy_relative_to_its_folder(plaza, tmp_path, capsys, monkeypatch):
    folder = study(plaza, tmp_path)
    scenario = folder / "learned.toml"
    scenario.write_text(
        f'map = "{plaza.map_path}"\nduration = 600\nseed = 1\n[agents]\ncount = 3\n'
        '[strategy]\nname = "rl"\npolicy = "policy.npz"\n'
    )
    monkeypatch.chdir(tmp_path)  # not the scenario's folder
    code, _, err = run_cli(["run", scenario, "-q", "--json", tmp_path / "r.json"], capsys)
    assert code == 0, err
    run = json.loads((tmp_path / "r.json").read_text())["run"]
    assert run["strategy"] == "rl" and run["strategy_params"]["policy"] == str(folder / "policy.npz")


def test_rl_train_learns_saves_and_compares(tmp_path, capsys):
    out_path = tmp_path / "learned.npz"
    code, out, err = run_cli(
        [
            "rl-train",
            "plaza",
            "--agents",
            "2",
            "--duration",
            "300",
            "--episodes",
            "3",
            "--seeds",
            "1-2",
            "--strategies",
            "random,cr",
            "--out",
            out_path,
        ],
        capsys,
    )
    assert code == 0, err
    assert "episode 3/3" in err and f"wrote {out_path}" in err
    lines = out.splitlines()
    assert lines[0].startswith("Pedestrian plaza") and "300 s per run" in lines[0]
    assert [line.split()[0] for line in lines[2:]] == ["rl", "random", "cr"]
    # the same rows come out of patrolsim compare, the policy given by --set
    args = "compare plaza --strategies rl,cr --agents 2 --seeds 1-2 --duration 300 --set".split()
    code, out2, err = run_cli([*args, f"strategy.policy={out_path}"], capsys)
    assert code == 0, err
    rows = [line.split() for line in out2.splitlines()[2:]]
    assert rows == [lines[2].split(), lines[4].split()]  # rl and cr as rl-train printed them
    code, _, err = run_cli(["compare", "plaza", "--strategies", "cr", "--set", "strategy.policy=x.npz"], capsys)
    assert code == 2 and "none of the strategies cr takes the parameter 'policy'" in err


def test_the_window_runs_a_learned_policy_and_compares_it(plaza, tmp_path):
    pytest.importorskip("pygame_gui")
    from patrolsim.gui.app import App

    _, path = random_policy(plaza, tmp_path / "p.npz")
    sc = with_policy(plaza, path, 1)
    app = App(sc, size=(1000, 640), compare="cr", captures=tmp_path)
    try:
        assert [s.scenario.strategy_name for s in app.sessions] == ["rl", "cr"]
        app.frame(1.0, events=[])
        assert all(s.sim.now > 0 for s in app.sessions)
        assert "rl" in app.strategy_names
        app.set_strategy("hcr")
        app.set_strategy("rl")  # back to the learned policy: with the file it was started with
        assert app.sessions[0].scenario.strategy_params == {"policy": str(path)}
        assert app.sessions[0].sim.strategy.name == "rl"
    finally:
        app.close()
    app = App(plaza, size=(1000, 640), captures=tmp_path)
    try:
        assert "rl" not in app.strategy_names  # no policy file known: not offered (Tab never stops on it)
    finally:
        app.close()


def test_a_sweep_runs_a_learned_policy_from_any_folder(plaza, tmp_path, monkeypatch):
    from patrolsim.batch.sweep import load_sweep
    from patrolsim.batch.task import run_task

    folder = study(plaza, tmp_path)
    sweep = folder / "learned.toml"
    sweep.write_text(
        '[sweep]\nname = "learned"\nreplications = 2\nroot_seed = 3\n'
        f'[base]\nmap = "{plaza.map_path}"\nduration = 300\nseed = 0\nagents.count = 3\n'
        'strategy.name = "rl"\nstrategy.policy = "policy.npz"\n[axes]\n"agents.count" = [2, 3]\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runs = load_sweep(sweep).runs
    assert len(runs) == 4
    assert {r.scenario["strategy"]["policy"] for r in runs} == {str(folder / "policy.npz")}
    out = run_task(runs[0].scenario, runs[0].key)
    assert out["status"] == "ok", out["error"]
    assert out["run"]["strategy"] == "rl" and out["metrics"]["coverage"] > 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuch"], "expected a scenario .toml file, a map file"),
        (["plaza", "--strategies", "foo"], "unknown strategy 'foo'"),
        (["plaza", "--seeds", "x"], "--seeds: expected numbers"),
        (["plaza", "--alpha", "2"], "--alpha: expected a number in (0, 1]"),
        (["plaza", "--gamma", "1"], "--gamma: expected a number in [0, 1)"),
        (["plaza", "--out", "/nonexistent/dir/p.npz"], "--out /nonexistent/dir/p.npz: no such folder"),
    ],
)
def test_rl_train_inputs_are_checked_before_training(args, message, capsys):
    try:
        code = main(["rl-train", *args, "-q"])
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
