"""Scenario files (TOML) -> a validated, frozen :class:`Scenario`.

The smallest scenario::

    map = "maps/office.txt"   # relative: the scenario's folder, then its parent, then the working dir
    duration = 3600           # seconds of simulated time
    seed = 1
    [agents]
    count = 4
    speed = 1.0               # m/s
    [strategy]
    name = "cr"

Every other key is optional; :data:`SCHEMA` lists them with their defaults. Unknown keys, wrong
types and out-of-range values raise :class:`ScenarioError` naming the file, the line and the key.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine.spec import Battery, Interference, Motion
from .errors import ScenarioError, UserError, did_you_mean, read_text
from .fleet.spec import (
    FleetSpec,
    batteries,
    battery_keys,
    energy_keys,
    failure_keys,
    fleet_specs,
    group_motion_keys,
    motion_keys,
    motions,
)
from .incidents.spec import MAX_INCIDENTS, DispatchSpec, IncidentSpec, dispatch_keys, incident_keys, incident_specs
from .maps import PatrolMap, load_map
from .schema import (
    MAX_CELL,
    MAX_NUMBER,
    REQUIRED,
    Key,
    check_value,
    file_not_found,
    find_file,
    finite,
    first_non_finite,
    interval,
    map_node,
    path_candidates,
    plain,
    within,
)
from .schema import non_negative as _non_negative
from .strategies.comm import CommSpec

MAX_SAMPLES = 100_000
#: bounds of a run: simulated seconds (about 31 years), agents, m/s, metres of sensing
MAX_DURATION = 1e9
MAX_AGENTS = 10_000
MAX_SPEED = 1e3
MAX_SENSING = 1e5

#: table -> key -> Key. The top level is table "".
SCHEMA: dict[str, dict[str, Key]] = {
    "": {
        "name": Key((str,), "", "a title for tables and plots", str.isprintable, "of printable characters"),
        "map": Key((str, dict), REQUIRED, "map file or folder, or a [map] table with `path`"),
        "duration": Key(
            (int, float),
            REQUIRED,
            "seconds of simulated time",
            within(0, MAX_DURATION, lo_open=True),
            interval(0, MAX_DURATION, lo_open=True),
        ),
        "seed": Key(
            (int,), REQUIRED, "root seed of the run's random generator", lambda x: 0 <= x < 2**63, "in [0, 2^63)"
        ),
        "warmup": Key(
            (int, float),
            0.0,
            "seconds excluded from steady-state metrics",
            within(0, MAX_DURATION),
            interval(0, MAX_DURATION),
        ),
        "sample_interval": Key(
            (int, float), 0.0, "seconds between time-series samples (0 = duration / 200)", _non_negative, ">= 0"
        ),
        "coverage_windows": Key(
            (list,), [60.0, 300.0, 900.0], "windows W (seconds) for 'fraction seen within the last W'"
        ),
    },
    "map": {
        "path": Key((str,), REQUIRED, "map file or folder"),
        "largest_component": Key((bool,), False, "keep only the largest connected component"),
        "cell_size": Key(
            (int, float),
            0.0,
            "patrol-grid cell size for image maps, metres (0 = default)",
            within(0, MAX_CELL),
            interval(0, MAX_CELL),
        ),
        "crs": Key(
            (str,),
            "",
            "what a graph file's x/y are when it does not say: e.g. 'epsg:4326' (longitude/latitude), 'metres'",
        ),
        "network": Key(
            (str,),
            "",
            "OpenStreetMap files: 'walk' (default), 'drive', 'service' or 'all'",
            lambda x: x in ("", "walk", "drive", "service", "all"),
            "one of walk, drive, service, all",
        ),
        "bbox": Key((list,), [], "OpenStreetMap files: keep [west, south, east, north] (degrees)"),
        "polygon": Key(
            (str, list), "", "OpenStreetMap files: keep a GeoJSON polygon file's area, or [[lon, lat], ...]"
        ),
    },
    "agents": {
        "count": Key((int,), REQUIRED, "number of agents", within(1, MAX_AGENTS), interval(1, MAX_AGENTS)),
        "speed": Key((int, float, list), 1.0, "m/s, one number or one per agent"),
        "starts": Key(
            (str, list), "auto", "'auto' (map's S cells, then random), 'map', 'random', node ids, or [x, y] metres"
        ),
        "sensing_radius": Key(
            (int, float),
            0.0,
            "metres; nodes this close (in sight) are seen on arrival",
            within(0, MAX_SENSING),
            interval(0, MAX_SENSING),
        ),
        "wait": Key(
            (int, float),
            0.0,
            "seconds each agent stays at every node it arrives at",
            within(0, MAX_DURATION),
            interval(0, MAX_DURATION),
        ),
        "pass_through_visits": Key((bool,), True, "nodes crossed on the way to a goal count as visits"),
        "group": Key((list,), [], "[[agents.group]] tables: a mixed fleet, agents numbered group by group"),
    },
    "strategy": {
        "name": Key((str,), REQUIRED, "strategy name (patrolsim strategies), or package.module:Class"),
    },
    "communication": {
        "delay": Key(
            (int, float), 0.0, "seconds between a broadcast (visit, intention) and its receipt", _non_negative, ">= 0"
        ),
        "loss": Key(
            (int, float),
            0.0,
            "probability that a message to one team mate is lost",
            lambda x: finite(x) and 0 <= x < 1,
            "in [0, 1)",
        ),
        "range": Key(
            (int, float),
            float("inf"),
            "metres; only team mates this close to the sender hear it (inf = everywhere)",
            lambda x: x == float("inf") or (finite(x) and x > 0),
            "> 0 (or inf)",
        ),
    },
}

SCHEMA["incidents"] = incident_keys()
SCHEMA["dispatch"] = dispatch_keys()
SCHEMA["energy"] = energy_keys()
SCHEMA["failures"] = failure_keys()
SCHEMA["motion"] = motion_keys()

#: the keys of one [[agents.group]]; only those given are kept (speed and sensing_radius default to the
#: [agents] ones, the energy and motion keys to the [energy] and [motion] ones)
GROUP_KEYS: dict[str, Key] = {
    "name": Key((str,), "", "the group's name (default 'group N')", str.isprintable, "of printable characters"),
    "count": SCHEMA["agents"]["count"],
    "speed": Key(
        (int, float),
        1.0,
        "m/s of the group's agents (default agents.speed)",
        within(0, MAX_SPEED, lo_open=True),
        interval(0, MAX_SPEED, lo_open=True),
    ),
    "sensing_radius": SCHEMA["agents"]["sensing_radius"],
    "energy": Key((dict,), {}, "battery keys of [energy] for this group"),
    "motion": Key((dict,), {}, "accel, brake, turn_rate of [motion] for this group"),
}
#: the tables inside a group and their keys
GROUP_TABLES = {"energy": battery_keys(), "motion": group_motion_keys()}

#: short override names (CLI flags, API keywords) -> dotted scenario keys
SHORTHANDS = {
    "agents": "agents.count",
    "speed": "agents.speed",
    "strategy": "strategy.name",
    "sensing_radius": "agents.sensing_radius",
    "starts": "agents.starts",
    "largest_component": "map.largest_component",
    "crs": "map.crs",
    "network": "map.network",
}


@dataclass(frozen=True)
class AgentSpec:
    """The team: count, speeds (m/s, one per agent), start rule, sensing radius (m), wait (s).

    Per agent, when the scenario gives them (empty otherwise): ``groups`` (the name of each agent's
    ``[[agents.group]]``), ``sensing_radii`` (m), ``motion`` and ``batteries`` (None: no battery). With
    groups, agents are numbered group by group in file order and ``sensing_radius`` is the [agents]
    value, or the first group's when [agents] leaves it 0."""

    count: int
    speeds: tuple[float, ...]
    starts: str | tuple
    sensing_radius: float
    wait: float
    pass_through_visits: bool
    groups: tuple[str, ...] = ()
    sensing_radii: tuple[float, ...] = ()
    motion: tuple[Motion, ...] = ()
    batteries: tuple[Battery | None, ...] = ()


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario. ``data`` is the full key tree (defaults filled in) for records and sweeps."""

    name: str
    map: PatrolMap
    map_path: str
    duration: float
    warmup: float
    seed: int
    sample_interval: float
    coverage_windows: tuple[float, ...]
    agents: AgentSpec
    strategy_name: str
    strategy_params: dict
    data: dict = field(repr=False)
    source: str | None = None
    incidents: IncidentSpec | None = None
    dispatch: DispatchSpec | None = None
    communication: CommSpec = field(default_factory=CommSpec)
    interference: Interference = field(default_factory=Interference)
    fleet: FleetSpec = field(default_factory=FleetSpec)


def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """Read and validate a scenario file; ``overrides`` replace keys (``agents=8``, ``seed=3``,
    ``strategy="hcr"``, or dotted keys such as ``**{"strategy.w_idle": 2.0}``)."""
    p = Path(path)
    data, text = read_toml(p, ScenarioError, "scenario")
    return scenario_from_dict(data, source=p, text=text, overrides=overrides)


def load_run_scenario(path: str | Path, overrides: dict | None = None) -> Scenario:
    """What ``patrolsim run PATH`` runs: a scenario file, a map file (or street-table folder) run with the
    defaults (4 agents, cr, 1 h, seed 1), or the bare name of a shipped scenario or map (``office``)."""
    from .data import shipped_by_name
    from .maps import LOADERS, map_format

    p = Path(path)
    if not p.exists():
        p = shipped_by_name(str(path)) or p
    if p.suffix.lower() == ".toml":
        return load_scenario(p, **(overrides or {}))
    if p.is_dir() or map_format(p) in LOADERS:
        data = {
            "map": str(p.resolve()),
            "duration": 3600,
            "seed": 1,
            "agents": {"count": 4},
            "strategy": {"name": "cr"},
            "name": p.name[: -len(map_format(p))] if p.is_file() else p.stem,  # helsinki.osm.pbf: helsinki
        }
        return scenario_from_dict(data, source=f"{p} (default scenario)", overrides=overrides)
    raise UserError(
        "expected a scenario .toml file, a map file or the name of a shipped scenario or map "
        "('patrolsim maps' lists them)",
        source=p,
    )


def read_toml(path: Path, error: type[UserError], what: str) -> tuple[dict, str]:
    """(parsed data, text) of a TOML file; ``error`` (naming the file) when it is missing or invalid."""
    if not path.is_file():
        raise error(f"no such {what} file", source=path)
    text = read_text(path, error, what)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"not valid TOML: {exc}", source=path) from None


def scenario_from_dict(
    data: dict,
    *,
    source: str | Path | None = None,
    text: str = "",
    overrides: dict | None = None,
    base_dir: str | Path | None = None,
    pmap: PatrolMap | None = None,
    import_plugins: bool = True,
) -> Scenario:
    """Validate a scenario given as a dict (as parsed from TOML); see :func:`load_scenario`.

    ``pmap`` supplies an already loaded map (then the ``map`` key may be omitted). ``import_plugins=False``
    leaves a ``module:Class`` strategy unchecked instead of importing (running) its module."""
    data = copy.deepcopy(data)
    if pmap is not None:
        data.setdefault("map", "<in memory>")
    where = _Locator(str(source) if source else "<scenario>", text)
    where.overridden = {SHORTHANDS.get(key, key) for key in overrides or {}}
    apply_overrides(data, overrides or {})
    if isinstance(data.get("map"), dict):
        data["map"] = dict(data["map"])
    tree = _validate(data, where)
    base = Path(base_dir) if base_dir else (Path(source).parent if source else Path.cwd())
    m = tree["map"]
    map_path = m["path"] if pmap is not None else _resolve_map(m["path"], base, where)
    if pmap is None:
        pmap = load_map(map_path, largest_component=m["largest_component"], **_map_options(m, map_path, base, where))
    agents = _agent_spec(tree, pmap, where)
    _check_memory(tree, pmap, where)
    strat = dict(tree["strategy"])
    name = strat.pop("name")
    if import_plugins or not is_plugin(name):
        replaced = _check_strategy(name, strat, where, pmap, agents.count, base)
        strat = _strategy_files(name, strat, base, where)
        tree["strategy"].update(strat)
        strat.update(replaced)
    incidents, dispatch = incident_specs(tree, pmap, where, base)
    charged = any(b is not None for b in agents.batteries)
    interference, fleet = fleet_specs(tree, pmap, agents.count, charged, where)
    return Scenario(
        name=tree["name"] or Path(where.source).stem,
        map=pmap,
        map_path=str(map_path),
        duration=float(tree["duration"]),
        warmup=float(tree["warmup"]),
        seed=tree["seed"],
        sample_interval=float(tree["sample_interval"]) or tree["duration"] / 200.0,
        coverage_windows=tuple(float(w) for w in tree["coverage_windows"]),
        agents=agents,
        strategy_name=name,
        strategy_params=strat,
        data=tree,
        source=str(source) if source else None,
        incidents=incidents,
        dispatch=dispatch,
        communication=CommSpec(**{k: float(v) for k, v in tree["communication"].items()}),
        interference=interference,
        fleet=fleet,
    )


def _map_options(m: dict, map_path: Path, base: Path, where: _Locator) -> dict:
    """The loader options the [map] table sets (cell_size, crs, network, bbox, polygon), each checked to
    apply to the map's format."""
    from .maps import OPTIONS, map_format

    options = {key: m[key] for key in OPTIONS if m[key]}
    for key in options:
        if map_format(map_path) not in OPTIONS[key]:
            raise ScenarioError(
                f"{key} applies only to {', '.join(OPTIONS[key])} maps",
                source=where.source,
                line=where.line("map", key),
                key=f"map.{key}",
            )
    if isinstance(options.get("polygon"), str):
        options["polygon"] = _resolve_map(options["polygon"], base, where, "polygon")
        m["polygon"] = str(Path(options["polygon"]).resolve())  # a scenario written back finds it anywhere
    return options


def resolved_files(sc: Scenario) -> dict[str, str]:
    """The files ``sc`` names, as absolute paths by dotted key (``map.path``, ``incidents.file``,
    ``incidents.risk_file``, ``strategy.routes_file``; those it names): what a copy of its keys needs to run
    from another folder (a sweep's runs, a scenario exported from the window)."""
    out = {"map.path": str(Path(sc.map_path).resolve())}
    inc = sc.data.get("incidents", {})
    if sc.incidents is not None and sc.incidents.replay_file:
        out["incidents.file"] = str(Path(sc.incidents.replay_file).resolve())
    if inc.get("risk_file"):
        base = Path(sc.source).parent if sc.source and Path(sc.source).exists() else Path.cwd()
        found = find_file(inc["risk_file"], base)
        if found is not None:
            out["incidents.risk_file"] = str(found.resolve())
    if sc.strategy_params.get("routes_file"):
        out["strategy.routes_file"] = sc.strategy_params["routes_file"]  # resolved when the scenario loaded
    return out


# ---------------------------------------------------------------------------- validation
class _Locator:
    """Finds the line of a key in the TOML text, for error messages."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()
        self.overridden: set[str] = set()  # dotted keys given as overrides: not the file's lines

    def line(self, table: str, key: str) -> int | None:
        """The line of ``key`` in ``table`` (entry N of an array of tables ``[[a.b]]`` is table "a.b.N",
        from 1); a key not written there: the table's header line."""
        if (f"{table}.{key}" if table else key) in self.overridden:
            return None
        current, header_line = "", None
        entries: dict[str, int] = {}  # array of tables -> entries seen
        header = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]")
        for i, raw in enumerate(self.lines, start=1):
            h = header.match(raw)
            if h:
                current = _entry_table(h.group(2), h.group(1) == "[[", entries)
                if table and current == table:
                    if key == "":
                        return i
                    header_line = i
                continue
            rel = table if not current else table[len(current) + 1 :] if table.startswith(current + ".") else None
            if current == table:
                rel = ""
            if rel is None:
                continue
            prefix = "".join(rf"{re.escape(part)}\s*\.\s*" for part in rel.split(".")) if rel else ""
            optional = rf"(?:{re.escape(table)}\s*\.\s*)?" if table and not rel else ""
            if re.match(rf"^\s*{optional}{prefix}{re.escape(key)}\s*=", raw) or (
                current == "" and table and re.match(rf"^\s*{re.escape(key)}\s*=", raw)
            ):
                return i
        return header_line

    def error(self, table: str, key: str, message: str) -> ScenarioError:
        dotted = f"{table}.{key}" if table else key
        return ScenarioError(message, source=self.source, line=self.line(table, key), key=dotted)


def _entry_table(name: str, array: bool, entries: dict[str, int]) -> str:
    """The locator's name of a table header: ``[[a.b]]`` opens entry N of "a.b" ("a.b.N"); ``[a.b.c]``
    after it is "a.b.N.c"."""
    if array:
        entries[name] = entries.get(name, 0) + 1
        return f"{name}.{entries[name]}"
    owner = max((t for t in entries if name.startswith(t + ".")), key=len, default=None)
    return f"{owner}.{entries[owner]}.{name[len(owner) + 1 :]}" if owner else name


def apply_overrides(data: dict, overrides: dict) -> None:
    """Set the keys ``overrides`` names (dotted, or :data:`SHORTHANDS`) in the scenario ``data``. Another
    strategy than the data's runs with its own defaults: the data's other ``[strategy]`` keys belong to
    the strategy they were written for and are dropped (those the overrides set are kept)."""
    dotted = {SHORTHANDS.get(key, key): value for key, value in overrides.items()}
    table = data.get("strategy")
    if "strategy.name" in dotted and isinstance(table, dict) and table.get("name") != dotted["strategy.name"]:
        data["strategy"] = {}
    for key, value in dotted.items():
        _set_dotted(data, key, value)


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set ``dotted`` in ``data``: tables by name, an entry of an array of tables by its number from 1
    (``agents.group.2.count``)."""
    *path, key = dotted.split(".")
    if path[:1] == ["map"] and isinstance(data.get("map"), str):
        data["map"] = {"path": data["map"]}
    target: Any = data
    for depth, part in enumerate(path):
        here = ".".join(path[: depth + 1])
        if isinstance(target, list):
            if not (part.isdigit() and 1 <= int(part) <= len(target)):
                raise ScenarioError(
                    f"cannot override '{dotted}': [[{'.'.join(path[:depth])}]] has {len(target)} entries; "
                    f"expected a number from 1 to {len(target)} after it",
                    key=dotted,
                )
            target = target[int(part) - 1]
        elif isinstance(target, dict):
            target = target.setdefault(part, {})
        if not isinstance(target, (dict, list)):
            raise ScenarioError(f"cannot override '{dotted}': '{here}' is not a table", key=dotted)
    if not isinstance(target, dict):
        raise ScenarioError(f"cannot override '{dotted}': '{'.'.join(path)}' is not a table", key=dotted)
    target[key] = value


def _validate(data: dict, where: _Locator) -> dict:
    if isinstance(data.get("map"), str):
        data["map"] = {"path": data["map"]}
    tree: dict = {}
    for key in data:
        if key not in SCHEMA[""] and key not in SCHEMA:
            known = sorted(set(SCHEMA[""]) | set(SCHEMA) - {""})
            raise where.error("", key, f"unknown key{did_you_mean(key, known)}; expected one of {', '.join(known)}")
    for table, keys in SCHEMA.items():
        section = data if table == "" else data.get(table, {})
        if table and not isinstance(section, dict):
            raise where.error("", table, f"expected a [{table}] table")
        if table == "":
            section = {k: v for k, v in data.items() if k in keys}
        out = _check_table(table, keys, section, where)
        if table == "":
            tree.update(out)
        else:
            tree[table] = out
    for w in tree["coverage_windows"]:
        if not (finite(w) and w > 0):
            raise where.error("", "coverage_windows", f"expected positive numbers of seconds, got {plain(w)}")
    if tree["sample_interval"] and tree["duration"] / tree["sample_interval"] > MAX_SAMPLES:
        raise where.error(
            "",
            "sample_interval",
            f"{tree['sample_interval']} s would take more than "
            f"{MAX_SAMPLES:,} samples; expected at least duration / {MAX_SAMPLES:,}",
        )
    expected = tree["incidents"]["rate_per_hour"] * tree["duration"] / 3600.0
    if tree["incidents"]["stream"] not in ("none", "replay", "calls") and expected > MAX_INCIDENTS:
        raise where.error(
            "incidents",
            "rate_per_hour",
            f"{plain(tree['incidents']['rate_per_hour'])} per hour over {plain(tree['duration'])} s is about "
            f"{expected:,.0f} incidents; expected at most {MAX_INCIDENTS:,} in one run",
        )
    if tree["warmup"] >= tree["duration"]:
        raise where.error("", "warmup", f"warmup ({tree['warmup']}) must be shorter than duration ({tree['duration']})")
    return tree


def _check_table(table: str, keys: dict[str, Key], section: dict, where: _Locator, *, fill: bool = True) -> dict:
    """The keys of one table, each checked (unknown keys are errors, except a strategy's own parameters);
    the defaults of those not given filled in (``fill``) and the required ones demanded."""
    out: dict = {}
    for key, value in section.items():
        if key not in keys:
            if table == "strategy":
                out[key] = value  # checked against the strategy's own parameters
                continue
            raise where.error(
                table, key, f"unknown key{did_you_mean(key, list(keys))}; expected one of {', '.join(keys)}"
            )
        out[key] = (
            _groups(value, where)
            if (table, key) == ("agents", "group")
            else check_value(table, key, keys[key], value, where)
        )
    if out.get("group"):
        _group_count(out, where)
    for key, spec in keys.items():
        if key not in out:
            if spec.default is REQUIRED:
                missing = f"[{table}] " if table else ""
                raise ScenarioError(
                    f"missing required key '{key}' {missing}({spec.help})".replace("  ", " "),
                    source=where.source,
                    key=f"{table}.{key}" if table else key,
                )
            if fill:
                out[key] = copy.deepcopy(spec.default)
    return out


def _groups(value: Any, where: _Locator) -> list[dict]:
    """The [[agents.group]] tables, each holding the keys it gives (checked), their names unique."""
    if not isinstance(value, list) or not all(isinstance(g, dict) for g in value):
        raise where.error("agents", "group", "expected [[agents.group]] tables (name, count, speed, ...)")
    if len(value) > MAX_AGENTS:
        raise where.error("agents", "group", f"expected at most {MAX_AGENTS:,} groups, got {len(value):,}")
    out = []
    for i, entry in enumerate(value):
        table = f"agents.group.{i + 1}"
        g = _check_table(table, GROUP_KEYS, entry, where, fill=False)
        for sub, keys in GROUP_TABLES.items():
            fleet_wide = next((k for k in g.get(sub, {}) if k in SCHEMA[sub] and k not in keys), None)
            if fleet_wide is not None:
                raise where.error(f"{table}.{sub}", fleet_wide, f"is set for the whole fleet only, in [{sub}]")
            if sub in g:
                g[sub] = _check_table(f"{table}.{sub}", keys, g[sub], where, fill=False)
        out.append(g)
    names = group_names(out)
    twice = next((i for i, n in enumerate(names) if n in names[:i]), None)
    if twice is not None:
        raise where.error(
            f"agents.group.{twice + 1}",
            "name",
            f"group name {names[twice]!r} is used twice (a group without a name is 'group N')",
        )
    return out


def group_names(groups: list[dict]) -> list[str]:
    """The name of each [[agents.group]]: its own, or 'group N' (N from 1, in file order)."""
    return [g.get("name") or f"group {i + 1}" for i, g in enumerate(groups)]


def _group_count(agents: dict, where: _Locator) -> None:
    """agents.count of a fleet of groups: the sum of their counts (given, it must equal it)."""
    total = sum(g["count"] for g in agents["group"])
    if total > MAX_AGENTS:
        raise where.error("agents", "group", f"the groups add up to {total:,} agents; expected at most {MAX_AGENTS:,}")
    if "count" in agents and agents["count"] != total:
        raise where.error(
            "agents",
            "count",
            f"count = {agents['count']} but the [[agents.group]] counts add up to {total}; "
            "expected their sum (or leave count out)",
        )
    agents["count"] = total


def run_memory(tree: dict, pmap: PatrolMap) -> dict[str, float]:
    """Bytes a run of the validated key tree on ``pmap`` will allocate, by the key that drives each part:
    per-agent knowledge of every node (``agents.count``), the sensing sets (``agents.sensing_radius``)."""
    import math

    agents = tree["agents"]
    radii = [g.get("sensing_radius", agents["sensing_radius"]) for g in agents["group"]]
    n, a, r = pmap.n_nodes, agents["count"], float(max(radii or [agents["sensing_radius"]]))
    knowledge = 8.0 * a * n + 8.0 * 16 * a
    if r <= 0:
        per_node = 1.0
    elif pmap.grid is not None:
        per_node = math.pi * (r / pmap.grid.cell_size + 1) ** 2
    else:
        x0, y0, x1, y1 = pmap.bounds()
        area = max((x1 - x0) * (y1 - y0), 1.0)
        per_node = min(n, 1.0 + n * math.pi * r * r / area)
    return {"agents.count": knowledge, "agents.sensing_radius": 48.0 * n * min(per_node, n)}


def available_memory() -> float:
    """Bytes of memory this machine can give a run now (MemAvailable on Linux, else the physical total)."""
    import os

    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def _check_memory(tree: dict, pmap: PatrolMap, where: _Locator) -> None:
    """Refuse a run that cannot fit in memory, before anything is allocated."""
    parts = run_memory(tree, pmap)
    need, have = sum(parts.values()), available_memory()
    if need > 0.8 * have:
        table, _, key = max(parts, key=lambda k: parts[k]).partition(".")
        raise where.error(
            table,
            key,
            f"this run needs about {need / 2**30:,.1f} GiB ({tree['agents']['count']:,} agents on "
            f"{pmap.n_nodes:,} nodes), more than the {have / 2**30:,.1f} GiB of memory available; expected "
            "fewer agents, a smaller map or a smaller sensing radius",
        )


def _resolve_map(name: str, base: Path, where: _Locator, key: str = "") -> Path:
    """The map file (or the [map] table's file option ``key``) named ``name``: the scenario's folder,
    then its parent, then the working directory."""
    candidates = path_candidates(name, base)
    for c in candidates:
        if c.exists():
            return c
    tried = ", ".join(str(c) for c in candidates)
    raise ScenarioError(
        f"{key or 'map'} '{name}' not found (looked in: {tried})",
        source=where.source,
        line=where.line("map", key) if key else where.line("", "map") or where.line("map", "path"),
        key=f"map.{key}" if key else "map",
    )


def _agent_spec(tree: dict, pmap: PatrolMap, where: _Locator) -> AgentSpec:
    """The team of a validated key tree; with [[agents.group]], each agent gets its group's speed and
    sensing radius (``sensing_radius`` stays the [agents] value, or is the first group's when that is 0)."""
    a = tree["agents"]
    count, groups = a["count"], a["group"]
    if groups and isinstance(a["speed"], list):
        raise where.error(
            "agents", "speed", "with [[agents.group]], expected one number (the groups' default) or each group's speed"
        )
    if groups:
        speeds = [g.get("speed", a["speed"]) for g in groups for _ in range(g["count"])]
    else:
        speeds = a["speed"] if isinstance(a["speed"], list) else [a["speed"]] * count
    fast = within(0, MAX_SPEED, lo_open=True)
    if len(speeds) != count or not all(fast(s) for s in speeds):
        shown = plain(a["speed"]) if not isinstance(a["speed"], list) else f"a list of {len(speeds)}"
        bad = next((plain(s) for s in speeds if not fast(s)), None)
        raise where.error(
            "agents",
            "speed",
            f"expected a number {interval(0, MAX_SPEED, lo_open=True)} (m/s) or a list of {count} of them, got "
            + (bad if bad is not None else shown),
        )
    starts = a["starts"]
    if isinstance(starts, str):
        if starts not in ("auto", "map", "random"):
            raise where.error("agents", "starts", f"expected 'auto', 'map', 'random' or a list, got {starts!r}")
        if starts == "map" and len(pmap.starts) < count:
            raise where.error(
                "agents",
                "starts",
                f"the map marks {len(pmap.starts)} start cells but count = {count}; use 'auto' or list the starts",
            )
    else:
        starts = tuple(map_node(s, pmap, where, "agents", "starts", "start") for s in starts)
        if len(starts) != count:
            raise where.error("agents", "starts", f"expected {count} starts (one per agent), got {len(starts)}")
    names = group_names(groups)
    radii = tuple(float(g.get("sensing_radius", a["sensing_radius"])) for g in groups for _ in range(g["count"]))
    fleet_speeds = tuple(float(s) for s in speeds)
    return AgentSpec(
        count=count,
        speeds=fleet_speeds,
        starts=starts,
        sensing_radius=float(a["sensing_radius"] or (radii[0] if radii else 0.0)),
        wait=float(a["wait"]),
        pass_through_visits=a["pass_through_visits"],
        groups=tuple(names[i] for i, g in enumerate(groups) for _ in range(g["count"])),
        sensing_radii=radii,
        motion=motions(tree, count),
        batteries=batteries(tree, fleet_speeds, where),
    )


def is_plugin(name: str) -> bool:
    """True for a ``package.module:Class`` strategy: Python code that checking or running it imports."""
    return ":" in name


def pin_strategy_files(data: dict, base: Path) -> None:
    """Make the file parameters (``Param.file``) of ``data``'s built-in strategy absolute paths, found from
    the folder ``base`` as a scenario there finds them (so a run elsewhere reads the same file); a file
    not found stays as written, for the scenario's check to name."""
    from .strategies import strategy_class

    table = data.get("strategy")
    if not isinstance(table, dict) or not isinstance(table.get("name"), str) or is_plugin(table["name"]):
        return
    try:
        params = strategy_class(table["name"]).params
    except UserError:
        return  # an unknown name: the scenario's check names it
    for key, spec in params.items():
        value = table.get(key)
        if spec.file and isinstance(value, str) and value:
            found = find_file(value, base)
            if found is not None:
                table[key] = str(found.resolve())


def _strategy_files(name: str, params: dict, base: Path, where: _Locator) -> dict:
    """``params`` with the value of every file parameter of the strategy (``Param.file``) made an
    absolute path, found as a map is; a ScenarioError naming the key when there is no such file."""
    from .strategies import strategy_class

    out = dict(params)
    for key, spec in strategy_class(name).params.items():
        if spec.file and out.get(key):
            found = find_file(out[key], base)
            if found is None:
                raise where.error("strategy", key, file_not_found(out[key]))
            out[key] = str(found.resolve())
    return out


def _check_strategy(name: str, params: dict, where: _Locator, pmap: PatrolMap, n_agents: int, base: Path) -> dict:
    """Check the strategy's parameters (types and ranges, then what needs the map and the team:
    ``Strategy.check``); returns the values its check replaces (e.g. a file name resolved)."""
    from .strategies import strategy_class

    def finite_values(lists: bool) -> None:
        for key, value in params.items():
            bad = first_non_finite(value) if isinstance(value, list) == lists else None
            if bad is not None:
                raise where.error(
                    "strategy", key, f"expected a finite number within +-{plain(MAX_NUMBER)}, got {plain(bad)}"
                )

    finite_values(lists=False)  # lists are the strategy's own check's first (it can name the entry)
    try:
        cls = strategy_class(name)
        changed = cls.check(cls.validate_params(params, source=where.source), pmap, n_agents, base)
    except UserError as exc:
        if exc.source not in (None, where.source):
            raise  # about a file the strategy reads: its own name and line
        key = (exc.key or "strategy.name").partition(".")[2]
        raise ScenarioError(
            exc.detail, source=where.source, line=where.line("strategy", key or "name"), key=exc.key or "strategy.name"
        ) from None
    finite_values(lists=True)
    return changed
