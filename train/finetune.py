"""`python -m train.finetune --samples DIR`: teach the model its user's handwriting.

Starts from the Keras model behind the bundled ONNX, trains on the user's samples mixed with
MNIST at a low learning rate, then exports. Accuracy is reported before and after on a held-out
part of the user's samples and on the MNIST test set; a model that loses more than 0.2 points on
MNIST is not installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from desktop.user.dirs import default_models_dir
from train.config import TrainConfig
from train.data import DatasetError, load_mnist

BASE_MODEL = Path(__file__).resolve().parent.parent / "models" / "digits.keras"
MIN_PER_DIGIT = 5
MAX_MNIST_DROP = 0.002


class TooFewSamples(Exception):
    """Not enough samples of some digit to fine-tune and to measure the result."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m train.finetune", description=__doc__.split(
        "\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--samples", required=True, help="the app's samples folder DIR/<digit>/")
    parser.add_argument("--base", default=str(BASE_MODEL), help="Keras model to start from")
    parser.add_argument("--data", help="MNIST folder or mnist.npz (default: $DIGITS_DATA)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--repeat", type=int, default=30, help="copies of each sample per epoch")
    parser.add_argument("--augment", type=float, default=0.5,
                        help="augmentation strength (the bundled model's last stage used 0.5)")
    parser.add_argument("--holdout", type=float, default=0.25,
                        help="fraction of each digit's samples kept for measuring")
    parser.add_argument("--limit", type=int, default=0, help="MNIST training images (0 = all)")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--out", default="runs", help="parent of the run folder")
    parser.add_argument("--install-dir", type=Path, default=None,
                        help="where the fine-tuned model goes (default: the user's models folder)")
    return parser.parse_args(argv)


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


def finetune(args: argparse.Namespace) -> dict:
    import keras

    from train.cli import new_run_dir, read_extra, train

    x_samples, y_samples = read_extra(args.samples)
    counts = check_counts(y_samples)
    fit, held = holdout_split(y_samples, args.holdout, args.seed)
    data = load_mnist(args.data)
    x_test = data.x_test.astype(np.float32) / 255.0

    base = keras.models.load_model(args.base)
    before = {"samples": accuracy(base, x_samples[held], y_samples[held]),
              "mnist": accuracy(base, x_test, data.y_test)}
    cfg = TrainConfig(data=args.data, out=args.out, epochs=args.epochs, init_from=args.base,
                      learning_rate=args.learning_rate, finetune_lr_scale=1.0, augment=args.augment,
                      extra_repeat=args.repeat, limit=args.limit, seed=args.seed, patience=99)
    run_dir = new_run_dir(args.out)
    (run_dir / "config.json").write_text(json.dumps(cfg.to_dict() | {
        "command": "python -m train.finetune " + " ".join(args.argv)}, indent=2) + "\n")
    train(cfg, data, run_dir, extra=(x_samples[fit], y_samples[fit]))
    tuned = keras.models.load_model(run_dir / "model.keras")
    after = {"samples": accuracy(tuned, x_samples[held], y_samples[held]),
             "mnist": accuracy(tuned, x_test, data.y_test)}
    report = {"samples_per_digit": counts, "held_out": len(held), "before": before,
              "after": after, "run_dir": str(run_dir),
              "installed": before["mnist"] - after["mnist"] <= MAX_MNIST_DROP}
    if report["installed"]:
        report["model"] = str(install(run_dir, args))
    (run_dir / "finetune.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def install(run_dir: Path, args: argparse.Namespace) -> Path:
    """Export the fine-tuned model (verified like any export) into the user's models folder."""
    from desktop.engine.classifier import MODEL_NAME
    from export.cli import export

    target = args.install_dir or default_models_dir() / f"finetuned-{run_dir.name}"
    export_args = argparse.Namespace(source=str(run_dir), data=args.data, install_dir=target,
                                     quantize=False)
    export(export_args, f"python -m export {run_dir} --install-dir {target}")
    return target / MODEL_NAME


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    try:
        report = finetune(args)
    except (TooFewSamples, DatasetError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    b, a = report["before"], report["after"]
    print(f"your held-out samples: {b['samples']:.1%} → {a['samples']:.1%}; "
          f"MNIST test: {b['mnist']:.2%} → {a['mnist']:.2%}")
    if not report["installed"]:
        print(f"not installed: MNIST accuracy fell by more than {MAX_MNIST_DROP * 100:.1f} points",
              file=sys.stderr)
        return 1
    print(f"fine-tuned model: {report['model']} (open it in the app: Model > Open model...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
