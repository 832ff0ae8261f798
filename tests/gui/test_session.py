"""Session: simulated time driven by wall time, speeds, single steps, rebuilds (no pygame involved)."""

import dataclasses
import math

import numpy as np

from patrolsim.engine import kernel as K
from patrolsim.gui import session as session_module
from patrolsim.gui.session import SPEEDS, Session, speed_label, with_changes


def test_tick_advances_speed_times_wall_time(square):
    s = Session(square, speed=20.0)
    s.tick(0.5, budget_s=30.0)
    assert s.sim.now == 10.0 and not s.behind
    s.paused = True
    s.tick(0.5, budget_s=30.0)
    assert s.sim.now == 10.0


def test_speed_notches_run_from_quarter_to_max():
    s_labels = [speed_label(v) for v in SPEEDS]
    assert s_labels[0] == "x0.25" and s_labels[-2] == "x1000" and s_labels[-1] == "max"


def test_faster_and_slower_clamp_at_the_ends(square):
    s = Session(square, speed=1000.0)
    s.faster(+1)
    assert math.isinf(s.speed)
    s.faster(+1)
    assert math.isinf(s.speed)
    for _ in range(20):
        s.faster(-1)
    assert s.speed == 0.25


STEP_S = 1 / 256  # simulated wall time of one simulation step (exact in binary)


def test_max_speed_stays_within_the_frame_budget(square, monkeypatch):
    # a clock that every simulation step advances by STEP_S: the test does not depend on the machine
    clock = {"now": 0.0, "steps": 0}
    monkeypatch.setattr(session_module.time, "perf_counter", lambda: clock["now"])
    s = Session(square, speed=math.inf)
    advance = s.sim.advance_to

    def slow_advance(t):
        advance(t)
        clock["now"] += STEP_S
        clock["steps"] += 1

    monkeypatch.setattr(s.sim, "advance_to", slow_advance)
    s.tick(1 / 60, budget_s=0.01)
    budget = 0.01 * session_module.MAX_SPEED_BUDGET
    # it steps until the budget is spent and then stops (the step that crosses it is the last)
    assert clock["steps"] == math.ceil(budget / STEP_S)
    assert 0.0 < s.sim.now < square.duration and not s.reached_end


def test_step_goes_to_the_next_arrival_and_pauses(square):
    s = Session(square)
    s.step()  # initial decisions at t = 0
    nxt = s.sim.state.a_flt[:, K.A_ARRIVE].min()
    s.step()
    assert s.paused and s.sim.now == nxt


def test_reaching_the_duration_pauses(square):
    short = dataclasses.replace(square, duration=120.0)
    s = Session(short, speed=1000.0)
    s.sim.advance_to(119.0)
    s.tick(1.0, budget_s=30.0)
    assert s.sim.now == 120.0 and s.paused and s.reached_end


def test_with_changes_keeps_the_map_and_changes_team_and_strategy(square):
    sc = with_changes(square, strategy="hcr", count=6, seed=9, starts=(0, 1, 2, 3, 4, 5))
    assert sc.map is square.map and sc.agents.count == 6 and len(sc.agents.speeds) == 6
    assert sc.strategy_name == "hcr" and sc.seed == 9
    s = Session(sc)
    assert s.sim.starts.tolist() == [0, 1, 2, 3, 4, 5]
    assert s.strategy_names.startswith("hcr")


def test_adding_agents_to_explicit_starts_is_deterministic(square):
    sc = with_changes(square, starts=(5, 6, 7, 8))
    a, b = with_changes(sc, count=6), with_changes(sc, count=6)
    assert a.agents.starts == b.agents.starts and a.agents.starts[:4] == (5, 6, 7, 8)


def test_now_values_and_run_metrics_match_the_engine(square):
    s = Session(square, speed=100.0)
    s.tick(1.0, budget_s=30.0)
    now = s.now()
    idle = s.sim.idleness()
    assert now["worst_idleness"] == idle.max() and np.isclose(now["avg_idleness"], idle.mean())
    assert s.metrics() == s.sim.result().metrics and "calls" not in s.metrics()


def test_partition_is_read_from_the_strategy_when_it_has_one(square):
    s = Session(square)
    assert s.partition() is None
    s.sim.strategy.partition = np.arange(square.map.n_nodes) % 3
    assert s.partition().tolist()[:4] == [0, 1, 2, 0]


def test_gui_bench_reports_frames_and_events():
    from patrolsim.bench.gui import run_gui_bench

    rows = run_gui_bench(seconds=0.3)
    assert [r["speed"] for r in rows][:2] == [1.0, 1000.0] and math.isinf(rows[2]["speed"])
    assert all(r["fps"] > 0 and r["cpu_ms_per_frame"] > 0 for r in rows)
    assert rows[1]["events_per_s"] > 0 and rows[1]["sim_s_per_s"] > 10


def test_a_team_size_change_resizes_a_mixed_fleet_and_its_failures(tmp_path):
    """'+ agent' on a scenario with groups, batteries and scripted failures: the new robot is like the last
    group's, the record's groups add up to the team, a failure of a robot no longer there is dropped."""
    from pathlib import Path

    from patrolsim.build import make
    from patrolsim.scenario import load_scenario, scenario_from_dict

    root = Path(__file__).resolve().parents[2]
    text = f"""
map = "{root / "maps" / "open_square.txt"}"
duration = 600
seed = 1
[energy]
capacity_h = 1
docks = [[0.5, 0.5]]
[failures]
at = [[2, 10, 20]]
[[agents.group]]
name = "robots"
count = 2
speed = 1.0
[[agents.group]]
name = "cars"
count = 1
speed = 4.0
[agents.group.energy]
capacity_h = 8
[strategy]
name = "cr"
"""
    path = tmp_path / "mixed.toml"
    path.write_text(text)
    sc = load_scenario(path)
    more = with_changes(sc, count=4)
    assert more.agents.groups == ("robots", "robots", "cars", "cars")
    assert more.agents.speeds == (1.0, 1.0, 4.0, 4.0)
    assert more.agents.batteries[3] == sc.agents.batteries[2]
    assert [g["count"] for g in more.data["agents"]["group"]] == [2, 2]
    fewer = with_changes(sc, count=2)
    assert fewer.agents.groups == ("robots", "robots") and fewer.fleet.failures.at == ()
    assert [g["name"] for g in fewer.data["agents"]["group"]] == ["robots"]
    res = make(more).run()
    assert res.metrics["groups.cars.agents"] == 2
    again = scenario_from_dict(more.data, base_dir=tmp_path)  # the record reads back as the same team
    assert again.agents.groups == more.agents.groups
