"""Dispatch on a 5-node corridor (10 m edges, 1 m/s), every time computed by hand."""

import numpy as np

from patrolsim.incidents.dispatch import travel_seconds
from patrolsim.strategies import Strategy
from patrolsim.incidents import manager_of


class Sweep(Strategy):
    """Agents walk east to the end of the corridor, then west, and so on (deterministic)."""

    name = "sweep"

    def decide(self, agent, node, t, view):
        return node + 1 if node + 1 < view.map.n_nodes and (t // 40) % 2 == 0 else node - 1


def log_of(sim):
    return manager_of(sim).log


def test_nearest_agent_goes_and_serves(world):
    sim = world([(5, 3, 2, 100, "reported")], starts=(0, 4))
    log = log_of(sim)
    assert log.agent[0] == 1  # 10 m away, against 30 m for agent 0
    assert log.dispatched_at[0] == 5 and log.arrived_at[0] == 15 and log.cleared_at[0] == 115
    m = sim.result().metrics
    assert m["response_mean_s"] == 10 and m["response_within_300s"] == 1.0 and m["incidents_missed"] == 0
    assert sim.result().agents["busy_s"].tolist() == [0.0, 110.0]


def test_dispatch_delay_per_priority(world):
    sim = world([(0, 2, 1, 50, "reported"), (100, 2, 3, 50, "reported")], dispatch={"delay_s": [5, 10, 30]})
    log = log_of(sim)
    assert log.dispatched_at.tolist() == [5, 130] and log.arrived_at.tolist() == [25, 130]  # it stayed at node 2


def test_queue_is_fifo_by_priority(world):
    rows = [(0, 0, 3, 100, "reported"), (10, 2, 3, 100, "reported"), (20, 4, 1, 100, "reported")]
    sim = world(rows)
    log = log_of(sim)
    # X is served on the spot; Z (priority 1) jumps ahead of Y although it called later
    assert log.arrived_at.tolist() == [0, 260, 140]
    assert log.cleared_at.tolist() == [100, 360, 240]
    assert log.queue_s.tolist() == [0, 230, 80] and log.queued.tolist() == [False, True, True]
    m = sim.result().metrics
    assert m["queued_share"] == 2 / 3 and m["queue_wait_max_s"] == 230 and m["preemptions"] == 0


def test_preemption_takes_the_agent_and_requeues_the_rest(world):
    rows = [(0, 4, 3, 1000, "reported"), (100, 0, 1, 50, "reported")]
    sim = world(rows, dispatch={"policy": "nearest-preempt"})
    log = log_of(sim)
    assert log.arrived_at.tolist() == [40, 140]  # A reached first at 40; B 40 s after its call
    assert log.preemptions.tolist() == [1, 0]
    # B clears at 190; A is resumed with 940 s left: back at node 4 at 230, clears at 1170
    assert log.cleared_at.tolist() == [1170, 190]
    assert log.queue_s[0] == 90
    assert sim.result().metrics["preemptions"] == 1


def test_plain_nearest_does_not_preempt(world):
    rows = [(0, 4, 3, 1000, "reported"), (100, 0, 1, 50, "reported")]
    log = log_of(world(rows))
    assert log.preemptions.tolist() == [0, 0]
    assert log.arrived_at.tolist() == [40, 1080]  # B waits until A clears at 1040


def test_policy_none_answers_no_calls(world):
    sim = world([(0, 2, 2, 50, "reported")], dispatch={"policy": "none"})
    m = sim.result().metrics
    assert np.isnan(log_of(sim).arrived_at[0]) and m["incidents_missed"] == 1 and m["response_count"] == 0


def test_discovery_by_a_passing_agent(world):
    # the sweeper walks 0 -> 1 -> 2 -> 3 (at t = 30) and sees the incident there; it is already on
    # its way to node 4 (arrives 40) and comes back to node 3 at 50
    sim = world([(5, 3, 2, 20, "discoverable")], strategy=Sweep(), incidents={"detection_prob": 1.0})
    log = log_of(sim)
    assert log.detected_at[0] == 30 and log.detected_by[0] == 0
    assert log.arrived_at[0] == 50 and log.cleared_at[0] == 70
    m = sim.result().metrics
    assert m["detection_rate"] == 1.0 and m["time_to_detection_mean_s"] == 25 and m["calls"] == 0


def test_undiscovered_incidents_expire(world):
    sim = world([(0, 4, 2, 20, "discoverable")], incidents={"lifetime_s": 100}, duration=500)
    m = sim.result().metrics
    assert m["detected"] == 0 and m["incidents_expired"] == 1 and m["detection_rate"] == 0.0


def test_standing_agent_sees_a_new_incident_in_range(world):
    sim = world([(10, 1, 2, 20, "discoverable")], sensing_radius=10.5, incidents={"detection_prob": 1.0})
    log = log_of(sim)
    assert log.detected_at[0] == 10 and log.arrived_at[0] == 20


def test_travel_time_counts_the_rest_of_the_current_leg():
    dist = np.array([0.0, 10.0, 20.0])
    t = travel_seconds(dist, heading=np.array([2, 1]), lag_s=np.array([3.0, 0.0]), speed=np.array([2.0, 1.0]))
    assert t.tolist() == [13.0, 10.0]


def test_nearest_of_n_scales_as_sqrt_area_over_n():
    """Mean network distance to the nearest of N random agents on an open grid ~ c * sqrt(A / N)."""
    from pathlib import Path

    from patrolsim.maps import load_map

    pmap = load_map(Path(__file__).resolve().parents[2] / "maps" / "open_square.txt")
    d = pmap.distances.matrix
    rng = np.random.default_rng(3)
    area = pmap.n_nodes * 1.0  # 1 m cells
    c = {}
    for n in (4, 16, 64):
        agents = rng.integers(pmap.n_nodes, size=(2000, n))
        target = rng.integers(pmap.n_nodes, size=2000)
        nearest = np.array([travel_seconds(d[t], a, np.zeros(n), np.ones(n)).min() for t, a in zip(target, agents)])
        c[n] = nearest.mean() / np.sqrt(area / n)
    assert abs(c[16] / c[4] - 1) < 0.12 and abs(c[64] / c[16] - 1) < 0.12


def test_strategies_see_open_incidents(world):
    sim = world([(0, 2, 2, 50, "reported"), (10, 4, 1, 50, "reported")], duration=15.0)
    nodes, priorities = sim.view.open_tasks()  # the first was reached at 20, so both open at 15
    assert nodes.tolist() == [2, 4] and priorities.tolist() == [2, 1]
    sim.advance_to(25.0)
    assert sim.view.open_tasks()[0].tolist() == [4]
