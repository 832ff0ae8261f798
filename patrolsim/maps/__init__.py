"""Maps: the PatrolMap model and one loader module per file format, chosen by file extension."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import MapError
from .model import GridInfo, PatrolMap

__all__ = ["LOADERS", "GridInfo", "PatrolMap", "load_map", "map_files"]

#: file extension -> "module:function" of the loader (imported only when used).
LOADERS: dict[str, str] = {
    ".txt": "patrolsim.maps.ascii_grid:load_ascii",
    ".yaml": "patrolsim.maps.ros_image:load_ros_image",
    ".yml": "patrolsim.maps.ros_image:load_ros_image",
    ".graph": "patrolsim.maps.ros_graph:load_ros_graph",
    ".graphml": "patrolsim.maps.graph_file:load_graph_file",
    ".gml": "patrolsim.maps.graph_file:load_graph_file",
    ".json": "patrolsim.maps.graph_file:load_graph_file",
    "<dir>": "patrolsim.maps.street_csv:load_street_csv",
    ".csv": "patrolsim.maps.street_csv:load_street_csv",
}


def load_map(path: str | Path, *, largest_component: bool = False, **options) -> PatrolMap:
    """Load a map file, choosing the loader by extension (a folder holds a street network as CSV).

    ``largest_component`` keeps only the largest connected component instead of rejecting a
    disconnected map. Other keyword options go to the loader (e.g. ``cell_size`` for images).
    Raises :class:`MapError` with a one-line message naming the file and what was expected.
    """
    p = Path(path)
    if not p.exists():
        raise MapError("no such map file or folder", source=p)
    key = "<dir>" if p.is_dir() else p.suffix.lower()
    if key not in LOADERS:
        known = ", ".join(sorted(k for k in LOADERS if k != "<dir>"))
        raise MapError(
            f"unknown map format '{p.suffix}'; expected one of {known}, or a folder of street CSV tables", source=p
        )
    module, func = LOADERS[key].split(":")
    loader = getattr(importlib.import_module(module), func)
    try:
        return loader(p, largest_component=largest_component, **options)
    except MapError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise MapError(f"cannot read the file ({exc.__class__.__name__}: {exc})", source=p) from None


def map_files(folder: str | Path) -> list[Path]:
    """Every loadable map directly inside ``folder``: files with a known extension (for CSV street
    tables, the ``*_nodes.csv`` half of a pair) and folders holding ``nodes.csv``."""
    out = []
    for p in sorted(Path(folder).iterdir()):
        suffix = p.suffix.lower()
        if p.is_dir():
            if (p / "nodes.csv").exists():
                out.append(p)
        elif suffix == ".csv":
            if p.name.endswith("_nodes.csv"):
                out.append(p)
        elif suffix in LOADERS and not p.name.startswith("."):
            out.append(p)
    return out
