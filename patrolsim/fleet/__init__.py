"""Real fleets: batteries and docks, breakdowns and repairs.

A scenario with an ``[energy]`` table (docks and chargers; the batteries themselves are the agents'
:class:`~patrolsim.engine.spec.Battery`) or a ``[failures]`` table gets attachments that work through
the engine's hooks (:mod:`.docks`, :mod:`.failures`); :func:`attach` plugs them in. Motion that takes
time and interference are the engine's own (:mod:`patrolsim.engine.motion`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from ..engine.spec import TeamSpec
    from .figures import Fleet
    from .spec import FleetSpec


def attach(sim: Simulation, spec: FleetSpec, team: TeamSpec) -> Fleet | None:
    """Plug the docks and failures of ``spec`` into ``sim`` (batteries from ``team``); None when the
    scenario uses neither."""
    if spec.docks is None and (spec.failures is None or not spec.failures.on):
        return None
    from .figures import Fleet

    fleet = Fleet(sim, spec, team)
    sim.attach(fleet)
    return fleet


def fleet_of(sim: Simulation) -> Fleet | None:
    """The fleet attachment of ``sim`` (None when it has none)."""
    from .figures import Fleet

    return next((a for a in sim.attachments if isinstance(a, Fleet)), None)
