"""Incident streams: rates, locations, marks, and the Hawkes long-run rate mu / (1 - theta)."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim.incidents.streams import Marks, hawkes_stream, poisson_stream, profile_stream, sample_locations
from patrolsim.maps import load_map

MAPS = Path(__file__).resolve().parents[2] / "maps"


@pytest.fixture(scope="module")
def ring():
    return load_map(MAPS / "ring_road.gml")


def test_poisson_rate_marks_and_sorting(ring):
    marks = Marks(priority_shares=(1, 1, 2), service_mean_s=(100, 200, 300), reported_share=0.25)
    inc = poisson_stream(ring, np.random.default_rng(1), 1000 * 3600.0, 10.0, "nodes", marks)
    assert abs(len(inc) / 10000 - 1) < 0.03
    assert np.all(np.diff(inc.t_s) >= 0) and inc.t_s.max() < 1000 * 3600
    shares = np.bincount(inc.priority, minlength=4)[1:] / len(inc)
    assert np.allclose(shares, [0.25, 0.25, 0.5], atol=0.02)
    assert abs(inc.service_s[inc.priority == 3].mean() / 300 - 1) < 0.05
    assert abs(inc.reported.mean() - 0.25) < 0.02


def test_same_seed_same_stream(ring):
    a = poisson_stream(ring, np.random.default_rng(7), 36000.0, 20.0, "length", Marks())
    b = poisson_stream(ring, np.random.default_rng(7), 36000.0, 20.0, "length", Marks())
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.node, b.node)


def test_hotspot_locations_follow_weights(ring):
    w = np.ones(ring.n_nodes)
    w[3] = 9.0
    node, xy = sample_locations(ring, np.random.default_rng(2), 40000, "weights", w)
    assert abs(np.mean(node == 3) - 9 / (ring.n_nodes + 8)) < 0.01
    assert np.array_equal(xy, ring.positions[node])


def test_street_length_locations_lie_on_edges_and_follow_length(ring):
    node, xy = sample_locations(ring, np.random.default_rng(3), 20000, "length")
    u, v, lens = ring.edge_list()
    a, b = ring.positions[u], ring.positions[v]
    # every point lies on some edge, and is served at a node no farther than half that edge
    cross = (
        np.abs(
            (b - a)[None, :, 0] * (xy[:, None, 1] - a[None, :, 1])
            - (b - a)[None, :, 1] * (xy[:, None, 0] - a[None, :, 0])
        )
        / lens[None]
    )
    assert np.all(cross.min(axis=1) < 1e-6 * lens.max())
    assert np.all(np.linalg.norm(ring.positions[node] - xy, axis=1) <= lens.max() / 2 + 1e-6)


def test_profile_thinning_follows_hourly_multipliers(ring):
    prof = [0.0] * 12 + [3.0] * 12
    inc = profile_stream(ring, np.random.default_rng(4), 200 * 86400.0, 2.0, tuple(prof), "nodes", Marks())
    hours = (inc.t_s // 3600).astype(int) % 24
    assert np.all(hours >= 12)
    assert abs(len(inc) / (200 * 12 * 6.0) - 1) < 0.03


def test_hawkes_long_run_rate_is_mu_over_one_minus_theta(ring):
    mu, theta = 5.0, 0.6
    inc = hawkes_stream(ring, np.random.default_rng(5), 2000 * 3600.0, mu, theta, 2.0, 30.0, "nodes", Marks())
    rate = len(inc) / 2000
    assert abs(rate / (mu / (1 - theta)) - 1) < 0.05
    assert np.all((inc.node >= 0) & (inc.node < ring.n_nodes))


def test_hawkes_clusters_in_time(ring):
    """Triggered events come soon after their parents: more short gaps than a Poisson stream."""
    inc = hawkes_stream(ring, np.random.default_rng(6), 500 * 3600.0, 2.0, 0.7, 30.0, 10.0, "nodes", Marks())
    gaps = np.diff(inc.t_s)
    mean_gap = gaps.mean()
    assert np.mean(gaps < 0.1 * mean_gap) > 1.5 * (1 - np.exp(-0.1))


@pytest.mark.parametrize("theta", [1.0, 1.5, -0.1])
def test_hawkes_rejects_explosive_branching(ring, theta):
    with pytest.raises(ValueError, match="theta"):
        hawkes_stream(ring, np.random.default_rng(0), 3600.0, 1.0, theta, 1.0, 1.0, "nodes", Marks())
