"""No import cycles in the shipped code or the local stack: each module can be read (and loaded) on its own.

Every import counts: the ones deferred into a function body (a deferred import still ties the two modules
together; it only hides the cycle from the interpreter) and the ones under `if TYPE_CHECKING:` (a module typed
by another depends on it as much as one that calls it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# package name -> the folder that holds it (as the editable install maps them)
PACKAGES = {
    "ackline": ROOT / "layers" / "core" / "ackline",
    "functions": ROOT / "functions",
    "ackline_local": ROOT / "infra" / "local" / "ackline_local",
    "ackline_triage": ROOT / "infra" / "triage" / "ackline_triage",
}


def _module_name(package: str, folder: Path, path: Path) -> str:
    parts = [package, *path.relative_to(folder).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            found[_module_name(package, folder, path)] = path
    return found


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        yield from _imports(node, module, is_package)


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set(_imports(tree, name, path.name == "__init__.py"))
        # a package's __init__ is not a dependency of its own submodules' cycle: count module-to-module edges only
        graph[name] = {t for t in targets if t in modules and t != name and not name.startswith(f"{t}.")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_module_graph_is_seen() -> None:
    graph = _graph()
    assert "ackline.domain.triage" in graph["ackline.usecases.ingest"] or any(
        "ackline.domain" in target for target in graph["ackline.usecases.ingest"]
    )
    assert "ackline.lambda_entry" in graph["functions.ingest.app"]


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycles(package: str) -> None:
    cycles = [c for c in _cycles(_graph()) if any(m == package or m.startswith(f"{package}.") for m in c)]
    assert not cycles, f"import cycles: {cycles}"
