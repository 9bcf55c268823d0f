"""Distillation: train on targets mixed from the labels and what teacher models read.

Teachers are exported models (the bundled `digits.onnx`, or `python -m export RUN
--install-dir DIR` of earlier runs), read with onnxruntime: their mean probabilities on each
training digit carry which digits it resembles, which a one-hot label cannot say. An ensemble of
runs reads other writers better than any one of them (bench/RESULTS.md); its mean, learnt by a
single compact model, keeps the app's cost. The teachers read the digits once, before training,
as they are (not each augmented view): no teacher runs during the epochs, so distilling costs
seconds, not a slower step.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from train.data import DatasetError

OUTPUT = "probabilities"
CHUNK = 2048


class Teacher:
    """One exported model, checked to read 28x28x1 digits into 10 probabilities."""

    def __init__(self, path: str | Path):
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise DatasetError(f"teacher {self.path}: no such file")
        try:
            self.session = ort.InferenceSession(str(self.path),
                                                providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own kinds, one per failure
            raise DatasetError(f"teacher {self.path}: not an ONNX model onnxruntime can run "
                               f"({str(err).splitlines()[0][:120]})") from None
        inputs = self.session.get_inputs()
        outputs = {o.name: o.shape for o in self.session.get_outputs()}
        if len(inputs) != 1 or list(inputs[0].shape[1:]) != [28, 28, 1] or \
                outputs.get(OUTPUT, [None])[-1] != 10:
            raise DatasetError(f"teacher {self.path}: expected an input of 28x28x1 digits and "
                               f"an output '{OUTPUT}' of 10 (an exported digit model)")
        self.input = inputs[0].name

    def read(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (n, 10) of images (n, 28, 28) with ink 1.0 (or uint8 ink 255)."""
        x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
        return np.concatenate([
            self.session.run([OUTPUT], {self.input: x[i:i + CHUNK, ..., None]})[0]
            for i in range(0, len(x), CHUNK)]) if len(x) else np.zeros((0, 10), np.float32)


def load_teachers(paths: list[str]) -> list[Teacher]:
    """The teachers, each checked now: a bad path stops the run before its long restyling."""
    return [Teacher(path) for path in paths]


def softened(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The probabilities with their logits divided by the temperature: above 1, the small
    probabilities (which other digits this one resembles) grow into a signal worth learning."""
    logits = np.log(np.clip(probabilities.astype(np.float64), 1e-12, 1.0)) / temperature
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def targets(x: np.ndarray, labels: np.ndarray, teachers: list[Teacher], weight: float,
            temperature: float) -> np.ndarray:
    """(n, 10) training targets: (1 - weight) x one-hot label + weight x the teachers' mean,
    softened. The teachers read their own training digits almost surely (mean 98.7 % on the
    label), so the raw mean would differ from the label on few digits only."""
    one_hot = np.eye(10, dtype=np.float32)[labels]
    if not teachers or weight == 0:
        return one_hot
    mean = sum(teacher.read(x) for teacher in teachers) / len(teachers)
    agree = float((mean.argmax(axis=1) == labels).mean())
    print(f"teachers: {len(teachers)} read {len(x)} training digits, {agree:.2%} as labelled")
    return ((1 - weight) * one_hot + weight * softened(mean, temperature)).astype(np.float32)
