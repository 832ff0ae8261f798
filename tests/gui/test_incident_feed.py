"""The window's incident read-outs agree with the incidents engine on a shipped policing scenario."""

from pathlib import Path

import numpy as np
import pytest

from patrolsim import jit
from patrolsim.gui.session import Session
from patrolsim.scenario import load_scenario
from patrolsim.incidents import manager_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mall():
    jit.use_compiled()
    return Session(load_scenario(ROOT / "scenarios" / "mall_security.toml"))


def test_open_markers_are_the_engines_open_incidents(mall):
    seen_open = 0
    for t in np.arange(300.0, 3601.0, 300.0):
        mall.sim.advance_to(float(t))
        nodes, _ = manager_of(mall.sim).open_tasks()
        marks = [m for m in mall.incidents.marks() if not m.on_scene]
        assert sorted(m.node for m in marks) == sorted(nodes.tolist())
        seen_open += len(marks)
        for m in marks:
            assert m.priority in (1, 2, 3)
    assert seen_open > 0
    assert mall.incidents.available
    assert mall.incidents.target_s == 60.0


@pytest.mark.parametrize("warmup", [0.0, 900.0])
def test_response_figures_match_the_run_metrics(mall, warmup):
    if warmup:  # (the fixture's own run may or may not have been advanced by the test above)
        mall = Session(load_scenario(ROOT / "scenarios" / "mall_security.toml", warmup=warmup))
    mall.sim.advance_to(max(mall.sim.now, 3600.0))
    st = mall.stats()
    m = mall.sim.result().metrics
    assert st["resp_n"] == m["response_count"] > 0
    assert st["resp_mean"] == pytest.approx(m["response_mean_s"])
    assert st["resp_p90"] == pytest.approx(m["response_p90_s"])
    assert st["resp_within"] == pytest.approx(m["response_within_60s"])
