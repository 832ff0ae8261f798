"""Tours visit every node, follow edges when expanded, find optimal cycles on small maps;
edge walks traverse every edge."""

import numpy as np

from patrolsim.maps import load_map
from patrolsim.maps.occupancy import grid_map
from patrolsim.algorithms.tours import walk_lengths
from patrolsim.algorithms.tours import edge_walk, expand_walk, tour_length, tsp_tour


def test_grid_tour_is_within_ten_percent_of_the_hamiltonian_cycle(ring_map):
    pmap = grid_map("g", np.ones((4, 6), bool))
    order = tsp_tour(pmap, start=5)
    assert order[0] == 5 and sorted(order.tolist()) == list(range(24))
    assert tour_length(order, pmap.distances.matrix) <= 24 * 1.1
    ring = ring_map([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    assert np.isclose(tour_length(tsp_tour(ring), ring.distances.matrix), 31.0)


def test_expanded_walk_follows_edges_and_marks_every_node_as_a_stop_once():
    pmap = load_map("maps/mesa_az")
    order = tsp_tour(pmap)
    nodes, stop = expand_walk(pmap, order)
    assert all(b in pmap.neighbours(a) for a, b in zip(nodes, np.roll(nodes, -1)))
    assert sorted(nodes[stop].tolist()) == list(range(pmap.n_nodes))
    assert np.isclose(walk_lengths(pmap, nodes).sum(), tour_length(order, pmap.distances.matrix))
    # better than the trivial bound of twice a spanning tree's length
    assert walk_lengths(pmap, nodes).sum() < 2 * pmap.total_length()


def test_large_map_tour_uses_graph_searches(monkeypatch):
    import patrolsim.algorithms.tours as tours

    monkeypatch.setattr(tours, "MATRIX_MAX", 10)
    pmap = grid_map("g", np.ones((8, 8), bool))
    order = tours.tsp_tour(pmap)
    assert sorted(order.tolist()) == list(range(64))
    assert tour_length(order, pmap.distances.matrix) <= 64 * 1.15


def test_edge_walk_traverses_every_edge():
    for pmap in (load_map("maps/ring_road.gml"), grid_map("g", np.ones((5, 5), bool))):
        walk = edge_walk(pmap, start=2)
        assert walk[0] == 2
        steps = {tuple(sorted((int(a), int(b)))) for a, b in zip(walk, np.roll(walk, -1))}
        u, v, _ = pmap.edge_list()
        assert steps == {tuple(sorted((int(a), int(b)))) for a, b in zip(u, v)}
        assert all(b in pmap.neighbours(a) for a, b in zip(walk, np.roll(walk, -1)))
