"""A decider may leave decisions to a controller outside the engine (DEFER / Simulation.answer): the run
then stops at each such arrival, and answering there with what a strategy would have decided gives the
very run that strategy gives. Also the per-agent credit of cleared idleness (EngineState.cleared_s)."""

import dataclasses

import numpy as np
import pytest

from patrolsim.build import make, make_strategy
from patrolsim.engine.decision import DEFER, Hold
from patrolsim.scenario import load_run_scenario
from patrolsim.strategies.base import Strategy


class Deferring(Strategy):
    """Defers every decision; sets up the wrapped strategy (and takes its kind of knowledge) so that the
    outside can ask it."""

    name = "deferring"

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.own_knowledge = inner.own_knowledge

    def setup(self, view):
        self.inner.setup(view)

    def decide(self, agent, node, t, view):
        return DEFER


def scenario(strategy: str, **overrides):
    return load_run_scenario("plaza", {"strategy": strategy, "duration": 900, "agents": 3, "seed": 4, **overrides})


@pytest.mark.parametrize("strategy", ["gbs", "hpcc", "dtag"])
def test_answering_deferred_decisions_reproduces_the_strategy_run(strategy):
    sc = scenario(strategy)
    direct = make(sc).run()
    inner = make_strategy(sc)
    sim = make(sc, strategy=Deferring(inner))
    stops = 0
    while True:
        sim.advance_to(sc.duration)
        agent = sim.awaiting
        if agent is None:
            break
        stops += 1
        node = sim.heading_to(agent)
        assert sim.state.standing()[agent] and sim.now <= sc.duration
        sim.answer(inner.decide(agent, node, sim.now, sim.view))
    deferred = sim.run()
    assert stops == direct.run["decisions"] == deferred.run["decisions"]
    assert deferred.metrics == direct.metrics
    for table in ("nodes", "agents", "series"):
        a, b = getattr(direct, table), getattr(deferred, table)
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])


def test_an_awaiting_agent_must_be_answered_before_the_run_goes_on():
    sc = scenario("gbs")
    sim = make(sc, strategy=Deferring(make_strategy(sc)))
    with pytest.raises(RuntimeError, match="no agent awaits"):
        sim.answer(0)
    sim.advance_to(100.0)
    assert sim.awaiting == 0 and sim.now == 0.0  # agent 0 decides first at its start, at time 0
    with pytest.raises(RuntimeError, match="awaits a decision"):
        sim.advance_to(100.0)
    with pytest.raises(RuntimeError, match="awaits a decision"):
        sim.run()
    sim.answer(Hold(5.0))  # a hold answers too: the agent stands 5 s, then asks again
    sim.advance_to(100.0)
    assert sim.awaiting == 1 and sim.now == 0.0


def test_cleared_idleness_is_credited_to_the_visiting_agent():
    # every closed revisit interval is credited to the agent whose visit closed it, so the agents'
    # credits add up to the sum of all intervals; with sensing, sensed nodes count too
    for overrides in ({}, {"sensing_radius": 3.0}, {"agents.wait": 5.0}):
        sc = scenario("cr", **overrides)
        sim = make(sc)
        sim.run()
        st = sim.state
        total = st.node_totals(sim.now).interval_sum.sum()
        assert st.cleared_s.sum() == pytest.approx(total, rel=1e-12)
        assert (st.cleared_s > 0).all()


def test_a_warm_up_restarts_the_intervals_but_not_the_credits():
    sc = scenario("cr")
    sim = make(dataclasses.replace(sc, warmup=300.0))
    sim.advance_to(299.0)
    before = sim.state.cleared_s.copy()
    sim.run()
    assert (sim.state.cleared_s >= before).all()
    after_warmup = sim.state.node_totals(sim.now).interval_sum.sum()
    assert sim.state.cleared_s.sum() > after_warmup  # the credits also hold the warm-up's visits
