"""What the executable leaves out (build/DigitRecognizer.spec's EXCLUDED_MODULES) is used
nowhere in desktop/: a module left out but used fails only in the executable, and only on the
inputs that reach it (numpy.fft once: the test for an empty printed field)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "DigitRecognizer.spec"


def left_out() -> set[str]:
    """Every module the spec excludes, whatever its trimming step."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "EXCLUDED_MODULES"
                for target in node.targets):
            return {name for names in ast.literal_eval(node.value).values() for name in names}
    raise AssertionError(f"no EXCLUDED_MODULES in {SPEC}")


def used(path: Path) -> set[str]:
    """The modules a source file imports, and what it reaches as an attribute of an imported
    module (np.fft: numpy.fft)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # the name bound in the file: the module
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
                modules[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    found |= {f"{modules[node.value.id]}.{node.attr}" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in modules}
    return found


def test_the_app_uses_nothing_the_executable_leaves_out():
    excluded = left_out()
    assert {"numpy.random", "tensorflow", "PIL.ImageFont"} <= excluded  # the spec was read
    sources = sorted((ROOT / "desktop").rglob("*.py"))
    assert len(sources) > 50
    offending = sorted(f"{path.relative_to(ROOT)}: {name}" for path in sources
                       for name in used(path)
                       if any(name == m or name.startswith(f"{m}.") for m in excluded))
    assert offending == []


def test_a_module_reached_as_an_attribute_counts(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("import numpy as np\nfrom PIL import Image\n"
                      "x = np.fft.rfft2(np.zeros((2, 2)))\n", encoding="utf-8")
    assert {"numpy", "numpy.fft", "numpy.zeros", "PIL", "PIL.Image"} <= used(source)
