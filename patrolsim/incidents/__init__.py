"""Incidents, dispatch and response times, with fairness and privacy ledgers.

A scenario with an ``[incidents]`` table (and optionally ``[dispatch]``) gets an
:class:`~patrolsim.incidents.manager.IncidentManager` attached to its Simulation (:func:`attach`):
incident streams (:mod:`.streams`, :mod:`.replay`), dispatch (:mod:`.dispatch`), response aggregates
(:mod:`.metrics`), ledgers (:mod:`.ledgers`) and the predictive risk layer (:mod:`.predictive`). The
manager works through the engine's hooks only (schedule, on_visits, take_control, attach).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .manager import IncidentManager
    from .spec import DispatchSpec, IncidentSpec


def attach(
    sim: Simulation, spec: IncidentSpec | None, dispatch: DispatchSpec | None, *, calls_only: bool = False
) -> IncidentManager | None:
    """Attach the incidents ``spec`` (dispatched by ``dispatch``) to ``sim``; None when there are none.
    With ``calls_only``, no spec gives an engine with the ``calls`` stream (no incidents of its own; it
    serves calls added with ``IncidentManager.add``, as the window's clicks do)."""
    if spec is None or dispatch is None:
        if not calls_only:
            return None
        from .spec import default_specs

        spec, dispatch = default_specs("calls", sim.map)
    from .manager import IncidentManager

    with sim.backend.active():  # its set-up computes as the run does
        manager = IncidentManager(sim, spec, dispatch)
    sim.attach(manager)
    return manager


def manager_of(sim: Simulation) -> IncidentManager | None:
    """The incidents attached to ``sim`` (None when it has none)."""
    from .manager import IncidentManager

    return next((a for a in sim.attachments if isinstance(a, IncidentManager)), None)
