"""Calls added while a run goes on (the window's click): they take their place in time order and are
dispatched, served and counted like the stream's own. Corridor of 10 m edges at 1 m/s."""

import pytest
from patrolsim.incidents import manager_of


def test_a_call_added_now_is_served_before_the_later_stream_call(world):
    sim = world([(100, 4, 3, 50, "reported")], run=False)
    sim.advance_to(20.0)
    assert manager_of(sim).add(2, 20.0, priority=1, service_s=30) == 0
    sim.run()
    inc, log = manager_of(sim).inc, manager_of(sim).log
    assert inc.t_s.tolist() == [20, 100] and inc.node.tolist() == [2, 4] and inc.priority.tolist() == [1, 3]
    # 0 -> 2 takes 20 s; on scene 30 s; at node 2 when the stream's call at node 4 comes in
    assert log.arrived_at.tolist() == [40, 120] and log.cleared_at.tolist() == [70, 170]
    m = sim.result().metrics
    assert m["response_count"] == 2 and m["response_mean_s"] == 20
    assert sim.result().incidents["node"].tolist() == [2, 4]


def test_calls_added_for_later_keep_time_order(world):
    sim = world([(100, 4, 3, 50, "reported")], run=False)
    assert manager_of(sim).add(3, 60.0, service_s=10) == 0
    assert manager_of(sim).add(1, 10.0, service_s=10) == 0  # goes before the call at 60
    assert manager_of(sim).add(2, 200.0, service_s=10) == 3
    sim.run()
    inc, log = manager_of(sim).inc, manager_of(sim).log
    assert inc.t_s.tolist() == [10, 60, 100, 200]
    assert log.dispatched_at.tolist() == [10, 60, 100, 200]
    # 0 -> 1 at 20, clear 30; 1 -> 3 at 80, clear 90; 3 -> 4 at 110, clear 160; 4 -> 2 at 220
    assert log.arrived_at.tolist() == [20, 80, 110, 220]


def test_default_on_scene_time_is_the_scenarios_mean_for_the_priority(world):
    sim = world([(4000, 4, 3, 50, "reported")], incidents={"service_mean_s": [100, 200, 300]}, run=False)
    manager_of(sim).add(1, 0.0, priority=2)
    sim.run()
    assert manager_of(sim).log.cleared_at.tolist() == [10 + 200, 4030 + 50]


@pytest.mark.parametrize(
    "args, message",
    [
        ((9, 50.0), "node 9 is not on the map"),
        ((1, 5.0), "it is already 10.0 s"),
        ((1, 50.0, 4), "priority must be 1, 2 or 3"),
    ],
)
def test_bad_additions_are_refused(world, args, message):
    sim = world([(100, 4, 3, 50, "reported")], run=False)
    sim.advance_to(10.0)
    with pytest.raises(ValueError, match=message):
        manager_of(sim).add(*args)


def test_the_calls_stream_has_only_the_added_calls(world):
    sim = world([], incidents={"stream": "calls"}, run=False)
    assert len(manager_of(sim).inc) == 0
    sim.advance_to(100.0)
    manager_of(sim).add(3, 100.0, service_s=5)
    m = sim.run().metrics
    assert m["incidents_total"] == m["calls"] == m["response_count"] == 1 and m["response_mean_s"] == 30


def test_a_run_without_incidents_takes_calls_once_attached(tmp_path):
    from patrolsim.build import make
    from patrolsim.incidents import attach
    from patrolsim.scenario import scenario_from_dict
    from patrolsim.strategies import Hold, Strategy

    class Stand(Strategy):
        def decide(self, agent, node, t, view):
            return Hold(1e9)

    (tmp_path / "corridor.txt").write_text("cell_size: 10\n.....\n")
    sc = scenario_from_dict(
        {
            "map": str(tmp_path / "corridor.txt"),
            "duration": 500,
            "seed": 1,
            "agents": {"count": 1, "starts": [0]},
            "strategy": {"name": "random"},
        },
        source="plain.toml",
    )
    sim = make(sc, strategy=Stand())
    sim.advance_to(50.0)
    assert manager_of(sim) is None
    attach(sim, None, None, calls_only=True)
    manager_of(sim).add(2, 50.0, service_s=5)
    m = sim.run().metrics
    assert manager_of(sim).log.arrived_at.tolist() == [70.0] and m["response_mean_s"] == 20
