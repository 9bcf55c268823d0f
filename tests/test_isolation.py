"""The shipped app never pulls in the training stack, and each layer of `desktop` imports only
the layers below it: engine (NumPy, onnxruntime, Pillow) ← batch, user ← window. Every module
is imported alone in a fresh interpreter; then real commands run with an import log
(tests/import_log) in every process they start, so imports made inside functions count too:
`classify` (which must work on a server without Tk) with its worker processes, and the window
opening an image and saving a sample."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from app_driver import AppProcess
from PIL import Image

import desktop
from desktop.batch.job import POOL_MIN_FILES
from devtools.handwriting import HAND, fit_strokes

FORBIDDEN = {"tensorflow", "keras", "tf2onnx", "onnx", "train", "export", "matplotlib", "devtools"}
# What each layer may import of desktop's other layers (and whether it may import Tk).
LAYERS = {"engine": ({"engine"}, False), "batch": ({"engine", "batch"}, False),
          "user": ({"engine", "user"}, False),
          "window": ({"engine", "batch", "user", "window"}, True)}
MODULES = sorted(m.name for m in pkgutil.walk_packages(desktop.__path__, "desktop."))
ROOT = Path(__file__).resolve().parent.parent
IMPORT_HOOK = Path(__file__).resolve().parent / "import_log"


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


# ---------------------------------------------------------------- real commands, every process

def logging_imports(log: Path) -> dict[str, str]:
    """The environment for a command whose processes all write their imports to log."""
    path = [str(IMPORT_HOOK), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return os.environ | {"IMPORT_LOG": str(log), "PYTHONPATH": os.pathsep.join(path)}


def imports_by_process(log: Path) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, name = line.split()
        found.setdefault(int(pid), set()).add(name)
    return found


@pytest.fixture(scope="module")
def images(tmp_path_factory, digits) -> Path:
    """Enough files for worker processes: single digits, and every tenth a three-digit number."""
    folder = tmp_path_factory.mktemp("images")
    for i in range(POOL_MIN_FILES + 4):
        shown = [digits[(i + k) % 10] for k in range(3 if i % 10 == 0 else 1)]
        Image.fromarray(255 - np.hstack(shown)).save(folder / f"{i:03d}.png")
    return folder


@pytest.mark.parametrize("flags", [[], ["--multi-digit", "--probabilities"]],
                         ids=["digits", "numbers"])
def test_a_classify_run_and_its_workers_never_import_tk_or_the_training_stack(
        tmp_path, images, flags: Sequence[str]):
    log, out = tmp_path / "imports.log", tmp_path / "out.csv"
    run = subprocess.Popen([sys.executable, "-m", "desktop", "classify", str(images), "-q",
                            "--jobs", "2", "--out", str(out), *flags],
                           cwd=ROOT, env=logging_imports(log), stderr=subprocess.PIPE, text=True)
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert out.read_text().count("\n") == POOL_MIN_FILES + 4 + 1
    loaded = imports_by_process(log)
    workers = set(loaded) - {run.pid}
    assert len([pid for pid in workers if "PIL" in loaded[pid]]) >= 2, loaded  # decoders
    for pid, names in loaded.items():
        assert not names & (FORBIDDEN | {"tkinter"}), pid


OPEN_IMAGE = """\
import os, runpy, tkinter.filedialog as dialogs
dialogs.askopenfilename = lambda **_options: os.environ["OPEN_IMAGE"]  # File > Open image
runpy.run_module("desktop", run_name="__main__")
"""


@pytest.mark.gui
def test_the_window_opening_an_image_and_saving_a_sample_never_imports_the_training_stack(
        xvfb_display, tmp_path, digits):
    image, log = tmp_path / "seven.png", tmp_path / "imports.log"
    Image.fromarray(255 - digits[7]).resize((112, 112)).save(image)
    app = AppProcess(tmp_path / "events.jsonl", "--samples-dir", str(tmp_path / "samples"),
                     env=logging_imports(log) | {"OPEN_IMAGE": str(image)},
                     command=(sys.executable, "-c", OPEN_IMAGE))
    try:
        canvas = app.wait_ready()
        app.key("ctrl+o")
        app.wait_for(lambda e: e["event"] == "prediction" and e["source"] == "file")
        mark = len(app.events())
        app.draw(fit_strokes(HAND["7"], canvas, 0.7), then=["7"])
        app.wait_for(lambda e: e["event"] == "sample", mark)
        app.key("ctrl+q")
        code, stderr = app.finish()
    finally:
        app.kill()
    assert code == 0, stderr
    loaded = set().union(*imports_by_process(log).values())
    assert "PIL" in loaded  # imported inside a function, when the image was opened
    assert not loaded & FORBIDDEN
