"""SetUp: a strategy's set-up in a worker thread stops at its next progress report once cancelled."""

import threading

import numpy as np
import pytest

from patrolsim.bench.scenarios import bench_scenario
from patrolsim.build import make
from patrolsim.gui import set_up as set_up_module
from patrolsim.gui.set_up import SetUp
from patrolsim.maps.occupancy import grid_map

HANG_GUARD_S = 120.0  # only so that a broken cancel fails instead of hanging; nothing is timed


def grid_scenario(side: int, strategy: str, agents: int = 10):
    pmap = grid_map(f"open {side}x{side}", np.ones((side, side), dtype=bool))
    return bench_scenario(pmap, strategy, agents, 600.0, 10, (60.0,))


@pytest.mark.parametrize(("strategy", "side"), [("cgg", 60), ("msp", 60), ("posts", 40)])
def test_a_cancelled_set_up_stops_at_its_next_progress_report(strategy, side, monkeypatch):
    reached, go = threading.Event(), threading.Event()
    report = SetUp._report

    def held(self, name, fraction, stage):  # the third report waits until the test has cancelled
        report(self, name, fraction, stage)
        if self.ticks == 3:
            reached.set()
            go.wait(HANG_GUARD_S)

    monkeypatch.setattr(SetUp, "_report", held)
    job = SetUp([grid_scenario(side, strategy), grid_scenario(side, strategy)]).start()
    assert reached.wait(HANG_GUARD_S)
    job.cancel()
    go.set()
    assert job.wait(HANG_GUARD_S) and not job.alive
    # the first report after the cancel raised: no more work, no runs, no error
    assert job.cancelled_at == 3 and job.ticks == 4
    assert job.sims is None and job.error is None and job.current == 0
    assert "patrolsim-set-up" not in [t.name for t in threading.enumerate()]


def test_the_next_set_up_after_a_cancel_gives_the_same_run_as_a_fresh_one(monkeypatch):
    small = grid_scenario(12, "msp", agents=3)
    job = SetUp([small])
    job.cancel()  # before it starts: nothing is built
    job.start()
    assert job.wait(HANG_GUARD_S) and job.sims is None and job.ticks == 0
    again = SetUp([small, small]).start()
    assert again.wait(HANG_GUARD_S) and again.error is None and len(again.sims) == 2
    ran = again.sims[1].run().metrics
    assert ran == make(small).run().metrics and again.ticks > 0
    assert again.progress_label().startswith("run 2 of 2: 100 % done")


def test_a_failing_set_up_hands_its_error_to_the_window(monkeypatch):
    from patrolsim.errors import UserError

    def failing(scenario, **options):
        raise UserError("msp needs at most as many agents as nodes")

    monkeypatch.setattr(set_up_module, "make", failing)
    job = SetUp([grid_scenario(4, "msp")]).start()
    assert job.wait(HANG_GUARD_S) and isinstance(job.error, UserError) and job.sims is None
