"""Incidents, dispatch and response times, with fairness and privacy ledgers.

A scenario with an ``[incidents]`` table (and optionally ``[dispatch]``) gets an
:class:`~patrolsim.incidents.manager.IncidentManager` attached to its Simulation: incident streams
(:mod:`.streams`, :mod:`.replay`), dispatch (:mod:`.dispatch`), response aggregates (:mod:`.metrics`),
ledgers (:mod:`.ledgers`) and the predictive risk layer (:mod:`.predictive`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.simulation import Simulation
    from .manager import IncidentManager


def attach(sim: "Simulation", *, calls_only: bool = False) -> "IncidentManager | None":
    """Attach the scenario's incidents to ``sim`` (None when the scenario has none). With
    ``calls_only``, a scenario without incidents gets an engine with the ``calls`` stream (no incidents
    of its own; it serves calls added with ``IncidentManager.add``, as the window's clicks do)."""
    spec, dispatch = getattr(sim.scenario, "incidents", None), getattr(sim.scenario, "dispatch", None)
    if spec is None:
        if not calls_only:
            return None
        from .spec import default_specs

        spec, dispatch = default_specs("calls", sim.map)
    from .manager import IncidentManager

    return IncidentManager(sim, spec, dispatch)
