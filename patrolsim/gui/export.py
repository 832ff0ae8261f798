"""Export from the window: the run's result as `patrolsim run` writes it (JSON, CSV) and the scenario as a
TOML file with the window's edits, so that a run seen in the window can be rerun headless.

No pygame here: the window's Export button, its E key and ``patrolsim gui --run-to-end`` use it.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

from ..engine.result import Result
from ..output import write_csv, write_json
from ..scenario import Scenario, resolved_files


def run_result(sim) -> Result:
    """The result of ``sim`` (a Simulation) up to now, as :meth:`Simulation.run` returns it: the time
    series closed with a row at the current time, as a headless run of this duration ends. The run
    itself is left as it is (its series gets no extra row), so exporting changes nothing later on."""
    result = sim.result()
    rows = sim.series.rows
    warming = sim.now < sim.spec.warmup
    if not warming and (not rows or rows[-1][0] < sim.now):
        series = copy.deepcopy(sim.series)
        st = sim.state
        series.sample(sim.now, st.last_seen(sim.now), st.visits, sim.map.sample_weights)
        result.series = series.as_arrays()
    return result


def export_run(session, json_path: str | Path | None = None, csv_prefix: str | Path | None = None) -> list[Path]:
    """Write the session's result as JSON (``json_path``) and/or CSV tables (``csv_prefix``), exactly as
    ``patrolsim run --json / --csv`` would; returns the files written."""
    result = run_result(session.sim)
    written: list[Path] = []
    if json_path is not None:
        write_json(result, str(json_path))
        written.append(Path(json_path))
    if csv_prefix is not None:
        written += write_csv(result, str(csv_prefix))
    return written


def export_all(session, stem: Path) -> list[Path]:
    """``stem``.json, ``stem``_*.csv and ``stem``.toml (the scenario with the window's edits)."""
    written = export_run(session, stem.with_suffix(".json"), stem)
    toml = stem.with_suffix(".toml")
    toml.write_text(scenario_toml(session.scenario), encoding="utf-8")
    return written + [toml]


def scenario_toml(sc: Scenario) -> str:
    """The scenario ``sc`` as a TOML file ``patrolsim run`` accepts: its full key tree (defaults filled in,
    the window's edits included), its name, the map and other files as absolute paths, the start nodes
    if set."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in sc.data.items()}
    data["name"] = sc.name  # the run's title, not the exported file's name
    if not isinstance(sc.agents.starts, str):
        data["agents"] = {**data["agents"], "starts": [int(s) for s in sc.agents.starts]}
    for dotted, path in resolved_files(sc).items():
        table, _, key = dotted.partition(".")
        data[table] = {**data[table], key: path}
    top = [(k, v) for k, v in data.items() if not isinstance(v, dict)]
    lines = [f"# exported from the patrolsim window: rerun with 'patrolsim run {sc.name or 'this'}.toml'"]
    lines += [f"{k} = {toml_value(v)}" for k, v in top]
    for k, v in data.items():
        if isinstance(v, dict):
            lines += ["", f"[{k}]"] + [f"{key} = {toml_value(x)}" for key, x in v.items()]
    return "\n".join(lines) + "\n"


def toml_value(v: Any) -> str:
    """``v`` (a number, string, bool, or a list or table of them) as TOML text."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if math.isnan(v):
            return "nan"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):  # an inline table: an [[agents.group]] entry and its energy / motion keys
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")
