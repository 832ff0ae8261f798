"""The predictive risk layer: Ensign et al. (2018) correction weights, steering, and the feedback loop."""

import numpy as np

from patrolsim.build import make
from patrolsim.scenario import scenario_from_dict
from patrolsim.incidents import manager_of


def run(tmp_path, mode, days=12.0, seed=1):
    m = tmp_path / "two_areas.txt"
    m.write_text("cell_size: 100\n11222\n")  # areas {0, 1} (weight 2 in all) and {2, 3, 4} (weight 6)
    data = {
        "map": str(m),
        "duration": days * 86400.0,
        "seed": seed,
        "agents": {"count": 2, "speed": 1.0},
        "strategy": {"name": "random"},
        "incidents": {
            "stream": "hotspot",
            "rate_per_hour": 4,
            "reported_share": 0,
            "detection_prob": 0.5,
            "lifetime_s": 1800,
            "service_mean_s": 60,
            "ledger_region_m": 250,
            "predictive": mode,
            "predictive_period_s": 3600,
        },
        "dispatch": {"tick_s": 3600},
    }
    sim = make(scenario_from_dict(data, source="p.toml"))
    return sim, sim.run()


def test_correction_weights_by_hand(tmp_path):
    sim, _ = run(tmp_path, "corrected", days=0.1)
    layer = manager_of(sim).predictive
    layer.alloc = np.array([0.2, 0.8])
    layer._pending[:] = 0
    layer.record(0, discovered=True)  # 1 / (K p) = 1 / (2 * 0.2)
    layer.record(4, discovered=True)  # 1 / (2 * 0.8)
    layer.record(1, discovered=False)  # reported: 1
    assert np.allclose(layer._pending, [2.5 + 1.0, 0.625])
    sim, _ = run(tmp_path, "naive", days=0.1)
    layer = manager_of(sim).predictive
    layer._pending[:] = 0
    layer.record(0, discovered=True)
    assert layer._pending.tolist() == [1.0, 0.0]


def test_agents_patrol_their_area(tmp_path):
    sim, result = run(tmp_path, "naive", days=0.5)
    layer = manager_of(sim).predictive
    goals = sim.agent_goals()
    for agent in range(2):
        assert set(goals[agent][1:]) <= set(np.flatnonzero(layer.area == layer.region[agent]).tolist())
    assert result.areas["risk_share"].sum() == 1.0


def test_naive_loop_runs_away_and_correction_holds_it_back(tmp_path):
    """True shares 0.25 / 0.75, everything discoverable: the naive layer piles the patrols into the
    busier area far beyond its share; the corrected one stays near the true shares."""
    _, naive = run(tmp_path, "naive")
    _, corrected = run(tmp_path, "corrected")
    assert naive.metrics["predictive_top_share"] > 0.85
    assert corrected.metrics["predictive_top_share"] < 0.8
    assert naive.metrics["predictive_tv_distance"] > corrected.metrics["predictive_tv_distance"] + 0.05
