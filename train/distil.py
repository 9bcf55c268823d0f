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

from pathlib import Path

import numpy as np

from train.data import DatasetError

OUTPUT = "probabilities"


class Teacher:
    """One exported model, checked to read 28x28x1 digits into 10 probabilities."""

    def __init__(self, path: str | Path):
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise DatasetError(f"teacher {self.path}: no such file")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # beside the training step, which has the cores
        try:
            self.session = ort.InferenceSession(str(self.path), options,
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
        """Probabilities (n, 10) of images (n, 28, 28) or (n, 28, 28, 1), ink 1.0 (or 255)."""
        x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
        return self.session.run([OUTPUT], {self.input: x.reshape(-1, 28, 28, 1)})[0]


def load_teachers(paths: list[str]) -> list[Teacher]:
    """The teachers, each checked now: a bad path stops the run before its long restyling."""
    return [Teacher(path) for path in paths]


def mixed(labels: np.ndarray, x: np.ndarray, teachers: list[Teacher],
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
        target = tf.numpy_function(lambda a, b: mixed(b, a, teachers, weight), [x, y],
                                   tf.float32, stateful=False)
        return x, tf.ensure_shape(target, y.shape)

    return dataset.map(mix, num_parallel_calls=tf.data.AUTOTUNE)
