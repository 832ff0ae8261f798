"""Replay of recorded incidents from a CSV file, snapped onto the map.

Columns (header row required, any order, extra columns ignored):
``time_s`` (seconds from the start of the run), then either ``x_m`` and ``y_m`` (metres, the map's
frame) or ``node`` (a node id as the map file names it); optional ``priority`` (1-3), ``service_s``
(on-scene seconds) and ``mode`` ('reported' or 'discoverable'). Empty optional cells take the
scenario's marks. Points are snapped to the nearest node, or to the nearest point of an edge (then
served at that edge's nearer end node); points farther than ``max_snap_m`` from the map are reported
by line number (or dropped and counted, with ``off_map = "drop"``), never silently moved.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..errors import ScenarioError, csv_table, snippet
from ..maps.model import PatrolMap
from .streams import MODES, Incidents, Marks

COLUMNS = ("time_s", "x_m", "y_m", "node", "priority", "service_s", "mode")


def read_replay(
    path: Path, pmap: PatrolMap, rng: np.random.Generator, marks: Marks, *, snap: str, max_snap_m: float, off_map: str
) -> tuple[Incidents, int]:
    """The incidents of a replay CSV and how many rows were dropped as off the map."""
    rows, lines = _read_rows(path, pmap)
    n = len(rows)
    t = np.array([r[0] for r in rows], dtype=float)
    node = np.array([r[3] for r in rows], dtype=np.int64)
    xy = np.array([[r[1], r[2]] for r in rows], dtype=float).reshape(n, 2)
    has_xy = np.isfinite(xy[:, 0])
    if has_xy.any():
        snapped, dist = snap_points(pmap, xy[has_xy], snap)
        far = dist > max_snap_m
        if far.any() and off_map == "error":
            bad = np.asarray(lines)[has_xy][far]
            first = ", ".join(str(x) for x in bad[:5]) + (", ..." if bad.size > 5 else "")
            raise ScenarioError(
                f"{bad.size} point(s) lie more than {max_snap_m:g} m from the map "
                f"(lines {first}; nearest {dist[far].min():.1f} m); raise "
                'incidents.max_snap_m or set incidents.off_map = "drop"',
                source=path,
                line=int(bad[0]),
            )
        node[has_xy] = snapped
        keep = np.ones(n, dtype=bool)
        keep[np.flatnonzero(has_xy)[far]] = False
    else:
        keep = np.ones(n, dtype=bool)
    xy[~has_xy] = pmap.positions[node[~has_xy]]
    pri = np.array([r[4] for r in rows], dtype=np.int64)
    drawn = marks.priorities(rng, n)
    pri = np.where(pri > 0, pri, drawn)
    service = np.array([r[5] for r in rows], dtype=float)
    service = np.where(np.isfinite(service), service, marks.service(rng, pri))
    mode = np.array([r[6] for r in rows], dtype=np.int64)
    reported = np.where(mode >= 0, mode == 0, marks.modes(rng, n))
    out = Incidents(t, node, xy[:, 0], xy[:, 1], pri, service, reported)
    return out.take(keep).sorted(), int(n - keep.sum())


def _read_rows(path: Path, pmap: PatrolMap) -> tuple[list[tuple], list[int]]:
    label_to_node = {str(pmap.node_label(i)): i for i in range(pmap.n_nodes)}
    reader, col = csv_table(path, ScenarioError, "replay", COLUMNS, {"time_s"}, "time_s and x_m, y_m (or node)")
    rows, lines = [], []
    for lineno, row in reader:
        if not row or not "".join(row).strip():
            continue
        rows.append(_parse_row(row, col, label_to_node, path, lineno))
        lines.append(lineno)
    if not rows:
        raise ScenarioError("the replay file has no incidents", source=path)
    return rows, lines


def _parse_row(row: list[str], col: dict, labels: dict, path: Path, line: int) -> tuple:
    def cell(name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def number(name: str, required: bool) -> float:
        text = cell(name)
        if not text and not required:
            return float("nan")
        try:
            value = float(text)
        except ValueError:
            raise ScenarioError(
                f"expected a number in column {name}, got {snippet(text)}", source=path, line=line
            ) from None
        if not np.isfinite(value):
            raise ScenarioError(
                f"expected a finite number in column {name}, got {snippet(text)}", source=path, line=line
            )
        return value

    t = number("time_s", True)
    if t < 0:
        raise ScenarioError(f"expected time_s >= 0, got {t:g}", source=path, line=line)
    x, y, node = number("x_m", False), number("y_m", False), -1
    if np.isnan(x) or np.isnan(y):
        label = cell("node")
        if label not in labels:
            raise ScenarioError(
                f"expected x_m and y_m, or a node id of the map, got node {snippet(label)}", source=path, line=line
            )
        node = labels[label]
    pri = cell("priority")
    if pri and pri not in ("1", "2", "3"):
        raise ScenarioError(f"expected priority 1, 2 or 3, got {snippet(pri)}", source=path, line=line)
    service = number("service_s", False)
    if service <= 0:
        raise ScenarioError(f"expected service_s > 0, got {service:g}", source=path, line=line)
    mode = cell("mode").lower()
    if mode and mode not in MODES:
        raise ScenarioError(f"expected mode 'reported' or 'discoverable', got {snippet(mode)}", source=path, line=line)
    return (t, x, y, node, int(pri) if pri else 0, service, MODES.index(mode) if mode else -1)


def snap_points(pmap: PatrolMap, xy: np.ndarray, snap: str) -> tuple[np.ndarray, np.ndarray]:
    """(node, distance_m) for each point: the nearest node ('node'), or the nearer end node of the
    nearest edge with the distance to that edge ('edge')."""
    from scipy.spatial import cKDTree

    if snap == "node" or pmap.n_edges == 0:
        dist, node = cKDTree(pmap.positions).query(xy)
        return node.astype(np.int64), dist
    u, v, _ = pmap.edge_list()
    a, b = pmap.positions[u], pmap.positions[v]
    ab = b - a
    nodes = np.empty(len(xy), dtype=np.int64)
    dists = np.empty(len(xy))
    for lo in range(0, len(xy), 256):
        p = xy[lo : lo + 256, None, :]
        f = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300), 0.0, 1.0)
        d = np.linalg.norm(a + ab * f[..., None] - p, axis=-1)
        e = d.argmin(axis=1)
        k = np.arange(e.size)
        nodes[lo : lo + 256] = np.where(f[k, e] < 0.5, u[e], v[e])
        dists[lo : lo + 256] = d[k, e]
    return nodes, dists


def write_replay(path: Path, incidents: Incidents) -> None:
    """Write ``incidents`` as a replay CSV (time_s, x_m, y_m, priority, service_s, mode)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["time_s", "x_m", "y_m", "priority", "service_s", "mode"])
        for i in range(len(incidents)):
            w.writerow(
                [
                    repr(float(incidents.t_s[i])),
                    repr(float(incidents.x_m[i])),
                    repr(float(incidents.y_m[i])),
                    int(incidents.priority[i]),
                    repr(float(incidents.service_s[i])),
                    MODES[0 if incidents.reported[i] else 1],
                ]
            )
