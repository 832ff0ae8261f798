"""The validated [energy] docks and [failures] tables of a scenario (the per-agent batteries and
motion are :class:`patrolsim.engine.spec.Battery` / :class:`~patrolsim.engine.spec.Motion`), and the
scenario keys of [energy], [failures], [motion] and of the ``energy`` / ``motion`` tables of each
``[[agents.group]]``.

:func:`energy_keys`, :func:`failure_keys` and :func:`motion_keys` are merged into
:data:`patrolsim.scenario.SCHEMA`; :func:`batteries`, :func:`motions` and :func:`fleet_specs` check what
per-key checks cannot (lists, map nodes, cross-key rules) and build the records. A group's table holds
only the keys it gives (no defaults filled in): each of them replaces the top-level table's for that
group's agents. Every feature is off by default; its keys are ignored while it is off (so a sweep
axis can switch it off: ``"failures.mtbf_h" = [0, 20]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine.spec import INTERFERENCE_MODES, Battery, Interference, Motion
from ..schema import Key, finite, interval, is_number, map_node, one_of, plain, within

if TYPE_CHECKING:  # pragma: no cover
    from ..maps.model import PatrolMap

#: failure time distributions
DISTRIBUTIONS = ("exponential", "fixed")

#: hours of a battery or of a charge (about 11 years), Wh of a battery, W standing, Wh per metre
MAX_HOURS = 1e5
MAX_WH = 1e9
MAX_WH_PER_M = 1e6
#: m/s^2 and rad/s beyond which motion is as good as instant (inf is allowed and means instant)
MAX_ACCEL = 1e3
MAX_TURN = 1e3
#: list lengths: docks, scripted failures, and failures a run may expect (agents x duration / mtbf)
MAX_DOCKS = 10_000
MAX_SCRIPTED = 100_000
MAX_FAILURES = 1_000_000
#: chargers per dock, robots per node or edge, waits before a re-route
MAX_COUNT = 1_000_000

#: keys of a battery that a group's energy table may set; the capacity of each kind and the keys that
#: belong to one kind only
CAPACITIES = ("capacity_h", "capacity_wh")
HOURS_ONLY = ("standby_h",)
WH_ONLY = ("wh_per_m", "standing_w")
#: keys of the motion of one agent (a group's motion table); the rest of [motion] is interference
AGENT_MOTION = ("accel", "brake", "turn_rate")


@dataclass(frozen=True)
class Docks:
    """Charging docks: ``nodes`` (internal node indices, one per dock) and ``chargers`` (agents that
    can charge at once, one count per dock)."""

    nodes: tuple[int, ...]
    chargers: tuple[int, ...]


@dataclass(frozen=True)
class Failures:
    """Breakdowns. Random: each agent fails after a time drawn with mean ``mtbf_s`` (of its time in
    service) and is repaired after one with mean ``mttr_s``; ``distribution`` "exponential" draws
    them, "fixed" uses the means themselves (0 = no random failures). Scripted: ``at`` lists
    (agent, t_fail, t_back) in seconds, ordered by t_fail then agent (t_back may be inf: never back)."""

    mtbf_s: float = 0.0
    mttr_s: float = 0.0
    distribution: str = "exponential"
    at: tuple[tuple[int, float, float], ...] = ()

    @property
    def on(self) -> bool:
        return self.mtbf_s > 0 or bool(self.at)


@dataclass(frozen=True)
class FleetSpec:
    """The site's docks (None: no batteries) and the failures (None: none)."""

    docks: Docks | None = None
    failures: Failures | None = None


# ---------------------------------------------------------------------------- keys
def _rate(hi: float) -> tuple[Any, str]:
    """Check and words of a rate that may be inf (instant)."""
    return (lambda x: x == math.inf or (finite(x) and 0 < x <= hi)), f"in (0, {plain(hi)}] or inf (instant)"


def battery_keys() -> dict[str, Key]:
    """The keys of one battery: [energy] without docks and chargers, and a group's energy table."""
    num = (int, float)
    return {
        "capacity_h": Key(
            num,
            0.0,
            "hours of driving on a full charge (0 = no battery; or capacity_wh)",
            within(0, MAX_HOURS),
            interval(0, MAX_HOURS),
        ),
        "standby_h": Key(
            num,
            0.0,
            "with capacity_h: hours standing on a full charge (0 = no standing drain)",
            within(0, MAX_HOURS),
            interval(0, MAX_HOURS),
        ),
        "capacity_wh": Key(
            num, 0.0, "Wh of a full charge (0 = none; or capacity_h)", within(0, MAX_WH), interval(0, MAX_WH)
        ),
        "wh_per_m": Key(
            num, 0.0, "with capacity_wh: Wh per metre driven", within(0, MAX_WH_PER_M), interval(0, MAX_WH_PER_M)
        ),
        "standing_w": Key(
            num, 0.0, "with capacity_wh: W drawn standing (0 = none)", within(0, MAX_WH), interval(0, MAX_WH)
        ),
        "charge_h": Key(
            num,
            2.0,
            "hours from empty to full at a dock",
            within(0, MAX_HOURS, lo_open=True),
            interval(0, MAX_HOURS, lo_open=True),
        ),
        "reserve": Key(
            num,
            0.1,
            "share of a full charge kept for the way home",
            lambda x: finite(x) and 0 <= x < 1,
            "in [0, 1)",
        ),
        "start": Key((int, float, list), 1.0, "share of a full charge at time 0, or a list with one per agent"),
    }


def energy_keys() -> dict[str, Key]:
    """Keys of the [energy] table."""
    return battery_keys() | {
        "docks": Key((list,), [], "docks: node ids as the map file names them, or [x, y] metres"),
        "chargers": Key((int, list), 1, "agents charging at once per dock: one integer, or one per dock"),
    }


def failure_keys() -> dict[str, Key]:
    """Keys of the [failures] table."""
    num = (int, float)
    return {
        "mtbf_h": Key(
            num,
            0.0,
            "mean hours of service between random failures (0 = none)",
            within(0, MAX_HOURS),
            interval(0, MAX_HOURS),
        ),
        "mttr_h": Key(num, 0.0, "mean hours to repair a failure", within(0, MAX_HOURS), interval(0, MAX_HOURS)),
        "distribution": Key(
            (str,),
            "exponential",
            "random failure and repair times: 'exponential' or 'fixed' (the means)",
            one_of(*DISTRIBUTIONS),
            "'exponential' or 'fixed'",
        ),
        "at": Key(
            (list,),
            [],
            "scripted failures: [[agent index, t_fail s, t_back s], ...] (t_back inf: never back)",
            lambda rows: True,  # a check of its own skips the finite-list scan: each row is checked (inf allowed)
        ),
    }


def motion_keys() -> dict[str, Key]:
    """Keys of the [motion] table (the first three are also a group's motion table)."""
    num = (int, float)
    accel, accel_words = _rate(MAX_ACCEL)
    turn, turn_words = _rate(MAX_TURN)
    count = within(0, MAX_COUNT)
    return {
        "accel": Key(num, math.inf, "m/s^2 from a standstill at each node (inf = instant)", accel, accel_words),
        "brake": Key(
            num,
            0.0,
            "m/s^2 to a standstill at each node (0 = as accel)",
            lambda x: x == 0 or accel(x),
            "0 (as accel), " + accel_words,
        ),
        "turn_rate": Key(num, math.inf, "rad/s turning in place at a node (inf = instant)", turn, turn_words),
        "interference": Key(
            (str,),
            "none",
            "robots in each other's way: " + ", ".join(INTERFERENCE_MODES),
            one_of(*INTERFERENCE_MODES),
            "one of " + ", ".join(INTERFERENCE_MODES),
        ),
        "wait_s": Key(
            num,
            3.0,
            "'wait': seconds a robot stops before it tries again",
            within(0, 1e6, lo_open=True),
            "in (0, 1e+06]",
        ),
        "node_capacity": Key((int,), 1, "robots a node holds (0 = unlimited)", count, interval(0, MAX_COUNT)),
        "edge_capacity": Key(
            (int,), 1, "robots an edge holds (1 = one lane; 0 = unlimited)", count, interval(0, MAX_COUNT)
        ),
        "node_capacities": Key((list,), [], "[[node id, capacity], ...] overriding node_capacity"),
        "edge_capacities": Key((list,), [], "[[u id, v id, capacity], ...] overriding edge_capacity"),
        "reroute_after": Key(
            (int,), 3, "waits in a row after which a robot steps aside", within(1, MAX_COUNT), interval(1, MAX_COUNT)
        ),
    }


def group_motion_keys() -> dict[str, Key]:
    """The keys of a group's motion table."""
    return {k: v for k, v in motion_keys().items() if k in AGENT_MOTION}


# ---------------------------------------------------------------------------- records
def _spans(tree: dict, n_agents: int) -> list[tuple[str, dict, int, int]]:
    """(locator table, the validated table, first agent, agents) per group in file order (agents are
    numbered group by group); one span "agents" for a scenario without groups."""
    groups = tree["agents"]["group"]
    if not groups:
        return [("agents", {}, 0, n_agents)]
    firsts = [sum(g["count"] for g in groups[:i]) for i in range(len(groups))]
    return [(f"agents.group.{i + 1}", g, firsts[i], g["count"]) for i, g in enumerate(groups)]


def batteries(tree: dict, speeds: tuple[float, ...], where: Any) -> tuple[Battery | None, ...]:
    """One battery (None: none) per agent, or () when no agent has one. A group's capacity key replaces
    the top-level capacity and the keys of its kind; each of its other keys replaces the top-level one.
    ``capacity_h`` is hours of driving at the agent's own speed: per_m = 1 / (capacity_h 3600 speed)."""
    top = tree["energy"]
    _check_kind(top, dict.fromkeys(top, "energy"), where)
    out: list[Battery | None] = []
    for table, group, first, n in _spans(tree, len(speeds)):
        eff, src = _merged(top, group.get("energy", {}), table + ".energy")
        _check_kind(eff, src, where)
        if not (eff["capacity_h"] or eff["capacity_wh"]):
            out += [None] * n
            continue
        own_start = src["start"] != "energy"
        starts = _start_shares(eff["start"], n if own_start else len(speeds), src["start"], where)
        for j in range(n):
            agent = first + j
            start = starts[j if own_start else agent] if len(starts) > 1 else starts[0]
            common = {"reserve": float(eff["reserve"]), "charge_s": float(eff["charge_h"]) * 3600.0, "start": start}
            if eff["capacity_h"]:
                per_s = 1.0 / (eff["standby_h"] * 3600.0) if eff["standby_h"] else 0.0
                out.append(Battery(1.0, 1.0 / (eff["capacity_h"] * 3600.0 * speeds[agent]), per_s, **common))
            else:
                wh = float(eff["capacity_wh"])
                out.append(Battery(wh, float(eff["wh_per_m"]), eff["standing_w"] / 3600.0, **common))
    return tuple(out) if any(b is not None for b in out) else ()


def _merged(top: dict, own: dict, table: str) -> tuple[dict, dict]:
    """(the battery keys in effect for a group, the locator table each comes from)."""
    eff, src = dict(top), dict.fromkeys(top, "energy")
    if any(k in own for k in CAPACITIES):
        keys = battery_keys()
        for k in (*CAPACITIES, *HOURS_ONLY, *WH_ONLY):
            eff[k], src[k] = keys[k].default, table
    for k, v in own.items():
        eff[k], src[k] = v, table
    return eff, src


def _check_kind(eff: dict, src: dict, where: Any) -> None:
    """One capacity, and no key of the other kind."""
    if eff["capacity_h"] and eff["capacity_wh"]:
        raise where.error(src["capacity_wh"], "capacity_wh", "give capacity_h or capacity_wh, not both")
    if eff["capacity_h"]:
        for k in WH_ONLY:
            if eff[k]:
                raise where.error(src[k], k, "applies to capacity_wh only; with capacity_h use standby_h")
    if eff["capacity_wh"]:
        for k in HOURS_ONLY:
            if eff[k]:
                raise where.error(src[k], k, "applies to capacity_h only; with capacity_wh use standing_w")
        if not eff["wh_per_m"]:
            raise where.error(src["wh_per_m"], "wh_per_m", "capacity_wh needs wh_per_m > 0 (Wh per metre driven)")


def _start_shares(value: Any, n: int, table: str, where: Any) -> list[float]:
    """The start shares ``value`` gives: [one for all], or one per agent (a list of ``n``)."""

    def share(v: Any) -> bool:
        return is_number(v) and finite(v) and 0 < v <= 1

    if not isinstance(value, list):
        if not share(value):
            raise where.error(table, "start", f"expected a share in (0, 1] or a list of them, got {plain(value)}")
        return [float(value)]
    bad = next((plain(v) for v in value if not share(v)), None)
    if len(value) != n or bad is not None:
        raise where.error(
            table,
            "start",
            f"expected a share in (0, 1] or a list of {n} of them (one per agent), got "
            + (bad if bad is not None else f"a list of {len(value)}"),
        )
    return [float(v) for v in value]


def motions(tree: dict, n_agents: int) -> tuple[Motion, ...]:
    """One :class:`Motion` per agent (a group's motion keys replace the [motion] ones), or () when no
    motion key is set anywhere. ``brake = 0`` is the agent's ``accel``."""
    top = {k: tree["motion"][k] for k in AGENT_MOTION}
    spans = _spans(tree, n_agents)
    defaults = {k: spec.default for k, spec in group_motion_keys().items()}
    if top == defaults and not any(group.get("motion") for _, group, _, _ in spans):
        return ()
    out: list[Motion] = []
    for _, group, _, n in spans:
        m = top | group.get("motion", {})
        accel = float(m["accel"])
        out += [Motion(accel=accel, brake=float(m["brake"]) or accel, turn_rate=float(m["turn_rate"]))] * n
    return tuple(out)


def fleet_specs(
    tree: dict, pmap: PatrolMap, n_agents: int, charged: bool, where: Any
) -> tuple[Interference, FleetSpec]:
    """The interference record and the docks (when ``charged``: some agent has a battery) and failures."""
    return _interference(tree["motion"], pmap, where), FleetSpec(
        docks=_docks(tree["energy"], pmap, where) if charged else None,
        failures=_failures(tree["failures"], n_agents, float(tree["duration"]), where),
    )


def _docks(e: dict, pmap: PatrolMap, where: Any) -> Docks:
    places = e["docks"]
    if not places:
        raise where.error("energy", "docks", "agents with batteries need docks: node ids or [x, y] metres")
    if len(places) > MAX_DOCKS:
        raise where.error("energy", "docks", f"expected at most {MAX_DOCKS:,} docks, got {len(places):,}")
    nodes = tuple(map_node(p, pmap, where, "energy", "docks", "dock") for p in places)
    twice = next((n for i, n in enumerate(nodes) if n in nodes[:i]), None)
    if twice is not None:
        raise where.error(
            "energy", "docks", f"two docks at node {pmap.node_label(twice)}; expected one dock with more chargers"
        )
    chargers = e["chargers"]
    values = chargers if isinstance(chargers, list) else [chargers] * len(nodes)
    fits = within(1, MAX_COUNT)
    bad = next((v for v in values if not (isinstance(v, int) and not isinstance(v, bool) and fits(v))), None)
    if len(values) != len(nodes) or bad is not None:
        raise where.error(
            "energy",
            "chargers",
            f"expected an integer {interval(1, MAX_COUNT)} or a list of {len(nodes)} of them (one per dock), got "
            + (plain(bad) if bad is not None else f"a list of {len(values)}"),
        )
    return Docks(nodes=nodes, chargers=tuple(values))


def _failures(f: dict, n_agents: int, duration: float, where: Any) -> Failures | None:
    mtbf_s, mttr_s = f["mtbf_h"] * 3600.0, f["mttr_h"] * 3600.0
    if mtbf_s and not mttr_s:
        raise where.error("failures", "mttr_h", "random failures (mtbf_h > 0) need mttr_h > 0 (hours to repair)")
    if mtbf_s and n_agents * duration / mtbf_s > MAX_FAILURES:
        raise where.error(
            "failures",
            "mtbf_h",
            f"{plain(f['mtbf_h'])} h would be about {n_agents * duration / mtbf_s:,.0f} failures in one run; "
            f"expected at most {MAX_FAILURES:,}",
        )
    at = f["at"]
    if len(at) > MAX_SCRIPTED:
        raise where.error("failures", "at", f"expected at most {MAX_SCRIPTED:,} scripted failures, got {len(at):,}")
    rows = [_scripted(row, n_agents, duration, where) for row in at]
    last: dict[int, float] = {}
    for agent, t_fail, t_back in sorted(rows, key=lambda r: (r[0], r[1])):
        if agent in last and t_fail <= last[agent]:
            raise where.error(
                "failures",
                "at",
                f"agent {agent} fails at {plain(t_fail)} s before it is back ({plain(last[agent])} s); "
                "expected failures of one agent that do not overlap",
            )
        last[agent] = t_back
    if not (mtbf_s or rows):
        return None
    return Failures(
        mtbf_s=float(mtbf_s),
        mttr_s=float(mttr_s),
        distribution=f["distribution"],
        at=tuple(sorted(rows, key=lambda r: (r[1], r[0]))),
    )


def _scripted(row: Any, n_agents: int, duration: float, where: Any) -> tuple[int, float, float]:
    """One [agent, t_fail, t_back] of failures.at."""
    ok = (
        isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], int)
        and not isinstance(row[0], bool)
        and all(is_number(v) for v in row[1:])
        and finite(row[1])
        and (finite(row[2]) or row[2] == math.inf)
    )
    if not ok:
        shown = f"[{', '.join(plain(v) for v in row)}]" if isinstance(row, list) else plain(row)
        raise where.error(
            "failures", "at", f"expected [agent index, t_fail s, t_back s] (t_back may be inf), got {shown[:60]}"
        )
    agent, t_fail, t_back = row
    if not 0 <= agent < n_agents:
        raise where.error("failures", "at", f"agent {agent} is not an agent index; expected 0 to {n_agents - 1}")
    if not 0 <= t_fail < t_back:
        raise where.error(
            "failures", "at", f"expected 0 <= t_fail < t_back, got t_fail {plain(t_fail)} and t_back {plain(t_back)}"
        )
    if t_fail >= duration:
        raise where.error(
            "failures", "at", f"t_fail {plain(t_fail)} s is not before the end of the run ({plain(duration)} s)"
        )
    return agent, float(t_fail), float(t_back)


def _interference(m: dict, pmap: PatrolMap, where: Any) -> Interference:
    nodes = _capacities(m["node_capacities"], 1, pmap.n_nodes, pmap, where, "node_capacities")
    edges = _capacities(m["edge_capacities"], 2, 2 * pmap.n_edges, pmap, where, "edge_capacities")
    for u, v, _ in edges:
        if v not in pmap.neighbours(u) and u not in pmap.neighbours(v):
            raise where.error(
                "motion",
                "edge_capacities",
                f"{pmap.node_label(u)} - {pmap.node_label(v)} is not an edge of the map",
            )
    return Interference(
        mode=m["interference"],
        wait_s=float(m["wait_s"]),
        node_capacity=m["node_capacity"],
        edge_capacity=m["edge_capacity"],
        nodes=tuple((n, c) for n, c in nodes),
        edges=tuple((u, v, c) for u, v, c in edges),
        reroute_after=m["reroute_after"],
    )


def _capacities(rows: Any, places: int, most: int, pmap: PatrolMap, where: Any, key: str) -> list[tuple[int, ...]]:
    """[[node, capacity]] (``places`` = 1) or [[u, v, capacity]] (2) as internal node indices, sorted; one
    entry per node or edge."""
    if len(rows) > most:
        raise where.error("motion", key, f"expected at most {most:,} entries (one per {key[:4]}), got {len(rows):,}")
    what = "[node id, capacity]" if places == 1 else "[u id, v id, capacity]"
    out: dict[frozenset, tuple[int, ...]] = {}
    for row in rows:
        cap = row[-1] if isinstance(row, list) and len(row) == places + 1 else None
        if not (isinstance(cap, int) and not isinstance(cap, bool) and 0 <= cap <= MAX_COUNT):
            shown = f"[{', '.join(plain(v) for v in row)}]" if isinstance(row, list) else plain(row)
            raise where.error(
                "motion", key, f"expected {what} with a capacity {interval(0, MAX_COUNT)}, got {shown[:60]}"
            )
        ids = tuple(map_node(p, pmap, where, "motion", key, key[:4]) for p in row[:places])
        if frozenset(ids) in out:
            shown = " - ".join(str(pmap.node_label(i)) for i in ids)
            raise where.error("motion", key, f"{shown} is given twice; expected one capacity each")
        out[frozenset(ids)] = (*ids, cap)
    return sorted(out.values())
