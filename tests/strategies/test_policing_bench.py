"""The policing benchmark runs and reports one row per policing strategy (small map: a smoke test)."""

from patrolsim.bench.policing import STRATEGIES, policing_benchmarks, risk_grid


def test_risk_grid_has_hot_spots():
    m = risk_grid(30)
    assert m.n_nodes == 900 and 1.0 <= m.weights.min() < 1.1 and m.weights.max() > 9.0


def test_benchmark_rows():
    rows = policing_benchmarks(quick=True, side=20, agents=2)
    assert [r["strategy"] for r in rows] == list(STRATEGIES)
    for r in rows:
        assert r["nodes"] == 400 and r["decisions"] > 0 and r["decisions_per_s"] > 0 and r["setup_s"] >= 0
