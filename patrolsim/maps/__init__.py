"""Maps: the PatrolMap model and one loader module per file format, chosen by file extension."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import MapError
from .model import GridInfo, PatrolMap

__all__ = ["LOADERS", "OPTIONS", "GridInfo", "PatrolMap", "load_map", "map_files", "map_format"]

#: file extension -> "module:function" of the loader (imported only when used).
LOADERS: dict[str, str] = {
    ".txt": "patrolsim.maps.ascii_grid:load_ascii",
    ".yaml": "patrolsim.maps.ros_image:load_ros_image",
    ".yml": "patrolsim.maps.ros_image:load_ros_image",
    ".graph": "patrolsim.maps.ros_graph:load_ros_graph",
    ".graphml": "patrolsim.maps.graph_file:load_graph_file",
    ".gml": "patrolsim.maps.graph_file:load_graph_file",
    ".json": "patrolsim.maps.graph_file:load_graph_file",
    ".osm": "patrolsim.maps.osm:load_osm",
    ".osm.bz2": "patrolsim.maps.osm:load_osm",
    ".osm.pbf": "patrolsim.maps.osm:load_osm",
    ".pbf": "patrolsim.maps.osm:load_osm",
    "<dir>": "patrolsim.maps.street_csv:load_street_csv",
    ".csv": "patrolsim.maps.street_csv:load_street_csv",
}


_GRAPHS = (".graphml", ".gml", ".json")
_OSM = (".osm", ".osm.bz2", ".osm.pbf", ".pbf")
#: loader options (scenario ``[map]`` keys) -> the formats that take them
OPTIONS: dict[str, tuple[str, ...]] = {
    "cell_size": (".yaml", ".yml"),
    "crs": _GRAPHS,
    "network": _OSM,
    "bbox": _OSM,
    "polygon": _OSM,
}


def map_format(path: str | Path) -> str:
    """The key of ``path`` in :data:`LOADERS`: its extension in lower case (``.osm.pbf`` and ``.osm.bz2``
    whole), or ``<dir>`` for a folder."""
    p = Path(path)
    if p.is_dir():
        return "<dir>"
    name = p.name.lower()
    return next((s for s in (".osm.pbf", ".osm.bz2") if name.endswith(s)), p.suffix.lower())


def load_map(path: str | Path, *, largest_component: bool = False, **options) -> PatrolMap:
    """Load a map file, choosing the loader by extension (a folder holds a street network as CSV).

    ``largest_component`` keeps only the largest connected component instead of rejecting a
    disconnected map. Other keyword options go to the loader (:data:`OPTIONS`: ``cell_size`` for
    images, ``crs`` for graph files, ``network``, ``bbox``, ``polygon`` for OpenStreetMap files).
    Raises :class:`MapError` with a one-line message naming the file and what was expected.
    """
    p = Path(path)
    if not p.exists():
        raise MapError("no such map file or folder", source=p)
    key = map_format(p)
    for option in options:
        if key not in OPTIONS.get(option, ()):
            formats = ", ".join(OPTIONS.get(option, ())) or "no format"
            raise MapError(f"the option {option} applies only to {formats} maps", source=p, key=option)
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
        suffix = map_format(p)
        if p.is_dir():
            if (p / "nodes.csv").exists():
                out.append(p)
        elif suffix == ".csv":
            if p.name.endswith("_nodes.csv"):
                out.append(p)
        elif suffix in LOADERS and not p.name.startswith("."):
            out.append(p)
    return out
