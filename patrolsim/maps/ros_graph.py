"""patrolling_sim topological maps (``.graph``).

Whitespace-separated tokens: the number of vertices N, the map image width and height (pixels), the
resolution (metres/pixel) and, in newer files, the offset x and y (metres); then N vertex blocks in id
order: id, x, y (pixels, y up from the bottom of the image), k, and k triples (neighbour id, compass
label N/NE/E/SE/S/SW/W/NW, cost in pixels). Positions in metres are ``pixel * resolution + offset``;
edge lengths are ``cost * resolution``. Each listing is a direction of its own: an edge listed at both
ends with one cost is two-way; listed at one end only it is one-way, and a cost that differs by
direction (uphill, a detour) is kept per direction, so the map is directed (never altered silently).

The format has no place for names or credits: an optional sidecar ``<stem>.toml`` next to the file may
give ``name``, ``attribution`` and ``description`` (the same keys as a street folder's ``map.toml``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import MapError, read_text
from ..schema import MAX_CELL, interval, plain, within
from .model import PatrolMap
from .street_csv import read_map_toml

COMPASS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")  # counter-clockwise from east, 45 degrees apart


class _Tokens:
    """The file's tokens with their line numbers, read front to back."""

    def __init__(self, text: str, path: Path) -> None:
        self.items = [(tok, lineno) for lineno, line in enumerate(text.splitlines(), start=1) for tok in line.split()]
        self.pos = 0
        self.path = path

    def error(self, message: str) -> MapError:
        line = self.items[min(self.pos, len(self.items) - 1)][1] if self.items else None
        return MapError(message, source=self.path, line=line)

    def take(self, what: str, kind: type):
        if self.pos >= len(self.items):
            raise MapError(
                f"the file ends early; expected {what}",
                source=self.path,
                line=self.items[-1][1] if self.items else None,
            )
        tok, _ = self.items[self.pos]
        try:
            value = kind(tok)
        except ValueError:
            raise self.error(f"expected {what}, got {tok!r}") from None
        if kind is float and not math.isfinite(value):
            raise self.error(f"expected {what}, got {tok!r}")
        self.pos += 1
        return value


def load_ros_graph(path: Path, *, largest_component: bool = False) -> PatrolMap:
    """Load a patrolling_sim ``.graph`` file (4- or 6-number header); errors give the line."""
    text = read_text(path, MapError, "map")
    attempts = []
    for header in (6, 4):
        tokens = _Tokens(text, path)
        try:
            parsed = _parse(tokens, header)
        except MapError as exc:
            attempts.append((tokens.pos, exc))
            continue
        break
    else:  # neither header parses: report the attempt that got further
        raise max(attempts, key=lambda a: a[0])[1]
    positions, edges, costs, resolution = parsed
    extra = read_map_toml(path.with_suffix(".toml"))
    return PatrolMap.from_edges(
        extra.get("name", path.stem),
        positions,
        edges,
        costs * resolution,
        source=str(path),
        largest_component=largest_component,
        directed=True,  # each listing is a direction: undirected again when every one has its reverse
        attribution=extra.get("attribution", ""),
        meta={"resolution": resolution, "header_numbers": header, "description": extra.get("description", "")},
    )


def _parse(tokens: _Tokens, header: int):
    """(positions m, directed edges i -> j as listed, costs px, resolution) or MapError; every token must
    be consumed."""
    n = tokens.take("the number of vertices (an integer)", int)
    if n <= 0:
        tokens.pos -= 1
        raise tokens.error(f"expected a positive number of vertices, got {n}")
    tokens.take("the image width in pixels (an integer)", int)
    tokens.take("the image height in pixels (an integer)", int)
    resolution = tokens.take("the resolution in metres per pixel", float)
    if not within(0, MAX_CELL, lo_open=True)(resolution):
        tokens.pos -= 1
        raise tokens.error(f"expected a resolution {interval(0, MAX_CELL, lo_open=True)}, got {plain(resolution)}")
    offset = (0.0, 0.0)
    if header == 6:
        offset = (tokens.take("the offset x in metres", float), tokens.take("the offset y in metres", float))
    if n > len(tokens.items) // 4:
        tokens.pos = 0
        raise tokens.error(
            f"the header says {n:,} vertices but the file holds at most {len(tokens.items) // 4:,} "
            "(each needs an id, x, y and a neighbour count)"
        )
    pixels = np.empty((n, 2))
    listed: dict[tuple[int, int], tuple[float, int]] = {}
    for i in range(n):
        vid = tokens.take(f"an integer vertex id ({i})", int)
        if vid != i:
            tokens.pos -= 1
            raise tokens.error(f"expected vertex id {i} (vertices must be listed in id order), got {vid}")
        pixels[i] = tokens.take(f"vertex {i}'s x in pixels", float), tokens.take(f"vertex {i}'s y in pixels", float)
        k = tokens.take(f"vertex {i}'s number of neighbours (an integer)", int)
        if k < 0:
            tokens.pos -= 1
            raise tokens.error(f"vertex {i} has {k} neighbours; expected 0 or more")
        for _ in range(k):
            j = tokens.take(f"a neighbour id of vertex {i} (an integer)", int)
            if not 0 <= j < n:
                tokens.pos -= 1
                raise tokens.error(f"vertex {i} lists neighbour {j} but the graph has {n} vertices")
            label_at = tokens.pos
            label = tokens.take(f"a compass label ({'/'.join(COMPASS)})", str)
            if label.upper() not in COMPASS:
                tokens.pos = label_at
                raise tokens.error(
                    f"expected a compass label ({'/'.join(COMPASS)}) for the edge {i}-{j}, got {label!r}"
                )
            cost = tokens.take(f"the cost of edge {i}-{j} in pixels", float)
            if cost <= 0:
                tokens.pos -= 1
                raise tokens.error(f"edge {i}-{j} has cost {cost:g}; expected a positive number of pixels")
            listed[(i, j)] = (cost, tokens.items[tokens.pos - 1][1])
    if tokens.pos < len(tokens.items):
        raise tokens.error(
            f"unexpected trailing tokens after the last vertex ({n} vertices), "
            f"starting with {tokens.items[tokens.pos][0]!r}"
        )
    arcs = list(listed)
    edges = np.array(arcs, dtype=np.int64).reshape(-1, 2)
    costs = np.array([listed[e][0] for e in arcs])
    return pixels * resolution + np.asarray(offset), edges, costs, resolution


def write_ros_graph(
    pmap: PatrolMap, path: str | Path, resolution: float = 0.05, offset: tuple[float, float] | None = None
) -> None:
    """Write ``pmap`` as a 6-number-header ``.graph``; ``offset`` (m) defaults to the lower-left node.

    Pixel coordinates and costs are written as integers when they are whole, else with 6 decimals
    (patrolling_sim itself reads costs as integers: pick a resolution that divides the lengths).
    Node weights, starts and labels have no place in the format and are not written.
    """
    pos = pmap.positions
    off = np.asarray(offset if offset is not None else pos.min(axis=0), dtype=np.float64)
    pixels = (pos - off) / resolution
    width, height = (int(math.ceil(v)) + 1 for v in pixels.max(axis=0))
    lines = [str(pmap.n_nodes), str(width), str(height), _num(resolution), _num(off[0]), _num(off[1]), ""]
    for i in range(pmap.n_nodes):
        nbrs = pmap.neighbours(i)
        lines += [str(i), _num(pixels[i, 0]), _num(pixels[i, 1]), str(nbrs.size)]
        for j in nbrs.tolist():
            dx, dy = pos[j] - pos[i]
            sector = int(round(math.atan2(dy, dx) / (math.pi / 4))) % 8
            lines += [str(j), COMPASS[sector], _num(pmap.edge_length(i, j) / resolution)]
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _num(value: float) -> str:
    """A number as a short string: integer when whole (to 1e-9), else up to 6 decimals."""
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.6f}".rstrip("0").rstrip(".")
