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


def attach(sim: "Simulation") -> "IncidentManager | None":
    """Attach the scenario's incidents to ``sim`` (None when the scenario has none)."""
    sc = sim.scenario
    if getattr(sc, "incidents", None) is None:
        return None
    from .manager import IncidentManager

    return IncidentManager(sim, sc.incidents, sc.dispatch)
