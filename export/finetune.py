"""`python -m export.finetune --samples DIR`: teach the model its user's handwriting, then
export the result into the user's models folder, where the app's Model > Open model... looks.

The training is `train.finetune`; this adds the export (checked like any export) and the rule
that a model which loses more than 0.2 points on MNIST is not installed (exit code 1).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from desktop.engine.classifier import MODEL_NAME
from desktop.user.dirs import default_models_dir
from export.cli import add_one_digit_flag, check_one_digit_numbers, export_model
from train.data import DatasetError, load_mnist
from train.finetune import MAX_MNIST_DROP, FineTuning, TooFewSamples, finetune

PROG = "python -m export.finetune"


def parse_args(argv: list[str]) -> tuple[FineTuning, Path | None, int, Path]:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Teach the model your handwriting from the samples saved in the "
                               "app, then export it into your models folder.")
    for field in dataclasses.fields(FineTuning):
        flag = "--" + field.name.replace("_", "-")
        default = None if field.default is dataclasses.MISSING else field.default
        kind = {int: int, float: float}.get(type(default), str)
        parser.add_argument(flag, type=kind, default=default, required=field.name == "samples",
                            help=HELP.get(field.name, field.name.replace("_", " "))
                            + ("" if default is None else f" (default: {default})"))
    parser.add_argument("--install-dir", type=Path, default=None,
                        help="where the fine-tuned model goes (default: the user's models folder)")
    add_one_digit_flag(parser)
    args = vars(parser.parse_args(argv))
    install_dir, numbers, cache = (args.pop(k) for k in ("install_dir", "one_digit_numbers",
                                                         "cache"))
    return FineTuning(**args), install_dir, numbers, cache


HELP = {"samples": "the app's samples folder DIR/<digit>/",
        "base": "Keras model to start from",
        "data": "MNIST folder or mnist.npz (default: $DIGITS_DATA, else the Keras download)",
        "repeat": "copies of each sample per epoch",
        "augment": "augmentation strength (the bundled model's last stage used 0.5)",
        "holdout": "fraction of each digit's samples kept for measuring",
        "limit": "MNIST training images (0 = all)",
        "out": "parent of the run folder"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    job, install_dir, one_digit_numbers, cache = parse_args(argv)
    try:
        check_one_digit_numbers(one_digit_numbers)
        data = load_mnist(job.data)
        report = finetune(job, data, " ".join([PROG, *argv]))
    except (TooFewSamples, DatasetError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    b, a = report["before"], report["after"]
    print(f"your held-out samples: {b['samples']:.1%} → {a['samples']:.1%}; "
          f"MNIST test: {b['mnist']:.2%} → {a['mnist']:.2%}")
    if not report["keeps_mnist"]:
        print(f"not installed: MNIST accuracy fell by more than {MAX_MNIST_DROP * 100:.1f} points"
              f" (the run is in {report['run_dir']})", file=sys.stderr)
        return 1
    run_dir = Path(report["run_dir"])
    target = install_dir or default_models_dir() / f"finetuned-{run_dir.name}"
    command = f"python -m export {run_dir} --install-dir {target}"
    export_model(run_dir, data, target, command=command, one_digit_numbers=one_digit_numbers,
                 cache_dir=cache)
    print(f"fine-tuned model: {target / MODEL_NAME} (open it in the app: Model > Open model...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
