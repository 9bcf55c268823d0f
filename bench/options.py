"""The options the benchmarks that compare models share: `--model`, `--baseline`, `--record`,
and the models they name loaded (a path that holds no model is a usage error, not a
traceback)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.record import append_section


def model_options(parser: argparse.ArgumentParser, baseline: bool = True) -> None:
    parser.add_argument("--model", type=Path, help="an ONNX model (default: the bundled one)")
    if baseline:
        parser.add_argument("--baseline", type=Path,
                            help="a model to compare with, side by side")
    parser.add_argument("--record", metavar="HEADING", help="append the figures to RESULTS.md")


@dataclass(frozen=True)
class Models:
    """The models a bench compares, the model first, then the baseline if one was given."""
    classifiers: list  # desktop.engine.classifier.Classifier, imported when loading
    names: list[str]   # as the tables' columns name them


def load_models(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Models:
    """`--model` and `--baseline` loaded; one that cannot be ends the bench with its reason."""
    from desktop.engine.classifier import Classifier, ModelError

    paths = [args.model] + ([args.baseline] if getattr(args, "baseline", None) else [])
    try:
        classifiers = [Classifier(path) for path in paths]
    except ModelError as err:
        parser.error(str(err))
    return Models(classifiers, [str(p) if p else "bundled model" for p in paths])


def record(args: argparse.Namespace, bench: str, argv: list[str] | None,
           lines: list[str]) -> None:
    """The figures appended to RESULTS.md under `--record`'s heading, with the command."""
    if args.record:
        given = argv if argv is not None else sys.argv[1:]
        append_section(args.record, f"python -m bench {bench} " + " ".join(given), lines)
