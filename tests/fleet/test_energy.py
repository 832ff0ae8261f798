"""Batteries and docks, computed by hand on a ring."""

import numpy as np
import pytest
from fleetkit import Clockwise, fleet_scenario, ring, run

from patrolsim.build import make
from patrolsim.engine.spec import Battery
from patrolsim.fleet import fleet_of
from patrolsim.fleet.spec import Docks, FleetSpec

# a ring of 8 nodes x 10 m, a dock at node 0, one robot at 1 m/s; the battery holds 78 m of driving
# (just under the 80 m lap) and charges from empty in 156 s. Return rule at node k (energy 78 - 10 k):
# turn back when 78 - 10 k < 10 + max(d(k-1), d(k+1)) with d the metres to the dock: at node 3
# (t = 30 s, 48 < 50). Back 3 -> 2 -> 1 -> 0 by t = 60 s with 18 left, charge 60/78 x 156 = 120 s,
# full at t = 180 s: a period of 180 s, out of service from 30 s to 180 s of each.
BATTERY = Battery(capacity=78.0, per_m=1.0, per_s=0.0, reserve=0.0, charge_s=156.0)
DOCKS = FleetSpec(docks=Docks(nodes=(0,), chargers=(1,)))


def ring_run(backend, duration=720.0, **kw):
    sc = fleet_scenario(ring(), duration=duration, batteries=(BATTERY,), fleet=DOCKS, **kw)
    return run(sc, strategy=Clockwise(), backend=backend)


def test_one_robot_laps_turns_back_charges_and_goes_again(backend):
    res = ring_run(backend)
    m = res.metrics
    assert m["energy_trips"] == 4
    assert m["charging_s"] == pytest.approx(4 * 120.0)
    assert m["dock_queue_wait_mean_s"] == 0.0
    assert m["availability"] == pytest.approx(30.0 / 180.0)
    assert m["agent_downtime_s"] == 0.0
    # visits: node 1 at 10, 50 (on the way back), 190, 230, ...; node 3 at 30 and 210 only
    max_interval = dict(zip(res.nodes["id"].tolist(), res.nodes["max_interval"].tolist()))
    assert max_interval[1] == pytest.approx(140.0)
    assert max_interval[2] == pytest.approx(160.0)
    assert max_interval[3] == pytest.approx(180.0)
    # node 0 is watched while the robot charges on it: unseen only 0-60 s and 180-240 s
    assert max_interval[0] == pytest.approx(60.0)
    # nodes 4 to 7 lie beyond the range of this battery from this dock: never seen
    assert res.nodes["visits"][4:].tolist() == [0, 0, 0, 0]
    assert res.agents["energy_left"][0] == pytest.approx(1.0)
    assert res.agents["energy_trips"].tolist() == [4]


@pytest.mark.parametrize("per_s", [0.0, 0.01])
def test_energy_never_below_the_reserve_out_on_patrol(backend, per_s):
    """Driving never dips into the reserve; standing use while queueing at the dock may (never below 0)."""
    battery = Battery(capacity=100.0, per_m=1.0, per_s=per_s, reserve=0.1, charge_s=300.0)
    sc = fleet_scenario(
        ring(), "cr", agents=3, duration=3000.0, starts=(0, 3, 5), batteries=(battery,) * 3, fleet=DOCKS
    )
    sim = make(sc, backend=backend)
    charging = fleet_of(sim).charging
    lowest_out, lowest = np.full(3, np.inf), np.full(3, np.inf)
    for t in np.arange(1.0, 3000.0, 1.0):
        sim.advance_to(float(t))
        energy = sim.state.energy_at(sim.now)
        out = charging.phase == 0
        lowest_out[out] = np.minimum(lowest_out[out], energy[out])
        lowest = np.minimum(lowest, energy)
    assert (lowest_out >= 10.0 - 1e-9).all()
    assert (lowest >= 0.0).all()
    res = sim.run()
    assert res.metrics["energy_trips"] > 3
    assert res.metrics["dock_queue_wait_mean_s"] > 0  # one charger for three robots


def test_the_queue_at_a_busy_dock_is_first_come_first_served(backend):
    # two robots at the dock node 0, both going clockwise: same trips, robot 0 first in every queue
    sc = fleet_scenario(ring(), agents=2, starts=(0, 0), duration=720.0, batteries=(BATTERY,) * 2, fleet=DOCKS)
    res = run(sc, strategy=Clockwise(), backend=backend)
    # both back at t = 60 s: robot 0 charges 60-180 s while robot 1 waits, then 180-300 s; robot 0 is back
    # at 240 s and waits 60 s (300-420 s), robot 1 back at 360 s waits 60 s (420-540 s), robot 0 back at
    # 480 s waits 60 s (540-660 s), robot 1 back at 600 s waits 60 s (660-780 s)
    waits = res.agents["dock_queue_wait_mean_s"]
    assert waits.tolist() == pytest.approx([(0 + 60 + 60) / 3, (120 + 60 + 60) / 3])
    assert res.metrics["dock_queue_wait_mean_s"] == pytest.approx(360.0 / 6)
    assert res.agents["energy_trips"].tolist() == [4, 3]
