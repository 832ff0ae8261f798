"""Team strategies re-plan when an agent leaves the team (fails, goes to charge) and when it comes back
(``Strategy.team_changed``), driven here by the calls the engine makes: ``take_control`` then
``set_in_service(agent, False)``; ``release`` then ``set_in_service(agent, True)``."""

import numpy as np
import pytest
from conftest import make_scenario, ring

from patrolsim.build import make
from patrolsim.maps.occupancy import grid_map

LOST = 1  # the agent taken out of the team


def team_run(pmap, strategy, agents, out_at=None, back_at=None, duration=3000.0, **options):
    """(sim, visits (t, node, agent) rows, decisions (t, agent)) of a run where agent LOST leaves the team at
    ``out_at`` and comes back at ``back_at`` (None: never)."""
    options.setdefault("starts", list(range(agents)))
    sim = make(make_scenario(pmap, strategy, agents, duration=duration, **options))
    visits, decisions = [], []
    sim.on_visits(lambda ts, ns, ags: visits.extend(zip(ts.tolist(), ns.tolist(), ags.tolist())))
    decide = sim.strategy.decide

    def watched(agent, node, t, view):
        assert view.in_service()[agent], f"agent {agent} asked to decide out of service at {t}"
        decisions.append((t, agent))
        return decide(agent, node, t, view)

    sim.strategy.decide = watched
    if out_at is not None:
        until = 1e9 if back_at is None else back_at + 1.0  # parked where it stops until just after it is back

        def park(s, agent, node, t):
            s.hold(agent, until - t)

        def leave(s):
            s.take_control(LOST, [], park)
            s.set_in_service(LOST, False)

        sim.schedule(out_at, leave)
    if back_at is not None:

        def come_back(s):
            s.release(LOST)
            s.set_in_service(LOST, True)

        sim.schedule(back_at, come_back)
    sim.run()
    return sim, np.array(visits), np.array(decisions)


def worst_gap(visits, lo, hi, n_nodes):
    """The longest time between two visits of one node within [lo, hi] (s)."""
    worst = 0.0
    for v in range(n_nodes):
        times = np.unique(visits[(visits[:, 1] == v) & (visits[:, 0] >= lo) & (visits[:, 0] <= hi), 0])
        assert times.size >= 2, f"node {v} not revisited in [{lo}, {hi}]"
        worst = max(worst, float(np.diff(times).max()))
    return worst


def grid():
    return grid_map("g", np.ones((5, 6), dtype=bool), cell_size=10.0)


@pytest.mark.parametrize("strategy", ["cgg", "msp", "dtag", "dtap", "posts", "risk", "sebs", "hotspot-dwell"])
def test_losing_an_agent_and_getting_it_back_keeps_the_run_valid(strategy):
    pmap = grid()
    _, visits, decisions = team_run(pmap, strategy, 3, out_at=500.0, back_at=2000.0)
    # never asked to decide while out (checked in watched), nor after it parked, until it is back
    lost = decisions[decisions[:, 1] == LOST, 0]
    assert not ((lost > 500.0) & (lost < 2000.0)).any()
    assert (lost >= 2000.0).any()  # back in the team: asked again
    moved = visits[(visits[:, 2] == LOST) & (visits[:, 0] > 520.0) & (visits[:, 0] < 2000.0)]
    assert moved.size == 0 or np.unique(moved[:, 1]).size == 1  # it stands still, parked
    if strategy == "posts":  # the two left stand at the posts of a 2-agent team, then 3 again
        return
    seen = np.unique(visits[(visits[:, 0] > 500.0) & (visits[:, 0] < 2000.0), 1])
    assert seen.size == pmap.n_nodes  # every node still visited after the loss
    assert np.unique(visits[visits[:, 0] > 2000.0, 2]).size == 3


@pytest.mark.parametrize("strategy", ["cgg", "msp", "dtag", "dtap", "posts"])
def test_the_absent_agent_gets_no_plan(strategy):
    sim, _, _ = team_run(grid(), strategy, 3, out_at=500.0, duration=1500.0)
    s = sim.strategy
    if strategy == "msp":
        assert s.walks[LOST] is None and LOST not in s.partition and s.region_lengths[LOST] == 0.0
        assert set(np.unique(s.partition)) == {0, 2}
    elif strategy == "dtap":
        assert s.count[LOST] == 0 and not s.owns[LOST].any() and (s.owner >= 0).all() and LOST not in s.owner
    elif strategy == "dtag":
        assert (s.comms.intentions(0, sim.now)[LOST], s.comms.intentions(2, sim.now)[LOST]) == (-1, -1)
    elif strategy == "posts":
        assert s.posts[LOST] == -1 and sorted(s.posts[[0, 2]]) == sorted(make_posts(grid(), 2))
    else:
        gaps = np.diff(np.sort((sim.now - s.lap_zero[[0, 2]]) % s.walks[0].period))
        assert gaps[0] == pytest.approx(s.walks[0].period / 2)


def make_posts(pmap, agents):
    return make(make_scenario(pmap, "posts", agents, duration=10.0, starts=list(range(agents)))).strategy.posts


def test_msp_after_a_loss_has_the_smaller_teams_worst_idleness():
    # a ring of 12 nodes 10 m apart, speed 1 m/s: 3 agents walk arcs of 4 nodes out and back (60 s a lap),
    # 2 agents arcs of 6 (100 s); agent 1 fails at 500 s and the two left take the 2-agent regions
    pmap = ring([10.0] * 12)
    _, before, _ = team_run(pmap, "msp", 3)
    sim, lost, _ = team_run(pmap, "msp", 3, out_at=500.0)
    fresh, two, _ = team_run(pmap, "msp", 2)
    assert worst_gap(before, 1500.0, 3000.0, 12) == pytest.approx(60.0)
    assert worst_gap(two, 1500.0, 3000.0, 12) == pytest.approx(100.0)
    assert worst_gap(lost, 1500.0, 3000.0, 12) == pytest.approx(100.0)
    regions = [set(np.flatnonzero(p.strategy.partition == a)) for p in (sim, fresh) for a in (0, 1, 2)]
    assert sorted(map(sorted, filter(None, regions[:3]))) == sorted(map(sorted, filter(None, regions[3:])))


def test_msp_on_a_grid_matches_a_fresh_smaller_team_and_comes_back():
    pmap = grid()
    _, lost, _ = team_run(pmap, "msp", 3, out_at=400.0, duration=4000.0)
    _, two, _ = team_run(pmap, "msp", 2, duration=4000.0)
    assert worst_gap(lost, 2000.0, 4000.0, pmap.n_nodes) == pytest.approx(worst_gap(two, 2000.0, 4000.0, pmap.n_nodes))
    _, back, _ = team_run(pmap, "msp", 3, out_at=400.0, back_at=1500.0, duration=5000.0)
    _, three, _ = team_run(pmap, "msp", 3, duration=5000.0)
    late = (3000.0, 5000.0, pmap.n_nodes)
    assert worst_gap(back, *late) == pytest.approx(worst_gap(three, *late))


def test_cgg_after_a_loss_spaces_the_two_left_half_a_lap_apart():
    # a ring of 12 nodes 10 m apart at 1 m/s: a 120 s lap; the two left pass every node 60 s apart
    pmap = ring([10.0] * 12)
    _, visits, _ = team_run(pmap, "cgg", 3, out_at=500.0)
    late = visits[(visits[:, 0] >= 1500.0) & (visits[:, 1] == 5)]
    assert set(late[:, 2].astype(int)) == {0, 2}
    assert np.diff(late[:, 0]) == pytest.approx(np.full(late.shape[0] - 1, 60.0))
    assert worst_gap(visits, 1500.0, 3000.0, 12) == pytest.approx(60.0)
    _, back, _ = team_run(pmap, "cgg", 3, out_at=500.0, back_at=1500.0)
    assert worst_gap(back, 2500.0, 3000.0, 12) == pytest.approx(40.0)  # three again: 120 / 3


def test_posts_for_the_smaller_team_are_a_fresh_set_up_with_that_many_agents():
    pmap = grid()
    sim, _, _ = team_run(pmap, "posts", 3, out_at=100.0, duration=300.0)
    assert sorted(sim.strategy.posts[[0, 2]].tolist()) == sorted(make_posts(pmap, 2).tolist())
    fresh = make(make_scenario(pmap, "posts", 2, duration=10.0, starts=[0, 1])).strategy
    assert sim.strategy.cost == pytest.approx(fresh.cost)
    back, _, _ = team_run(pmap, "posts", 3, out_at=100.0, back_at=200.0, duration=300.0)
    assert sorted(back.strategy.posts.tolist()) == sorted(make_posts(pmap, 3).tolist())


@pytest.mark.parametrize("strategy", ["cgg", "msp", "dtap", "posts"])
def test_a_team_change_is_deterministic_and_quiet(strategy, capsys):
    runs = [team_run(grid(), strategy, 3, out_at=300.0, back_at=900.0, duration=1500.0)[1] for _ in range(2)]
    assert np.array_equal(runs[0], runs[1])
    assert capsys.readouterr().out == ""


def test_agents_sharing_a_spaced_route_are_spaced_again_and_an_own_route_waits_for_its_robot():
    pmap = ring([10.0] * 12)
    loop = {"routes": [[0, 3, 6, 9]]}  # one route, shared by all three, spaced by patrolsim: a 120 s lap
    _, visits, _ = team_run(pmap, "route", 3, out_at=500.0, params=loop)
    assert worst_gap(visits, 1500.0, 3000.0, 12) == pytest.approx(60.0)
    own = {"routes": [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], "mode": "back-and-forth"}
    _, visits, _ = team_run(pmap, "route", 3, out_at=500.0, back_at=1500.0, params=own)
    late = visits[visits[:, 0] > 520.0]
    assert not np.isin([5, 6], late[late[:, 0] < 1500.0, 1]).any()  # only robot 1 covers them: unseen meanwhile
    assert np.isin([4, 5, 6, 7], late[late[:, 0] > 1500.0, 1]).all()  # back on its route
