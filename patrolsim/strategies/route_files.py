"""Routes files: waypoint lists in a CSV table or a GeoJSON export of a GIS, in the map's coordinates.

CSV (header row required, any column order, extra columns ignored): ``agent`` (0, 1, ...), optional
``order`` (a number: the waypoint's place in the agent's route; default: the file's order), then ``node``
(a node id as the map file names it) or ``x_m`` and ``y_m`` (metres), and optional ``dwell_s`` (seconds
at the waypoint; an empty cell takes the strategy's ``dwell_s``).

GeoJSON: a FeatureCollection whose features are LineStrings (one route each: its vertices are the
waypoints; ``properties.agent``, default the LineString's place among the file's LineStrings, and
``properties.dwell_s``, one number or one per vertex) or Points (one waypoint each: ``properties.agent``,
default 0, ``properties.order``, default the file's order, ``properties.dwell_s``). Coordinates are
metres in the map's own frame (x east, y north; a third coordinate is ignored).

Routes are listed by agent from agent 0 without gaps; agents after the last share route 0. A mistake is
one line naming the file and its line.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StrategyError, csv_table, read_text, snippet
from ..schema import finite, is_number, plain

CSV_COLUMNS = ("agent", "order", "node", "x_m", "y_m", "dwell_s")


@dataclass(frozen=True)
class RawWaypoint:
    """A waypoint as given: ``place`` (a node id, or (x, y) metres), its own dwell time (None: the
    strategy's ``dwell_s``) and where it was given (``source`` and ``line`` of a file, else None)."""

    place: Any
    dwell_s: float | None = None
    source: str | None = None
    line: int | None = None


def read_routes(path: Path, n_agents: int) -> list[list[RawWaypoint]]:
    """The waypoints of each agent (agent 0, 1, ...) in a routes file (.csv, .geojson or .json)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        found = _read_csv(path)
    elif suffix in (".geojson", ".json"):
        found = _read_geojson(path)
    else:
        raise StrategyError("expected a routes file ending in .csv, .geojson or .json", source=path)
    return _by_agent(found, path, n_agents)


def _by_agent(found: dict[int, list[tuple[float, RawWaypoint]]], path: Path, n_agents: int) -> list:
    """Each agent's waypoints sorted by their order (ties: the file's order); checks the agents."""
    if not found:
        raise StrategyError("the routes file has no waypoints", source=path)
    top = max(found)
    if top >= n_agents:
        w = found[top][0][1]
        raise StrategyError(
            f"a route for agent {top} but the team has {n_agents} (agents 0-{n_agents - 1}); expected at most "
            "one route per agent (agents without a route of their own share route 0)",
            source=path,
            line=w.line,
        )
    for agent in range(top + 1):
        if agent not in found:
            later = min(a for a in found if a > agent)
            raise StrategyError(
                f"no waypoints for agent {agent} but some for agent {later}; expected routes for agents 0, 1, ... in "
                "turn (agents after the last share route 0)",
                source=path,
                line=found[later][0][1].line,
            )
    out = []
    for agent in range(top + 1):
        rows = sorted(found[agent], key=lambda r: r[0])  # stable: equal orders keep the file's order
        for (o1, w1), (o2, w2) in itertools.pairwise(rows):
            if o1 == o2:
                raise StrategyError(
                    f"agent {agent} has two waypoints with order {plain(o1)} (lines {w1.line} and {w2.line}); "
                    "expected distinct orders",
                    source=path,
                    line=w2.line,
                )
        out.append([w for _, w in rows])
    return out


# ---------------------------------------------------------------------------- CSV
def _read_csv(path: Path) -> dict[int, list[tuple[float, RawWaypoint]]]:
    expect = "agent and node (or x_m, y_m), optional order and dwell_s"
    reader, col = csv_table(path, StrategyError, "routes", CSV_COLUMNS, {"agent"}, expect)
    found: dict[int, list[tuple[float, RawWaypoint]]] = {}
    for line, row in reader:
        if row and "".join(row).strip():
            agent, order, waypoint = _csv_row(row, col, path, line)
            rows = found.setdefault(agent, [])
            rows.append((len(rows) if order is None else order, waypoint))
    return found


def _csv_row(row: list[str], col: dict, path: Path, line: int) -> tuple[int, float | None, RawWaypoint]:
    """(agent, order or None, waypoint) of one CSV row."""

    def cell(name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def number(name: str) -> float | None:
        text = cell(name)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise StrategyError(
                f"expected a number in column {name}, got {snippet(text)}", source=path, line=line
            ) from None

    text = cell("agent")
    if not text.isdigit():
        raise StrategyError(
            f"expected an agent number (0, 1, ...) in column agent, got {snippet(text)}", source=path, line=line
        )
    order = number("order")
    if order is not None and not finite(order):
        raise StrategyError(
            f"expected a finite number in column order, got {snippet(cell('order'))}", source=path, line=line
        )
    x, y = number("x_m"), number("y_m")
    if cell("node"):
        place: Any = cell("node")
    elif x is not None and y is not None:
        place = (x, y)
    else:
        raise StrategyError("expected a node id, or both x_m and y_m", source=path, line=line)
    return int(text), order, RawWaypoint(place, number("dwell_s"), str(path), line)


# ---------------------------------------------------------------------------- GeoJSON
def _read_geojson(path: Path) -> dict[int, list[tuple[float, RawWaypoint]]]:
    text = read_text(path, StrategyError, "routes")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StrategyError(f"not valid JSON: {exc.msg}", source=path, line=exc.lineno) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise StrategyError(
            "expected a GeoJSON FeatureCollection (an object with type and a list of features)", source=path, line=1
        )
    lines = _feature_lines(text)
    found: dict[int, list[tuple[float, RawWaypoint]]] = {}
    given_by: dict[int, tuple[str, int | None]] = {}  # agent -> the geometry type and line of its route
    strings = 0
    for k, feature in enumerate(data["features"]):
        kind = _feature(feature, found, given_by, strings, str(path), lines[k] if k < len(lines) else None)
        strings += kind == "LineString"
    return found


def _feature(feature: Any, found: dict, given_by: dict, strings: int, path: str, line: int | None) -> str:
    """Add the waypoints of one feature (the ``strings``-th LineString so far) to ``found``; its type."""

    def fail(message: str) -> StrategyError:
        return StrategyError(message, source=path, line=line)

    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    props = feature.get("properties") if isinstance(feature, dict) else None
    props = props if isinstance(props, dict) else {}
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("LineString", "Point"):
        raise fail(f"expected a Feature with a LineString or Point geometry, got {snippet(kind)}")
    assert isinstance(geometry, dict)  # (for the type checker: a LineString or Point geometry is one)
    agent = props.get("agent", strings if kind == "LineString" else 0)
    if not (isinstance(agent, int) and not isinstance(agent, bool) and agent >= 0):
        raise fail(f"expected properties.agent to be an agent number (0, 1, ...), got {snippet(agent)}")
    before = given_by.setdefault(agent, (kind, line))
    if before[0] != kind or (kind == "LineString" and before[1] != line):
        raise fail(
            f"agent {agent} already has its route from the {before[0]} at line {before[1]}; expected one "
            "LineString or Points for each agent"
        )
    coords = geometry.get("coordinates")
    rows = found.setdefault(agent, [])
    if kind == "Point":
        order = props.get("order", len(rows))
        if not finite(order):
            raise fail(f"expected properties.order to be a finite number, got {snippet(order)}")
        rows.append((float(order), RawWaypoint(_point(coords, fail), _dwell(props, None, fail), path, line)))
        return kind
    if not isinstance(coords, list) or not coords:
        raise fail(f"agent {agent}: empty route; expected a LineString with at least one vertex")
    dwell = props.get("dwell_s")
    if isinstance(dwell, list) and len(dwell) != len(coords):
        raise fail(f"agent {agent}: expected {len(coords)} dwell times (one per vertex), got {len(dwell)}")
    for i, c in enumerate(coords):
        rows.append((float(i), RawWaypoint(_point(c, fail, i), _dwell(props, i, fail), path, line)))
    return kind


def _point(coords: Any, fail, vertex: int | None = None) -> tuple[float, float]:
    what = "coordinates" if vertex is None else f"vertex {vertex}"
    if not (isinstance(coords, list) and len(coords) in (2, 3) and all(is_number(c) for c in coords)):
        raise fail(f"expected {what} as [x, y] in metres, got {snippet(coords)}")
    return float(coords[0]), float(coords[1])


def _dwell(props: dict, vertex: int | None, fail) -> float | None:
    value = props.get("dwell_s")
    if isinstance(value, list) and vertex is not None:
        value = value[vertex]
    if value is None:
        return None
    if not is_number(value):
        raise fail(f"expected properties.dwell_s to be seconds, got {snippet(value)}")
    return float(value)


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, i: int) -> int:
    """The index of the first character at or after ``i`` that is not JSON white space."""
    match = _SPACE.match(text, i)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _feature_lines(text: str) -> list[int]:
    """The line on which each element of the top-level ``features`` list begins (valid JSON text)."""
    decoder = json.JSONDecoder()
    i = _skip(text, 0) + 1  # past the opening brace
    while True:
        i = _skip(text, i)
        if text[i] == "}":
            return []
        key, i = decoder.raw_decode(text, i)
        i = _skip(text, _skip(text, i) + 1)  # past the colon
        if key == "features":
            break
        _, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        i += text[i] == ","
    starts: list[int] = []
    i += 1  # past the opening bracket
    while True:
        i = _skip(text, i)
        if text[i] == "]":
            return [text.count("\n", 0, s) + 1 for s in starts]
        starts.append(i)
        _, i = decoder.raw_decode(text, i)
        i = _skip(text, i)
        i += text[i] == ","
