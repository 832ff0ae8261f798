"""GUI tests run off-screen: SDL's dummy video and audio drivers, set before pygame is imported."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def square():
    """4 cr agents on the shipped 30 m x 30 m open square (1 m cells), seed 1, one hour."""
    from patrolsim.cli import load_run_scenario

    return load_run_scenario(str(ROOT / "maps" / "open_square.txt"), {"sensing_radius": 2.0})


class FakeIncidents:
    """Stands in for patrolsim.incidents' IncidentManager: the fields the window reads (see
    patrolsim/gui/incidents.py) and add(node, t), which reports a priority-2 call handled by agent 0."""

    def __init__(self, sim):
        self.sim = sim
        self.inc = SimpleNamespace(
            t_s=np.zeros(0), node=np.zeros(0, int), priority=np.zeros(0, int), reported=np.zeros(0, bool)
        )
        self.log = SimpleNamespace(
            detected_at=np.zeros(0),
            arrived_at=np.zeros(0),
            cleared_at=np.zeros(0),
            expired=np.zeros(0, bool),
            agent=np.zeros(0, int),
        )
        self.dspec = SimpleNamespace(targets_s=(60.0, 600.0))

    def add(self, node, t):
        for table, values in (
            (self.inc, dict(t_s=t, node=node, priority=2, reported=True)),
            (self.log, dict(detected_at=np.nan, arrived_at=np.nan, cleared_at=np.nan, expired=False, agent=0)),
        ):
            for name, v in values.items():
                setattr(table, name, np.append(getattr(table, name), v))


@pytest.fixture
def fake_incidents():
    return FakeIncidents
