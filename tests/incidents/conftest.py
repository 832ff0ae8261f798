"""Tiny hand-checkable worlds for the incident tests: a straight corridor of 10 m cells, scenarios
built from dicts, and replay files written on the fly."""

from __future__ import annotations

import pytest

from patrolsim.build import make
from patrolsim.scenario import scenario_from_dict
from patrolsim.strategies import Hold, Strategy


class Stand(Strategy):
    """Agents stand still at their start until dispatched (and again after each job)."""

    name = "stand"

    def decide(self, agent, node, t, view):
        return Hold(1e9)


@pytest.fixture
def world(tmp_path):
    """world(incident_rows, starts=..., incidents={...}, dispatch={...}, strategy=Stand(), run=True)
    -> Simulation (finished unless run=False) on a 5-node corridor (nodes 0..4, 10 m apart, 1 m/s)."""
    corridor = tmp_path / "corridor.txt"
    corridor.write_text("cell_size: 10\n.....\n")

    def build(
        rows,
        *,
        starts=(0,),
        incidents=None,
        dispatch=None,
        strategy=None,
        duration=5000.0,
        sensing_radius=0.0,
        map_text=None,
        run=True,
    ):
        if map_text is not None:
            corridor.write_text(map_text)
        replay = tmp_path / "calls.csv"
        replay.write_text(
            "time_s,node,priority,service_s,mode\n" + "".join(f"{t},{n},{p},{s},{m}\n" for t, n, p, s, m in rows)
        )
        data = {
            "map": str(corridor),
            "duration": duration,
            "seed": 1,
            "agents": {"count": len(starts), "speed": 1.0, "starts": list(starts), "sensing_radius": sensing_radius},
            "strategy": {"name": "random"},
            "incidents": {"stream": "replay", "file": str(replay), "snap": "node", **(incidents or {})},
            "dispatch": {"tick_s": 1.0, **(dispatch or {})},
        }
        sc = scenario_from_dict(data, source="test.toml")
        sim = make(sc, strategy=strategy or Stand())
        if run:
            sim.run()
        return sim

    return build
