"""`python -m bench`: the commands the README and the benchmarks' own help document reach the
benchmark with their options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_benchmark_gets_the_options_after_its_name():
    shown = bench("startup", "--runs", "7", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--runs" in shown.stdout and "--record" in shown.stdout


def test_the_options_are_the_benchmarks_own():
    refused = bench("startup", "--runs", "seven")
    assert refused.returncode == 2
    assert "argument --runs: invalid int value: 'seven'" in refused.stderr


def test_an_unknown_benchmark_is_refused():
    refused = bench("startup", "nosuch")
    assert refused.returncode == 2 and "unknown benchmark(s) ['nosuch']" in refused.stderr


def test_scans_of_validation_digits_use_those_the_bundled_model_was_validated_on(mnist):
    """`bench scans --digits validation` draws the split the bundled model's training held out:
    the model reads it exactly as its card says training measured it, and none is a test digit."""
    import numpy as np

    from bench.scans import validation_digits
    from desktop.engine.classifier import Classifier

    x, y = validation_digits(mnist)
    model = Classifier()
    card = model.card
    read = model.predict(x.astype(np.float32) / 255).argmax(axis=1)
    assert len(y) == card["training"]["parameters"]["val_split"]
    assert round(float((read == y).mean()), 4) == card["training"]["validation_accuracy"]
    test = {image.tobytes() for image in mnist.x_test}
    assert not any(image.tobytes() in test for image in x)
