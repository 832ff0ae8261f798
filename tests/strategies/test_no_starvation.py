"""Property: every coordinated strategy (all built-ins but random, proportional, posts and route, which
covers what its routes cover) visits every
node of any connected graph, trees, cycles, grids with holes and street-like graphs of 5-60 nodes, with
1-8 agents, within a bounded time, and starves no node.

W = 2 x the total edge length / speed is the time one agent needs to walk a closed walk through every node
(twice a spanning tree is at most that). After a warm-up of W, over 8 W: every node is visited and no node
waits more than 4 W (a starved node would wait 8 W; the learning cbls took 3.1 W once with one agent on a
12-node tree, and no longer however long it ran). hotspot-dwell returns to its hot spots at its revisit
deadline, so it gets a deadline of 2 W and the bound grows by its dwell. Deterministic: hypothesis is
derandomized and keeps no database; the graphs come from seeds."""

import pytest
from graphs import KINDS, random_graph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patrolsim.strategies.registry import BUILTIN

UNCOORDINATED = {"random", "proportional", "posts", "route"}
COORDINATED = [name for name in BUILTIN if name not in UNCOORDINATED]
DWELL_S = 60.0


def check(sim_of, name: str, kind: str, n: int, agents: int, seed: int) -> None:
    pmap = random_graph(kind, n, seed)
    w = float(pmap.lengths.sum())  # every edge in both directions: 2 x the total length, at 1 m/s
    params, bound = {}, 4.0 * w
    if name == "hotspot-dwell":
        params = {"dwell_s": DWELL_S, "between_s": w, "max_revisit_s": 2.0 * w}
        bound += DWELL_S
    res = sim_of(pmap, name, agents, duration=9.0 * w, warmup=w, seed=seed, params=params).run()
    where = f"{name} on {pmap.name} with {agents} agents"
    assert res.metrics["coverage"] == 1.0, where
    assert res.metrics["worst_idleness"] <= bound, (
        f"{where}: worst {res.metrics['worst_idleness']:.0f} s > {bound:.0f} s"
    )


@pytest.mark.parametrize("name", COORDINATED)
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # sim_of is a stateless factory
)
@given(
    kind=st.sampled_from(KINDS),
    n=st.integers(5, 60),
    agents=st.integers(1, 8),
    seed=st.integers(0, 10_000),
)
def test_every_node_is_visited_within_a_bounded_time(sim_of, name, kind, n, agents, seed):
    check(sim_of, name, kind, n, agents, seed)


@pytest.mark.parametrize("agents", [8, 10, 12, 14])
def test_msp_with_about_as_many_agents_as_nodes(sim_of, agents):
    # 10 agents on a 12-node tree: the bisection gave a side more agents than nodes, an empty region
    # crashed the set-up; 7 agents on 5 nodes: region lengths were kept by region, read by agent
    for kind in KINDS:
        check(sim_of, "msp", kind, 12, agents, 27)
    check(sim_of, "msp", "cycle", 5, 7, 645)
