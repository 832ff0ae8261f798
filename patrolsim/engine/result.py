"""Result: what a run reports, with the stable metric names scripts rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .. import __version__
from ..metrics.coverage import coverage_metrics
from ..metrics.idleness import choice_entropy, idleness_metrics, node_table
from . import kernel as K

if TYPE_CHECKING:  # pragma: no cover
    from .simulation import Simulation


@dataclass
class Result:
    """A finished (or paused) run.

    ``run``: what was run (strategy, agents, seed, duration, decisions, wall_s, ...).
    ``metrics``: scalar figures (seconds, metres, fractions); see :mod:`patrolsim.metrics.idleness`.
    ``nodes``: per-node columns (id, x_m, y_m, weight, visits, mean_interval, max_interval,
    time_avg_idleness, first_visit). ``agents``: per-agent columns. ``series``: sampled time series.
    With incidents on: ``incidents`` (one row per incident) and ``areas`` (fairness and privacy
    ledgers per area); see :mod:`patrolsim.incidents`. Both are empty otherwise.
    """

    run: dict
    metrics: dict
    nodes: dict[str, np.ndarray]
    agents: dict[str, np.ndarray]
    series: dict[str, np.ndarray]
    incidents: dict[str, np.ndarray] = field(default_factory=dict)
    areas: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def table_names(self) -> list[str]:
        """Names of the non-empty tables: nodes, agents, series (and incidents, areas)."""
        return [n for n in ("nodes", "agents", "series", "incidents", "areas") if getattr(self, n)]

    def to_dict(self, *, tables: bool = True) -> dict:
        """JSON-ready dict: ``run`` and ``metrics``, plus ``nodes``/``agents``/``series`` columns."""
        out = {"run": self.run, "metrics": self.metrics}
        if tables:
            for name in self.table_names:
                out[name] = {k: _jsonable(v) for k, v in getattr(self, name).items()}
        return out


def _jsonable(col: np.ndarray) -> list:
    if col.dtype.kind == "f":
        return [None if not np.isfinite(x) else x for x in col.tolist()]
    return col.tolist()


def build_result(sim: Simulation) -> Result:
    st, sc, pmap = sim.state, sim.spec, sim.map
    t, t0 = sim.now, sim.t0
    totals = st.node_totals(t)
    metrics: dict[str, float | int | None] = dict(idleness_metrics(totals, pmap.weights, t0, t))
    distance = st.a_flt[:, K.A_DIST] - st.remaining_leg_m(t)
    visits = st.visits
    metrics.update(
        {
            **coverage_metrics(totals, t, t0, sc.coverage_windows),
            "visits_total": int(visits.sum()),
            "complete_cycles": int(visits.min()),
            "distance_total_m": float(distance.sum()),
            "node_interference": int(st.counters[K.C_NODE_MEET]),
            "edge_interference": int(st.counters[K.C_EDGE_MEET]),
            "choice_entropy_bits": choice_entropy(pmap.indptr, st.moves),
        }
    )
    metrics = {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in metrics.items()}
    run = {
        "scenario": sc.name,
        "map": pmap.name,
        "map_path": sc.map_path,
        "nodes": pmap.n_nodes,
        "strategy": sim.strategy.name,
        "strategy_params": dict(sim.strategy.values),
        "agents": st.n_agents,
        "speed_mps": list(sc.agents.speeds),
        "seed": sc.seed,
        "duration": t,
        "warmup": t0,
        "sensing_radius": sc.agents.sensing_radius,
        "wait": sc.agents.wait,
        "pass_through_visits": sc.agents.pass_through_visits,
        **sim.run_info,
        "decisions": int(st.counters[K.C_DECISIONS]),
        "arrivals": int(st.counters[K.C_ARRIVALS]),
        "wall_s": sim.wall_s,
        "version": __version__,
    }
    labels = (
        np.array([pmap.node_label(i) for i in range(pmap.n_nodes)])
        if pmap.labels is not None
        else np.arange(pmap.n_nodes)
    )
    nodes = {
        "id": labels,
        "x_m": pmap.positions[:, 0],
        "y_m": pmap.positions[:, 1],
        "weight": pmap.weights,
        **node_table(totals, t0, t),
    }
    agents = {
        "agent": np.arange(st.n_agents),
        "start": labels[sim.starts],
        "distance_m": distance,
        "speed_mps": st.speed_mps.copy(),
    }
    team = sc.agents
    if team.groups:
        agents["group"] = np.array(team.groups)
        agents["cleared_s"] = st.cleared_s.copy()
        run["groups"] = list(dict.fromkeys(team.groups))
    if team.motion:
        for key in ("accel", "brake", "turn_rate"):
            run[f"{key}_per_agent"] = [_finite_or_none(getattr(m, key)) for m in team.motion]
    if sim.interference.on:
        spec = sim.interference
        run["interference"] = spec.mode
        run["interference_wait_s"] = spec.wait_s
        metrics.update(
            {
                "interference_waits": int(st.counters[K.C_WAITS]),
                "interference_wait_s": float(st.blocked_s.sum()),
                "interference_reroutes": int(st.counters[K.C_REROUTES]),
                "deadlocks": int(st.counters[K.C_DEADLOCKS]),
            }
        )
        agents["blocked_s"] = st.blocked_s.copy()
    return Result(run=run, metrics=metrics, nodes=nodes, agents=agents, series=sim.series.as_arrays())


def _finite_or_none(x: float) -> float | None:
    return x if np.isfinite(x) else None


#: agents-table columns summed per group (the rest of the per-group figures are means)
GROUP_SUMS = ("distance_m", "downtime_s", "failures", "charging_s", "energy_trips", "blocked_s")
GROUP_MEANS = ("availability", "energy_left")


def add_group_figures(result: Result) -> None:
    """With a mixed fleet (a ``group`` column), the figures of each group as ``groups.<name>.<figure>``:
    its agent count, the sums of :data:`GROUP_SUMS` and the means of :data:`GROUP_MEANS` (the columns
    the run has), and the share of all idleness cleared by its visits (``cleared_share``)."""
    agents = result.agents
    if "group" not in agents:
        return
    cleared = agents["cleared_s"]
    total = float(cleared.sum())
    for name in result.run["groups"]:
        mine = agents["group"] == name
        key = f"groups.{name}."
        result.metrics[key + "agents"] = int(mine.sum())
        for column in GROUP_SUMS:
            if column in agents:
                value = agents[column][mine].sum()
                result.metrics[key + column] = value.item()
        for column in GROUP_MEANS:
            if column in agents:
                values = agents[column][mine]
                values = values[np.isfinite(values)]
                result.metrics[key + column] = float(values.mean()) if values.size else None
        result.metrics[key + "cleared_share"] = float(cleared[mine].sum() / total) if total > 0 else 0.0
