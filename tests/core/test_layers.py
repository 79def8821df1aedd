"""The package's shape: every area imports only from itself and the areas below it, with no cycles.

An area new to the package must be placed in ``LAYERS`` (that placement is the design decision).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "miniapp_api"
# Lowest first. The app factory, startup and cli at the package root sit above all of them.
LAYERS = ["core", "halls", "live", "catalogue", "identity", "web", "kb", "guides", "notify", "booking",
          "forms", "queue", "cases", "feedback", "appeals", "conversation", "dashboard", "system"]  # fmt: skip
TOP = {"__init__", "startup", "cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """miniapp_api modules imported anywhere in the file (function-level imports included);
    ``from package import module`` counts as the module, not the package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("miniapp_api"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("miniapp_api"))
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    names = set(paths)
    return {name: {m for m in _imports(path, names) if m in names and m != name} for name, path in paths.items()}


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_area_is_placed_in_a_layer():
    areas = {_area(m) for m in _graph()} - TOP - {"__init__"}
    assert areas <= set(LAYERS), f"place these areas in LAYERS: {sorted(areas - set(LAYERS))}"


def test_no_area_imports_upward():
    upward = []
    for module, targets in _graph().items():
        area = _area(module)
        if area in TOP or area == "__init__":
            continue
        for target in targets:
            to = _area(target)
            if to in TOP or to == "__init__":
                upward.append(f"{module} → {target} (the package root is the top)")
            elif LAYERS.index(to) > LAYERS.index(area):
                upward.append(f"{module} → {target}")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" → ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
