"""Compiled searches agree with scipy's Dijkstra; early stops and the best-goal search are exact."""

import numpy as np
from scipy.sparse.csgraph import dijkstra

from patrolsim.maps.model import PatrolMap
from patrolsim.maps.occupancy import grid_map
from patrolsim.algorithms.search import GraphSearch


def random_planar(n=120, seed=0):
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)) * 100
    edges = {
        tuple(sorted((int(s[a]), int(s[b]))))
        for s in Delaunay(pos).simplices
        for a in range(3)
        for b in range(a + 1, 3)
    }
    return PatrolMap.from_edges("planar", pos, np.array(sorted(edges)))


def test_rows_match_scipy_with_heap_and_buckets():
    for pmap in (random_planar(), grid_map("g", np.ones((9, 7), bool), connectivity=8)):
        ref = dijkstra(pmap.adjacency(), directed=False)
        gs = GraphSearch.of(pmap)
        for u in range(0, pmap.n_nodes, 7):
            assert np.allclose(gs.row(u), ref[u])
    assert GraphSearch.of(grid_map("g", np.ones((3, 3), bool))).width > 0  # buckets on grids


def test_target_limit_and_paths():
    pmap = random_planar()
    ref = dijkstra(pmap.adjacency(), directed=False)
    gs = GraphSearch.of(pmap)
    assert np.isclose(gs.distance(3, 77), ref[3, 77])
    path = gs.path(3, 77)
    assert path[-1] == 77 and np.isclose(sum(pmap.edge_length(a, b) for a, b in zip([3] + path, path)), ref[3, 77])
    gs.run([3], limit=30.0)
    inside = np.isfinite(gs.dist)
    assert np.all(ref[3][inside] <= 30) and np.all(ref[3][~inside] > 30)
    assert np.allclose(gs.dist[inside], ref[3][inside])


def test_best_goal_is_the_exact_argmax_and_respects_the_mask():
    pmap = random_planar()
    ref = dijkstra(pmap.adjacency(), directed=False)
    rng = np.random.default_rng(1)
    gs = GraphSearch.of(pmap)
    for u in range(0, 120, 11):
        gain = rng.random(120) * 80
        allowed = rng.random(120) > 0.3
        score = np.where(allowed, gain - 0.7 * ref[u], -np.inf)
        score[u] = -np.inf
        assert gs.best(u, gain, 0.7, allowed, rng) == int(np.argmax(score))


def test_multi_source_owners_form_connected_cells():
    pmap = grid_map("g", np.ones((12, 12), bool))
    gs = GraphSearch.of(pmap)
    gs.run([0, 143, 70], init=[0.0, 4.0, 2.0])
    owner = gs.owner.copy()
    for k in range(3):
        assert pmap.subgraph(np.flatnonzero(owner == k)).component_labels().max() == 0
    ref = dijkstra(pmap.adjacency(), directed=False, indices=[0, 143, 70]) + np.array([[0.0], [4.0], [2.0]])
    assert np.allclose(gs.dist, ref.min(axis=0))


def test_node_scale_makes_idle_routes_cheaper():
    # square 0-1-3 and 0-2-3, equal lengths: scaling node 2 down routes through it
    pmap = PatrolMap.from_edges(
        "sq", np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float), np.array([[0, 1], [1, 3], [0, 2], [2, 3]])
    )
    gs = GraphSearch.of(pmap)
    assert gs.path(0, 3, node_scale=np.array([1, 1, 0.5, 1.0])) == [2, 3]
    assert gs.path(0, 3, node_scale=np.array([1, 0.5, 1, 1.0])) == [1, 3]
