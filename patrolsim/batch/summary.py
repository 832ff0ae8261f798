"""Reducing a results database: per configuration (one value of every sweep axis) the mean and 95%
confidence interval of each headline metric over its replications; tidy tables for export."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UserError, printable
from .store import ResultStore

#: metrics summarised by default, when the database has them (seconds, fractions)
HEADLINE = (
    "time_avg_idleness",
    "weighted_time_avg_idleness",
    "worst_idleness",
    "coverage",
    "mean_interval",
    "response_mean_s",
    "response_p90_s",
    "availability",
    "agent_downtime_s",
)


@dataclass
class Stat:
    """Mean, sample standard deviation and 95% t-interval half-width of n values (None when undefined)."""

    n: int
    mean: float | None
    std: float | None
    half_width: float | None

    @classmethod
    def of(cls, values) -> Stat:
        x = np.asarray([v for v in values if v is not None], dtype=np.float64)
        x = x[np.isfinite(x)]
        if x.size == 0:
            return cls(0, None, None, None)
        if x.size == 1:
            return cls(1, float(x[0]), None, None)
        from scipy.stats import t

        std = float(x.std(ddof=1))
        return cls(int(x.size), float(x.mean()), std, float(t.ppf(0.975, x.size - 1) * std / math.sqrt(x.size)))


@dataclass
class Group:
    """One configuration: its parameter values, its runs (ok and failed) and stats per metric.

    ``config`` is the configuration id (hash of the complete scenario minus the seed; None in databases
    written before it was recorded); ``version`` numbers configurations with equal parameter values, which
    arise when a sweep file was edited outside its axes and rerun under the same name (1 when there is one).
    """

    params: dict
    runs: list[dict]
    failed: int
    stats: dict[str, Stat]
    config: str | None = None
    version: int = 1


def sweep_ids(store: ResultStore, sweep: str | None) -> list[str]:
    """The sweeps to summarise: the one named (error if absent) or all of them."""
    ids = [s["sweep_id"] for s in store.sweeps()]
    if sweep is None:
        return ids
    if sweep not in ids:
        raise UserError(f"no sweep '{sweep}' in {store.path}; it holds: {', '.join(ids)}", key="--sweep")
    return [sweep]


def headline_metrics(store: ResultStore, wanted: list[str] | None = None) -> list[str]:
    """The metrics to summarise: ``wanted`` (each must be a column) or the :data:`HEADLINE` ones with values."""
    columns = store.columns("runs")
    if wanted:
        for m in wanted:
            if m not in columns:
                raise UserError(f"no metric '{m}' in the runs table", key="--metric")
        return list(wanted)
    from .store import quote

    return [
        m
        for m in HEADLINE
        if m in columns and store.db.execute(f"SELECT 1 FROM runs WHERE {quote(m)} IS NOT NULL LIMIT 1").fetchone()
    ]


def axes_of(store: ResultStore, sweep_id: str) -> list[str]:
    """Axis keys (parameter columns) of a sweep, in file order."""
    return list(next(s for s in store.sweeps() if s["sweep_id"] == sweep_id)["axes"])


def groups(store: ResultStore, sweep_id: str, metrics: list[str]) -> list[Group]:
    """Configurations of a sweep in run order, with their runs and metric stats over ok runs."""
    axes = axes_of(store, sweep_id)
    by: dict[tuple, list[dict]] = {}
    for row in store.runs(sweep_id):
        by.setdefault((tuple(repr(row.get(a)) for a in axes), row.get("config_id")), []).append(row)
    out: list = []
    seen: dict = {}
    for (params, config), rows in by.items():
        ok = [r for r in rows if r["status"] == "ok"]
        seen[params] = seen.get(params, 0) + 1
        out.append(
            Group(
                params={a: rows[0].get(a) for a in axes},
                runs=rows,
                failed=len(rows) - len(ok),
                stats={m: Stat.of(r.get(m) for r in ok) for m in metrics},
                config=config,
                version=seen[params],
            )
        )
    return out


def versions(gs: list[Group]) -> int:
    """How many versions of its file a sweep's runs come from (the most configurations sharing parameters)."""
    return max((g.version for g in gs), default=1)


def tidy_rows(store: ResultStore, sweep_ids_: list[str], metrics: list[str]) -> list[dict]:
    """One row per sweep, configuration and metric: parameters, metric, n, mean, std, ci95_low, ci95_high."""
    rows = []
    for sid in sweep_ids_:
        for g in groups(store, sid, metrics):
            for m, s in g.stats.items():
                lo = hi = None
                if s.half_width is not None and s.mean is not None:
                    lo, hi = s.mean - s.half_width, s.mean + s.half_width
                rows.append(
                    {
                        "sweep_id": sid,
                        "config_id": g.config,
                        "version": g.version,
                        **g.params,
                        "metric": m,
                        "n": s.n,
                        "failed": g.failed,
                        "mean": s.mean,
                        "std": s.std,
                        "ci95_low": lo,
                        "ci95_high": hi,
                    }
                )
    return rows


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _fmt(s: Stat) -> str:
    if s.mean is None:
        return "n/a"
    return _num(s.mean) + (f" ± {_num(s.half_width)}" if s.half_width is not None else "")


def summary_text(store: ResultStore, sweep_ids_: list[str], metrics: list[str]) -> str:
    """Aligned text tables (one per sweep): parameters, runs ok/failed, mean ± 95% CI half-width."""
    blocks = []
    for sid in sweep_ids_:
        gs = groups(store, sid, metrics)
        axes = axes_of(store, sid)
        several = versions(gs) > 1
        header = axes + (["version"] if several else []) + ["runs"] + metrics
        body = [
            [printable(str(g.params[a])) for a in axes]
            + ([f"v{g.version} ({g.config})"] if several else [])
            + [f"{len(g.runs) - g.failed}" + (f" ({g.failed} failed)" if g.failed else "")]
            + [_fmt(g.stats[m]) for m in metrics]
            for g in gs
        ]
        widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + body]
        lines.insert(1, "  ".join("-" * w for w in widths))
        n_runs = sum(len(g.runs) for g in gs)
        note = (
            f"\nnote: sweep {printable(sid)} holds runs of {versions(gs)} versions of its file (configurations "
            "that differ outside the axes); each version is summarised apart"
            if several
            else ""
        )
        blocks.append(
            f"sweep {printable(sid)}: {len(gs)} configurations, {n_runs} runs; mean ± 95% confidence "
            f"half-width (Student t) over replications; times in seconds{note}\n" + "\n".join(lines)
        )
    return "\n\n".join(blocks)


def export(rows: list[dict], path: str, kind: str) -> None:
    """Write ``rows`` as CSV (standard library) or Parquet (pyarrow, else pandas)."""
    from pathlib import Path

    names = list(dict.fromkeys(k for r in rows for k in r))
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if kind == "csv":
            import csv

            with p.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, names)
                w.writeheader()
                w.writerows({k: ("" if r.get(k) is None else r.get(k)) for k in names} for r in rows)
            return
        columns = {k: [r.get(k) for r in rows] for k in names}
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            try:
                import pandas as pd
            except ImportError:
                raise UserError(
                    "--parquet needs pyarrow (pip install pyarrow) or pandas with a Parquet "
                    "engine; --csv needs nothing",
                    key="--parquet",
                ) from None
            pd.DataFrame(columns).to_parquet(p)
            return
        pq.write_table(pa.table({k: _arrow_column(v) for k, v in columns.items()}), p)
    except OSError as exc:
        raise UserError(f"cannot write ({exc.strerror})", source=p) from None


def _arrow_column(values: list) -> list:
    """Mixed-type columns (e.g. a parameter that is sometimes a number, sometimes text) become text."""
    kinds = {type(v) for v in values if v is not None}
    if len(kinds) > 1 and not kinds <= {int, float}:
        return [None if v is None else str(v) for v in values]
    return values
