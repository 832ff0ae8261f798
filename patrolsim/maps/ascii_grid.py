"""ASCII grid maps (``.txt``).

Format: optional ``key: value`` header lines (``name``, ``cell_size`` in metres, default 1;
``connectivity`` 4 or 8, default 4; ``attribution``), then the grid, one text line per row:
``#`` wall, ``.`` free, ``1``-``9`` free with that priority weight, ``S`` free and a start position.
Blank lines and lines starting with ``;`` before the grid are ignored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import MapError, read_text, snippet
from ..schema import MAX_CELL, interval, within
from .model import PatrolMap
from .occupancy import grid_map

HEADER_KEYS = {"name", "cell_size", "connectivity", "attribution"}
CELL_CHARS = set("#.S123456789")


def load_ascii(path: Path, *, largest_component: bool = False) -> PatrolMap:
    """Load an ASCII grid map; errors name the file, line and what was expected."""
    header: dict[str, str] = {}
    header_lines: dict[str, int] = {}
    rows: list[str] = []
    first_row_line = 0
    for lineno, raw in enumerate(read_text(path, MapError, "map").splitlines(), start=1):
        line = raw.rstrip()
        if not rows:
            if not line.strip() or line.lstrip().startswith(";"):
                continue
            if ":" in line and not set(line.strip()) <= CELL_CHARS:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key not in HEADER_KEYS:
                    raise MapError(
                        f"unknown header key '{key}'; expected one of {', '.join(sorted(HEADER_KEYS))}",
                        source=path,
                        line=lineno,
                    )
                if key in header:
                    raise MapError(
                        f"header key '{key}' given twice (first on line {header_lines[key]}); expected it once",
                        source=path,
                        line=lineno,
                    )
                header[key] = value.strip()
                header_lines[key] = lineno
                continue
            first_row_line = lineno
        if not line and rows:
            # trailing blank lines end the grid; blank lines inside it are errors
            rows.append("")
            continue
        bad = set(line) - CELL_CHARS
        if bad:
            col = min(line.index(ch) for ch in bad) + 1
            raise MapError(
                f"unexpected character {sorted(bad)[0]!r} at column {col}; expected "
                "'#' wall, '.' free, '1'-'9' weight or 'S' start",
                source=path,
                line=lineno,
            )
        if rows and rows[-1] == "":
            raise MapError(
                "blank line inside the grid; expected grid rows to be contiguous", source=path, line=lineno - 1
            )
        rows.append(line)
    while rows and rows[-1] == "":
        rows.pop()
    if not rows:
        raise MapError("the file has no grid rows; expected lines of '#', '.', '1'-'9' or 'S'", source=path)
    cell_size = _header_number(header, "cell_size", 1.0, path, header_lines)
    connectivity = header.get("connectivity", "4")
    if connectivity not in ("4", "8"):
        raise MapError(
            f"connectivity must be 4 or 8, got {snippet(connectivity)}",
            source=path,
            line=header_lines.get("connectivity"),
            key="connectivity",
        )
    width = max(len(r) for r in rows)
    chars = np.array([list(r.ljust(width, "#")) for r in rows])
    free = chars != "#"
    weights = np.ones(chars.shape)
    for d in "123456789":
        weights[chars == d] = float(d)
    starts_rc = np.argwhere(chars == "S")
    return grid_map(
        header.get("name", path.stem),
        free,
        cell_size=float(cell_size),
        connectivity=int(connectivity),
        cell_weights=weights,
        start_cells=starts_rc,
        source=str(path),
        largest_component=largest_component,
        attribution=header.get("attribution", ""),
        meta={"first_row_line": first_row_line},
    )


def _header_number(header: dict, key: str, default: float, path: Path, lines: dict[str, int]) -> float:
    """A header number in (0, MAX_CELL] metres."""
    if key not in header:
        return default
    try:
        value = float(header[key])
    except ValueError:
        value = float("nan")
    if not within(0, MAX_CELL, lo_open=True)(value):
        raise MapError(
            f"expected a number {interval(0, MAX_CELL, lo_open=True)} (metres), got {snippet(header[key])}",
            source=path,
            line=lines.get(key),
            key=key,
        )
    return value
