"""`python -m train.soup RUN [RUN ...]`: the mean of fine-tuned models' weights and the weights
they were tuned from, recalibrated, as a run folder of its own.

A run trained on from the bundled model (`--init-from models/digits.keras`) learns what
today's training adds (new hands, say) but drifts a little on what the bundled model read
well; the weighted mean of the two weight sets (Wortsman et al., "Robust fine-tuning of
zero-shot models", 2022: WiSE-FT) keeps most of both at one model's cost. Both share an
architecture and a starting point, so their weights lie in one basin and their mean is a
model. The temperature is fitted again on the run's validation split (`train/calibrate.py`),
and the run folder (model.keras, config.json, metrics.json, the report's pictures) is
exported like any other (`python -m export`).

Several runs tuned from one model with different seeds (`--seed S --split-seed N`, one
validation split) are averaged first, each with an equal share ("model soups", Wortsman et al.,
2022), at no cost when reading; three fine-tunes of the bundled model at a low learning rate
were too close to one another for it to gain (bench/RESULTS.md, runs table, "soup 3").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from train.cli import calibrate, finish_run, new_run_dir, test_report
from train.config import TrainConfig
from train.data import DatasetError, load_mnist


class SoupError(ValueError):
    """What makes two models impossible to average: said in one line."""


def mean_weights(base: list[np.ndarray], tuned: list[np.ndarray],
                 weight: float) -> list[np.ndarray]:
    """(1 - weight) x base + weight x tuned, tensor by tensor (batch normalization's running
    statistics too); SoupError when the two are not the same network."""
    if len(base) != len(tuned) or any(a.shape != b.shape for a, b in zip(base, tuned, strict=True)):
        raise SoupError("the two models are not the same network")
    return [((1 - weight) * a + weight * b).astype(a.dtype)
            for a, b in zip(base, tuned, strict=True)]


def tuned_config(run: Path, out: str, data: str | None) -> tuple[TrainConfig, Path]:
    """The fine-tuned run's configuration (its seed picks the validation split the new
    temperature is fitted on) and the model it was tuned from."""
    try:
        parameters = json.loads((run / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SoupError(f"{run}: not a run folder ({err})") from None
    cfg = TrainConfig.recorded(parameters)
    if not cfg.init_from:
        raise SoupError(f"{run}: not trained on from another model (no --init-from)")
    cfg.out, cfg.data = out, data or cfg.data
    return cfg, Path(cfg.init_from)


def shared_config(runs: list[Path], out: str, data: str | None) -> tuple[TrainConfig, Path]:
    """The first run's configuration and starting point, which every run must share (its
    validation split too: the new temperature is fitted on digits none of them trained on)."""
    configs = [tuned_config(run, out, data) for run in runs]
    (cfg, start), others = configs[0], configs[1:]
    for run, (other, other_start) in zip(runs[1:], others, strict=True):
        if other_start != start:
            raise SoupError(f"{run}: tuned from {other_start}, not from {start} as {runs[0]}")
        if other.validation_seed != cfg.validation_seed:
            raise SoupError(f"{run}: another validation split than {runs[0]}'s "
                            "(train them with one --split-seed)")
    return cfg, start


def tuned_weights(runs: list[Path]) -> list[np.ndarray]:
    """The mean of the runs' weights."""
    import keras

    for run in runs:
        if not (run / "model.keras").is_file():
            raise SoupError(f"{run / 'model.keras'}: no such model")
    mean = keras.models.load_model(runs[0] / "model.keras").get_weights()
    for k, run in enumerate(runs[1:], start=2):  # a running mean: one model in memory at a time
        mean = mean_weights(mean, keras.models.load_model(run / "model.keras").get_weights(),
                            1 / k)
    return mean


def soup(runs: list[Path], weight: float, out: str, data: str | None, base: Path | None,
         started: float, command: str) -> tuple[dict, Path]:
    """Average, recalibrate, write the run folder; its metrics and where it is."""
    import keras

    cfg, tuned_from = shared_config(runs, out, data)
    base = base or tuned_from
    if not base.is_file():
        raise SoupError(f"{base}: no such model")
    tuned = tuned_weights(runs)
    model = keras.models.load_model(base)
    model.set_weights(mean_weights(model.get_weights(), tuned, weight))
    mnist = load_mnist(cfg.data)
    run_dir = new_run_dir(out)
    # init_from: the card's training time adds up the stages behind this model, the first
    # tuned run's (and through it, the base's), and the other tuned runs' (`export.card`).
    (run_dir / "config.json").write_text(json.dumps(
        cfg.to_dict() | {"init_from": str(runs[0] / "model.keras"), "command": command,
                         "soup": {"base": str(base),
                                  "tuned": [str(run / "model.keras") for run in runs],
                                  "weight": weight}}, indent=2) + "\n")
    calibration = calibrate(model, mnist, cfg)
    model.save(run_dir / "model.keras")
    results = test_report(model, mnist, run_dir) | calibration | {
        "validation_accuracy": calibration.get("mnist_validation_accuracy"),
        "epochs_run": 0, "training_seconds": 0.0}
    return finish_run(results, run_dir, started), run_dir


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m train.soup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+", metavar="run",
                        help="run folders trained on from one model (--init-from)")
    parser.add_argument("--weight", type=float, default=0.5,
                        help="the fine-tuned models' share, 0..1 (default: 0.5)")
    parser.add_argument("--base", type=Path,
                        help="the model they were tuned from (default: the runs' --init-from)")
    parser.add_argument("--data", help="MNIST, as python -m train takes it (default: the run's)")
    parser.add_argument("--out", default="runs", help="parent folder of the new run folder")
    args = parser.parse_args(argv)
    if not 0.0 <= args.weight <= 1.0:
        parser.error(f"--weight {args.weight}: give a share between 0 and 1")
    command = "python -m train.soup " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        results, run_dir = soup(args.runs, args.weight, args.out, args.data, args.base,
                                started, command.strip())
    except (DatasetError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"test accuracy {results['test_accuracy']:.4%} ({results['test_errors']} errors); "
          f"run folder: {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
