"""Set-up progress: strategies report how far a long set-up is; the default line on standard error
appears only after 2 s; the strategies benchmark measures set-up time and the longest silence."""

import numpy as np

from patrolsim.build import make
from patrolsim.engine import progress as P
from patrolsim.maps.occupancy import grid_map
from patrolsim.strategies.base import Strategy


class SlowSetup(Strategy):
    name = "slow"

    def setup(self, view):
        for k in range(3):
            view.progress(k / 3, f"step {k}")

    def decide(self, agent, node, t, view):
        return int(view.map.neighbours(node)[0])


def test_reports_reach_the_sink_and_the_simulation_keeps_their_times(open_grid, scenario_of):
    heard = []
    sim = make(scenario_of(open_grid(4), "cr", 1, duration=10.0), SlowSetup(), progress=lambda *r: heard.append(r))
    assert heard == [
        ("slow", 0.0, "step 0"),
        ("slow", 1 / 3, "step 1"),
        ("slow", 2 / 3, "step 2"),
        ("slow", 1.0, "done"),
    ]
    assert len(sim.setup_progress.times) == 3 and sim.setup_s >= sim.setup_progress.times[-1]


def test_the_default_line_waits_two_seconds(capsys, monkeypatch):
    quiet = P.SetupProgress("x")
    quiet.report(0.5, "half")
    quiet.finish()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(P, "SILENT_S", 0.0)
    shown = P.SetupProgress("x")
    shown.report(0.5, "half")
    shown.finish()
    err = capsys.readouterr().err
    assert "setting up x:  50 % half" in err and "done in" in err


def test_large_map_setups_report_progress(scenario_of):
    # 4,900 nodes: past the distance-matrix limit, tours by graph searches (the 100,000-node path)
    pmap = grid_map("g", np.ones((70, 70), dtype=bool))
    for name in ("cgg", "msp", "posts"):
        heard = []
        make(scenario_of(pmap, name, 4, duration=10.0), progress=lambda *r, h=heard: h.append(r))
        fractions = [f for _, f, _ in heard]
        assert len(heard) >= (2 if name == "posts" else 3) and all(0.0 <= f <= 1.0 for f in fractions), name
        assert heard[-1][1:] == (1.0, "done")
