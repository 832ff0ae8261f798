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


def write_json(result: Result, path: str, extra: dict | None = None) -> None:
    """Write ``result.to_dict()`` (and the entries of ``extra``, e.g. a comparison) to ``path`` ('-' =
    stdout)."""
    text = json.dumps(json_safe({**result.to_dict(), **(extra or {})}), indent=2, allow_nan=False)
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    write_file(Path(path), text)


def csv_path(prefix: str, name: str) -> Path:
    """PREFIX_name.csv (a PREFIX ending in .csv loses it)."""
    base = Path(prefix[:-4] if prefix.lower().endswith(".csv") else prefix)
    return base.with_name(f"{base.name}_{name}.csv")


def write_csv(result: Result, prefix: str) -> list[Path]:
    """Write PREFIX_nodes.csv, PREFIX_agents.csv and PREFIX_series.csv (and PREFIX_incidents.csv,
    PREFIX_areas.csv when incidents are on); returns the paths."""
    paths = []
    for name in result.table_names:
        table = getattr(result, name)
        rows = zip(*(col.tolist() for col in table.values()))
        lines = [list(table)] + [["" if isinstance(x, float) and not math.isfinite(x) else x for x in r] for r in rows]
        paths.append(write_file(csv_path(prefix, name), lines))
    return paths


def write_file(path: Path, content) -> Path:
    """Write ``content`` (text, or CSV rows) to ``path`` (folders created); a UserError naming it if that
    fails. Returns the path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            if isinstance(content, str):
                fh.write(content + "\n")
            else:
                csv.writer(fh).writerows(content)
    except OSError as exc:
        raise UserError(f"cannot write output ({exc.strerror})", source=path) from None
    return path


def _default(obj):
    """numpy values for ``json.dumps(default=...)`` (the golden table's digest)."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(type(obj).__name__)


def json_safe(value):
    """``value`` with numpy scalars and arrays as plain Python and every NaN or infinity as None (JSON null)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


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
    what = [
        ("scenario", r["scenario"]),
        ("map", f"{r['map']} ({r['nodes']} nodes)"),
        (
            "strategy",
            r["strategy"]
            + (
                " " + ", ".join(f"{k}={_short(v)}" for k, v in r["strategy_params"].items())
                if r["strategy_params"]
                else ""
            ),
        ),
        ("agents", f"{r['agents']} at {', '.join(f'{s:g}' for s in sorted(set(r['speed_mps'])))} m/s"),
        ("simulated", f"{_fmt_s(r['duration'] - r['warmup'])} measured after {_fmt_s(r['warmup'])} warm-up"),
        ("seed", str(r["seed"])),
        ("decisions", f"{r['decisions']:,} in {r['wall_s']:.3f} s wall clock"),
    ]
    cov = [("coverage", f"{m['coverage']:.1%}"), ("time to full coverage", _fmt_s(m["time_to_full_coverage"]))]
    cov += [
        (f"seen within last {k[len('coverage_within_') :]}", f"{v:.1%}")
        for k, v in m.items()
        if k.startswith("coverage_within_")
    ]
    idle = [
        ("time-averaged idleness", _fmt_s(m["time_avg_idleness"])),
        ("  priority-weighted", _fmt_s(m["weighted_time_avg_idleness"])),
        ("worst idleness", _fmt_s(m["worst_idleness"])),
        ("mean revisit interval", _fmt_s(m["mean_interval"])),
        ("  quadratic mean / std", f"{_fmt_s(m['interval_qmean'])} / {_fmt_s(m['interval_std'])}"),
        ("visits", f"{m['visits_total']:,} ({m['complete_cycles']} complete cycles)"),
        ("distance travelled", f"{m['distance_total_m']:,.0f} m"),
        ("interference", f"{m['node_interference']} at nodes, {m['edge_interference']} on edges"),
        ("next-node entropy", f"{m['choice_entropy_bits']:.2f} bits (0 = fully predictable)"),
    ]
    tables = [format_table(what, "Run")]
    if "lap_s" in result.agents:
        tables.append(format_table(route_rows(result), "Routes"))
    tables.append(format_table(cov, "Coverage"))
    if result.incidents:
        tables += incident_tables(result)
    fleet = fleet_rows(m, result.run.get("groups", []))
    if fleet:
        tables.append(format_table(fleet, "Fleet"))
    return "\n\n".join(tables + [format_table(idle, "Idleness")])


def fleet_rows(m: dict, groups: list[str]) -> list[tuple[str, str]]:
    """The summary's rows of batteries, failures, interference and groups (none when a run has none)."""
    rows = []
    if "availability" in m:
        rows += [
            ("availability", f"{m['availability']:.1%} of agent-time in service"),
            ("failures / downtime", f"{m['failures']} / {_fmt_s(m['agent_downtime_s'])}"),
            ("worst idleness, team short", _fmt_s(m["worst_idleness_degraded_s"])),
        ]
    if "energy_trips" in m:
        rows += [
            ("charging trips / time", f"{m['energy_trips']} / {_fmt_s(m['charging_s'])}"),
            ("mean wait for a charger", _fmt_s(m["dock_queue_wait_mean_s"])),
        ]
    if "interference_waits" in m:
        rows += [
            ("waits for robots in the way", f"{m['interference_waits']:,} ({_fmt_s(m['interference_wait_s'])} in all)"),
            ("steps aside / deadlocks", f"{m['interference_reroutes']:,} / {m['deadlocks']:,}"),
        ]
    for g in groups:
        avail = m.get(f"groups.{g}.availability")
        rows.append(
            (
                f"group {g}",
                f"{m[f'groups.{g}.agents']} agent{'' if m[f'groups.{g}.agents'] == 1 else 's'}, "
                f"{m[f'groups.{g}.distance_m']:,.0f} m, "
                f"{m[f'groups.{g}.cleared_share']:.1%} of idleness cleared"
                + (f", {avail:.1%} available" if avail is not None else ""),
            )
        )
    return rows


def _short(value, limit: int = 40) -> str:
    """A parameter value for the summary line, cut to ``limit`` characters (routes can be long)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: uncovered areas the summary names (largest first); the per-node table lists every one
AREAS_SHOWN = 3


def route_rows(result: Result) -> list[tuple[str, str]]:
    """The Routes table of a run of the route strategy: per agent its route, lap and expected worst
    idleness (lap / agents on the route), then the nodes no route covers, by area."""
    a, m = result.agents, result.metrics
    rows = []
    for i, route in enumerate(a["route"].tolist()):
        share = int(a["sharing"][i])
        who = f"route {route}" + (f" (shared by {share} agents)" if share > 1 else "")
        rows.append(
            (
                f"agent {i}",
                f"{who}: {a['waypoints'][i]} waypoints, lap {a['lap_m'][i]:,.0f} m in {_fmt_s(a['lap_s'][i])}; "
                f"expected worst {_fmt_s(a['expected_worst_s'][i])}",
            )
        )
    lost = m["route_uncovered_nodes"]
    areas = m["route_uncovered_areas"]
    text = "none" if not lost else f"{lost:,} nodes in {areas} area{'s' * (areas != 1)}"
    if lost:
        area, x, y = result.nodes["uncovered_area"], result.nodes["x_m"], result.nodes["y_m"]
        parts = []
        for k in range(1, min(m["route_uncovered_areas"], AREAS_SHOWN) + 1):
            inside = area == k
            parts.append(f"{int(inside.sum()):,} around ({x[inside].mean():.0f}, {y[inside].mean():.0f}) m")
        more = m["route_uncovered_areas"] - AREAS_SHOWN
        text += (
            ": " + "; ".join(parts) + (f"; {more} more (column uncovered_area of the nodes table)" if more > 0 else "")
        )
    rows.append(("not on any route", text))
    return rows


def _fmt_share(x) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def incident_tables(result: Result) -> list[str]:
    """The response table (overall and per priority) and the fairness and privacy table."""
    r, m = result.run, result.metrics
    targets = [k[len("response_within_") :] for k in m if k.startswith("response_within_")]
    resp = [
        (
            "incidents",
            f"{m['incidents_total']:,} ({m['incidents_reported']:,} calls, "
            f"{m['incidents_discoverable']:,} discoverable)",
        ),
        ("dispatch", r["dispatch_policy"]),
    ]
    if m["incidents_dropped_off_map"]:
        resp.append(("dropped off the map", str(m["incidents_dropped_off_map"])))
    resp += [
        ("calls reached", f"{m['response_count']:,} of {m['calls']:,}"),
        ("response mean / median", f"{_fmt_s(m['response_mean_s'])} / {_fmt_s(m['response_median_s'])}"),
        ("response 90th pct / max", f"{_fmt_s(m['response_p90_s'])} / {_fmt_s(m['response_max_s'])}"),
    ]
    resp += [(f"  within {t}", _fmt_share(m[f"response_within_{t}"])) for t in targets]
    for p in (1, 2, 3):
        if m[f"calls_p{p}"]:
            resp.append(
                (
                    f"priority {p} ({m[f'calls_p{p}']} calls)",
                    f"mean {_fmt_s(m[f'response_p{p}_mean_s'])}, 90th pct {_fmt_s(m[f'response_p{p}_p90_s'])}, "
                    f"within {targets[0]} {_fmt_share(m[f'response_p{p}_within_{targets[0]}'])}",
                )
            )
    if m["incidents_discoverable"]:
        resp += [
            (
                "detected",
                f"{m['detected']:,} ({_fmt_share(m['detection_rate'])}), {m['incidents_expired']:,} expired unseen",
            ),
            ("time to detection mean", _fmt_s(m["time_to_detection_mean_s"])),
        ]
    resp += [
        ("missed (never reached)", f"{m['incidents_missed']:,}"),
        ("queued / mean wait", f"{_fmt_share(m['queued_share'])} / {_fmt_s(m['queue_wait_mean_s'])}"),
        ("pre-emptions", str(m["preemptions"])),
        ("agent utilisation", _fmt_share(m["utilisation"])),
    ]

    def ratio(x):
        return "n/a" if x is None else f"{x:.2f}"

    fair = [
        ("areas", f"{len(result.areas['area']):,}"),
        ("patrol-time Gini", ratio(m["patrol_gini"])),
        ("exposure ratio min / max", f"{ratio(m['exposure_ratio_min'])} / {ratio(m['exposure_ratio_max'])}"),
        ("detection disparity", ratio(m["detection_disparity"])),
        ("observation (privacy) total", _fmt_s(m["observation_total_s"])),
        ("observation Gini", ratio(m["observation_gini"])),
    ]
    if r.get("predictive", "off") != "off":
        fair += [
            ("predictive layer", r["predictive"]),
            ("  top area's share", _fmt_share(m["predictive_top_share"])),
            ("  distance to true shares", ratio(m["predictive_tv_distance"])),
        ]
    return [format_table(resp, "Response"), format_table(fair, "Fairness and privacy")]
