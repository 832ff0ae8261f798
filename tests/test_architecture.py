"""The package's imports point one way: every import (top level or inside a function; type-only imports
under TYPE_CHECKING aside) goes to a lower layer or stays inside its own part, and no modules import
each other in a cycle. docs/architecture.md explains the layers."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "patrolsim"

#: top to bottom; an import may point to the same part or to any part in a lower layer
LAYERS = [
    ["__main__"],
    ["cli"],
    ["bench"],
    ["rl"],
    ["gui", "report"],
    ["batch"],
    ["output"],
    ["build"],
    ["scenario"],
    ["strategies", "incidents", "fleet"],
    ["engine"],
    ["metrics", "algorithms"],
    ["data"],
    ["maps"],
    ["errors", "schema", "jit", "determinism"],
]
LAYER = {part: i for i, parts in enumerate(LAYERS) for part in parts}


def _module_name(path: Path) -> str:
    parts = ["patrolsim", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def _imports() -> dict[str, set[str]]:
    """module -> the patrolsim modules it imports at run time."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    out: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking_lines(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.lineno in typing_only:
                continue
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            else:
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                # "from pkg import sub" imports the submodule; "from pkg import name" the module pkg
                found = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            targets.update(t for t in found if t in modules and t != name and t != "patrolsim")
        out[name] = targets
    return out


def _part(module: str) -> str:
    return module.split(".")[1]


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(m) for m in _imports() if m != "patrolsim"}
    assert parts <= set(LAYER), f"parts with no layer in LAYERS: {sorted(parts - set(LAYER))}"


def test_imports_point_down_the_layers():
    upward = [
        f"{src} imports {dst}"
        for src, targets in _imports().items()
        if src != "patrolsim"
        for dst in sorted(targets)
        if _part(dst) != _part(src) and LAYER[_part(dst)] <= LAYER[_part(src)]
    ]
    assert not upward, "imports that do not point to a lower layer:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph = _imports()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)
