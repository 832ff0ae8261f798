"""The communication model: delays, losses and range limit what team mates know; scenario keys."""

import numpy as np
import pytest

from patrolsim.engine.state import NEVER_SEEN
from patrolsim.errors import ScenarioError
from patrolsim.scenario import load_scenario
from patrolsim.strategies.comm import CommSpec


def test_perfect_comm_reads_the_team_board(sim_of, open_grid):
    sim = sim_of(open_grid(4), "gbs", 2, duration=10.0)
    assert sim.strategy.comms.known is None
    sim.state.board[3] = 7.0
    assert sim.strategy.comms.last_seen(1, 10.0)[3] == 7.0


def test_delay_holds_visits_back(sim_of, open_grid):
    sim = sim_of(open_grid(4), "gbs", 2, starts=(0, 15), comm=CommSpec(delay=5.0), duration=10.0)
    comms = sim.strategy.comms
    comms._on_visits(np.array([2.0]), np.array([6]), np.array([0]))
    assert comms.last_seen(0, 2.0)[6] == 2.0  # the sender knows at once
    assert comms.last_seen(1, 6.9)[6] == NEVER_SEEN  # not heard of yet
    assert comms.last_seen(1, 7.0)[6] == 2.0


def test_range_limits_who_hears(sim_of, open_grid):
    # agents at opposite corners of a 10 x 10 m grid are 12.7 m apart
    sim = sim_of(open_grid(10), "sebs", 3, starts=(0, 99, 1), comm=CommSpec(range=5.0), duration=10.0)
    comms = sim.strategy.comms
    comms._on_visits(np.array([0.0]), np.array([0]), np.array([0]))
    assert comms.receivers(0.0, 0).tolist() == [False, False, True]
    comms.announce(0.0, 0, 10)
    assert comms.intentions(2, 0.0)[0] == 10 and comms.intentions(1, 0.0)[0] == -1


def test_loss_drops_about_the_stated_share(sim_of, open_grid):
    sim = sim_of(open_grid(4), "gbs", 5, comm=CommSpec(loss=0.3), duration=10.0)
    heard = np.array([sim.strategy.comms.receivers(0.0, 0).sum() for _ in range(2000)])
    assert heard.mean() / 4 == pytest.approx(0.7, abs=0.03)


def test_imperfect_comm_runs_deterministically_and_is_reported(sim_of, open_grid):
    def run():
        return sim_of(
            open_grid(8), "sebs", 3, comm=CommSpec(delay=3.0, loss=0.2, range=6.0), duration=400.0, seed=4
        ).run()

    a, b = run(), run()
    assert a.metrics == b.metrics
    assert a.run["communication"] == {"delay": 3.0, "loss": 0.2, "range": 6.0}
    perfect = sim_of(open_grid(8), "sebs", 3, duration=400.0, seed=4).run()
    assert perfect.run["communication"] == {"delay": 0.0, "loss": 0.0, "range": None}


def test_scenario_table_is_validated(tmp_path):
    base = 'map = "{}"\nduration = 10\nseed = 1\n[agents]\ncount = 2\n[strategy]\nname = "gbs"\n'
    from pathlib import Path

    office = Path("maps/office.txt").resolve()
    ok = tmp_path / "ok.toml"
    ok.write_text(base.format(office) + "[communication]\ndelay = 2\nloss = 0.1\nrange = 30\n")
    assert load_scenario(ok).communication == CommSpec(2.0, 0.1, 30.0)
    assert load_scenario(ok, **{"communication.range": float("inf")}).communication.perfect is False
    for line, key in (
        ("loss = 1.0", "communication.loss"),
        ("delay = -1", "communication.delay"),
        ("range = 0", "communication.range"),
        ("latency = 1", "communication.latency"),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(base.format(office) + "[communication]\n" + line + "\n")
        with pytest.raises(ScenarioError) as err:
            load_scenario(bad)
        assert key in str(err.value) and "bad.toml:9" in str(err.value)
