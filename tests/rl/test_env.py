"""The PettingZoo and Gymnasium environments: the libraries' own API, seed and render tests, and one
episode on three nodes checked by hand, step by step."""

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test, parallel_seed_test, render_test

import patrolsim.rl  # registers patrolsim/Patrol-v0
from patrolsim.errors import UserError
from patrolsim.rl import parallel_env


def test_pettingzoo_parallel_api(plaza):
    env = parallel_env(plaza)
    parallel_api_test(env, num_cycles=2000)  # long enough to reach the truncation at 600 s


def test_pettingzoo_seeds_repeat_episodes(plaza):
    parallel_seed_test(lambda: parallel_env(plaza), num_cycles=200)


@pytest.mark.parametrize("action", ["neighbour", "goal"])
def test_pettingzoo_render_modes(plaza, action):
    def make_env(render_mode=None):
        return patrolsim.rl.env(plaza, render_mode=render_mode, render_size=(320, 240), action=action)

    render_test(make_env)
    env = parallel_env(plaza, render_mode="rgb_array", render_size=(320, 240))
    env.reset(seed=1)
    frame = env.render()
    assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 20  # the map, its heat colours, robots, text
    env.close()


def test_gymnasium_check_env_through_make(plaza):
    env = gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza, others="cr")
    check_env(env.unwrapped)
    env.close()
    env = gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza, render_mode="rgb_array", render_size=(200, 160))
    check_env(env.unwrapped)  # also makes it in every render mode through its spec
    env.close()


def test_gymnasium_goal_actions_pass_check_env(plaza):
    env = gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza, action="goal", reward={"reached": 1.0, "mean": 0.5})
    check_env(env.unwrapped)


def line_env(line3, **options):
    env = parallel_env(line3, idleness_scale_s=10.0, **options)
    obs, infos = env.reset(seed=1)
    return env, obs, infos


def test_three_node_episode_by_hand(line3):
    """0 -(10 m)- 1 -(20 m)- 2, robots at 0 and 2, 1 m/s, scale 10 s: idleness 1.0 = 10 s. Node 1 was
    never seen (the team board's -0.1 s: idleness 0.01); a visit earns the idleness it clears, in 10 s."""
    env, obs, infos = line_env(line3)
    r0, r1 = "robot_0", "robot_1"
    f = np.float32

    def check(robot, node, nb, mask, idle, robots, eta, time):
        o = obs[robot]
        assert o["node"] == node
        assert o["neighbour_idleness"].tolist() == [f(x) for x in nb]
        assert o["action_mask"].tolist() == mask
        assert o["idleness"].tolist() == [f(x) for x in idle]
        assert o["robots"].tolist() == robots and o["robot_eta"].tolist() == [f(x) for x in eta]
        assert o["time"].tolist() == [f(time)] and o["incidents"].tolist() == [0, 0, 0]

    # t = 0: robot 0 decides first (id order); robot 1's arrival at its start is not processed yet
    assert infos[r0]["deciding"] and not infos[r1]["deciding"] and infos[r0]["t"] == 0.0
    check(r0, 0, [0.01, 0], [1, 0], [0, 0.01, 0.01], [0, 2], [0, 0], 0)
    check(r1, 2, [0.01, 0], [0, 0], [0, 0.01, 0.01], [0, 2], [0, 0], 0)  # not deciding: no action applies
    steps = [
        # (actions, rewards, decider, t, since its last decision, observation of the decider)
        ({r0: 0, r1: 1}, [0, 0], r1, 0.0, 0.0, (2, [0.01, 0], [1, 0], [0, 0.01, 0], [1, 2], [1, 0], 0)),
        ({r1: 0}, [1, 0], r0, 10.0, 10.0, (1, [1, 1], [1, 1], [1, 0, 1], [1, 1], [0, 1], 0.25)),
        ({r0: 1}, [0, 1], r1, 20.0, 20.0, (1, [2, 2], [1, 1], [2, 0, 2], [2, 1], [1, 0], 0.5)),
        ({r1: 0}, [3, 0], r0, 30.0, 20.0, (2, [1, 0], [1, 0], [3, 1, 0], [2, 0], [0, 0], 0.75)),
        ({r0: 0}, [0, 3], r1, 30.0, 10.0, (0, [1, 0], [1, 0], [0, 1, 0], [1, 0], [2, 0], 0.75)),
        ({r1: 0}, [0, 2], r1, 40.0, 10.0, (1, [1, 1], [1, 1], [1, 0, 1], [1, 1], [1, 0], 1.0)),
    ]
    for actions, rewards, decider, t, since, seen in steps:
        obs, rew, term, trunc, infos = env.step(actions)
        assert [rew[r0], rew[r1]] == rewards
        assert [infos[r]["deciding"] for r in (r0, r1)] == [decider == r0, decider == r1]
        assert infos[decider]["t"] == t and infos[decider]["since_decision_s"] == since
        assert not any(term.values()) and not any(trunc.values()) and env.agents == [r0, r1]
        check(decider, *seen)
    # robot 1 decided at exactly 40 s (the duration): its move starts, nothing more happens, the end
    obs, rew, term, trunc, infos = env.step({r1: 1})
    assert all(trunc.values()) and not any(term.values()) and env.agents == []
    assert [rew[r0], rew[r1]] == [0, 0]
    m = infos[r0]["metrics"]
    assert m == infos[r1]["metrics"]
    # visits: node 0 at 0 and 30, node 1 at 10, 20 and 40, node 2 at 0 and 30 (the intervals earned above)
    assert m["visits_total"] == 7 and m["coverage"] == 1.0 and m["worst_idleness"] == 30.0
    # head-on on edge 1-2: robot 0 left 1 for 2 at 10 s as robot 1 came the other way, and robot 1 left 1
    # for 2 at 40 s as robot 0 came back
    assert m["edge_interference"] == 2
    # time-averaged idleness: sum over nodes of the area under I(v, t), over 3 nodes x 40 s
    area = (30**2 + 10**2) / 2 + (10**2 + 10**2 + 20**2) / 2 + (30**2 + 10**2) / 2
    assert m["time_avg_idleness"] == pytest.approx(area / 120)
    with pytest.raises(RuntimeError, match="reset"):
        env.step({r0: 0})


def test_team_rewards_and_goal_actions_by_hand(line3):
    # goal actions: robot 0 is sent to node 2 (via node 1, 30 m); robot 1 waits at node 2: the goal of
    # its own node holds it for its shortest edge (20 s) while it keeps node 2 in view
    env, obs, infos = line_env(line3, action="goal", reward={"mean": 1.0, "worst": 2.0})
    assert obs["robot_0"]["action_mask"].tolist() == [0, 1, 1]
    obs, rew, _, _, infos = env.step({"robot_0": 2})
    assert infos["robot_1"]["deciding"] and obs["robot_1"]["action_mask"].tolist() == [1, 1, 0]
    obs, rew, _, _, infos = env.step({"robot_1": 2})
    # at robot 1's first decision (0 s) the board had node 0 seen at 0, node 1 never (seen at -0.1 s,
    # as for the strategies) and node 2 at 0: mean idleness 0.1 / 3 s, worst 0.1 s. Next decision: robot
    # 1 at 20 s (hold over), before robot 0 reaches node 2 at 30 s; node 1 was seen at 10 s: mean
    # idleness (20 + 10 + 0) / 3 = 10 s (node 2 in view of robot 1), worst 20 s
    assert infos["robot_1"]["deciding"] and infos["robot_1"]["t"] == 20.0
    expected = -((10.0 - 0.1 / 3) + 2 * (20.0 - 0.1)) / 10.0
    assert rew["robot_0"] == rew["robot_1"] == pytest.approx(expected, rel=1e-12)
    assert obs["robot_1"]["robot_eta"].tolist() == [1.0, 0.0] and obs["robot_1"]["robots"].tolist() == [2, 2]


def test_options_and_actions_are_checked(plaza):
    with pytest.raises(UserError, match="unknown option 'actoin'.*did you mean 'action'"):
        parallel_env(plaza, actoin="goal")
    with pytest.raises(UserError, match="action: expected one of neighbour, goal"):
        parallel_env(plaza, action="goals")
    with pytest.raises(UserError, match="reward: unknown term 'best'"):
        parallel_env(plaza, reward="best")
    with pytest.raises(UserError, match="weight of 'mean' must be a finite number"):
        parallel_env(plaza, reward={"mean": float("nan")})
    with pytest.raises(UserError, match="idleness_scale_s"):
        parallel_env(plaza, idleness_scale_s=0)
    with pytest.raises(UserError, match="render_mode: expected one of human, rgb_array"):
        parallel_env(plaza, render_mode="ansi")
    with pytest.raises(UserError, match="agents: expected a whole number"):
        parallel_env(plaza, agents=0)
    with pytest.raises(UserError, match="no-such-map"):
        parallel_env("no-such-map.txt")
    with pytest.raises(UserError, match="learner"):
        gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza, learner=7)
    with pytest.raises(UserError, match="unknown strategy 'crr'"):
        gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza, others="crr")
    env = parallel_env(plaza)
    env.reset(seed=1)
    with pytest.raises(ValueError, match="robot_0 decides now"):
        env.step({"robot_1": 0})
    with pytest.raises(ValueError, match=r"an action is an integer in \[0, 4\), got 4"):
        env.step({"robot_0": 4})
    with pytest.raises(ValueError, match="an action is an integer"):
        env.step({"robot_0": 1.5})
    with pytest.raises(UserError, match="seed"):
        env.reset(seed=-1)


def test_the_benchmark_reports_steps_engine_rates_and_where_the_time_goes(capsys):
    from patrolsim.bench.rl import measure, profile

    row = measure(steps=3000)
    assert row["steps"] == 3000 and row["steps_per_s_wall"] > 0 and row["steps_per_s_cpu"] > 0
    assert set(row["engine"]) == {"compiled random rule", "Python strategy"} and min(row["engine"].values()) > 0
    assert set(row["breakdown_us"]) == {
        "engine (answer + advance)",
        "observation arrays",
        "rewards",
        "per-robot dicts",
        "infos",
        "the rest: step()'s own work, the policy",
    }
    assert "observe" in profile(steps=500, top=5)


def test_incidents_are_observed_and_their_waiting_is_the_reward():
    from patrolsim.incidents import manager_of

    env = parallel_env("mall_security", overrides={"duration": 900}, reward="incidents")
    obs, infos = env.reset(seed=1)
    rng = np.random.default_rng(0)
    total, seen, dispatched = 0.0, 0, 0
    while env.agents:
        name = next(a for a in env.agents if infos[a]["deciding"])
        degree = int(obs[name]["action_mask"].sum())
        obs, rew, _, _, infos = env.step({name: int(rng.integers(degree))})
        assert len(set(rew.values())) == 1 and rew[name] <= 0  # a team term: every robot gets it
        total += rew[name]
        manager = manager_of(env.core.sim)
        nodes, priority = manager.open_tasks()
        expected = np.zeros(env.core.n_nodes, dtype=np.float32)
        np.maximum.at(expected, nodes, (1.0 / priority).astype(np.float32))
        np.testing.assert_array_equal(obs[name]["incidents"], expected)
        seen += bool(nodes.size)
        dispatched += any(i["dispatched"] for i in infos.values())
    assert seen and dispatched  # calls came in and robots were sent to them
    waited = manager.waiting_s(900.0)
    assert waited > 0 and total == pytest.approx(-waited / env.idleness_scale_s)
    assert infos["robot_0"]["metrics"]["incidents_total"] >= 1
    state = env.state()
    assert state.shape == env.state_space.shape and env.state_space.contains(state)


def test_flattened_and_vectorised_as_cleanrl_and_stable_baselines_use_it(plaza):
    def make_env():
        env = gymnasium.make(patrolsim.rl.ENV_ID, scenario=plaza)
        return gymnasium.wrappers.FlattenObservation(env)

    single = make_env()
    obs, _ = single.reset(seed=1)
    assert single.observation_space.contains(obs) and obs.ndim == 1
    masks = single.unwrapped.action_masks()
    assert masks.dtype == bool and masks.sum() == np.diff(plaza.map.indptr)[single.unwrapped.core.sim.heading_to(0)]
    envs = gymnasium.vector.SyncVectorEnv([make_env, make_env])
    obs, _ = envs.reset(seed=[1, 2])
    assert all(m.dtype == bool and m.any() for m in envs.call("action_masks"))  # for masking algorithms
    ends = 0
    for _ in range(400):  # past the end of an episode: the vector env resets it
        obs, rewards, terminated, truncated, _ = envs.step(envs.action_space.sample())
        assert obs.shape == (2, single.observation_space.shape[0]) and not terminated.any()
        ends += int(truncated.sum())
    assert ends >= 2


def test_team_rewards_add_up_to_the_change_of_the_whole_episode(plaza):
    # minus the increase of the mean (and worst) idleness, step by step, telescopes to the change over
    # the episode; a warm-up restarting the metrics on the way changes nothing
    import dataclasses

    env = parallel_env(dataclasses.replace(plaza, warmup=200.0), reward={"mean": 1.0, "worst": 0.5})
    obs, infos = env.reset(seed=2)
    st = env.core.sim.state
    start = st.seen_at(0.0).copy()
    total = 0.0
    while env.agents:
        name = next(a for a in env.agents if infos[a]["deciding"])
        obs, rew, _, _, infos = env.step({name: 0})
        total += rew["robot_1"]
    t = env.core.sim.now
    end = st.seen_at(t)
    change = (t - end.mean()) - (0 - start.mean()) + 0.5 * ((t - end.min()) - (0 - start.min()))
    assert total == pytest.approx(-change / env.idleness_scale_s, rel=1e-9)
