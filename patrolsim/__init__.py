"""patrolsim: simulate patrol robots on grid and graph maps; measure coverage, idleness and response.

Public API::

    import patrolsim
    pmap = patrolsim.load_map("maps/office.txt")
    sc = patrolsim.load_scenario("scenarios/office.toml", agents=6, strategy="hcr")
    sim = patrolsim.make(sc)              # a Simulation with the scenario's strategy and incidents
    result = sim.run()                    # or sim.advance_to(t) step by step
    result.metrics["time_avg_idleness"]   # seconds
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["Simulation", "__version__", "load_map", "load_scenario", "make", "scenario_from_dict", "strategies"]

#: public name -> the module that holds it (imported on first use: importing patrolsim stays cheap)
_LAZY = {
    "load_map": ".maps",
    "load_scenario": ".scenario",
    "scenario_from_dict": ".scenario",
    "make": ".build",
    "Simulation": ".engine.simulation",
}


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module(".strategies", __name__)
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(name)
