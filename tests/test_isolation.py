"""The shipped app never pulls in the training stack, and each layer of `desktop` imports only
the layers below it: engine (NumPy, onnxruntime, Pillow) ← batch, user ← window. Every module
is imported alone in a fresh interpreter, and a whole `classify` run is checked too: it must
work on a server without Tk."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop

FORBIDDEN = {"tensorflow", "keras", "tf2onnx", "onnx", "train", "export", "matplotlib"}
# What each layer may import of desktop's other layers (and whether it may import Tk).
LAYERS = {"engine": ({"engine"}, False), "batch": ({"engine", "batch"}, False),
          "user": ({"engine", "user"}, False),
          "window": ({"engine", "batch", "user", "window"}, True)}
MODULES = sorted(m.name for m in pkgutil.walk_packages(desktop.__path__, "desktop."))


def loaded_modules(code: str) -> set[str]:
    """sys.modules after running code in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    return set(json.loads(out.splitlines()[-1]))


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_every_module_is_checked():
    assert {"desktop.engine.recipes", "desktop.batch.job", "desktop.window.app",
            "desktop.user.settings", "desktop.cli"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_pulls_in_the_training_stack_or_a_higher_layer(module):
    loaded = loaded_modules(f"import {module}")
    assert not tops(loaded) & FORBIDDEN
    layer = module.split(".")[1]
    if layer in LAYERS:
        allowed, tk_allowed = LAYERS[layer]
        layers = {name.split(".")[1] for name in loaded
                  if name.startswith("desktop.") and name.split(".")[1] in LAYERS}
        assert layers <= allowed, f"{module} imports {sorted(layers - allowed)}"
        assert tk_allowed or "tkinter" not in loaded


def test_importing_the_package_and_its_command_line_is_light():
    """Heavy libraries load only when needed: not when the package or CLI module is imported."""
    loaded = loaded_modules("import desktop, desktop.cli, desktop.batch.cli")
    assert not tops(loaded) & {"onnxruntime", "PIL", "tkinter", "numpy"}


def test_a_classify_run_never_imports_tk(tmp_path, digits):
    from PIL import Image

    for digit, image in digits.items():
        Image.fromarray(255 - image).save(tmp_path / f"{digit}.png")
    out = tmp_path / "out.csv"
    code = ("import runpy, sys\n"
            f"sys.argv = ['desktop', 'classify', {str(tmp_path)!r}, '-q', '--out', {str(out)!r}]\n"
            "try:\n    runpy.run_module('desktop', run_name='__main__')\n"
            "except SystemExit as stop:\n    assert stop.code == 0, stop.code")
    loaded = loaded_modules(code)
    assert Path(out).read_text().count("\n") == len(digits) + 1
    assert "tkinter" not in tops(loaded)
    assert not tops(loaded) & FORBIDDEN
