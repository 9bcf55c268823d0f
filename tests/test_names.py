"""A name says one thing: no two modules of the app define a public class or function of the
same name (two `Worker` classes or two `decode` functions read as one thing and are not), but
for each command's own `main` and `build_parser`."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

DESKTOP = Path(__file__).resolve().parent.parent / "desktop"
PER_COMMAND = {"main", "build_parser"}


def definitions() -> dict[str, list[str]]:
    """Each public top-level class and function name, and the modules that define it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(DESKTOP.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) \
                    and not node.name.startswith("_"):
                found[node.name].append(str(path.relative_to(DESKTOP)))
    return found


def test_the_definitions_are_read():
    found = definitions()
    assert found["ModelThread"] == ["window/model_thread.py"]
    assert found["read_source"] == ["batch/decode.py"]


def test_no_two_modules_define_the_same_public_name():
    shared = {name: where for name, where in definitions().items()
              if len(where) > 1 and name not in PER_COMMAND}
    assert shared == {}
