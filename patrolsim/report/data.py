"""What the report plots, read from a results database: configurations split into line (strategy and other
parameters) and team size, and per-run tables averaged over replications."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..batch.store import ResultStore
from ..batch.summary import Group, axes_of, groups

TEAM_KEYS = ("agents.count", "agents")


@dataclass
class Config:
    """One configuration: its line label (everything but team size), team size, and ok runs."""

    label: str
    team: int | None
    group: Group

    @property
    def ok_ids(self) -> list[str]:
        return [r["run_id"] for r in self.group.runs if r["status"] == "ok"]


def configs(store: ResultStore, sweep_id: str, metrics: list[str]) -> list[Config]:
    """The sweep's configurations with a label naming the parameters that vary between lines."""
    axes = axes_of(store, sweep_id)
    gs = groups(store, sweep_id, metrics)
    line_keys = [a for a in axes if a not in TEAM_KEYS]
    varying = [k for k in line_keys if len({repr(g.params[k]) for g in gs}) > 1]
    out = []
    for g in gs:
        ok = [r for r in g.runs if r["status"] == "ok"]
        first = ok[0] if ok else g.runs[0]
        team = first.get("agents")
        if team is None:
            team = next((g.params[k] for k in TEAM_KEYS if k in g.params), None)
        parts = []
        for k in varying:
            value = g.params[k]
            parts.append(str(value) if k in ("strategy.name", "strategy") else f"{_short(k)}={_value(value)}")
        label = ", ".join(parts) or str(first.get("strategy") or sweep_id)
        if g.version > 1:
            label += f" (v{g.version})"
        out.append(Config(label=label, team=int(team) if team is not None else None, group=g))
    return out


def _short(key: str) -> str:
    return key.removeprefix("strategy.").removeprefix("agents.")


def _value(value) -> str:
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return value.replace("\\", "/").rsplit("/", 1)[-1]
    return str(value)


def lines(cfgs: list[Config]) -> dict[str, list[Config]]:
    """Configurations grouped by line label (file order), each sorted by team size."""
    out: dict[str, list[Config]] = {}
    for c in cfgs:
        out.setdefault(c.label, []).append(c)
    return {k: sorted(v, key=lambda c: (c.team is None, c.team or 0)) for k, v in out.items()}


def mean_column(store: ResultStore, table: str, run_ids: list[str], column: str) -> np.ndarray | None:
    """Per-row mean of ``column`` of a per-run table over runs of equal length (None when missing)."""
    tables = store.table(table, run_ids, [column])
    cols = [t[column] for t in tables.values() if column in t]
    if not cols:
        return None
    n = min(len(c) for c in cols)
    return np.nanmean(np.vstack([np.asarray(c[:n], dtype=np.float64) for c in cols]), axis=0)
