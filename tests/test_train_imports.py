"""train/ imports one way: no module of it imports, even inside a function, a module that
imports it back (a circle makes the order of imports matter and hides what depends on what)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRAIN = Path(__file__).resolve().parent.parent / "train"


def imported(path: Path) -> set[str]:
    """The train.* modules a file imports anywhere in it (top level or in functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("train.")}
        elif isinstance(node, ast.ImportFrom) and node.module == "train":
            found |= {f"train.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("train."):
            found.add(node.module or "")
    return found


def graph() -> dict[str, set[str]]:
    modules = {f"train.{p.stem}": p for p in TRAIN.glob("*.py") if p.stem != "__main__"}
    return {name: imported(path) & set(modules) for name, path in modules.items()}


def reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(edges[start])
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo += edges.get(module, ())
    return False


def test_the_imports_are_read():
    edges = graph()
    assert "train.splits" in edges["train.calibrate"] and "train.splits" in edges["train.cli"]


@pytest.mark.parametrize("module", sorted(graph()))
def test_no_module_imports_itself_through_others(module):
    assert not reaches(graph(), module, module)
