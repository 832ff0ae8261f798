"""``patrolsim compare``: strategies x team sizes x seeds on one map, the table researchers publish.

Each run reports patrolsim's own figures (see :mod:`patrolsim.metrics.idleness`) and the figures of the
ROS package patrolling_sim (monitor.cpp, its ``*_results.txt`` and ``*_info.csv``), recomputed from the
run's visit log so numbers can be set beside published ones:

* ``worst_idleness``: the longest time any node stayed unvisited (open intervals at the end included);
* ``time_avg_idleness``: idleness averaged over nodes and time;
* ``mean_interval``: the mean of all revisit intervals, the first running from the start (t0);
* ``gavg`` (info.csv "avg", results.txt "Global idleness avg"): the mean of all revisit intervals of all
  nodes pooled; a node's first visit opens its series and closes no interval;
* ``gmax`` (info.csv "max", results.txt "Global idleness max"): the longest such interval;
* ``avg_graph`` (results.txt "avg_idleness (graph)"): the mean over nodes of each node's mean interval,
  a node with fewer than two visits counting 0 (as patrolling_sim does);
* ``worst_avg`` (results.txt "worst_avg_idleness (graph)"): the largest node mean interval.

Two visits within the engine's "same instant" tolerance (two agents at once) close no interval, as in
every patrolsim figure. Per configuration the table gives each figure's mean, sample standard deviation,
minimum and maximum over the seeds. Everything runs in one process, in a fixed order, so the same
arguments always print the same table.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.kernel import TIME_EPS
from ..engine.result import Result
from ..errors import UserError

#: the figures of one run, in table order
METRICS = ("worst_idleness", "time_avg_idleness", "mean_interval", "gavg", "gmax", "avg_graph", "worst_avg")
#: short column heads of the printed table
HEADS = {
    "worst_idleness": "worst",
    "time_avg_idleness": "time-avg",
    "mean_interval": "interval",
    "gavg": "gavg",
    "gmax": "gmax",
    "avg_graph": "avg_graph",
    "worst_avg": "worst_avg",
}


def parse_int_set(text: str, what: str) -> list[int]:
    """'1-8', '1,2,4' or '2,4-6' as a sorted list of distinct non-negative integers."""
    out: set[int] = set()
    for part in text.split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            first, last = int(lo), int(hi) if dash else int(lo)
        except ValueError:
            raise UserError(f"{what}: expected numbers like 1-8 or 1,2,4, got {text!r}") from None
        if first < 0 or last < first:
            raise UserError(f"{what}: {part.strip()!r} is not a range of non-negative numbers")
        out.update(range(first, last + 1))
    return sorted(out)


def patrolling_sim_figures(times: np.ndarray, nodes: np.ndarray, n_nodes: int) -> dict[str, float]:
    """gavg, gmax, avg_graph and worst_avg (seconds) of patrolling_sim's monitor from a visit log
    (visit times and nodes, in event order); see the module docstring."""
    order = np.lexsort((times, nodes))  # by node, then time; stable
    t, v = times[order], nodes[order]
    same = v[1:] == v[:-1]
    dt = np.diff(t)
    closed = same & (dt > TIME_EPS * np.maximum(t[1:], 10.0))
    gaps, at = dt[closed], v[1:][closed]
    count = np.bincount(at, minlength=n_nodes)
    total = np.bincount(at, weights=gaps, minlength=n_nodes)
    node_avg = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return {
        "gavg": float(gaps.sum() / gaps.size) if gaps.size else math.nan,
        "gmax": float(gaps.max()) if gaps.size else math.nan,
        "avg_graph": float(node_avg.mean()),
        "worst_avg": float(node_avg.max()),
    }


def logged_run(sim) -> tuple[Result, np.ndarray, np.ndarray]:
    """Run ``sim`` (a Simulation at time 0) to its end: (result, times, nodes) of every visit, in event order."""
    log_t: list[np.ndarray] = []
    log_v: list[np.ndarray] = []

    def listen(times: np.ndarray, nodes: np.ndarray, agents: np.ndarray) -> None:
        log_t.append(times)
        log_v.append(nodes)

    sim.on_visits(listen)
    result = sim.run()
    times = np.concatenate(log_t) if log_t else np.zeros(0)
    nodes = np.concatenate(log_v) if log_v else np.zeros(0, dtype=np.int64)
    return result, times, nodes.astype(np.int64)


def figures(result: Result, times: np.ndarray, nodes: np.ndarray) -> dict[str, float]:
    """Every figure of METRICS of a finished run from its result and visit log (:func:`logged_run`)."""
    keep = times >= result.run["warmup"]
    out = {k: float(result.metrics[k]) for k in METRICS[:3]}
    out.update(patrolling_sim_figures(times[keep], nodes[keep], result.run["nodes"]))
    return out


def run_one(scenario) -> dict[str, float]:
    """Every figure of METRICS for one scenario run to its end."""
    from ..build import make

    return figures(*logged_run(make(scenario)))


@dataclass(frozen=True)
class Comparison:
    """Per-run figures (``runs``: strategy, agents, seed and METRICS) and their spread per configuration
    (``rows``: strategy, agents, seeds, and METRICS_mean / _std / _min / _max)."""

    map_name: str
    duration: float
    runs: list[dict]
    rows: list[dict]


def spread(values: Sequence[float]) -> dict[str, float]:
    """mean, sample standard deviation (0 for one value), min and max, NaN values left out."""
    x = np.array([v for v in values if not math.isnan(v)])
    if x.size == 0:
        return {"mean": math.nan, "std": math.nan, "min": math.nan, "max": math.nan}
    std = float(x.std(ddof=1)) if x.size > 1 else 0.0
    return {"mean": float(x.mean()), "std": std, "min": float(x.min()), "max": float(x.max())}


def compare(
    path: str,
    strategies: Sequence[str],
    agents: Sequence[int],
    seeds: Sequence[int],
    overrides: dict | None = None,
    progress: Callable[[int, int, dict], None] | None = None,
    strategy_params: dict[str, dict] | None = None,
) -> Comparison:
    """Run every (strategy, team size, seed) on the map or scenario at ``path``, in that order;
    ``strategy_params``: parameters of some of the strategies (name -> key -> value, e.g. a learned
    policy's file: ``{"rl": {"policy": "policy.npz"}}``)."""
    from ..scenario import load_run_scenario

    if not strategies or not agents or not seeds:
        raise UserError("compare needs at least one strategy, one team size and one seed")
    total = len(strategies) * len(agents) * len(seeds)
    runs: list[dict] = []
    rows: list[dict] = []
    scenario = None
    for name in strategies:
        for count in agents:
            group: list[dict] = []
            for seed in seeds:
                params = {f"strategy.{k}": v for k, v in (strategy_params or {}).get(name, {}).items()}
                scenario = load_run_scenario(
                    path, {**(overrides or {}), "strategy": name, "agents": count, "seed": seed, **params}
                )
                run = {"strategy": name, "agents": count, "seed": seed, **run_one(scenario)}
                runs.append(run)
                group.append(run)
                if progress is not None:
                    progress(len(runs), total, run)
            rows.append(group_row(group))
    assert scenario is not None
    return Comparison(scenario.map.name, scenario.duration, runs, rows)


def group_row(group: list[dict]) -> dict:
    """The row of one configuration (strategy, agents, seeds, then each figure's spread) from its runs."""
    row: dict = {"strategy": group[0]["strategy"], "agents": group[0]["agents"], "seeds": len(group)}
    for metric in METRICS:
        for stat, value in spread([float(r[metric]) for r in group]).items():
            row[f"{metric}_{stat}"] = value
    return row


def versus(
    path: str,
    scenario,
    own: dict[str, float],
    strategies: Sequence[str],
    overrides: dict | None = None,
    progress: Callable[[int, int, dict], None] | None = None,
) -> Comparison:
    """A finished run of ``scenario`` (loaded from ``path`` with ``overrides``; ``own``: its :func:`figures`)
    beside runs of ``strategies`` on the same map, team and seed (each with its own default parameters)."""
    team, seed = scenario.agents.count, scenario.seed
    first = {"strategy": scenario.strategy_name, "agents": team, "seed": seed, **own}
    others = compare(path, strategies, [team], [seed], overrides, progress)
    return Comparison(others.map_name, others.duration, [first, *others.runs], [group_row([first]), *others.rows])


def versus_line(comparison: Comparison) -> str:
    """The sentence a planner reads first: 'your routes: worst 31 min; cgg 18 min; msp 20 min'."""
    parts = []
    for k, row in enumerate(comparison.rows):
        name = "your routes" if k == 0 and row["strategy"] == "route" else row["strategy"]
        worst = row["worst_idleness_mean"]
        parts.append(f"{name}: worst {_minutes(worst)}" if k == 0 else f"{name} {_minutes(worst)}")
    return "; ".join(parts)


def _minutes(seconds: float) -> str:
    if math.isnan(seconds):
        return "n/a"
    if seconds >= 7200:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def table_text(comparison: Comparison) -> str:
    """The printed table: per configuration, each figure as mean ± std (seconds; the mean alone when every
    configuration ran one seed)."""
    heads = ["strategy", "R", "seeds", *(HEADS[m] for m in METRICS)]
    one = all(row["seeds"] == 1 for row in comparison.rows)
    body = [
        [
            row["strategy"],
            str(row["agents"]),
            str(row["seeds"]),
            *(f"{row[f'{m}_mean']:.1f}" + ("" if one else f" ± {row[f'{m}_std']:.1f}") for m in METRICS),
        ]
        for row in comparison.rows
    ]
    widths = [max(len(r[i]) for r in [heads, *body]) for i in range(len(heads))]
    lines = [
        f"{comparison.map_name}: {comparison.duration:g} s per run; idleness in seconds"
        + ("" if one else ", mean ± std over seeds"),
        "  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)),
    ]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)


def csv_text(comparison: Comparison) -> str:
    """One row per configuration: strategy, agents, seeds, then mean/std/min/max of every figure."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(comparison.rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(comparison.rows)
    return buf.getvalue()


def as_dict(comparison: Comparison) -> dict:
    """map, duration, the summary rows and every run (NaN as None), ready for JSON."""

    def clean(d: dict) -> dict:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}

    return {
        "map": comparison.map_name,
        "duration": comparison.duration,
        "rows": [clean(r) for r in comparison.rows],
        "runs": [clean(r) for r in comparison.runs],
    }


def json_text(comparison: Comparison) -> str:
    """:func:`as_dict` as JSON text."""
    return json.dumps(as_dict(comparison), indent=1)
