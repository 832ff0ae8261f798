"""The maps, scenarios and sweeps shipped with patrolsim.

They are kept in the repository's top-level ``maps/``, ``scenarios/`` and ``sweeps/`` folders and installed
as package data of ``patrolsim.data`` (``pyproject.toml`` maps the folders in), so a wheel carries them:
:func:`folder` finds them inside the installed package, or in the source checkout of an editable
install. Scenarios name their maps relative to their own folder's parent (``map = "maps/office.txt"``),
which holds in both layouts.
"""

from __future__ import annotations

from pathlib import Path

FOLDERS = ("maps", "scenarios", "sweeps")

_HERE = Path(__file__).resolve().parent


def folder(name: str) -> Path:
    """The shipped ``maps``, ``scenarios`` or ``sweeps`` folder."""
    if name not in FOLDERS:
        raise ValueError(f"no shipped folder {name!r}; expected one of {', '.join(FOLDERS)}")
    installed = _HERE / name
    return installed if installed.is_dir() else _HERE.parents[1] / name


def default_scenario() -> Path:
    """The scenario the window opens with no arguments: four robots on the office floor."""
    return folder("scenarios") / "office.toml"


def shipped_by_name(name: str) -> Path | None:
    """A shipped scenario or map named by its bare name (``office``, ``mesa_az``), scenarios first;
    None when there is none of that name."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    scenario = folder("scenarios") / f"{name}.toml"
    if scenario.is_file():
        return scenario
    from ..maps import map_files

    for path in map_files(folder("maps")):
        if (path.stem if path.is_file() else path.name) == name:
            return path
    return None
