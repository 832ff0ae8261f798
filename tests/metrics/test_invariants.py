"""Metric invariants on random small maps, teams and strategies (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from patrolsim.build import make
from patrolsim.maps.occupancy import grid_map
from patrolsim.scenario import scenario_from_dict


@st.composite
def runs(draw):
    rows, cols = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    free = np.array(draw(st.lists(st.booleans(), min_size=rows * cols, max_size=rows * cols)))
    free = free.reshape(rows, cols)
    free[0, 0] = True
    pmap = grid_map("h", free, connectivity=draw(st.sampled_from([4, 8])), largest_component=True)
    data = {
        "duration": draw(st.floats(1.0, 60.0)),
        "seed": draw(st.integers(0, 2**32)),
        "warmup": 0.0,
        "sample_interval": 1.0,
        "agents": {
            "count": draw(st.integers(1, 4)),
            "speed": draw(st.floats(0.3, 3.0)),
            "sensing_radius": draw(st.sampled_from([0.0, 1.5])),
        },
        "strategy": {"name": draw(st.sampled_from(["random", "cr", "hcr", "hpcc"]))},
    }
    return scenario_from_dict(data, pmap=pmap)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(runs())
def test_metric_invariants(sc):
    r = make(sc).run()
    m, nodes, T = r.metrics, r.nodes, sc.duration
    assert 0 <= m["time_avg_idleness"] <= T / 2 + 1e-9
    assert m["time_avg_idleness"] <= m["worst_idleness"] + 1e-9 <= T + 1e-9
    assert (nodes["time_avg_idleness"] >= 0).all()
    assert m["visits_total"] == nodes["visits"].sum()
    assert m["complete_cycles"] == nodes["visits"].min()
    assert m["coverage"] == np.mean(nodes["visits"] > 0)
    assert (np.isnan(nodes["first_visit"]) == (nodes["visits"] == 0)).all()
    if m["intervals_total"]:
        tol = 1e-9 * (1 + m["worst_idleness"])
        assert m["mean_interval"] <= m["interval_qmean"] + tol <= m["worst_idleness"] + 2 * tol
    assert m["distance_total_m"] <= sum(sc.agents.speeds) * T + 1e-6
    cov = r.series["coverage"]
    assert (np.diff(cov) >= 0).all() and cov[-1] == m["coverage"]  # run() samples the end
    assert r.series["t"][-1] == T
    for w in sc.coverage_windows:
        assert m[f"coverage_within_{w:g}s"] <= m["coverage"]
