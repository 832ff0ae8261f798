"""Random connected test graphs of the kinds patrol maps take: trees, cycles, grids with holes and
street-like graphs (a jittered lattice with streets removed and a few diagonals), each from a seed."""

import numpy as np

from patrolsim.maps.model import PatrolMap

KINDS = ("tree", "cycle", "grid", "street")


def _spanning_tree(n: int, candidates: list[tuple[int, int]], rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random spanning tree of the connected candidate edges (Kruskal on a shuffled order)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tree = []
    for k in rng.permutation(len(candidates)):
        a, b = candidates[k]
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            tree.append((a, b))
    return tree


def _lattice(n: int, rng: np.random.Generator, jitter: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """n points on the first n cells of a near-square lattice (10 m spacing) and their lattice edges."""
    cols = int(np.ceil(np.sqrt(n)))
    xy = np.array([(i % cols, i // cols) for i in range(n)], dtype=float) * 10.0
    xy += rng.uniform(-jitter, jitter, xy.shape)
    edges = [(i, i + 1) for i in range(n - 1) if (i + 1) % cols] + [(i, i + cols) for i in range(n - cols)]
    return xy, edges


def random_graph(kind: str, n: int, seed: int) -> PatrolMap:
    """A connected graph of ``kind`` (see KINDS) with about n nodes (a grid with holes may keep fewer)."""
    rng = np.random.default_rng(seed)
    if kind == "tree":
        xy = rng.uniform(0, 100, (n, 2))
        edges = [(i, int(rng.integers(i))) for i in range(1, n)]
    elif kind == "cycle":
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        xy = np.column_stack([np.cos(ang), np.sin(ang)]) * (5.0 * n)
        edges = [(i, (i + 1) % n) for i in range(n)] if n > 2 else [(0, 1)]
    elif kind == "grid":
        xy, lattice = _lattice(n, rng, 0.0)
        tree = _spanning_tree(n, lattice, rng)
        extra = [e for e in lattice if e not in tree and rng.random() < 0.6]  # the rest missing: holes
        edges = tree + extra
    elif kind == "street":
        xy, lattice = _lattice(n, rng, 3.0)
        cols = int(np.ceil(np.sqrt(n)))
        diagonals = [(i, i + cols + 1) for i in range(n - cols - 1) if (i + 1) % cols and rng.random() < 0.1]
        tree = _spanning_tree(n, lattice, rng)
        edges = tree + [e for e in lattice + diagonals if e not in tree and rng.random() < 0.5]
    else:
        raise ValueError(kind)
    return PatrolMap.from_edges(f"{kind}-{n}-{seed}", xy, np.array(edges))
