"""`python -m train`: train the digit CNN and write a run folder with model and report."""

from __future__ import annotations

import json
import math
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from train import report
from train.config import TrainConfig
from train.data import DatasetError, Mnist, load_mnist, unit_floats
from train.splits import split, styled, validation_parts

if TYPE_CHECKING:
    from train.distil import Teacher

STEPS_PER_CALL = 16


def cosine_schedule(cfg: TrainConfig, peak: float):
    """One warm-up epoch, then cosine decay to 1 % of the peak learning rate."""
    def rate(epoch: int, _lr: float = 0.0) -> float:
        if epoch == 0 and cfg.epochs > 2:
            return peak / 5
        progress = epoch / max(cfg.epochs - 1, 1)
        return peak * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress)))
    return rate


def make_datasets(train, val, cfg: TrainConfig, teachers: list[Teacher] | None = None):
    """Batched, augmented training data (its targets mixed with the teachers' reading, if any)
    and the validation data."""
    import tensorflow as tf

    from train.augment import augment_batch
    from train.distil import distilling

    def to_tensors(x, y):
        return unit_floats(x)[..., None], np.eye(10, dtype=np.float32)[y]

    x_train, y_train = to_tensors(*train)
    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(len(x_train), seed=cfg.seed, reshuffle_each_iteration=True)
                .batch(cfg.batch_size)
                .map(lambda x, y: (augment_batch(x, cfg.augment), y),
                     num_parallel_calls=tf.data.AUTOTUNE))
    train_ds = distilling(train_ds, teachers or [], cfg.teacher_weight)
    train_ds = train_ds.prefetch(tf.data.AUTOTUNE)
    val_ds = tf.data.Dataset.from_tensor_slices(to_tensors(*val)).batch(512)
    return train_ds, val_ds


def read_extra(folder: str) -> tuple[np.ndarray, np.ndarray]:
    """Labelled images DIR/<digit>/*, preprocessed as the app preprocesses its input."""
    from train.extra import load_extra

    x_extra, y_extra, skipped = load_extra(folder)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if not len(x_extra):
        raise DatasetError(f"{folder}: no labelled images found in <digit>/ subfolders")
    return x_extra, y_extra


def add_extra(train, extra: tuple[np.ndarray, np.ndarray], repeat: int):
    """Mix extra (float) images into the training set, repeated so that they count."""
    x_extra, y_extra = extra
    x, y = train
    x = np.concatenate([unit_floats(x), np.repeat(x_extra, repeat, 0)])
    return x, np.concatenate([y, np.repeat(y_extra, repeat, 0)])


def cut_digits(train, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits as the app cuts them out of touching numbers of the training digits
    (`train.numbers.cut_digit_set`), each labelled with its own digit though a piece of its
    neighbour's stroke may lie at the cut."""
    from train.numbers import cut_digit_set

    x, y = train
    print(f"cut digits: {count} from numbers of touching training digits")
    return cut_digit_set(unit_floats(x), y, count, seed)


def build_or_load(cfg: TrainConfig):
    import keras

    from train.model import build_model

    if cfg.init_from:
        return keras.models.load_model(cfg.init_from), cfg.learning_rate * cfg.finetune_lr_scale
    return build_model(cfg.width, cfg.dense, cfg.dropout, cfg.arch), cfg.learning_rate


def compile_model(model, cfg: TrainConfig, peak_lr: float) -> None:
    import keras

    model.compile(
        optimizer=keras.optimizers.AdamW(peak_lr, weight_decay=cfg.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=cfg.label_smoothing),
        metrics=["accuracy"],
        # Several steps a call: less Python between steps (bench/training.py measures it).
        steps_per_execution=STEPS_PER_CALL)


def train(cfg: TrainConfig, data: Mnist, run_dir: Path,
          extra: tuple[np.ndarray, np.ndarray] | None = None, started: float | None = None) -> dict:
    """Train (or fine-tune), save model.keras and the report in run_dir; the test metrics.
    `run_seconds` counts from `started` (perf_counter; default: now)."""
    import keras

    from train.distil import load_teachers

    started = time.perf_counter() if started is None else started
    keras.utils.set_random_seed(cfg.seed)
    teachers = load_teachers(cfg.teachers)
    if teachers:
        print(f"teachers: {len(teachers)}, {cfg.teacher_weight:.0%} of each target")
    train_set, val_set = split(data.x_train, data.y_train, cfg)
    if extra is None and cfg.extra:
        extra = read_extra(cfg.extra)
    cut = cut_digits(train_set, cfg.cut_digits, cfg.seed) if cfg.cut_digits else None
    if cfg.styles:
        train_set = add_extra(train_set, styled(train_set, cfg.styles, cfg, cfg.seed), 1)
    if cut is not None:
        train_set = add_extra(train_set, cut, 1)
    if extra is not None:
        print(f"extra: {len(extra[0])} images, repeated {cfg.extra_repeat}x")
        train_set = add_extra(train_set, extra, cfg.extra_repeat)
    train_ds, val_ds = make_datasets(train_set, val_set, cfg, teachers)

    model, peak_lr = build_or_load(cfg)
    compile_model(model, cfg, peak_lr)
    callbacks = [
        keras.callbacks.LearningRateScheduler(cosine_schedule(cfg, peak_lr)),
        # Validation loss, not accuracy: on 5,000 images accuracy moves in steps of 0.02 % and
        # plateaus early, which would stop training before the low-learning-rate tail.
        keras.callbacks.ModelCheckpoint(run_dir / "checkpoint.keras", monitor="val_loss",
                                        save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=cfg.patience,
                                      restore_best_weights=True),
        keras.callbacks.CSVLogger(run_dir / "history.csv"),
    ]
    fit_started = time.perf_counter()
    fit = model.fit(train_ds, validation_data=val_ds, epochs=cfg.epochs, callbacks=callbacks,
                    shuffle=False, verbose=2)  # the dataset reshuffles itself each epoch
    seconds = time.perf_counter() - fit_started
    calibration = calibrate(model, data, cfg)
    model.save(run_dir / "model.keras")
    (run_dir / "checkpoint.keras").unlink(missing_ok=True)

    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    results = test_report(model, data, run_dir) | {
        "validation_accuracy": max(history.get("val_accuracy", [0.0])),
        **calibration,
        "epochs_run": len(history["loss"]),
        "training_seconds": round(seconds, 1),
    }
    report.write_json(run_dir / "history.json", history)
    report.plot_history(history, run_dir / "learning_curves.png")
    report.plot_styles(val_set[0], val_set[1], run_dir / "styles.png")
    return finish_run(results, run_dir, started)


def test_report(model, data: Mnist, run_dir: Path) -> dict:
    """The model's test metrics (the final report: nothing is chosen on them), with the
    confusion matrix and the misclassified digits drawn into run_dir."""
    x_test = data.x_test.astype(np.float32)[..., None] / 255.0
    probabilities = model.predict(x_test, batch_size=512, verbose=0)
    results = report.metrics(data.y_test, probabilities) | {
        "parameters": model.count_params(), "dataset": data.source}
    report.plot_confusion(np.array(results["confusion_matrix"]), run_dir / "confusion_matrix.png")
    report.plot_mistakes(x_test, data.y_test, probabilities, run_dir / "misclassified.png")
    return results


def finish_run(results: dict, run_dir: Path, started: float) -> dict:
    """metrics.json, with the whole run's time (restyling, calibration and report included:
    what a person waits for)."""
    results["run_seconds"] = round(time.perf_counter() - started, 1)
    report.write_json(run_dir / "metrics.json", results)
    return results


def calibrate(model, data: Mnist, cfg: TrainConfig) -> dict:
    """Temperature scaling on the validation split (train/calibrate.py); what was found."""
    from train.calibrate import calibrate as fit

    report = fit(model, validation_parts(data, cfg))
    print(f"temperature {report['temperature']:.3f}: " + ", ".join(
        f"{k} {v:.4f}" for k, v in report.items() if k.endswith("accuracy")))
    return report


def new_run_dir(parent: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    run_dir = Path(parent) / stamp
    run_dir.mkdir(parents=True, exist_ok=False)
    return run_dir


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    cfg = TrainConfig.from_argv(argv)
    try:
        data = load_mnist(cfg.data)
    except DatasetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    run_dir = new_run_dir(cfg.out)
    command = "python -m train " + " ".join(sys.argv[1:] if argv is None else argv)
    (run_dir / "config.json").write_text(
        json.dumps(cfg.to_dict() | {"command": command.strip()}, indent=2) + "\n")
    try:
        results = train(cfg, data, run_dir, started=started)
    except (DatasetError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"test accuracy {results['test_accuracy']:.4%} ({results['test_errors']} errors), "
          f"{results['training_seconds']:.0f} s training, {results['run_seconds']:.0f} s in all; "
          f"run folder: {run_dir}")
    return 0
