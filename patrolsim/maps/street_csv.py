"""Street networks as two CSV tables (a folder, or a ``<stem>_nodes.csv`` / ``<stem>_edges.csv`` pair).

Nodes table: ``id`` (or ``node``), ``x_m``, ``y_m`` (metres east/north), optional ``weight``.
Edges table: ``u``, ``v`` (node ids), optional ``length_m`` (default: straight-line distance).
Other columns are ignored. A folder holds ``nodes.csv`` and ``edges.csv`` and optionally ``map.toml``
with ``name``, ``attribution`` and ``description``; a file pair may have ``<stem>.toml`` beside it.
Node ids are kept as labels (integers when every id is an integer), in the order of the nodes table.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np

from ..errors import MapError, csv_rows, read_text, snippet
from .model import PatrolMap

TOML_KEYS = ("name", "attribution", "description")


def load_street_csv(path: Path, *, largest_component: bool = False) -> PatrolMap:
    """Load a street network from a folder of CSV tables or one file of a ``<stem>_*.csv`` pair."""
    nodes_path, edges_path, toml_path, default_name = _locate(path)
    extra = read_map_toml(toml_path)
    labels, positions, weights = _read_nodes(nodes_path)
    edges, lengths = _read_edges(edges_path, labels, positions)
    return PatrolMap.from_edges(
        extra.get("name", default_name),
        positions,
        edges,
        lengths,
        weights,
        source=str(path),
        largest_component=largest_component,
        labels=labels,
        attribution=extra.get("attribution", ""),
        meta={"description": extra.get("description", "")},
    )


def read_map_toml(path: Path) -> dict[str, str]:
    """``name``/``attribution``/``description`` strings from an optional TOML file ({} when absent)."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(read_text(path, MapError, "map description"))
    except tomllib.TOMLDecodeError as exc:
        raise MapError(f"TOML syntax error: {exc}", source=path) from None
    for key, value in data.items():
        if key not in TOML_KEYS:
            raise MapError(f"unknown key; expected one of {', '.join(TOML_KEYS)}", source=path, key=key)
        if not isinstance(value, str):
            raise MapError(f"expected a string, got {snippet(value)}", source=path, key=key)
    return data


def _locate(path: Path) -> tuple[Path, Path, Path, str]:
    """(nodes csv, edges csv, toml, default map name) for a folder or either file of a pair."""
    if path.is_dir():
        nodes, edges = path / "nodes.csv", path / "edges.csv"
        for p in (nodes, edges):
            if not p.is_file():
                raise MapError(f"the street map folder has no {p.name}; expected nodes.csv and edges.csv", source=path)
        return nodes, edges, path / "map.toml", path.name
    name = path.name
    for suffix in ("_nodes.csv", "_edges.csv"):
        if name.lower().endswith(suffix):
            stem = name[: -len(suffix)]
            nodes, edges = path.with_name(stem + "_nodes.csv"), path.with_name(stem + "_edges.csv")
            other = edges if suffix == "_nodes.csv" else nodes
            if not other.is_file():
                raise MapError(f"the matching table {other.name} is missing; expected it beside this file", source=path)
            return nodes, edges, path.with_name(stem + ".toml"), stem
    raise MapError(
        "a street CSV file must be named <stem>_nodes.csv or <stem>_edges.csv (or pass "
        "the folder holding nodes.csv and edges.csv)",
        source=path,
    )


def _rows(path: Path, required: list[tuple[str, ...]]):
    """Yield (line number, row dict) and the resolved column names for ``required`` alternatives."""
    rows = csv_rows(read_text(path, MapError, "map"), path, MapError)
    header = next((row for _, row in rows), None)
    if header is None:
        raise MapError("the file is empty; expected a header row", source=path, line=1)
    header = [h.strip() for h in header]
    columns = []
    for alternatives in required:
        found = next((a for a in alternatives if a in header), None)
        if found is None:
            raise MapError(
                f"missing column {' or '.join(repr(a) for a in alternatives)} in the "
                f"header (found {snippet(', '.join(header))})",
                source=path,
                line=1,
            )
        columns.append(found)
    index = {h: i for i, h in enumerate(header)}
    yield columns, index
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise MapError(f"expected {len(header)} fields, got {len(row)}", source=path, line=line)
        yield line, row


def _number(text: str, path: Path, line: int, column: str, *, positive: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (positive and value <= 0):
        expected = "a positive number" if positive else "a number"
        raise MapError(f"expected {expected}, got {snippet(text.strip())}", source=path, line=line, key=column)
    return value


def _read_nodes(path: Path) -> tuple[list, np.ndarray, np.ndarray]:
    rows = _rows(path, [("id", "node"), ("x_m",), ("y_m",)])
    (id_col, x_col, y_col), index = next(rows)
    has_weight = "weight" in index
    ids: list[str] = []
    seen: dict[str, int] = {}
    coords, weights = [], []
    for line, row in rows:
        node = row[index[id_col]].strip()
        if not node:
            raise MapError("empty node id", source=path, line=line, key=id_col)
        if node in seen:
            raise MapError(
                f"duplicate node id {snippet(node)} (first on line {seen[node]})", source=path, line=line, key=id_col
            )
        seen[node] = line
        ids.append(node)
        coords.append((_number(row[index[x_col]], path, line, x_col), _number(row[index[y_col]], path, line, y_col)))
        weight = row[index["weight"]].strip() if has_weight else ""
        weights.append(_number(weight, path, line, "weight", positive=True) if weight else 1.0)
    if not ids:
        raise MapError("no node rows; expected at least one node", source=path)
    labels: list = ids
    if all(_is_int(s) for s in ids):
        labels = [int(s) for s in ids]
    return labels, np.array(coords, dtype=np.float64), np.array(weights)


def _read_edges(path: Path, labels: list, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = _rows(path, [("u",), ("v",)])
    (u_col, v_col), index = next(rows)
    node_id = {str(label): i for i, label in enumerate(labels)}
    has_length = "length_m" in index
    edges, lengths = [], []
    for line, row in rows:
        ends = []
        for col in (u_col, v_col):
            text = row[index[col]].strip()
            key = str(int(text)) if _is_int(text) and isinstance(labels[0], int) else text
            if key not in node_id:
                raise MapError(f"node {snippet(text)} is not in the nodes table", source=path, line=line, key=col)
            ends.append(node_id[key])
        text = row[index["length_m"]].strip() if has_length else ""
        length = (
            _number(text, path, line, "length_m", positive=True)
            if text
            else float(np.linalg.norm(positions[ends[0]] - positions[ends[1]]))
        )
        if length <= 0 and ends[0] != ends[1]:
            raise MapError(
                "the edge's end nodes share a position; expected a length_m column value",
                source=path,
                line=line,
                key="length_m",
            )
        edges.append(ends)
        lengths.append(length)
    return np.array(edges, dtype=np.int64).reshape(-1, 2), np.array(lengths, dtype=np.float64)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True
