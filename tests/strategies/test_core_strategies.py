"""random, cr, hcr and hpcc on maps small enough to reason about by hand."""

import numpy as np
import pytest

from patrolsim.build import make
from patrolsim.errors import StrategyError
from patrolsim.strategies import available, strategy_class

RING = """
...
.#.
...
"""  # an 8-cell ring of 1 m edges


def test_cr_cycles_a_ring(make_scenario, ascii_map):
    # after its first step cr never turns back (the node behind it is the least idle), so on a
    # ring of 8 every node is revisited exactly every 8 s
    r = make(make_scenario(ascii_map(RING), strategy="cr", duration=40)).run()
    assert r.nodes["max_interval"].tolist() == [8.0] * 8
    assert r.metrics["worst_idleness"] == 8.0
    assert r.metrics["choice_entropy_bits"] == 0.0  # after a node is known, the next is certain


@pytest.mark.parametrize("strategy", ["cr", "hcr"])
@pytest.mark.parametrize("seed", range(1, 9))
def test_a_never_seen_node_is_idler_than_the_start(make_scenario, ascii_map, strategy, seed):
    # a corridor 0 - 1 - 2 of 1 m cells, starting at 0: at node 1 (t = 1) the start, seen at t = 0, and
    # node 2, never seen, must not tie (as they would if the unseen node counted as seen at t0): every
    # seed goes on to 2, then back through 1 to 0
    sc = make_scenario(ascii_map("..."), strategy=strategy, duration=4, seed=seed, agent_keys={"starts": [0]})
    sim = make(sc)
    seen = []
    sim.on_visits(lambda t, nodes, agents: seen.extend(zip(t.tolist(), nodes.tolist())))
    sim.advance_to(0.5)
    assert sim.idleness().tolist() == [0.5, 0.5, 0.5]  # the metrics still count every node as seen at t0
    r = sim.run()
    assert seen == [(0.0, 0), (1.0, 1), (2.0, 2), (3.0, 1), (4.0, 0)]
    assert r.nodes["max_interval"].tolist() == [4.0, 2.0, 2.0]


def test_random_walk_is_a_fair_coin_on_a_ring(make_scenario, ascii_map):
    r = make(make_scenario(ascii_map(RING), strategy="random", duration=20000)).run()
    assert r.metrics["choice_entropy_bits"] == pytest.approx(1.0, abs=0.01)


def test_hcr_without_idleness_prefers_short_edges(make_scenario, ascii_map):
    path = ascii_map("connectivity: 8\n....\n....\n....")
    sc = make_scenario(path, strategy="hcr", duration=30, strategy_keys={"w_idle": 0.0})
    r = make(sc).run()
    assert r.metrics["distance_total_m"] == 30.0  # only 1 m orthogonal moves, never 1.41 m diagonals


def test_hcr_without_distance_term_is_cr(make_scenario, ascii_map):
    path = ascii_map("connectivity: 8\n.....\n..#..\n.....")
    cr = make(make_scenario(path, strategy="cr", duration=200, agents=2)).run()
    hcr = make(make_scenario(path, strategy="hcr", duration=200, agents=2, strategy_keys={"w_dist": 0.0})).run()
    assert hcr.metrics == cr.metrics


def test_hpcc_goes_for_the_idlest_node(make_scenario, ascii_map):
    # with nearness ignored, the goal is always the node this agent saw longest ago: on a corridor
    # that is the far end, so after the first sweep every node is seen at least every 8 s
    sc = make_scenario(
        ascii_map("....."),
        strategy="hpcc",
        duration=100,
        warmup=20,
        strategy_keys={"w_dist": 0.0, "path_bias": 0.0},
        agent_keys={"starts": [0]},
    )
    r = make(sc).run()
    assert r.metrics["worst_idleness"] == 8.0
    assert r.run["decisions"] < r.run["arrivals"] / 3  # one decision per 4-node sweep


def test_registry_lists_and_rejects():
    names = [n for n, _, _ in available()]
    assert {"random", "cr", "hcr", "hpcc"} <= set(names)
    with pytest.raises(StrategyError, match="did you mean 'hcr'"):
        strategy_class("hrc")
    with pytest.raises(StrategyError, match="cannot import"):
        strategy_class("nosuchmodule:Thing")


def test_bad_parameter_is_named(make_scenario, ascii_map):
    from patrolsim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"strategy.w_idel.*did you mean 'w_idle'"):
        make_scenario(ascii_map("..."), strategy="hcr", strategy_keys={"w_idel": 1.0})
    with pytest.raises(ScenarioError, match=r"strategy.path_bias.*expected a value in"):
        make_scenario(ascii_map("..."), strategy="hpcc", strategy_keys={"path_bias": 2.0})
