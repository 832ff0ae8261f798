"""risk and proportional: exact goal search, hot-spot focus, and visit shares of the Metropolis walk."""

import numpy as np
import pytest

from patrolsim.maps.model import PatrolMap
from patrolsim.algorithms.goal_search import GoalIndex, path_length_factors
from policing_world import ring, simulation


def test_goal_search_is_exact():
    # the pruned search returns the brute-force argmax, also when edges are shorter than the
    # straight line between their ends (path-length factors < 1)
    rng = np.random.default_rng(3)
    for trial in range(200):
        n = 40
        pos = rng.uniform(0, 200, (n, 2))
        edges = np.array([(i, i + 1) for i in range(n - 1)] + [tuple(e) for e in rng.integers(0, n, (60, 2))])
        lengths = np.linalg.norm(pos[edges[:, 0]] - pos[edges[:, 1]], axis=1) * rng.uniform(0.6, 2.0, len(edges))
        lengths = np.maximum(lengths, 1.0)
        m = PatrolMap.from_edges("r", pos, edges, lengths)
        s2, s1 = path_length_factors(m.positions, m.indptr, m.indices, m.lengths)
        assert 0 < s1 <= s2 <= 1
        gain = rng.uniform(0.1, 1.0, n) ** 3
        idle = rng.uniform(0, 500, n)
        allowed = rng.random(n) > 0.2
        speed, tau, src = 1.5, 30.0, int(rng.integers(n))
        index = GoalIndex(m, gain, per_bucket=int(rng.integers(1, 12)))  # small buckets: refinement
        extra, limit = (rng.uniform(0, 100, n), rng.uniform(50, 250)) if trial % 2 else (np.zeros(n), np.inf)
        goal, path = index.best(src, speed, idle, allowed, tau, extra, limit)
        path = path.tolist()
        t = m.distances.row(src) / speed
        score = np.where(allowed & (t + extra <= limit), gain * (idle + t) / (t + tau), -np.inf)
        score[src] = -np.inf
        if not np.isfinite(score.max()):
            assert goal == -1 and path == []
            continue
        score[src] = -np.inf
        assert score[goal] == pytest.approx(score.max(), rel=1e-12)
        assert path[-1] == goal and path[0] in m.neighbours(src).tolist()
        assert sum(m.edge_length(a, b) for a, b in zip([src] + path[:-1], path)) == pytest.approx(t[goal] * speed)


def test_goal_search_respects_deadline_limit():
    m = ring(10)
    idle = np.zeros(10)
    idle[5] = 1000.0
    extra = np.full(10, 20.0)
    index = GoalIndex(m, np.ones(10), per_bucket=2)
    goal, _ = index.best(0, 1.0, idle, np.ones(10, bool), 60.0, extra, 60.0)
    # node 5 is 50 s away: 50 + 20 > 60, so the best goal within the limit is another node
    assert goal != 5 and m.distances.between(0, goal) + 20.0 <= 60.0
    goal, _ = index.best(0, 1.0, idle, np.ones(10, bool), 60.0, extra, 70.0)
    assert goal == 5


def test_risk_first_goal_by_hand():
    # ring of 8 nodes, 10 m edges, 1 m/s; at t = 100 s nothing has been seen except by the agent at 0
    # score(v) = w^k (100 + T) / (T + 60): with w = 1 everywhere the nearest unclaimed nodes tie; a
    # weight-9 node 3 hops (30 s) away wins once k = 1: 9 * 130 / 90 = 13 > 110 / 70
    w = np.ones(8)
    w[3] = 9.0
    m = ring(8, weights=w)
    sim = simulation(m, "risk", duration=200.0)
    strategy = sim.strategy
    idle = np.full(8, 100.0)
    idle[0] = 0.0
    goal, path = strategy.find_goal(0, 0, sim.view, idle, np.ones(8, bool), np.zeros(8), np.inf)
    assert goal == 3 and path == [1, 2, 3]
    flat = simulation(m, "risk", duration=200.0, exponent=0.0).strategy
    goal, path = flat.find_goal(0, 0, sim.view, idle, np.ones(8, bool), np.zeros(8), np.inf)
    assert goal in (1, 7) and len(path) == 1


def test_risk_exponent_slides_towards_the_hot_spot():
    w = np.ones(12)
    w[6] = 8.0
    m = ring(12, weights=w)
    shares, hot_idle, mean_idle = {}, {}, {}
    for k in (0.0, 1.0, 3.0):
        r = simulation(m, "risk", agents=1, duration=20000.0, exponent=k).run()
        visits = r.nodes["visits"]
        shares[k] = visits[6] / visits.sum()
        hot_idle[k] = r.nodes["time_avg_idleness"][6]
        mean_idle[k] = r.metrics["time_avg_idleness"]
        assert r.metrics["coverage"] == 1.0
    # k = 0: the plain idleness patrol, once round the ring: 12 x 10 s, mean idleness 60 s everywhere
    assert shares[0.0] == pytest.approx(1 / 12, abs=0.005)
    assert hot_idle[0.0] == pytest.approx(60.0, abs=1.0)
    # focus buys the hot spot a shorter idleness at the price of the rest of the map
    assert shares[0.0] < shares[1.0] < shares[3.0]
    assert hot_idle[0.0] > hot_idle[1.0] > hot_idle[3.0]
    assert mean_idle[0.0] < mean_idle[1.0] < mean_idle[3.0]


def test_risk_agents_never_share_a_goal():
    m = ring(16)
    sim = simulation(m, "risk", agents=3, starts=[0, 1, 2], duration=3000.0)
    strategy = sim.strategy
    seen = []
    original = strategy.decide

    def watched(agent, node, t, view):
        out = original(agent, node, t, view)
        goals = strategy.goal[strategy.goal >= 0]
        seen.append(len(goals) == len(set(goals.tolist())))
        return out

    strategy.decide = watched
    sim.run()
    assert seen and all(seen)


def lollipop() -> PatrolMap:
    """A non-regular graph (degrees 1 to 7): a 5-clique with five nodes hung on 1 to 3 of its nodes."""
    clique = [(a, b) for a in range(5) for b in range(a + 1, 5)]
    hung = [(5, 0), (6, 0), (6, 1), (7, 2), (7, 3), (7, 4), (8, 4), (9, 1), (9, 8)]
    rng = np.random.default_rng(0)
    pos = rng.uniform(0, 30, (10, 2))
    weights = np.array([1, 2, 1, 4, 1, 3, 1, 6, 2, 5], dtype=float)
    return PatrolMap.from_edges("lollipop", pos, np.array(clique + hung), np.full(len(clique + hung), 5.0), weights)


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0])
def test_proportional_visit_shares_converge(alpha):
    m = lollipop()
    assert len(set(np.diff(m.indptr).tolist())) >= 4
    sim = simulation(m, "proportional", agents=4, starts=[0, 5, 7, 9], duration=100000.0, alpha=alpha)
    target = m.weights**alpha / (m.weights**alpha).sum()
    assert sim.strategy.target_share == pytest.approx(target)
    r = sim.run()
    share = r.nodes["visits"] / r.nodes["visits"].sum()
    assert 0.5 * np.abs(share - target).sum() < 0.02  # total variation distance
    assert share == pytest.approx(target, abs=0.015)


def test_proportional_acceptance_is_degree_corrected():
    m = lollipop()
    sim = simulation(m, "proportional", duration=10.0, alpha=1.0)
    acc = sim.strategy.accept
    # 0 -> 5: degree 6 -> 1, weight 1 -> 3: accept min(1, 3 * 6 / (1 * 1)) = 1; back: 1 * 1 / (3 * 6)
    k05 = m.indptr[0] + list(m.neighbours(0)).index(5)
    k50 = m.indptr[5] + list(m.neighbours(5)).index(0)
    assert acc[k05] == 1.0 and acc[k50] == pytest.approx(1 / 18)
