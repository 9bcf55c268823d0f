"""The shipped app never pulls in the training stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("tensorflow", "keras", "tf2onnx", "onnx", "train", "export", "matplotlib")


def loaded_modules(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


@pytest.mark.parametrize("code", [
    "import desktop, desktop.cli, desktop.preprocess, desktop.segment, desktop.imagefile",
    "import numpy\nfrom desktop.classifier import Classifier\n"
    "Classifier().predict(numpy.zeros((1, 28, 28)))",
    "import desktop.cli as c\ntry:\n    c.main(['--version'])\nexcept SystemExit:\n    pass",
])
def test_desktop_imports_no_training_stack(code):
    assert not loaded_modules(code) & set(FORBIDDEN)


def test_importing_desktop_is_light():
    """Heavy libraries load only when needed: not when the package or CLI module is imported."""
    loaded = loaded_modules("import desktop, desktop.cli, desktop.preprocess")
    assert not loaded & {"onnxruntime", "PIL", "tkinter"}
