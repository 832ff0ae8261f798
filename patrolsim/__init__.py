"""patrolsim: simulate patrol robots on grid and graph maps; measure coverage, idleness and response.

Public API::

    import patrolsim
    pmap = patrolsim.load_map("maps/office.txt")
    sc = patrolsim.load_scenario("scenarios/office.toml", agents=6, strategy="hcr")
    result = patrolsim.Simulation(sc).run()
    result.metrics["time_avg_idleness"]   # seconds
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["load_map", "load_scenario", "scenario_from_dict", "Simulation", "strategies", "__version__"]


def __getattr__(name: str):
    # lazy: importing patrolsim stays cheap for the CLI
    if name == "load_map":
        from .maps import load_map
        return load_map
    if name in ("load_scenario", "scenario_from_dict"):
        from . import scenario
        return getattr(scenario, name)
    if name == "Simulation":
        from .engine.simulation import Simulation
        return Simulation
    if name == "strategies":
        import importlib
        return importlib.import_module(".strategies", __name__)
    raise AttributeError(name)
