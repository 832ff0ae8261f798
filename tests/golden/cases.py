"""The golden-results cases: every built-in strategy on three shipped maps, with and without incidents.

Each case is a scenario (a dict as it would be read from TOML) small enough that the whole table runs
in well under a minute, yet long enough that every strategy makes many decisions, agents meet, and
incidents are dispatched. :func:`record` reduces a run to what the table keeps: every metric, exactly,
and a digest of the complete JSON output (per-node, per-agent, time series, incidents, areas).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = Path(__file__).with_name("results.json")

STRATEGIES = [
    "random",
    "cr",
    "hcr",
    "hpcc",
    "cgg",
    "msp",
    "gbs",
    "sebs",
    "cbls",
    "dtag",
    "dtap",
    "risk",
    "proportional",
    "hotspot-dwell",
    "posts",
]

#: (map file, duration s, agents, sensing radius m): a small graph, an office-sized grid, a street graph
MAPS = {
    "plaza": ("maps/plaza.json", 3600.0, 3, 0.0),
    "office": ("maps/office.txt", 900.0, 4, 2.0),
    "mesa_az": ("maps/mesa_az", 21600.0, 4, 0.0),
}

#: incidents as a planner would set them (calls and discoverable ones), dense enough to dispatch often
INCIDENTS = {
    "incidents": {
        "stream": "hotspot",
        "rate_per_hour": 12,
        "priority_shares": [0.2, 0.3, 0.5],
        "service_mean_s": [300, 120, 60],
        "reported_share": 0.8,
        "detection_prob": 0.7,
        "lifetime_s": 1800,
    },
    "dispatch": {"policy": "nearest-preempt", "delay_s": [5, 20, 60], "targets_s": [60, 120]},
}


#: non-default parameters: posts on office with 4 Teitz-Bart restarts instead of 32 keeps the uncompiled
#: pass of .ci/run short (each restart is a pass over 1919 x 1919 distances in plain Python)
PARAMS = {("office", "posts"): {"restarts": 4}}


def cases() -> dict[str, dict]:
    """case id -> scenario dict, in a fixed order."""
    out = {}
    for map_name, (path, duration, agents, radius) in MAPS.items():
        for strategy in STRATEGIES:
            for incidents in (False, True):
                data = {
                    "name": f"golden {map_name} {strategy}",
                    "map": str(ROOT / path),
                    "duration": duration,
                    "seed": 3,
                    "agents": {"count": agents, "sensing_radius": radius},
                    "strategy": {"name": strategy, **PARAMS.get((map_name, strategy), {})},
                }
                if incidents:
                    data.update(INCIDENTS)
                out[f"{map_name}/{strategy}/{'incidents' if incidents else 'plain'}"] = data
    return out


def record(data: dict) -> dict:
    """Run one case: {"metrics": ..., "digest": sha256 of the whole JSON output}, or {"error": message}
    when the scenario is refused or the run stops with a user error (a recorded behaviour too)."""
    import patrolsim
    from patrolsim.errors import UserError
    from patrolsim.output import _default

    try:
        result = patrolsim.make(patrolsim.scenario_from_dict(data, base_dir=ROOT)).run()
    except UserError as exc:
        return {"error": str(exc).replace(str(ROOT) + "/", "")}
    out = result.to_dict()
    for machine_specific in ("wall_s", "map_path", "version"):
        out["run"].pop(machine_specific)
    text = json.dumps(out, sort_keys=True, default=_default)
    return {
        "metrics": json.loads(json.dumps(out["metrics"], default=_default)),
        "digest": hashlib.sha256(text.encode()).hexdigest(),
    }
