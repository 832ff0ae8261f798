"""The vocabulary of validated keys shared by scenario files, the incident tables and sweeps.

A :class:`Key` states the types a key accepts, its default (:data:`REQUIRED` when it has none), a
one-line help text and a range check with the words the error message uses ("> 0", "in [0, 1)").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .maps.model import PatrolMap

#: the default of a key that has none: the user must give it
REQUIRED = object()


@dataclass(frozen=True)
class Key:
    """One key: accepted types, default (:data:`REQUIRED` = must be given) and a range check."""

    types: tuple
    default: Any
    help: str
    check: Callable[[Any], bool] | None = None
    expect: str = ""


#: the largest magnitude any number in a scenario, sweep or flag may have unless its key says less: beyond
#: it, sums of times and distances lose every digit that matters
MAX_NUMBER = 1e12


#: metres: the largest grid cell, and the largest coordinate (an origin or a node position) of any map
MAX_CELL = 1e4
MAX_COORD = 1e9


def is_number(x: Any) -> bool:
    """True for an int or float (not a bool)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def finite(x: Any) -> bool:
    """True for a number that is neither NaN nor infinite (and at most :data:`MAX_NUMBER` in size)."""
    return is_number(x) and math.isfinite(x) and abs(x) <= MAX_NUMBER


def positive(x: Any) -> bool:
    """The check of keys that must be a finite number > 0."""
    return finite(x) and x > 0


def non_negative(x: Any) -> bool:
    """The check of keys that must be a finite number >= 0."""
    return finite(x) and x >= 0


def within(lo: float, hi: float, *, lo_open: bool = False) -> Callable[[Any], bool]:
    """The check of keys that must be a finite number in [lo, hi] (or (lo, hi] with ``lo_open``)."""
    return lambda x: finite(x) and (x > lo if lo_open else x >= lo) and x <= hi


def interval(lo: float, hi: float, *, lo_open: bool = False) -> str:
    """The words of :func:`within` for messages: 'in (0, 1e+09]'."""
    return f"in {'(' if lo_open else '['}{plain(lo)}, {plain(hi)}]"


def plain(x: Any) -> str:
    """A number as a user wrote it, for messages: 1e+09, 0.5, nan, inf (never np.float64(...))."""
    if hasattr(x, "item") and callable(x.item):
        x = x.item()
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if abs(x) >= 1e6 or (x and abs(x) < 1e-4):
            return f"{x:g}"
        return str(int(x)) if x.is_integer() else repr(x)
    return repr(x) if isinstance(x, str) else str(x)


def first_non_finite(value: Any) -> Any:
    """The first float in ``value`` (a number, or lists and tables of them) that is NaN, infinite or beyond
    :data:`MAX_NUMBER`, else None."""
    if isinstance(value, float) and not finite(value):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    for item in items:
        bad = first_non_finite(item)
        if bad is not None:
            return bad
    return None


def one_of(*choices: Any) -> Callable[[Any], bool]:
    """The check of keys that take one of ``choices``."""
    return lambda x: x in choices


def path_candidates(name: str, base: str | Path) -> list[Path]:
    """Where a file a scenario names is looked for, in order: as given when absolute, else relative to
    the scenario's folder ``base``, its parent, and the working directory."""
    p, base = Path(name).expanduser(), Path(base)
    return [p] if p.is_absolute() else [base / p, base.parent / p, Path.cwd() / p]


def find_file(name: str, base: str | Path) -> Path | None:
    """The first of :func:`path_candidates` that is a file, or None."""
    return next((c for c in path_candidates(name, base) if c.is_file()), None)


def file_not_found(name: str) -> str:
    """The message for a file :func:`find_file` did not find."""
    return f"file '{name}' not found (relative to the scenario's folder, its parent or the working directory)"


def type_name(types: tuple) -> str:
    """The words for a key's accepted types in messages: 'number or list'."""
    names = {int: "integer", float: "number", str: "string", bool: "true/false", list: "list", dict: "table"}
    out = [names[t] for t in types if not (t is int and float in types)]
    return " or ".join(out)


def check_value(table: str, key: str, spec: Key, value: Any, where: Any) -> Any:
    """``value`` of ``table.key`` when it has one of ``spec``'s types and passes its check (lists: every
    number finite); else ``where.error(table, key, message)`` (``where`` locates keys in the file)."""
    ok = isinstance(value, spec.types) and not (isinstance(value, bool) and bool not in spec.types)
    if not ok:
        raise where.error(table, key, f"expected {type_name(spec.types)}, got {plain(value)}")
    if spec.check is not None and not isinstance(value, (list, dict)) and not spec.check(value):
        expected = spec.expect if spec.expect.startswith("one of") else f"a value {spec.expect}"
        raise where.error(table, key, f"expected {expected}, got {plain(value)[:40]}")
    bad = first_non_finite(value) if spec.check is None and isinstance(value, list) else None
    if bad is not None:
        raise where.error(table, key, f"expected finite numbers within +-{plain(MAX_NUMBER)}, got {plain(bad)}")
    return value


def map_node(s: Any, pmap: PatrolMap, where: Any, table: str, key: str, what: str) -> int:
    """The node of a place a key names (``what``: 'start', 'dock'): a node id as the map file names it, or
    [x, y] metres (the nearest node; on a grid map the free cell there); else ``where.error(table, key, ...)``."""
    if isinstance(s, (int, str)) and not isinstance(s, bool):
        node = pmap.node_of(s)
        if node is None:
            some = ", ".join(str(pmap.node_label(i)) for i in range(min(pmap.n_nodes, 3)))
            raise where.error(
                table, key, f"{what} node {plain(s)[:40]} is not a node id of the map (its ids: {some}, ...)"
            )
        return node
    if isinstance(s, list) and len(s) == 2 and all(finite(c) for c in s):
        if pmap.grid is not None:
            g = pmap.grid
            col = int((s[0] - g.origin[0]) // g.cell_size)
            row = g.shape[0] - 1 - int((s[1] - g.origin[1]) // g.cell_size)
            if not (0 <= row < g.shape[0] and 0 <= col < g.shape[1]) or g.cell_node[row, col] < 0:
                raise where.error(
                    table, key, f"{what} {s} (metres) is on a wall or outside the map; expected a free cell"
                )
            return int(g.cell_node[row, col])
        return pmap.nearest_node(s)
    shown = f"[{', '.join(plain(c) for c in s)}]" if isinstance(s, list) else plain(s)
    raise where.error(table, key, f"expected a node id or [x, y] in finite metres, got {shown[:40]}")
