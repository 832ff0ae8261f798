"""The unpredictability metric (entropy of next-node choices) for every built-in strategy."""

import numpy as np
import pytest

from patrolsim.output import summary_text
from patrolsim.strategies.registry import BUILTIN
from policing_world import ring, simulation


def test_uniform_random_walk_on_a_ring_has_one_bit():
    r = simulation(ring(10), "random", agents=2, duration=20000.0).run()
    assert r.metrics["choice_entropy_bits"] == pytest.approx(1.0, abs=0.005)


def test_proportional_walk_with_equal_weights_on_a_ring_has_one_bit():
    # equal weights and degrees: every proposal is accepted, a uniform random walk
    r = simulation(ring(10), "proportional", agents=2, duration=20000.0).run()
    assert r.metrics["choice_entropy_bits"] == pytest.approx(1.0, abs=0.005)


@pytest.mark.parametrize("name", ["cr", "risk", "posts"])
def test_cyclic_or_stationary_patrols_are_predictable(name):
    # one conscientious agent on a ring goes round and round in one direction once every node has
    # been seen (before that, equal idleness ties are broken at random: the warm-up); risk does the
    # same; a post is walked to once and then never left
    r = simulation(ring(10), name, duration=5000.0, warmup=1000.0).run()
    assert r.metrics["choice_entropy_bits"] == pytest.approx(0.0, abs=0.01)


#: parameters a strategy cannot run without
NEEDS = {"route": {"routes": [[0, 4, 8]]}}


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_strategy_reports_entropy_within_bounds(name):
    r = simulation(ring(12), name, agents=2, duration=2000.0, **NEEDS.get(name, {})).run()  # degree 2: at most 1 bit
    h = r.metrics["choice_entropy_bits"]
    assert 0.0 <= h <= np.log2(2) + 1e-12
    assert "next-node entropy" in summary_text(r)
    assert f"{h:.2f} bits" in summary_text(r)
