"""Breakdowns: an agent stops where it is and drives on after its repair; random ones are reproducible."""

import math

import pytest
from fleetkit import GoTo, arrivals, fleet_scenario, line, ring

from patrolsim.build import make
from patrolsim.fleet import fleet_of
from patrolsim.fleet.spec import Failures, FleetSpec


def test_a_failure_mid_edge_stops_the_agent_there_until_its_repair(backend):
    # 10 m at 1 m/s from t = 0; fails at 4 s (4 m along), repaired at 10 s: on at 16 s
    spec = FleetSpec(failures=Failures(at=((0, 4.0, 10.0),)))
    sc = fleet_scenario(line(2, 10.0), duration=40.0, fleet=spec)
    sim = make(sc, strategy=GoTo([[1]]), backend=backend)
    sim.advance_to(7.0)
    assert sim.agent_positions()[0, 0] == pytest.approx(4.0)
    assert not sim.state.in_service[0]
    sim.advance_to(13.0)
    assert sim.agent_positions()[0, 0] == pytest.approx(7.0)
    res = sim.run()
    assert res.nodes["first_visit"][1] == pytest.approx(16.0)
    assert res.metrics["agent_downtime_s"] == pytest.approx(6.0)
    assert res.metrics["availability"] == pytest.approx(1 - 6.0 / 40.0)
    assert res.metrics["failures"] == 1
    # while it was down node 1 (unseen since t = 0) reached 10 s of idleness
    assert res.metrics["worst_idleness_degraded_s"] == pytest.approx(10.0)


def test_a_failed_agent_standing_sees_nothing_and_decides_nothing(backend):
    # holding at node 0 from t = 0 for 30 s; down from 5 s to 20 s: node 0 goes unseen from 5 s
    spec = FleetSpec(failures=Failures(at=((0, 5.0, 20.0),)))
    sc = fleet_scenario(line(2, 10.0), duration=40.0, fleet=spec)
    sim = make(sc, strategy=GoTo([[("hold", 30.0), 1]]), backend=backend)
    sim.advance_to(15.0)
    assert sim.idleness()[0] == pytest.approx(10.0)
    # repaired at 20 s its hold is over; it is asked again where it stands and goes to node 1
    _res, seen = arrivals(sc, GoTo([[("hold", 30.0), 1]]), backend)
    assert seen[0, 1] == pytest.approx(30.0)


def test_random_failures_are_reproducible_and_independent_of_the_strategy_draws():
    spec = FleetSpec(failures=Failures(mtbf_s=300.0, mttr_s=60.0))
    sc = fleet_scenario(ring(), "random", agents=3, starts=(0, 2, 4), duration=3000.0, fleet=spec)
    a, b = make(sc).run(), make(sc).run()
    assert a.to_dict()["metrics"] == b.to_dict()["metrics"]
    assert a.to_dict()["agents"] == b.to_dict()["agents"]
    assert a.metrics["failures"] > 10
    assert 0.5 < a.metrics["availability"] < 1.0
    sim = make(sc)
    sim.run()
    assert fleet_of(sim).breakdowns.failures.sum() == a.metrics["failures"]


def test_fixed_failures_come_at_the_means():
    spec = FleetSpec(failures=Failures(mtbf_s=100.0, mttr_s=50.0, distribution="fixed"))
    sc = fleet_scenario(ring(), "cr", agents=1, duration=1000.0, fleet=spec)
    res = make(sc).run()
    # down 100-150, 250-300, 400-450, 550-600, 700-750, 850-900 s
    assert res.metrics["failures"] == 6
    assert res.metrics["agent_downtime_s"] == pytest.approx(300.0)


def test_msp_after_a_scripted_failure_has_the_smaller_teams_worst_idleness():
    # a ring of 12 nodes 10 m apart at 1 m/s: msp gives 3 agents arcs of 4 nodes (out and back: 60 s) and
    # 2 agents arcs of 6 (100 s). Agent 1 fails for good at 500 s; measured from 1500 s (past the
    # re-partition's transient) the two left have the fresh 2-agent team's worst idleness
    pmap = ring(12, 10.0)
    failed = FleetSpec(failures=Failures(at=((1, 500.0, math.inf),)))
    common = {"duration": 3000.0, "warmup": 1500.0}
    three = make(fleet_scenario(pmap, "msp", 3, starts=(0, 1, 2), **common)).run()
    lost = make(fleet_scenario(pmap, "msp", 3, starts=(0, 1, 2), fleet=failed, **common)).run()
    two = make(fleet_scenario(pmap, "msp", 2, starts=(0, 2), **common)).run()
    assert three.metrics["worst_idleness"] == pytest.approx(60.0)
    assert two.metrics["worst_idleness"] == pytest.approx(100.0)
    assert lost.metrics["worst_idleness"] == pytest.approx(two.metrics["worst_idleness"])
    assert lost.metrics["worst_idleness_degraded_s"] == pytest.approx(100.0)
    assert lost.metrics["availability"] == pytest.approx(2.0 / 3.0)
    assert lost.agents["downtime_s"].tolist() == pytest.approx([0.0, 1500.0, 0.0])
