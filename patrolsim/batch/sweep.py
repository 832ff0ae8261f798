"""Sweep files (TOML) -> the run set: a base scenario crossed with axes of values, with include/exclude rules
and a seed per run derived from the sweep's root seed and the run's parameters.

A sweep file::

    [sweep]
    name = "office_team_size"             # sweep id in the results database (default: the file name)
    scenario = "../scenarios/office.toml" # optional base scenario file; [base] keys override its keys
    replications = 5                      # runs per parameter point, each with its own seed
    root_seed = 2026

    [base]                                # scenario keys (patrolsim.scenario.SCHEMA), e.g. a shorter run
    duration = 900

    [axes]                                # dotted scenario key -> list of values
    "strategy.name" = ["cr", "hcr"]
    "agents.count" = [1, 2, 4, 8]

    [[exclude]]                           # drop every point that matches all the keys given
    "strategy.name" = "hcr"               # (a list of values matches any of them)
    "agents.count" = 1

    [[include]]                           # add points; axes it does not name take each of their values
    "strategy.name" = "hpcc"              # (a list of values adds each of them)
    "agents.count" = [2, 4]

The points are the Cartesian product of the axes (in file order), minus the excluded points, plus the
included ones (duplicates dropped); each point runs ``replications`` times.

Seeds: the run with axis values ``params`` and replication ``r`` gets the scenario seed::

    P = int.from_bytes(sha256(canonical_json(params))[:16], "big")
    seed = SeedSequence(root_seed, spawn_key=(P, r)).generate_state(2, uint32) -> 63-bit integer

``canonical_json`` is ``json.dumps(params, sort_keys=True, separators=(",", ":"))``. This is the child
``SeedSequence(root_seed).spawn`` would make, keyed by the parameters instead of a counter, so adding a value
to an axis (or an include rule) never changes the seed of an existing run; adding a new axis changes them all.

Relative paths in the sweep (``scenario``, maps in ``[base]`` or on an axis) are relative to the sweep file's
folder; a map named in the base scenario file is relative to that file, as when it is run alone.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SweepError, UserError, did_you_mean

SWEEP_KEYS = {"name": (str,), "scenario": (str,), "replications": (int,), "root_seed": (int,), "description": (str,)}
TABLES = ("sweep", "base", "axes", "include", "exclude")


@dataclass(frozen=True)
class Run:
    """One run of a sweep.

    ``params``: axis key -> value; ``replication``: 0-based index; ``seed``: the scenario seed;
    ``key``: the run id (hash of the sweep's name and the complete scenario, seed included; resume skips
    completed keys); ``config``: the configuration id (hash of the complete scenario without its seed: runs
    with equal ``config`` are replications of one configuration);
    ``scenario``: the complete scenario data with absolute map path, ready for ``scenario_from_dict``.
    """

    index: int
    params: dict
    replication: int
    seed: int
    key: str
    scenario: dict
    config: str = ""


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its id, axes (key -> values, file order), replications and runs."""

    name: str
    source: str
    text: str
    root_seed: int
    replications: int
    axes: dict[str, list]
    runs: list[Run]


def canonical_json(value: Any) -> str:
    """Stable text of a JSON-like value (sorted keys, no spaces): the input of every hash here."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def run_seed(root_seed: int, params: dict, replication: int) -> int:
    """The scenario seed of the run with axis values ``params`` and replication index (see module doc)."""
    digest = hashlib.sha256(canonical_json(params).encode()).digest()
    words = np.random.SeedSequence(
        root_seed, spawn_key=(int.from_bytes(digest[:16], "big"), replication)
    ).generate_state(2, np.uint32)
    return (int(words[0]) << 31) | (int(words[1]) >> 1)


def load_sweep(path: str | Path, *, import_plugins: bool = True) -> Sweep:
    """Read and validate a sweep file; raises :class:`SweepError` naming file, line and key.

    ``import_plugins=False`` leaves ``module:Class`` strategies unchecked: their modules are code, not
    imported (see :func:`plugin_modules`)."""
    from ..scenario import read_toml

    data, text = read_toml(Path(path), SweepError, "sweep")
    return sweep_from_dict(data, source=Path(path), text=text, import_plugins=import_plugins)


def plugin_modules(sweep: Sweep) -> list[str]:
    """The ``module:Class`` strategies the sweep's runs name (code that running them imports)."""
    from ..scenario import is_plugin

    names = (r.scenario.get("strategy", {}).get("name", "") for r in sweep.runs)
    return sorted({n for n in names if isinstance(n, str) and is_plugin(n)})


def sweep_from_dict(data: dict, *, source: str | Path, text: str = "", import_plugins: bool = True) -> Sweep:
    """Validate a sweep given as a dict (as parsed from TOML); relative paths are relative to ``source``."""
    where = _SweepLocator(str(source), text, import_plugins)
    base_dir = Path(source).resolve().parent
    for table in data:
        if table not in TABLES:
            raise where.error(
                "", table, f"unknown table{did_you_mean(table, list(TABLES))}; expected {', '.join(TABLES)}"
            )
    head = _sweep_table(data.get("sweep", {}), where)
    base = _base_scenario(head, data.get("base", {}), base_dir, where)
    axes = _axes(data.get("axes", {}), where)
    maps = _validate_axes(base, axes, base_dir, where)
    points = _points(axes, data.get("exclude", []), data.get("include", []), base, base_dir, maps, where)
    name = head.get("name") or Path(source).stem
    runs: list[Run] = []
    for params in points:
        for r in range(head["replications"]):
            seed = run_seed(head["root_seed"], params, r)
            runs.append(_make_run(len(runs), base, params, r, seed, base_dir, maps, name))
    return Sweep(
        name=name,
        source=str(source),
        text=text,
        root_seed=head["root_seed"],
        replications=head["replications"],
        axes=axes,
        runs=runs,
    )


# ---------------------------------------------------------------------------- the parts
class _SweepLocator:
    """Line numbers of keys and array-of-table entries in the sweep text, for error messages."""

    def __init__(self, source: str, text: str, import_plugins: bool = True) -> None:
        self.source = source
        self.lines = text.splitlines()
        self.import_plugins = import_plugins  # check plugin strategies (importing their modules) or not

    def line(self, table: str, key: str, entry: int | None = None) -> int | None:
        """Line of ``key`` (dotted, quoted or not) in ``table`` (entry ``entry`` of [[table]])."""
        current, seen = "", -1
        header = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")
        last = key.rpartition(".")[2]
        keys = [re.escape(f'"{key}"'), r"\s*\.\s*".join(map(re.escape, key.split("."))), re.escape(last)]
        assign = re.compile(rf"^\s*(?:{'|'.join(keys)})\s*=")
        for i, raw in enumerate(self.lines, start=1):
            h = header.match(raw)
            if h:
                current = h.group(1).strip('"')
                if not table and current.split(".")[0] == key:
                    return i  # a table's header, for errors about the table itself
                if current == table and raw.lstrip().startswith("[["):
                    seen += 1
                if current == table and key == "" and (entry is None or entry == seen):
                    return i
                continue
            in_table = current == table or current.startswith(table + ".") if table else current == ""
            if in_table and (entry is None or entry == seen) and key and assign.match(raw):
                return i
        return None

    def error(self, table: str, key: str, message: str, entry: int | None = None) -> SweepError:
        name = f"{table}[{entry + 1}]" if entry is not None else table
        dotted = ".".join(x for x in (name, key) if x)
        return SweepError(message, source=self.source, line=self.line(table, key, entry), key=dotted)


def _sweep_table(head: Any, where: _SweepLocator) -> dict:
    if not isinstance(head, dict):
        raise where.error("", "sweep", "expected a [sweep] table")
    for key, value in head.items():
        if key not in SWEEP_KEYS:
            raise where.error(
                "sweep",
                key,
                f"unknown key{did_you_mean(key, list(SWEEP_KEYS))}; expected one of {', '.join(SWEEP_KEYS)}",
            )
        if not isinstance(value, SWEEP_KEYS[key]) or isinstance(value, bool):
            raise where.error(
                "sweep", key, f"expected {'a string' if SWEEP_KEYS[key] == (str,) else 'an integer'}, got {value!r}"
            )
    for key in ("name", "description"):
        if key in head and not head[key].isprintable():
            raise where.error("sweep", key, "expected printable characters (no control characters or newlines)")
    out = {"replications": 1, "root_seed": 0, **head}
    if out["replications"] < 1:
        raise where.error("sweep", "replications", f"expected an integer >= 1, got {out['replications']}")
    if out["root_seed"] < 0:
        raise where.error("sweep", "root_seed", f"expected an integer >= 0, got {out['root_seed']}")
    return out


def _base_scenario(head: dict, extra: Any, base_dir: Path, where: _SweepLocator) -> dict:
    """The base scenario data: the scenario file's keys (its map made absolute), then [base] on top."""
    from ..scenario import load_scenario, read_toml, resolved_files

    if not isinstance(extra, dict):
        raise where.error("", "base", "expected a [base] table of scenario keys")
    data: dict = {}
    if "scenario" in head:
        path = base_dir / head["scenario"]
        if not path.is_file():
            raise where.error("sweep", "scenario", f"scenario file '{head['scenario']}' not found (looked in {path})")
        data, _ = read_toml(path, SweepError, "base scenario")
        if "map" in data:
            # resolve the files it names as a standalone run would (relative to the scenario file), then pin
            # them absolute
            files = resolved_files(load_scenario(path))
            _set_map_path(data, files.pop("map.path"))
            for dotted, file in files.items():
                table, _, key = dotted.partition(".")
                data[table][key] = file
    data = _merge(data, extra)
    return data


def _merge(a: dict, b: dict) -> dict:
    out = copy.deepcopy(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _axes(table: Any, where: _SweepLocator, prefix: str = "") -> dict[str, list]:
    """Flatten [axes] (dotted TOML keys nest) to dotted key -> list of values."""
    if not isinstance(table, dict):
        raise where.error("", "axes", "expected an [axes] table of key = [values]")
    out: dict[str, list] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_axes(value, where, dotted + "."))
            continue
        if dotted == "seed":
            raise where.error(
                "axes",
                dotted,
                "seeds are derived per run from [sweep] root_seed; set [sweep] replications instead of a seed axis",
            )
        if not isinstance(value, list):
            raise where.error("axes", dotted, f"expected a list of values, got {value!r}")
        if not value:
            raise where.error("axes", dotted, "empty axis; expected a list of at least one value")
        texts = [canonical_json(v) for v in value]
        if len(set(texts)) != len(texts):
            dup = next(v for i, v in enumerate(value) if texts.index(texts[i]) != i)
            raise where.error("axes", dotted, f"value {dup!r} appears twice")
        out[dotted] = value
    return out


def _try_scenario(base: dict, overrides: dict, base_dir: Path, where: _SweepLocator):
    from ..scenario import scenario_from_dict

    return scenario_from_dict(base, base_dir=base_dir, overrides=overrides, import_plugins=where.import_plugins)


def _validate_axes(base: dict, axes: dict[str, list], base_dir: Path, where: _SweepLocator) -> dict[str, str]:
    """Build one scenario per distinct axis value (and the base alone); returns written map -> absolute path.

    Strategy parameters are checked against every strategy the sweep names: a value must suit at least one.
    """
    maps: dict[str, str] = {}
    first_map = {"map": axes["map"][0]} if "map" in axes else {}
    try:
        sc = _try_scenario(base, first_map, base_dir, where)
    except UserError as exc:
        if first_map and exc.key == "map":
            raise where.error("axes", "map", f"value {axes['map'][0]!r}: {exc.detail}") from None
        raise SweepError(
            f"base scenario: {exc.detail}",
            source=where.source,
            line=where.line("base", (exc.key or "").rpartition(".")[2]),
            key=f"base.{exc.key}" if exc.key else "base",
        ) from None
    if not first_map:
        maps[canonical_json(_map_value(base))] = sc.map_path
    strategies: list[dict] = [{}] + [{"strategy.name": s} for s in axes.get("strategy.name", [])]
    for key, values in axes.items():
        contexts = strategies if key.startswith("strategy.") and key != "strategy.name" else [{}]
        for value in values:
            maps.update(_check_value(base, key, value, contexts, base_dir, axes, where))
    return maps


def _check_value(
    base: dict,
    key: str,
    value: Any,
    contexts: list[dict],
    base_dir: Path,
    axes: dict,
    where: _SweepLocator,
    table: str = "axes",
    entry: int | None = None,
) -> dict[str, str]:
    """Build the base scenario with ``key = value`` (in each context until one works). An error about this
    key (unknown, mistyped, out of range, map not found) is the sweep's; an error about another key is a
    combination that may fail at run time, where it is recorded (e.g. starts that suit another team size)."""
    from ..scenario import SHORTHANDS

    first: UserError | None = None
    own = {key, SHORTHANDS.get(key, key)}
    for context in contexts:
        overrides = dict(context)
        if "map" not in (key, *context) and "map" in axes:
            overrides["map"] = axes["map"][0]
        overrides[key] = value
        try:
            sc = _try_scenario(base, overrides, base_dir, where)
        except UserError as exc:
            if exc.key in own or (key.startswith("map") and (exc.key or "map").startswith("map")) or exc.key is None:
                first = first or exc
                continue
            return {}
        if key in ("map", "map.path"):
            return {canonical_json(_map_value({"map": value})): sc.map_path}
        return {}
    assert first is not None
    raise where.error(table, key, f"value {value!r}: {first.detail}", entry)


def _map_value(data: dict) -> Any:
    m = data.get("map")
    return m.get("path") if isinstance(m, dict) else m


def _set_map_path(data: dict, path: str) -> None:
    if isinstance(data.get("map"), dict):
        data["map"]["path"] = path
    else:
        data["map"] = path


def _rules(rules: Any, kind: str, axes: dict, where: _SweepLocator) -> list[dict]:
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise where.error("", kind, f"expected [[{kind}]] tables of axis key = value")
    out = []
    for i, rule in enumerate(rules):
        flat = _axes_like(rule)
        if not flat:
            raise where.error(kind, "", "empty rule; expected axis key = value pairs", i)
        for key in flat:
            if key not in axes:
                raise where.error(
                    kind,
                    key,
                    f"'{key}' is not an axis{did_you_mean(key, list(axes))}; axes: {', '.join(axes) or 'none'}",
                    i,
                )
        out.append(flat)
    return out


def _axes_like(rule: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in rule.items():
        if isinstance(value, dict):
            out.update(_axes_like(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _points(
    axes: dict[str, list],
    exclude: Any,
    include: Any,
    base: dict,
    base_dir: Path,
    maps: dict[str, str],
    where: _SweepLocator,
) -> list[dict]:
    keys = list(axes)
    product = [dict(zip(keys, combo)) for combo in itertools.product(*axes.values())]
    points = product
    for i, rule in enumerate(_rules(exclude, "exclude", axes, where)):

        def matches(point: dict) -> bool:
            return all(point[k] in v if isinstance(v, list) else point[k] == v for k, v in rule.items())

        if not any(matches(p) for p in product):
            raise where.error("exclude", "", "this rule matches no run; check its values against the axes", i)
        points = [p for p in points if not matches(p)]
    for i, rule in enumerate(_rules(include, "include", axes, where)):
        choices = {}
        for key, value in rule.items():
            values = value if isinstance(value, list) and not isinstance(axes[key][0], list) else [value]
            for v in values:
                if v not in axes[key]:
                    context = (
                        [{"strategy.name": rule["strategy.name"]}]
                        if isinstance(rule.get("strategy.name"), str)
                        else [{}]
                    )
                    maps.update(_check_value(base, key, v, context, base_dir, axes, where, "include", i))
            choices[key] = values
        for key in keys:
            choices.setdefault(key, axes[key])
        for combo in itertools.product(*(choices[k] for k in keys)):
            points.append(dict(zip(keys, combo)))
    seen, unique = set(), []
    for p in points:
        text = canonical_json(p)
        if text not in seen:
            seen.add(text)
            unique.append(p)
    return unique


def _make_run(
    index: int,
    base: dict,
    params: dict,
    replication: int,
    seed: int,
    base_dir: Path,
    maps: dict[str, str],
    sweep_name: str,
) -> Run:
    from ..scenario import apply_overrides, pin_strategy_files

    data = copy.deepcopy(base)
    data.setdefault("name", sweep_name)
    apply_overrides(data, copy.deepcopy(params))
    data["seed"] = seed
    absolute = maps.get(canonical_json(_map_value(data)))
    keyed = copy.deepcopy(data)
    pin_strategy_files(data, base_dir)  # a learned policy's file, found as the map is: absolute for the workers
    if absolute is not None:
        absolute = str(Path(absolute).resolve())
        _set_map_path(keyed, os.path.relpath(absolute, base_dir))
        _set_map_path(data, absolute)
    key = hashlib.sha256(canonical_json({"sweep": sweep_name, "scenario": keyed}).encode()).hexdigest()[:20]
    keyed.pop("seed")
    config = hashlib.sha256(canonical_json(keyed).encode()).hexdigest()[:12]
    return Run(index=index, params=params, replication=replication, seed=seed, key=key, scenario=data, config=config)
