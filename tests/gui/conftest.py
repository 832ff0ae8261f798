"""GUI tests run off-screen: SDL's dummy video and audio drivers, set before pygame is imported."""
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def square():
    """4 cr agents on the shipped 30 m x 30 m open square (1 m cells), seed 1, one hour."""
    from patrolsim.cli import load_run_scenario

    return load_run_scenario(str(ROOT / "maps" / "open_square.txt"), {"sensing_radius": 2.0})


class FakeIncidents:
    """A minimal incidents engine following the protocol in patrolsim.gui.incidents: an incident is
    reached when any agent stands on its node; its responder is agent 0."""

    target_s = 60.0

    def __init__(self, sim):
        self.sim = sim
        self.open = []
        self.reached = []

    def add(self, node, t):
        self.open.append(type("Incident", (), {"node": node, "t": t, "agent": 0, "expires": t + 600.0,
                                               "priority": 2})())

    def active(self):
        return list(self.open)

    def response_times(self):
        return list(self.reached)


@pytest.fixture
def fake_incidents():
    return FakeIncidents
