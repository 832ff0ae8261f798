"""The shipped policing scenarios load and show their strategy's behaviour in a short run."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim.build import make
from patrolsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    "name, strategy",
    [
        ("mall_posts", "posts"),
        ("city_hotspot_patrol", "hotspot-dwell"),
        ("city_risk_patrol", "risk"),
        ("mesa_proportional_patrol", "proportional"),
    ],
)
def test_policing_scenario_runs(name, strategy):
    sc = load_scenario(SCENARIOS / f"{name}.toml", duration=1800)
    sim = make(sc)
    r = sim.run()
    assert r.run["strategy"] == strategy and r.metrics["visits_total"] > 0
    if strategy == "posts":  # guards answer every call and are back at their posts once it is served
        assert r.metrics["calls"] > 0 and r.metrics["response_count"] == r.metrics["calls"]
        sim.advance_to(sim.now + 7200.0 - 1800.0)
        at_post = np.all(np.isclose(sim.agent_positions(), sim.map.positions[sim.strategy.posts]), axis=1)
        assert at_post.sum() >= 2
    if strategy == "hotspot-dwell":
        assert len(sim.strategy.hotspots) == 5 and sim.strategy.dwells
