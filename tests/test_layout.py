"""House rules of the package's layout, checked on every run: one job per room.

No import cycle between modules (a cycle is two rooms that are one job), and no
module over 450 lines (a longer one has grown a second job).  Imports inside
functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "newsspider"
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The package's modules that ``name`` imports (``from x import y`` names y when y
    is a module, else x)."""
    found = set()
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            )
    return {module for module in found if module in MODULES and module != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path that returns to its start, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            # A package's __init__ importing its own submodules is its face, not a cycle.
            if not target.startswith(name + ".") and (cycle := visit(target, [*path, name])):
                return cycle
        done.add(name)
        return None

    return next((cycle for name in sorted(graph) if (cycle := visit(name, []))), None)


def test_no_import_cycle() -> None:
    assert find_cycle({name: imports_of(name) for name in MODULES}) is None


def test_a_cycle_is_found() -> None:
    """The checker itself, on the cycle the state once had."""
    graph = {
        "newsspider.state": {"newsspider.distributed.state"},
        "newsspider.distributed.state": {"newsspider.state"},
        "newsspider.distributed": {"newsspider.distributed.state"},
    }
    assert find_cycle(graph) == [
        "newsspider.distributed.state",
        "newsspider.state",
        "newsspider.distributed.state",
    ]
    assert find_cycle({"a": {"a.b"}, "a.b": set()}) is None


def test_no_module_over_the_limit() -> None:
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
