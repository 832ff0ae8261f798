"""One batch task: (scenario data, run key) in, a small picklable record out. Runs in any process."""

from __future__ import annotations

import os
import socket
import time
import traceback
from typing import Any

import numpy as np

#: Result attributes stored as tables keyed by run id (``series`` goes to the ``timeseries`` table);
#: ``incidents`` (one row per incident) and ``areas`` (fairness ledgers per area) are read when the result
#: has them (incident runs), whatever their columns.
TABLES = {"series": "timeseries", "nodes": "nodes", "agents": "agents", "incidents": "incidents", "areas": "areas"}


def run_task(data: dict, key: str) -> dict[str, Any]:
    """Run the scenario ``data`` (complete, absolute map path) and return its record; never raises.

    Record: ``key``, ``status`` ('ok' or 'failed'), ``error`` (one line or None), ``duration_s`` (wall
    seconds of the whole task), ``cpu_s`` (CPU seconds of the task's thread), ``worker`` (host:pid), ``version`` (patrolsim), ``run`` (the result's run facts), ``metrics`` (scalars),
    ``tables`` (table name -> column name -> numpy array).
    """
    started, cpu = time.perf_counter(), time.thread_time()
    from .. import __version__

    record: dict[str, Any] = {
        "key": key,
        "status": "ok",
        "error": None,
        "run": {},
        "metrics": {},
        "tables": {},
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "version": __version__,
    }
    try:
        from ..build import make
        from ..scenario import scenario_from_dict

        result = make(scenario_from_dict(data, source=f"run {key}")).run()
        record["run"] = dict(result.run)
        record["metrics"] = dict(result.metrics)
        for attr, table in TABLES.items():
            columns = as_columns(getattr(result, attr, None))
            if columns:
                record["tables"][table] = columns
    except Exception as exc:  # a failing run is recorded, never fatal to the sweep
        from ..errors import UserError

        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        origin = (
            f" (at {os.path.basename(where.filename)}:{where.lineno})"
            if where and not isinstance(exc, UserError)
            else ""
        )
        record.update(
            status="failed",
            error=f"{type(exc).__name__}: {exc}{origin}".replace("\n", " "),
            run={},
            metrics={},
            tables={},
        )
    record["duration_s"] = time.perf_counter() - started
    record["cpu_s"] = time.thread_time() - cpu
    return record


def as_columns(table: Any) -> dict[str, np.ndarray] | None:
    """A table given as column name -> sequence, a list of row dicts, or an object with ``to_dict()`` /
    ``as_columns()`` / ``columns()``, as column name -> numpy array (None when it is none of these)."""
    if table is None:
        return None
    for method in ("as_columns", "columns", "to_dict"):
        fn = getattr(table, method, None)
        if callable(fn):
            table = fn()
            break
    if isinstance(table, dict):
        return {
            str(k): np.asarray(v)
            for k, v in table.items()
            if np.ndim(v) == 1 or (isinstance(v, (list, tuple)) and not v)
        }
    if isinstance(table, (list, tuple)) and all(isinstance(r, dict) for r in table):
        names = list(dict.fromkeys(k for r in table for k in r))
        return {str(k): np.asarray([r.get(k) for r in table]) for k in names} if names else None
    return None
