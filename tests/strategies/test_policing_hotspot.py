"""hotspot-dwell: which nodes are hot spots, dwell lengths, revisit deadlines, patrol in between."""

import numpy as np
import pytest

from policing_world import ring, simulation


def hot_ring():
    """20 nodes, 10 m apart (200 m round); nodes 0 and 10 weigh 5, node 1 weighs 4, the rest 1."""
    w = np.ones(20)
    w[[0, 10]] = 5.0
    w[1] = 4.0
    return ring(20, weights=w)


PARAMS = dict(hotspots=3, separation_m=30.0, dwell_s=120.0, max_revisit_s=600.0, between_s=200.0, observe_s=30.0)


def test_hotspots_are_the_heaviest_separated_nodes():
    sim = simulation(hot_ring(), "hotspot-dwell", duration=10.0, **PARAMS)
    # 0 and 10 first (weight 5, ties by id); node 1 (weight 4) is 10 m from node 0, too close
    assert sim.strategy.hotspots.tolist()[:2] == [0, 10]
    assert 1 not in sim.strategy.hotspots.tolist()
    assert all(
        sim.map.distances.matrix[a, b] >= 30.0 for a in sim.strategy.hotspots for b in sim.strategy.hotspots if a != b
    )


def test_dwells_deadlines_and_patrol_between():
    sim = simulation(hot_ring(), "hotspot-dwell", starts=[3], duration=6000.0, **{**PARAMS, "hotspots": 2})
    r = sim.run()
    dwells = sim.strategy.dwells
    # first: the nearest hot spot (node 0, 30 m away), reached at 30 s, left at 150 s
    assert dwells[0] == (0, 0, 30.0, 150.0)
    assert all(end - start == pytest.approx(120.0) for _, _, start, end in dwells)
    assert {node for node, *_ in dwells} == {0, 10}
    for h in (0, 10):
        mine = [(s, e) for node, _, s, e in dwells if node == h]
        assert mine[0][0] <= 600.0
        gaps = [s2 - e1 for (_, e1), (s2, _) in zip(mine, mine[1:])]
        assert gaps and max(gaps) <= 600.0 + 1e-9  # the revisit deadline holds
    # between two stops the agent patrols elsewhere: at least between_s unless a deadline cuts it short
    ordered = sorted(dwells, key=lambda d: d[2])
    breaks = [b[2] - a[3] for a, b in zip(ordered, ordered[1:])]
    assert min(breaks) > 0 and max(breaks) >= 200.0
    assert r.metrics["coverage"] == 1.0
    assert np.all(r.nodes["visits"] > 0)
    # while dwelling the hot spot is recorded as seen every observe_s seconds: 120 / 30 + 1 times a stop
    stops_at_0 = sum(1 for node, *_ in dwells if node == 0)
    assert r.nodes["visits"][0] >= 5 * stops_at_0


def test_two_agents_never_share_a_hot_spot():
    sim = simulation(hot_ring(), "hotspot-dwell", agents=2, starts=[5, 15], duration=6000.0, **PARAMS)
    sim.run()
    by_spot = {}
    for node, agent, start, end in sim.strategy.dwells:
        by_spot.setdefault(node, []).append((start, end))
    assert len(by_spot) == 3
    for spans in by_spot.values():
        spans.sort()
        assert all(s2 >= e1 for (_, e1), (s2, _) in zip(spans, spans[1:]))


def test_dispatch_cuts_a_dwell_short():
    sim = simulation(hot_ring(), "hotspot-dwell", starts=[3], duration=3000.0, **{**PARAMS, "hotspots": 2})
    sim.advance_to(100.0)  # dwelling at node 0 since 30 s; last observation at 90 s
    assert sim.heading_to(0) == 0

    def back(s, agent, node, t):
        s.release(agent)

    sim.take_control(0, [19, 18, 17], back)
    sim.advance_to(3000.0)
    first = sim.strategy.dwells[0]
    assert first == (0, 0, 30.0, 90.0)
    assert len(sim.strategy.dwells) > 2
