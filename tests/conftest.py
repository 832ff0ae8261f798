"""Shared fixtures: tiny maps written as ASCII text, and scenarios built from dicts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from patrolsim.scenario import scenario_from_dict


@pytest.fixture
def ascii_map(tmp_path: Path):
    """Write an ASCII map (dedented text) to tmp_path and return its path."""

    def write(text: str, name: str = "m.txt") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return write


@pytest.fixture
def make_scenario():
    """Build a Scenario from keyword arguments on top of a minimal valid dict."""

    def build(map_path, *, agents: int = 1, strategy: str = "random", duration: float = 10.0, seed: int = 1, **extra):
        data = {
            "map": str(map_path),
            "duration": duration,
            "seed": seed,
            "agents": {"count": agents, **extra.pop("agent_keys", {})},
            "strategy": {"name": strategy, **extra.pop("strategy_keys", {})},
            **extra,
        }
        return scenario_from_dict(data)

    return build
