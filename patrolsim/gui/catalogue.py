"""The shipped scenarios and maps the window can open, by display label."""

from __future__ import annotations

from pathlib import Path

from ..scenario import Scenario


def catalogue() -> dict[str, Path]:
    """'scenario: office' / 'map: mesa_az' -> path, scenarios first, each group sorted."""
    from ..data import folder
    from ..maps import map_files

    out = {f"scenario: {p.stem}": p for p in sorted(folder("scenarios").glob("*.toml"))}
    out.update({f"map: {p.stem if p.is_file() else p.name}": p for p in map_files(folder("maps"))})
    return out


def label_for(scenario: Scenario, entries: dict[str, Path]) -> str:
    """The catalogue label of ``scenario`` (its file, else its map), or its own name."""
    for label, path in entries.items():
        if scenario.source and Path(scenario.source).resolve() == path.resolve():
            return label
    for label, path in entries.items():
        if label.startswith("map:") and Path(scenario.map_path).resolve() == path.resolve():
            return label
    return scenario.name


def load_entry(path: Path) -> Scenario:
    """A scenario file, or a map run with the default settings (see scenario.load_run_scenario)."""
    from ..scenario import load_run_scenario

    return load_run_scenario(path)
