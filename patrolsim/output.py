"""Writing results: JSON (one object), CSV (per-node table and time series), and text tables."""
from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

from .engine.result import Result
from .errors import UserError


def write_json(result: Result, path: str) -> None:
    """Write ``result.to_dict()`` to ``path`` ('-' = stdout)."""
    text = json.dumps(result.to_dict(), indent=2, default=_default)
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    _write(Path(path), text)


def write_csv(result: Result, prefix: str) -> list[Path]:
    """Write PREFIX_nodes.csv, PREFIX_agents.csv and PREFIX_series.csv; returns the paths."""
    base = Path(prefix[:-4] if prefix.lower().endswith(".csv") else prefix)
    paths = []
    for name in ("nodes", "agents", "series"):
        table = getattr(result, name)
        path = base.with_name(f"{base.name}_{name}.csv")
        rows = zip(*(col.tolist() for col in table.values()))
        lines = [list(table)] + [["" if isinstance(x, float) and not math.isfinite(x) else x for x in r]
                                 for r in rows]
        _write(path, lines)
        paths.append(path)
    return paths


def _write(path: Path, content) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            if isinstance(content, str):
                fh.write(content + "\n")
            else:
                csv.writer(fh).writerows(content)
    except OSError as exc:
        raise UserError(f"cannot write output ({exc.strerror})", source=path) from None


def _default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(type(obj).__name__)


def format_table(rows: list[tuple[str, str]], title: str = "") -> str:
    """Two aligned columns under an optional title."""
    width = max(len(k) for k, _ in rows)
    out = [title, "-" * max(len(title), width + 14)] if title else []
    out += [f"{k:<{width}}  {v}" for k, v in rows]
    return "\n".join(out)


def _fmt_s(x) -> str:
    if x is None:
        return "n/a"
    if x >= 3600:
        return f"{x:,.1f} s ({x / 3600:.2f} h)"
    if x >= 120:
        return f"{x:,.1f} s ({x / 60:.1f} min)"
    return f"{x:,.2f} s"


def summary_text(result: Result) -> str:
    """The readable summary `patrolsim run` prints: what ran, then coverage and idleness."""
    r, m = result.run, result.metrics
    what = [("scenario", r["scenario"]), ("map", f"{r['map']} ({r['nodes']} nodes)"),
            ("strategy", r["strategy"] + (" " + ", ".join(f"{k}={v}" for k, v in r["strategy_params"].items())
                                          if r["strategy_params"] else "")),
            ("agents", f"{r['agents']} at {', '.join(f'{s:g}' for s in sorted(set(r['speed_mps'])))} m/s"),
            ("simulated", f"{_fmt_s(r['duration'] - r['warmup'])} measured after {_fmt_s(r['warmup'])} warm-up"),
            ("seed", str(r["seed"])),
            ("decisions", f"{r['decisions']:,} in {r['wall_s']:.3f} s wall clock")]
    cov = [("coverage", f"{m['coverage']:.1%}"),
           ("time to full coverage", _fmt_s(m["time_to_full_coverage"]))]
    cov += [(f"seen within last {k[len('coverage_within_'):]}", f"{v:.1%}") for k, v in m.items()
            if k.startswith("coverage_within_")]
    idle = [("time-averaged idleness", _fmt_s(m["time_avg_idleness"])),
            ("  priority-weighted", _fmt_s(m["weighted_time_avg_idleness"])),
            ("worst idleness", _fmt_s(m["worst_idleness"])),
            ("mean revisit interval", _fmt_s(m["mean_interval"])),
            ("  quadratic mean / std", f"{_fmt_s(m['interval_qmean'])} / {_fmt_s(m['interval_std'])}"),
            ("visits", f"{m['visits_total']:,} ({m['complete_cycles']} complete cycles)"),
            ("distance travelled", f"{m['distance_total_m']:,.0f} m"),
            ("interference", f"{m['node_interference']} at nodes, {m['edge_interference']} on edges"),
            ("next-node entropy", f"{m['choice_entropy_bits']:.2f} bits (0 = fully predictable)")]
    return "\n\n".join([format_table(what, "Run"), format_table(cov, "Coverage"),
                        format_table(idle, "Idleness")])
