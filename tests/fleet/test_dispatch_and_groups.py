"""Dispatch with a real fleet: only agents in service answer, a responder taken away hands its call
back; mixed fleets: the fastest arrival across groups answers, and the figures split per group."""

import numpy as np
import pytest
from fleetkit import GoTo, fleet_scenario, line

from patrolsim.build import make
from patrolsim.engine.spec import Battery
from patrolsim.fleet.spec import Docks, Failures, FleetSpec
from patrolsim.incidents import attach


def calls_sim(sc, strategy):
    sim = make(sc, strategy=strategy)
    return sim, attach(sim, None, None, calls_only=True)


def test_a_failed_responder_hands_its_call_to_the_next_nearest():
    # a corridor of 11 nodes 10 m apart; robots at 4 and 10, a call at node 0 at t = 0 (60 s on scene):
    # robot 0 (40 m away) is sent, fails at 20 s at node 2; robot 1 is sent from node 10 (100 m)
    spec = FleetSpec(failures=Failures(at=((0, 20.0, 500.0),)))
    sc = fleet_scenario(line(11, 10.0), agents=2, starts=(4, 10), duration=400.0, fleet=spec)
    sim, incidents = calls_sim(sc, GoTo([[], []]))
    incidents.add(0, 0.0, priority=1, service_s=60.0)
    res = sim.run()
    assert res.incidents["agent"].tolist() == [1]
    assert res.incidents["arrived_s"][0] == pytest.approx(20.0 + 100.0)
    assert res.incidents["cleared_s"][0] == pytest.approx(180.0)


def test_no_call_goes_to_an_agent_away_charging_and_one_back_takes_the_queue():
    # one robot on a corridor with a dock at node 0; its battery turns it back at once (t = 0), it
    # charges 100 s; a call at node 5 at t = 10 s waits in the queue until it is charged
    battery = Battery(capacity=1.0, per_m=1.0, reserve=0.0, charge_s=100.0, start=0.0)
    docks = FleetSpec(docks=Docks(nodes=(0,), chargers=(1,)))
    sc = fleet_scenario(line(6, 10.0), agents=1, starts=(0,), duration=400.0, batteries=(battery,), fleet=docks)
    sim, incidents = calls_sim(sc, GoTo([[]]))
    incidents.add(5, 10.0, priority=1, service_s=10.0)
    res = sim.run()
    assert res.incidents["dispatched_s"][0] == pytest.approx(100.0)


def test_the_fastest_group_answers_and_figures_split_per_group():
    # a slow robot (1 m/s) 20 m from the call, a car (8 m/s) 80 m from it: the car is there first
    sc = fleet_scenario(
        line(11, 10.0),
        agents=2,
        speed=(1.0, 8.0),
        starts=(2, 8),
        duration=200.0,
        groups=("robots", "cars"),
        sensing_radii=(0.0, 5.0),
    )
    sim, incidents = calls_sim(sc, GoTo([[], []]))
    incidents.add(0, 0.0, priority=1, service_s=5.0)
    res = sim.run()
    assert res.incidents["agent"].tolist() == [1]
    assert res.incidents["arrived_s"][0] == pytest.approx(10.0)
    m = res.metrics
    assert m["groups.robots.agents"] == 1 and m["groups.cars.agents"] == 1
    assert m["groups.cars.distance_m"] == pytest.approx(80.0)
    assert m["groups.robots.distance_m"] == pytest.approx(0.0)
    assert m["groups.robots.cleared_share"] + m["groups.cars.cleared_share"] == pytest.approx(1.0)
    assert res.agents["group"].tolist() == ["robots", "cars"]


def test_a_group_senses_with_its_own_radius():
    # nodes 10 m apart: a radius of 5 m sees only the node itself, 15 m the neighbours too
    sc = fleet_scenario(
        line(5, 10.0), agents=2, starts=(0, 4), duration=1.0, groups=("a", "b"), sensing_radii=(5.0, 15.0)
    )
    res = make(sc, strategy=GoTo([[], []])).run()
    assert np.flatnonzero(res.nodes["visits"]).tolist() == [0, 3, 4]


def test_the_run_summary_has_a_fleet_table():
    from fleetkit import Clockwise, ring

    from patrolsim.engine.spec import Interference
    from patrolsim.fleet.spec import Docks, FleetSpec
    from patrolsim.output import summary_text

    battery = Battery(capacity=78.0, per_m=1.0, reserve=0.0, charge_s=156.0)
    sc = fleet_scenario(
        ring(),
        agents=2,
        starts=(0, 4),
        duration=720.0,
        batteries=(battery, battery),
        groups=("robots", "cars"),
        fleet=FleetSpec(docks=Docks(nodes=(0,), chargers=(1,))),
        interference=Interference(mode="wait", node_capacity=0),
    )
    text = summary_text(make(sc, strategy=Clockwise()).run())
    fleet = text[text.index("Fleet") :]
    for words in ("availability", "charging trips / time", "waits for robots in the way", "1 agent, 180 m"):
        assert words in fleet, words
    assert "group cars" in fleet


def test_everything_on_gives_the_same_run_plain_and_compiled_and_in_a_fresh_process():
    """Batteries, docks, random and scripted failures, interference, motion, two groups and dispatched calls
    in one run: plain and compiled kernels, and a second process, give identical results."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from patrolsim import jit
    from patrolsim.scenario import load_scenario

    overrides = {
        "duration": 7200,
        "warmup": 600,
        "agents": 5,
        "energy.capacity_h": 0.5,
        "failures.mtbf_h": 1,
        "motion.accel": 0.5,
        "incidents.rate_per_hour": 6,
    }
    root = Path(__file__).resolve().parents[2]
    sc = load_scenario(root / "scenarios" / "mall_fleet.toml", **overrides)
    a = make(sc, backend=jit.PLAIN).run().to_dict()
    b = make(sc, backend=jit.COMPILED).run().to_dict()
    for part in ("metrics", "agents", "nodes", "incidents"):
        assert a[part] == b[part], part
    assert a["metrics"]["energy_trips"] > 0 and a["metrics"]["interference_waits"] > 0
    code = (
        "import json, sys; from patrolsim import make, load_scenario; "
        f"print(json.dumps(make(load_scenario(sys.argv[1], **{overrides!r})).run().to_dict()['metrics']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root / "scenarios" / "mall_fleet.toml")],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONHASHSEED": "123"},
    ).stdout
    assert json.loads(out) == json.loads(json.dumps(a["metrics"]))
