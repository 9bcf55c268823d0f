"""Checks an exported model must pass before it is installed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

MAX_ABS_DIFF = 1e-4


class VerificationError(Exception):
    """The exported model does not match its Keras source or is not valid ONNX."""


@dataclass
class Parity:
    max_abs_diff: float
    argmax_mismatches: int
    images: int


def check_onnx(path: Path) -> None:
    try:
        onnx.checker.check_model(str(path), full_check=True)
    except onnx.checker.ValidationError as err:
        raise VerificationError(f"{path}: onnx.checker failed: {err}") from None


def parity(keras_probabilities: np.ndarray, onnx_probabilities: np.ndarray) -> Parity:
    """Agreement of two models' outputs on the same images; raises when out of tolerance."""
    diff = float(np.abs(keras_probabilities - onnx_probabilities).max())
    mismatches = int((keras_probabilities.argmax(1) != onnx_probabilities.argmax(1)).sum())
    result = Parity(diff, mismatches, len(onnx_probabilities))
    if diff > MAX_ABS_DIFF or mismatches:
        raise VerificationError(f"ONNX and Keras disagree: max |diff| {diff:.2e} "
                                f"(limit {MAX_ABS_DIFF:.0e}), {mismatches} different predictions")
    return result


def time_model(path: Path, images: np.ndarray, batch: int = 64, repeats: int = 3) -> float:
    """Best images/s of onnxruntime on this model, in batches (for the export report)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(images), batch):
            session.run(None, {name: images[i:i + batch]})
        best = max(best, len(images) / (time.perf_counter() - start))
    return best
