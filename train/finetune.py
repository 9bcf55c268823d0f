"""Fine-tuning: teach the model its user's handwriting (the training half; `python -m
export.finetune` runs it and then exports the result).

Starts from the Keras model behind the bundled ONNX and trains on the user's samples mixed with
MNIST at a low learning rate. Accuracy is measured before and after on a held-out part of the
user's samples and on the MNIST test set; a model that loses more than 0.2 points on MNIST is
not to be installed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from train.config import TrainConfig
from train.data import Mnist

BASE_MODEL = Path(__file__).resolve().parent.parent / "models" / "digits.keras"
MIN_PER_DIGIT = 5
MAX_MNIST_DROP = 0.002     # of the MNIST test digits: 20 of 10,000 may become wrong


class TooFewSamples(Exception):
    """Not enough samples of some digit to fine-tune and to measure the result."""


@dataclass
class FineTuning:
    """What to fine-tune on and how; every field is a flag of `python -m export.finetune`."""
    samples: str                       # the app's samples folder DIR/<digit>/
    base: str = str(BASE_MODEL)        # Keras model to start from
    data: str | None = None            # MNIST folder or mnist.npz (default: $DIGITS_DATA)
    epochs: int = 3
    learning_rate: float = 2e-4
    repeat: int = 30                   # copies of each sample per epoch
    augment: float = 0.5               # augmentation strength (the bundled model's last stage)
    holdout: float = 0.25              # fraction of each digit's samples kept for measuring
    limit: int = 0                     # MNIST training images (0 = all)
    seed: int = 1234
    out: str = "runs"                  # parent of the run folder


def keeps_mnist(before: dict, after: dict, test_digits: int) -> bool:
    """The rule for installing: MNIST accuracy fell by at most MAX_MNIST_DROP. Counted in whole
    test digits: as fractions, 0.9960 - 0.9940 is 0.0020000000000000018, more than 0.002."""
    lost = round(before["mnist"] * test_digits) - round(after["mnist"] * test_digits)
    return lost <= round(MAX_MNIST_DROP * test_digits)


def check_counts(labels: np.ndarray) -> dict[int, int]:
    counts = {d: int((labels == d).sum()) for d in range(10)}
    short = {d: n for d, n in counts.items() if n < MIN_PER_DIGIT}
    if short:
        listed = ", ".join(f"{d}: {n}" for d, n in short.items())
        raise TooFewSamples(f"too few samples to fine-tune (need at least {MIN_PER_DIGIT} of each "
                            f"digit; have {listed}): draw more and press 'It's a...'")
    return counts


def holdout_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (fit, held out): the same fraction of every digit, at least one of each."""
    rng = np.random.default_rng(seed)
    held = []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        held.extend(members[: max(1, round(fraction * len(members)))])
    held_out = np.zeros(len(labels), bool)
    held_out[held] = True
    return np.flatnonzero(~held_out), np.flatnonzero(held_out)


def accuracy(model, images: np.ndarray, labels: np.ndarray) -> float:
    probabilities = model.predict(images[..., None], batch_size=512, verbose=0)
    return float((probabilities.argmax(axis=1) == labels).mean())


def finetune(job: FineTuning, data: Mnist, command: str) -> dict:
    """Fine-tune; the report (also in <run>/finetune.json): accuracy before and after, and
    whether MNIST was kept (`keeps_mnist`)."""
    import keras

    from train.cli import new_run_dir, read_extra, train

    x_samples, y_samples = read_extra(job.samples)
    counts = check_counts(y_samples)
    fit, held = holdout_split(y_samples, job.holdout, job.seed)
    x_test = data.x_test.astype(np.float32) / 255.0

    base = keras.models.load_model(job.base)
    before = {"samples": accuracy(base, x_samples[held], y_samples[held]),
              "mnist": accuracy(base, x_test, data.y_test)}
    cfg = TrainConfig(data=job.data, out=job.out, epochs=job.epochs, init_from=job.base,
                      learning_rate=job.learning_rate, finetune_lr_scale=1.0, augment=job.augment,
                      extra_repeat=job.repeat, limit=job.limit, seed=job.seed, patience=99,
                      styles=0, styled_val=0)
    run_dir = new_run_dir(job.out)
    (run_dir / "config.json").write_text(json.dumps(cfg.to_dict() | {"command": command},
                                                    indent=2) + "\n")
    train(cfg, data, run_dir, extra=(x_samples[fit], y_samples[fit]))
    tuned = keras.models.load_model(run_dir / "model.keras")
    after = {"samples": accuracy(tuned, x_samples[held], y_samples[held]),
             "mnist": accuracy(tuned, x_test, data.y_test)}
    report = {"samples_per_digit": counts, "held_out": len(held), "before": before,
              "after": after, "run_dir": str(run_dir),
              "keeps_mnist": keeps_mnist(before, after, len(data.y_test))}
    (run_dir / "finetune.json").write_text(json.dumps(report, indent=2) + "\n")
    return report
