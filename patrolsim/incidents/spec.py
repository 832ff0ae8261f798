"""The validated [incidents] and [dispatch] tables of a scenario, and the scenario keys they add.

:func:`incident_keys` and :func:`dispatch_keys` are merged into :data:`patrolsim.scenario.SCHEMA`;
:func:`incident_specs` checks what per-key checks cannot (lists, files, cross-key rules) and loads a
replay file, so every mistake surfaces when the scenario is loaded, naming the key and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ScenarioError, csv_rows, find_file, read_text, snippet
from ..schema import Key as _key
from ..schema import finite, interval, plain, within
from ..schema import non_negative as _nonneg
from ..schema import one_of as _in
from ..schema import positive as _pos
from .streams import Marks

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap

#: incidents per hour of one stream: more than one a second is not a patrol problem
MAX_RATE_PER_HOUR = 3600.0
#: incidents a run may expect (rate x duration): their tables are held in memory
MAX_INCIDENTS = 2_000_000

STREAMS = ("none", "poisson", "hotspot", "profile", "hawkes", "self-exciting", "replay", "calls")
POLICIES = ("nearest", "nearest-preempt", "none")
PREDICTIVE = ("off", "naive", "corrected")


def incident_keys() -> dict:
    """Keys of the [incidents] table."""
    num = (int, float)
    return {
        "stream": _key(
            (str,), "none", "incident stream: " + ", ".join(STREAMS), _in(*STREAMS), "one of " + ", ".join(STREAMS)
        ),
        "rate_per_hour": _key(
            num,
            4.0,
            "incidents per hour (hawkes: background rate mu)",
            within(0, MAX_RATE_PER_HOUR, lo_open=True),
            interval(0, MAX_RATE_PER_HOUR, lo_open=True),
        ),
        "location": _key(
            (str,),
            "auto",
            "'nodes', 'length' (street length), 'weights' (hot spots) or "
            "'auto' (hotspot: weights; else length on graph maps, nodes on grids)",
            _in("auto", "nodes", "length", "weights"),
            "'auto', 'nodes', 'length' or 'weights'",
        ),
        "risk_file": _key((str,), "", "CSV (node, risk) replacing the map weights for 'weights' locations"),
        "profile": _key((list,), [1.0] * 24, "24 hourly rate multipliers (profile stream)"),
        "theta": _key(
            num,
            0.5,
            "hawkes branching ratio: expected children per incident",
            lambda x: finite(x) and 0 <= x < 1,
            "in [0, 1) (theta >= 1 makes the process explode)",
        ),
        "omega_per_hour": _key(num, 1.0, "hawkes decay rate of triggering (per hour)", _pos, "> 0"),
        "sigma_m": _key(num, 50.0, "hawkes spatial offset of triggered incidents (metres)", _nonneg, ">= 0"),
        "file": _key((str,), "", "replay CSV (time_s, x_m, y_m or node, [priority, service_s, mode])"),
        "snap": _key(
            (str,),
            "auto",
            "replay snapping: 'node', 'edge' or 'auto' (edge on graph maps)",
            _in("auto", "node", "edge"),
            "'auto', 'node' or 'edge'",
        ),
        "max_snap_m": _key(num, 150.0, "replay points farther than this from the map are reported", _pos, "> 0"),
        "off_map": _key(
            (str,),
            "error",
            "replay points beyond max_snap_m: 'error' or 'drop' (counted)",
            _in("error", "drop"),
            "'error' or 'drop'",
        ),
        "priority_shares": _key((list,), [0.2, 0.3, 0.5], "shares of priority 1, 2, 3 (1 = most urgent)"),
        "service_mean_s": _key((int, float, list), 600.0, "mean on-scene seconds (one, or one per priority)"),
        "service_dist": _key(
            (str,),
            "exponential",
            "'exponential', 'fixed' or 'lognormal'",
            _in("exponential", "fixed", "lognormal"),
            "'exponential', 'fixed' or 'lognormal'",
        ),
        "service_cv": _key(num, 0.5, "coefficient of variation of lognormal service", _pos, "> 0"),
        "reported_share": _key(
            num,
            1.0,
            "share of incidents that are calls (the rest are discoverable)",
            lambda x: finite(x) and 0 <= x <= 1,
            "in [0, 1]",
        ),
        "detection_prob": _key(
            num,
            0.8,
            "chance a discoverable incident is noticed per agent pass",
            lambda x: finite(x) and 0 < x <= 1,
            "in (0, 1]",
        ),
        "lifetime_s": _key(num, 3600.0, "seconds a discoverable incident stays findable", _pos, "> 0"),
        "ledger_region_m": _key(
            num, 0.0, "side of the square areas of the fairness ledgers (0 = per node)", _nonneg, ">= 0"
        ),
        "predictive": _key(
            (str,),
            "off",
            "predictive risk layer: 'off', 'naive' or 'corrected' (Ensign 2018)",
            _in(*PREDICTIVE),
            "'off', 'naive' or 'corrected'",
        ),
        "predictive_period_s": _key(num, 3600.0, "seconds between risk re-estimates", _pos, "> 0"),
        "predictive_prior": _key(num, 1.0, "pseudo-count of incidents per area before any record", _pos, "> 0"),
    }


def dispatch_keys() -> dict:
    """Keys of the [dispatch] table."""
    return {
        "policy": _key(
            (str,),
            "nearest",
            "'nearest' (by network travel time), 'nearest-preempt' or 'none'",
            _in(*POLICIES),
            "'nearest', 'nearest-preempt' or 'none'",
        ),
        "delay_s": _key((int, float, list), 0.0, "call-processing delay in seconds (one, or one per priority)"),
        "targets_s": _key((list,), [300.0, 600.0], "response-time targets in seconds (share within each)"),
        "tick_s": _key(
            (int, float),
            5.0,
            "seconds between the dispatcher's looks at discoveries and agent positions (ledgers)",
            _pos,
            "> 0",
        ),
    }


@dataclass(frozen=True)
class IncidentSpec:
    """The [incidents] table, validated. ``risk`` holds node weights read from ``risk_file``."""

    stream: str
    rate_per_hour: float
    location: str
    profile: tuple[float, ...]
    theta: float
    omega_per_hour: float
    sigma_m: float
    replay_file: str
    snap: str
    max_snap_m: float
    off_map: str
    marks: Marks
    detection_prob: float
    lifetime_s: float
    ledger_region_m: float
    predictive: str
    predictive_period_s: float
    predictive_prior: float
    risk: np.ndarray | None = None


@dataclass(frozen=True)
class DispatchSpec:
    """The [dispatch] table: policy, delay per priority (s), response targets (s), tick (s)."""

    policy: str
    delay_s: tuple[float, float, float]
    targets_s: tuple[float, ...]
    tick_s: float


def _three(value: Any, name: str, table: str, where, low_ok) -> tuple[float, float, float]:
    vals = value if isinstance(value, list) else [value] * 3
    if len(vals) != 3 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and low_ok(v) for v in vals):
        raise where.error(
            table, name, f"expected one number or a list of 3 (priorities 1, 2, 3), each valid, got {value!r}"
        )
    return tuple(float(v) for v in vals)  # type: ignore[return-value]


def incident_specs(tree: dict, pmap: PatrolMap, where, base: Path) -> tuple[IncidentSpec | None, DispatchSpec | None]:
    """The specs of a validated key tree, or (None, None) when the stream is 'none'."""
    inc, dis = tree["incidents"], tree["dispatch"]
    if inc["stream"] == "none":
        for table, keys in (("incidents", incident_keys()), ("dispatch", dispatch_keys())):
            for key, spec in keys.items():
                if tree[table][key] != spec.default:
                    raise where.error(
                        table,
                        key,
                        "has no effect without incidents; set incidents.stream (" + ", ".join(STREAMS[1:]) + ")",
                    )
        return None, None
    prof = inc["profile"]
    if (
        len(prof) != 24
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in prof)
        or max(prof) <= 0
    ):
        raise where.error(
            "incidents", "profile", f"expected 24 numbers >= 0 (one per hour, not all 0), got {len(prof)} values"
        )
    shares = inc["priority_shares"]
    if (
        len(shares) != 3
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in shares)
        or sum(shares) <= 0
    ):
        raise where.error(
            "incidents", "priority_shares", f"expected 3 numbers >= 0 with a positive sum, got {shares!r}"
        )
    targets = dis["targets_s"]
    if not targets or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in targets):
        raise where.error("dispatch", "targets_s", f"expected a list of positive seconds, got {targets!r}")
    marks = Marks(
        priority_shares=tuple(float(s) for s in shares),
        service_mean_s=_three(inc["service_mean_s"], "service_mean_s", "incidents", where, _pos),
        service_dist=inc["service_dist"],
        service_cv=float(inc["service_cv"]),
        reported_share=float(inc["reported_share"]),
    )
    replay = ""
    if inc["stream"] == "replay":
        if not inc["file"]:
            raise where.error("incidents", "stream", "stream 'replay' needs incidents.file (a CSV)")
        replay = str(_resolve(inc["file"], base, where, "file"))
    if replay:  # read it once now, so a bad row fails when the scenario loads, not mid-run
        from .replay import read_replay

        read_replay(
            Path(replay),
            pmap,
            np.random.default_rng(0),
            marks,
            snap=_snap(inc["snap"], pmap),
            max_snap_m=float(inc["max_snap_m"]),
            off_map=inc["off_map"],
        )
    risk = _read_risk(_resolve(inc["risk_file"], base, where, "risk_file"), pmap) if inc["risk_file"] else None
    spec = IncidentSpec(
        stream="hawkes" if inc["stream"] == "self-exciting" else inc["stream"],
        rate_per_hour=float(inc["rate_per_hour"]),
        location=inc["location"],
        profile=tuple(float(v) for v in prof),
        theta=float(inc["theta"]),
        omega_per_hour=float(inc["omega_per_hour"]),
        sigma_m=float(inc["sigma_m"]),
        replay_file=replay,
        snap=_snap(inc["snap"], pmap),
        max_snap_m=float(inc["max_snap_m"]),
        off_map=inc["off_map"],
        marks=marks,
        detection_prob=float(inc["detection_prob"]),
        lifetime_s=float(inc["lifetime_s"]),
        ledger_region_m=float(inc["ledger_region_m"]),
        predictive=inc["predictive"],
        predictive_period_s=float(inc["predictive_period_s"]),
        predictive_prior=float(inc["predictive_prior"]),
        risk=risk,
    )
    dispatch = DispatchSpec(
        policy=dis["policy"],
        delay_s=_three(dis["delay_s"], "delay_s", "dispatch", where, lambda x: x >= 0),
        targets_s=tuple(float(v) for v in targets),
        tick_s=float(dis["tick_s"]),
    )
    return spec, dispatch


def default_specs(stream: str, pmap: PatrolMap) -> tuple[IncidentSpec, DispatchSpec]:
    """The specs of an [incidents] table holding only ``stream`` (every other key at its default)."""
    tree = {
        "incidents": {key: spec.default for key, spec in incident_keys().items()} | {"stream": stream},
        "dispatch": {key: spec.default for key, spec in dispatch_keys().items()},
    }
    return incident_specs(tree, pmap, None, Path.cwd())  # type: ignore[return-value]


def _snap(snap: str, pmap: PatrolMap) -> str:
    return snap if snap != "auto" else ("node" if pmap.grid is not None else "edge")


def _resolve(name: str, base: Path, where, key: str) -> Path:
    found = find_file(name, base)
    if found is not None:
        return found
    raise where.error(
        "incidents",
        key,
        f"file '{name}' not found (relative to the scenario's folder, its parent or the working directory)",
    )


def _read_risk(path: Path, pmap: PatrolMap) -> np.ndarray:
    """Node weights from a CSV with columns node, risk (nodes not listed get the smallest listed risk)."""
    labels = {str(pmap.node_label(i)): i for i in range(pmap.n_nodes)}
    risk = np.full(pmap.n_nodes, np.nan)
    rows = csv_rows(read_text(path, ScenarioError, "risk"), path, ScenarioError)
    header = [h.strip().lower() for h in next((row for _, row in rows), [])]
    if "node" not in header or "risk" not in header:
        raise ScenarioError("expected a header with columns node and risk", source=path, line=1)
    ci, cr = header.index("node"), header.index("risk")
    for line, row in rows:
        if not row:
            continue
        node = row[ci].strip() if ci < len(row) else ""
        if node not in labels:
            raise ScenarioError(f"node {snippet(node)} is not a node of the map", source=path, line=line)
        try:
            value = float(row[cr])
        except (ValueError, IndexError):
            raise ScenarioError("expected a number in column risk", source=path, line=line) from None
        if not (np.isfinite(value) and value >= 0):
            raise ScenarioError(f"expected risk >= 0, got {plain(value)}", source=path, line=line)
        risk[labels[node]] = value
    listed = risk[np.isfinite(risk)]
    if listed.size == 0 or listed.sum() <= 0:
        raise ScenarioError("expected at least one node with a positive risk", source=path)
    return np.where(np.isfinite(risk), risk, listed.min())
