"""Strategies on directed maps (one-way streets): every coordinated strategy visits every node of a
strongly connected directed graph within a bounded time, with plans that follow the edges' directions
(a plan against a one-way edge would stop the run); cgg's tour, its edge walk and msp's region walks
follow the directions; posts' agents reach their posts.

Graphs: the street-like and grid graphs of ``graphs.random_graph`` with about a third of their edges
made one-way (in a random direction, kept only while the graph stays strongly connected), and a
Manhattan grid of alternating one-way streets. W = the sum of every direction's length (at 1 m/s): a
closed walk along every direction of every edge takes W at most twice over, so the bound is 4 W as for
undirected maps."""

import numpy as np
import pytest
from graphs import random_graph
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from patrolsim.algorithms.refine import directed_region_walk
from patrolsim.algorithms.tours import best_tour, edge_walk, expand_walk, walk_lengths
from patrolsim.maps.model import PatrolMap
from patrolsim.strategies.registry import BUILTIN

UNCOORDINATED = {"random", "proportional", "posts", "route"}  # route: the planner's own waypoints
COORDINATED = [name for name in BUILTIN if name not in UNCOORDINATED]


def one_way(pmap: PatrolMap, seed: int, share: float = 0.35) -> PatrolMap:
    """``pmap`` with about ``share`` of its edges one-way, each kept one-way only if the graph stays
    strongly connected."""
    rng = np.random.default_rng(seed)
    u, v, lens = pmap.edge_list()
    both = np.ones(u.size, dtype=bool)
    forward = rng.random(u.size) < 0.5

    def arcs(mask):
        a = np.concatenate([np.where(forward, u, v), np.where(forward[mask], v[mask], u[mask])])
        b = np.concatenate([np.where(forward, v, u), np.where(forward[mask], u[mask], v[mask])])
        return np.column_stack([a, b]), np.concatenate([lens, lens[mask]])

    for k in rng.permutation(u.size)[: int(share * u.size)]:
        both[k] = False
        edges, _ = arcs(both)
        adj = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(pmap.n_nodes,) * 2)
        if connected_components(adj, directed=True, connection="strong")[0] > 1:
            both[k] = True
    edges, lengths = arcs(both)
    return PatrolMap.from_edges(f"one-way {pmap.name}", pmap.positions, edges, lengths, directed=True)


def manhattan(rows: int = 4, cols: int = 4, block: float = 50.0) -> PatrolMap:
    """A grid whose rows run east and west in turn and whose columns run north and south in turn."""
    xy = np.array([(c * block, r * block) for r in range(rows) for c in range(cols)], dtype=float)
    arcs = []
    for r in range(rows):
        for c in range(cols - 1):
            a, b = r * cols + c, r * cols + c + 1
            arcs.append((a, b) if r % 2 == 0 else (b, a))
    for c in range(cols):
        for r in range(rows - 1):
            a, b = r * cols + c, (r + 1) * cols + c
            arcs.append((a, b) if c % 2 == 0 else (b, a))
    # the border two-way, so that every corner can be left and entered
    arcs += [(b, a) for a, b in arcs if a // cols in (0, rows - 1) and b // cols in (0, rows - 1)]
    arcs += [(b, a) for a, b in arcs if a % cols in (0, cols - 1) and b % cols in (0, cols - 1)]
    return PatrolMap.from_edges("manhattan", xy, np.array(arcs), directed=True)


GRAPHS = [manhattan()] + [
    one_way(random_graph(kind, n, seed), seed)
    for kind, n, seed in [("street", 30, 1), ("grid", 25, 2), ("street", 50, 3), ("cycle", 12, 4)]
]


def test_the_graphs_are_directed_and_strongly_connected():
    for m in GRAPHS:
        assert m.directed and m.n_one_way > 0, m.name
        assert connected_components(m.adjacency(), directed=True, connection="strong")[0] == 1


@pytest.mark.parametrize("name", COORDINATED)
@pytest.mark.parametrize(("graph", "agents"), [(0, 3), (1, 1), (2, 4), (3, 2), (4, 2)])
def test_every_node_is_visited_within_a_bounded_time(sim_of, name, graph, agents):
    pmap = GRAPHS[graph]
    w = float(pmap.lengths.sum())
    params, bound = {}, 4.0 * w
    if name == "hotspot-dwell":
        params = {"dwell_s": 60.0, "between_s": w, "max_revisit_s": 2.0 * w}
        bound += 60.0
    res = sim_of(pmap, name, agents, duration=9.0 * w, warmup=w, seed=graph + 1, params=params).run()
    where = f"{name} on {pmap.name} with {agents} agents"
    assert res.metrics["coverage"] == 1.0, where
    assert res.metrics["worst_idleness"] <= bound, f"{where}: worst {res.metrics['worst_idleness']:.0f} s"


@pytest.mark.parametrize("graph", range(len(GRAPHS)))
def test_tours_and_walks_follow_the_directions(graph):
    pmap = GRAPHS[graph]
    tour = best_tour(pmap)
    assert sorted(tour.tolist()) == list(range(pmap.n_nodes))
    nodes, stop = expand_walk(pmap, tour)
    lengths = walk_lengths(pmap, nodes)  # raises KeyError for a step that is not an edge u -> v
    assert nodes[stop].tolist() == tour.tolist()
    # the walk's length is the tour's on the directed distances: each leg a shortest directed path
    assert lengths.sum() == pytest.approx(sum(pmap.distances.between(a, b) for a, b in zip(tour, np.roll(tour, -1))))
    walk = edge_walk(pmap, 0)
    steps = set(zip(walk.tolist(), np.roll(walk, -1).tolist()))
    u, v, _ = pmap.arcs()
    assert steps >= set(zip(u.tolist(), v.tolist()))  # every direction of every edge
    walk_lengths(pmap, walk)
    members = np.arange(0, pmap.n_nodes, 3)
    region = directed_region_walk(pmap, members, [0])
    assert np.array_equal(np.unique(region.nodes[region.stop]), members)
    assert region.length == pytest.approx(walk_lengths(pmap, region.nodes).sum())


def test_posts_reach_their_posts(sim_of):
    pmap = GRAPHS[0]
    sim = sim_of(pmap, "posts", 3, duration=2000.0)
    sim.run()
    assert sorted(sim.state.heading.tolist()) == sorted(sim.strategy.posts.tolist())


@pytest.mark.parametrize("name", ["cgg", "msp", "posts", "hpcc"])
def test_dispatched_agents_drive_along_the_directions(name):
    """Incidents answered on a one-way grid: every route (to the incident and back onto a tour, region
    or post) follows the edges' directions (a step against one would stop the run), and the incidents
    are answered."""
    from patrolsim.build import make
    from patrolsim.scenario import scenario_from_dict

    pmap = GRAPHS[0]
    data = {
        "duration": 7200.0,
        "seed": 3,
        "agents": {"count": 3, "speed": 2.0},
        "strategy": {"name": name},
        "incidents": {"stream": "poisson", "rate_per_hour": 30, "service_mean_s": [60, 60, 60]},
        "dispatch": {"policy": "nearest-preempt"},
    }
    sim = make(scenario_from_dict(data, pmap=pmap))
    res = sim.run()
    assert res.metrics["incidents_total"] > 20 and res.metrics["response_count"] >= res.metrics["incidents_total"] - 3
    assert res.metrics["response_mean_s"] > 0


def test_region_walk_without_the_distance_matrix():
    """A map too large for the full distance matrix: the region's tour is grown by graph searches."""
    from patrolsim.maps.distances import DistanceOracle

    pmap = one_way(random_graph("street", 40, 5), 5)
    pmap.__dict__["distances"] = DistanceOracle(pmap, budget_bytes=0)  # no matrix: rows on demand
    assert not pmap.distances.full
    members = np.arange(1, pmap.n_nodes, 2)
    region = directed_region_walk(pmap, members, [0])
    assert np.array_equal(np.unique(region.nodes[region.stop]), members)
    assert region.length == pytest.approx(walk_lengths(pmap, region.nodes).sum())
