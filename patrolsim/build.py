"""The one place that knows every part: a validated scenario becomes a ready Simulation.

:func:`make` resolves the strategy by name (with the scenario's parameters and communication model),
builds the engine's Simulation and plugs in the strategy's own figures, the scenario's docks and
failures, and its incidents and dispatch. Apps (the CLI, the
window, the batch runner) call this; the engine below knows nothing of scenarios or incidents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .engine.simulation import Simulation
from .fleet import attach as attach_fleet
from .incidents import attach
from .strategies import strategy_class

if TYPE_CHECKING:  # pragma: no cover
    from .engine.progress import ProgressSink
    from .jit import Backend
    from .scenario import Scenario
    from .strategies import Strategy


def make_strategy(scenario: Scenario) -> Strategy:
    """The scenario's strategy, with its parameters and the team's communication model."""
    strategy = strategy_class(scenario.strategy_name)(**scenario.strategy_params)
    strategy.communication = scenario.communication
    return strategy


def make(
    scenario: Scenario,
    strategy: Strategy | None = None,
    progress: ProgressSink | None = None,
    backend: Backend | None = None,
) -> Simulation:
    """A Simulation of ``scenario`` at time 0 (``strategy`` replaces the scenario's own, e.g. in tests),
    with the scenario's incidents and dispatch attached; ``progress`` receives the strategy's set-up
    progress (default: a line on standard error once the set-up takes over 2 s); ``backend`` forces
    plain or compiled kernels (default: as the run's work estimate says, :func:`patrolsim.jit.backend_for`)."""
    if strategy is None:
        strategy = make_strategy(scenario)
    else:
        strategy.communication = scenario.communication
    sim = Simulation(
        scenario,
        strategy,
        run_info={"communication": scenario.communication.as_dict()},
        progress=progress,
        backend=backend,
    )
    sim.attach(strategy)  # its own figures (e.g. the route strategy's laps) join the result
    attach_fleet(sim, scenario.fleet, scenario.agents)
    attach(sim, scenario.incidents, scenario.dispatch)
    return sim
