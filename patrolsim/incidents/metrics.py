"""What happened to every incident, and the response-time aggregates police planners read.

Response time of a call = arrival of the first agent - occurrence (the call comes in at once), so
it includes call processing and queue waits. Discoverable incidents are measured by detection:
time to detection = detection - occurrence; they expire, undetected, after their lifetime.
Only incidents that occur after the warm-up count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .streams import Incidents


def _nan(n: int) -> np.ndarray:
    return np.full(n, np.nan)


@dataclass
class IncidentLog:
    """Per-incident times (s; NaN = not yet), the last agent sent (-1 = none) and counters."""

    n: int
    call_at: np.ndarray = field(init=False)
    detected_at: np.ndarray = field(init=False)
    detected_by: np.ndarray = field(init=False)
    dispatched_at: np.ndarray = field(init=False)
    arrived_at: np.ndarray = field(init=False)
    cleared_at: np.ndarray = field(init=False)
    agent: np.ndarray = field(init=False)
    preemptions: np.ndarray = field(init=False)
    queued: np.ndarray = field(init=False)
    queue_s: np.ndarray = field(init=False)
    expired: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        for name in ("call_at", "detected_at", "dispatched_at", "arrived_at", "cleared_at"):
            setattr(self, name, _nan(n))
        self.detected_by = np.full(n, -1, dtype=np.int64)
        self.agent = np.full(n, -1, dtype=np.int64)
        self.preemptions = np.zeros(n, dtype=np.int64)
        self.queued = np.zeros(n, dtype=bool)
        self.queue_s = np.zeros(n)
        self.expired = np.zeros(n, dtype=bool)

    def insert(self, pos: int) -> None:
        """Insert the record of a new incident (nothing happened to it yet) before position ``pos``."""
        blank = IncidentLog(1)
        for f in fields(self):
            if not f.init:  # the per-incident arrays
                setattr(self, f.name, np.insert(getattr(self, f.name), pos, getattr(blank, f.name)))
        self.n += 1


def _stats(x: np.ndarray) -> tuple[float | None, ...]:
    if x.size == 0:
        return None, None, None, None
    return float(x.mean()), float(np.median(x)), float(np.percentile(x, 90)), float(x.max())


def response_metrics(
    inc: Incidents, log: IncidentLog, sel: np.ndarray, t_end: float, targets: tuple[float, ...]
) -> dict:
    """Response aggregates over the reported incidents in ``sel`` (bool mask), overall and per priority.

    ``response_within_<T>s``: share of calls reached within T seconds, among calls that were reached
    or had T seconds to be reached before the end of the run."""
    out: dict = {}
    calls = sel & inc.reported
    resp = log.arrived_at - inc.t_s
    for tag, mask in [("", calls)] + [(f"_p{p}", calls & (inc.priority == p)) for p in (1, 2, 3)]:
        r = resp[mask & np.isfinite(resp)]
        mean, median, p90, top = _stats(r)
        out[f"calls{tag}"] = int(mask.sum())
        out[f"response{tag}_mean_s"] = mean
        if tag == "":
            out.update(response_count=int(r.size), response_median_s=median, response_p90_s=p90, response_max_s=top)
        else:
            out[f"response{tag}_p90_s"] = p90
        for target in targets:
            due = mask & (np.isfinite(resp) | (inc.t_s + target <= t_end))
            hit = (due & (resp <= target)).sum()
            out[f"response{tag}_within_{target:g}s"] = float(hit / due.sum()) if due.sum() else None
    return out


def incident_metrics(
    inc: Incidents, log: IncidentLog, t0: float, t_end: float, targets: tuple[float, ...], busy_s: np.ndarray
) -> dict:
    """Every incident figure of a run (seconds, counts, shares): responses, detection, queues, load."""
    sel = (inc.t_s >= t0) & (inc.t_s <= t_end)
    disc = sel & ~inc.reported
    known = sel & (inc.reported | np.isfinite(log.detected_at))
    ttd = (log.detected_at - inc.t_s)[disc & np.isfinite(log.detected_at)]
    queued = sel & log.queued
    span = max(t_end - t0, 1e-300)
    out: dict[str, float | int | None] = {
        "incidents_total": int(sel.sum()),
        "incidents_reported": int((sel & inc.reported).sum()),
        "incidents_discoverable": int(disc.sum()),
    }
    out.update(response_metrics(inc, log, sel, t_end, targets))
    out.update(
        {
            "detected": int(ttd.size),
            "detection_rate": float(ttd.size / disc.sum()) if disc.sum() else None,
            "time_to_detection_mean_s": float(ttd.mean()) if ttd.size else None,
            "time_to_detection_median_s": float(np.median(ttd)) if ttd.size else None,
            "incidents_expired": int((disc & log.expired).sum()),
            "incidents_missed": int((known & np.isnan(log.arrived_at)).sum()),
            "incidents_cleared": int((sel & np.isfinite(log.cleared_at)).sum()),
            "preemptions": int(log.preemptions[sel].sum()),
            "queued_share": float(queued.sum() / known.sum()) if known.sum() else None,
            "queue_wait_mean_s": float(log.queue_s[queued].mean()) if queued.any() else None,
            "queue_wait_max_s": float(log.queue_s[queued].max()) if queued.any() else None,
            "utilisation": float(busy_s.mean() / span),
        }
    )
    return out


def incident_table(inc: Incidents, log: IncidentLog, labels) -> dict[str, np.ndarray]:
    """Per-incident columns (seconds of simulated time; NaN = did not happen): occurrence ``time_s``,
    place ``x_m``, ``y_m``, ``node``; ``priority``, ``service_s``, ``mode``; ``call_s`` (the call reaches
    dispatch, after call processing; for a discovered incident when it is found), ``detected_s``,
    ``dispatched_s`` (first agent sent), ``arrived_s`` (first agent on scene), ``cleared_s``,
    ``response_s`` (calls: arrived - occurred), ``agent`` (last agent sent), ``detected_by``,
    ``preemptions``, ``queue_s`` (seconds waiting for a free agent), ``expired``. Written as CSV, the
    table reads back as a replay file (time_s, x_m, y_m, priority, service_s, mode)."""
    return {
        "incident": np.arange(len(inc)),
        "time_s": inc.t_s,
        "x_m": inc.x_m,
        "y_m": inc.y_m,
        "node": np.asarray([labels(int(v)) for v in inc.node]),
        "priority": inc.priority,
        "service_s": inc.service_s,
        "mode": np.where(inc.reported, "reported", "discoverable"),
        "call_s": log.call_at,
        "detected_s": log.detected_at,
        "dispatched_s": log.dispatched_at,
        "arrived_s": log.arrived_at,
        "cleared_s": log.cleared_at,
        "response_s": np.where(inc.reported, log.arrived_at - inc.t_s, np.nan),
        "agent": log.agent,
        "detected_by": log.detected_by,
        "preemptions": log.preemptions,
        "queue_s": log.queue_s,
        "expired": log.expired,
    }
