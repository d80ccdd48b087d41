"""The shape of the code, measured: the taxonomy only in data, no import circle, functions small enough to read.

These read the source (ast, radon); they run nothing of openlint.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from radon.complexity import cc_visit

SRC = Path(__file__).resolve().parents[1] / "src" / "openlint"
COMPONENT_ID = re.compile(r"\b(training|evaluation|deployment)\.(code|data)\.[a-z]+\b")
MAX_LINES = 60
MAX_COMPLEXITY = 15


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_component_id_is_written_in_the_code():
    offenders = []
    for name, path in _modules().items():
        for line, text in _strings(ast.parse(path.read_text())):
            if COMPONENT_ID.search(text):
                offenders.append(f"{path.relative_to(SRC)}:{line}: {text[:60]!r}")
    assert not offenders, "component ids belong in rules/*.yaml:\n" + "\n".join(offenders)


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every openlint module a module imports, at its top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # `from package import module` depends on the module; `from module import name` on the module itself
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):
                found.add(base)
    return {module for module in found if module in known and module != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle():
    modules = _modules()
    graph = {name: _imports(name, path, set(modules)) for name, path in modules.items()}
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


def test_the_circle_finder_finds_circles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((f"{path.relative_to(SRC)}:{node.lineno} {node.name}", node))
    return found


def test_no_function_is_longer_than_a_screen():
    long = [f"{where} ({node.end_lineno - node.lineno + 1} lines)" for where, node in _functions()
            if node.end_lineno - node.lineno + 1 > MAX_LINES]
    assert not long, "\n".join(long)


@pytest.mark.parametrize("path", sorted(_modules().values()), ids=lambda p: str(p.relative_to(SRC)))
def test_no_function_is_too_complex(path):
    blocks = [b for b in cc_visit(path.read_text()) if b.complexity > MAX_COMPLEXITY]
    assert not blocks, "; ".join(f"{b.name} (line {b.lineno}): cyclomatic complexity {b.complexity}" for b in blocks)


# the pipeline, bottom up: a module may import from its own layer and the ones below, never from a later stage
LAYERS = (
    {"errors", "release", "support", "data", "__init__"},
    {"knowledge"},
    {"readers", "analysis"},
    {"sources", "rules", "grading", "crosswalk"},
    {"assemble", "report", "config"},
    {"pipeline"},
    {"audit"},
    {"formats"},
    {"compare"},
    {"cli", "__main__"},
)


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else "__init__"
    return next(index for index, layer in enumerate(LAYERS) if part in layer)


def test_every_stage_imports_only_earlier_stages():
    modules = _modules()
    upward = [f"{name} -> {target}" for name, path in modules.items() for target in sorted(_imports(name, path, set(modules)))
              if _layer(target) > _layer(name)]
    assert not upward


def test_every_package_has_a_layer():
    assert {name.split(".")[1] for name in _modules() if "." in name} <= set().union(*LAYERS)
