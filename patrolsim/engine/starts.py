"""Where agents start: explicit nodes, the map's start cells, or distinct random nodes."""

from __future__ import annotations

import numpy as np

from ..maps.model import PatrolMap


def start_nodes(pmap: PatrolMap, count: int, rule: str | tuple, rng: np.random.Generator) -> np.ndarray:
    """Start node of each agent.

    ``rule`` is a tuple of node ids, 'map' (the map's start cells in order), 'random' (distinct random
    nodes drawn from ``rng``; repeats only when there are more agents than nodes) or 'auto' (the map's
    start cells when there are enough, else random).
    """
    if not isinstance(rule, str):
        return np.asarray(rule, dtype=np.int64)
    if rule == "map" or (rule == "auto" and len(pmap.starts) >= count):
        return np.asarray(pmap.starts[:count], dtype=np.int64)
    replace = count > pmap.n_nodes
    return rng.choice(pmap.n_nodes, size=count, replace=replace).astype(np.int64)
