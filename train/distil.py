"""Distillation: train on targets mixed from the labels and what teacher models read.

Teachers are exported models (the bundled `digits.onnx`, or `python -m export RUN
--install-dir DIR` of earlier runs), read with onnxruntime: their mean probabilities say which
digits a training digit resembles, which a one-hot label cannot. An ensemble of runs reads other
writers better than any one of them (bench/RESULTS.md); its mean, learnt by one compact model,
keeps the app's cost. The teachers read each batch as the model sees it, augmented: on the
digits as they are, they had learnt them almost surely (98.7 % on the label on average), and
targets read so once, softened to carry a signal, trained a worse model (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from train.data import DatasetError, unit_floats


class Teacher:
    """One exported model, loaded and checked as the app loads a model (`Classifier`: one
    28x28 input, 10 probabilities, a card that matches if there is one), on one thread: the
    training step has the cores."""

    def __init__(self, path: str | Path):
        from desktop.engine.classifier import Classifier, ModelError

        try:
            self.classifier = Classifier(path, threads=1)
        except ModelError as err:
            raise DatasetError(f"teacher {err}") from None

    def read(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (n, 10) of images (n, 28, 28) or (n, 28, 28, 1), ink 1.0 (or 255)."""
        return self.classifier.predict(unit_floats(x).reshape(-1, 28, 28))


def load_teachers(paths: list[str]) -> list[Teacher]:
    """The teachers, each checked now: a bad path stops the run before its long restyling."""
    return [Teacher(path) for path in paths]


def mixed(x: np.ndarray, labels: np.ndarray, teachers: list[Teacher],
          weight: float) -> np.ndarray:
    """(n, 10) targets for a batch: (1 - weight) x its labels (one-hot) + weight x the
    teachers' mean reading of its images."""
    mean = sum(teacher.read(x) for teacher in teachers) / len(teachers)
    return ((1 - weight) * labels + weight * mean).astype(np.float32)


def distilling(dataset, teachers: list[Teacher], weight: float):
    """The (augmented images, one-hot labels) batches of dataset with the labels mixed."""
    import tensorflow as tf

    if not teachers or weight == 0:
        return dataset

    def mix(x, y):
        target = tf.numpy_function(functools.partial(mixed, teachers=teachers, weight=weight),
                                   [x, y], tf.float32, stateful=False)
        return x, tf.ensure_shape(target, y.shape)

    return dataset.map(mix, num_parallel_calls=tf.data.AUTOTUNE)
