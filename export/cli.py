"""`python -m export RUN_DIR_OR_MODEL`: convert to ONNX, verify against Keras, install it.

export depends on train (its data loader and metrics), never the other way round; fine-tuning,
which ends in an export, is driven from here (`export.finetune`)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from desktop.engine.classifier import MODEL_NAME, Classifier, ModelError, card_path, resource_dir
from train.data import DatasetError, Mnist, load_mnist
from train.report import metrics

CACHE = "runs/cache"  # as `python -m train` keeps its restyled digits
QUANTIZED_NAME = "digits-int8.onnx"
MAX_QUANTIZED_DROP = 0.001  # int8 is kept only within 0.1 point of the float model


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        prog="python -m export",
        description="Convert a trained Keras model to ONNX, verify it on the whole MNIST test "
                    "set and install it as the app's bundled model with its model card.")
    parser.add_argument("source", help="run folder (runs/<timestamp>) or a .keras file")
    parser.add_argument("--data", help="MNIST folder or mnist.npz (default: $DIGITS_DATA, "
                                       "else the Keras download)")
    parser.add_argument("--install-dir", type=Path, default=resource_dir(),
                        help="where the model and its card go (default: the app's bundled model)")
    parser.add_argument("--quantize", action="store_true",
                        help="also make a static int8 model; kept if within 0.1 point")
    add_one_digit_flag(parser)
    return parser.parse_args(argv)


def add_one_digit_flag(parser: argparse.ArgumentParser) -> None:
    from export.one_digit import NUMBERS

    parser.add_argument("--one-digit-numbers", type=int, default=NUMBERS, metavar="N",
                        help="synthetic numbers whose candidate digits teach the model's "
                             f"one_digit output (default: {NUMBERS}; fewer: faster, worse cuts)")
    add_cache_flag(parser)


def add_cache_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache", type=Path, default=Path(CACHE), metavar="DIR",
                        help="folder where the pictures that teach the one_digit outputs are "
                             "kept, so the next export need not make them again (about 20 "
                             f"minutes; default: {CACHE})")


def check_one_digit_numbers(numbers: int) -> None:
    """Raise ValueError (one line for the user) for a teaching size the head cannot learn from;
    checked before any long work starts."""
    if numbers < 1:
        raise ValueError(f"--one-digit-numbers must be at least 1, not {numbers}")


def measure(path: Path, x_test: np.ndarray, y_test: np.ndarray) -> tuple[dict, np.ndarray]:
    """Accuracy of an ONNX model, measured through the app's own loader."""
    probabilities = Classifier(path, verify_sha256=False).predict(x_test)
    found = metrics(y_test, probabilities)
    return {"test_accuracy": found["test_accuracy"], "test_errors": found["test_errors"],
            "per_class_accuracy": found["per_class_accuracy"],
            "confusion_matrix": found["confusion_matrix"]}, probabilities


def export_model(source: str | Path, data: Mnist, install_dir: Path, quantize: bool = False,
                 command: str = "", one_digit_numbers: int | None = None,
                 cache_dir: Path | None = None) -> dict:
    """Convert a run's Keras model (a run folder or a .keras file) to ONNX, add its one_digit
    output (`export.one_digit`, taught on `one_digit_numbers` numbers, their pictures kept in
    `cache_dir`), verify it against Keras on every MNIST test image, write its card and install
    both in install_dir; the card. Raises VerificationError (nothing installed) when the ONNX
    model does not agree."""
    import keras

    from export import card as cards
    from export.convert import find_keras_model, keras_to_onnx
    from export.doubt import card_entry
    from export.features import described
    from export.one_digit import NUMBERS, add_heads, teach, training_glyphs
    from export.verify import check_onnx, parity, time_model

    keras_path = find_keras_model(str(source))
    x_test = data.x_test.astype(np.float32) / 255.0
    model = keras.models.load_model(keras_path)
    keras_probabilities = model.predict(x_test[..., None], batch_size=512, verbose=0)

    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / MODEL_NAME
        proto = keras_to_onnx(model)
        cards.write_model(proto, {"input": {"layout": "NHWC"}, "created": ""}, staged)
        weights, heads = teach(staged, *training_glyphs(data),
                               numbers=one_digit_numbers or NUMBERS, cache_dir=cache_dir)
        add_heads(proto, weights)
        cards.write_model(proto, {"input": {"layout": "NHWC"}, "created": ""}, staged)
        check_onnx(staged)
        measured, onnx_probabilities = measure(staged, x_test, data.y_test)
        agreement = parity(keras_probabilities, onnx_probabilities)
        measured["parity_with_keras"] = {"max_abs_diff": agreement.max_abs_diff,
                                         "images": agreement.images}
        measured["images_per_second"] = round(time_model(staged, x_test[:4096, ..., None]))
        extra = {"source_model": str(keras_path), **described(proto), **heads,
                 **card_entry(staged, cards.read_run_json(keras_path.parent, "config.json"),
                              data)}
        if quantize:
            extra["quantized"] = quantized_report(staged, measured, data, x_test, Path(tmp))
        card = cards.write_model(proto, cards.build_card(measured, keras_path.parent, command,
                                                         extra), staged)
        Classifier(staged)  # the app's loader accepts it, SHA-256 included
        install(Path(tmp), install_dir)
    return card


def quantized_report(float_path: Path, measured: dict, data, x_test, folder: Path) -> dict:
    from export.convert import INPUT_NAME
    from export.quantize import quantize
    from export.verify import time_model

    int8_path = folder / QUANTIZED_NAME
    calibration = data.x_train[:2048].astype(np.float32)[..., None] / 255.0
    quantize(float_path, int8_path, calibration, INPUT_NAME)
    found, _ = measure(int8_path, x_test, data.y_test)
    report = {
        "test_accuracy": found["test_accuracy"],
        "size_bytes": int8_path.stat().st_size,
        "float_size_bytes": float_path.stat().st_size,
        "images_per_second": round(time_model(int8_path, x_test[:4096, ..., None])),
        "float_images_per_second": measured["images_per_second"],
        "kept": measured["test_accuracy"] - found["test_accuracy"] <= MAX_QUANTIZED_DROP,
    }
    if not report["kept"]:
        int8_path.unlink()
    return report


def install(staging: Path, target: Path) -> None:
    """Copy each staged file in beside a temporary name, then rename: never a half-written model."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(staging.iterdir()):
        temporary = target / f".{path.name}.tmp"
        shutil.copyfile(path, temporary)
        temporary.replace(target / path.name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = "python -m export " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        check_one_digit_numbers(args.one_digit_numbers)
        card = export_model(args.source, load_mnist(args.data), args.install_dir, args.quantize,
                            command.strip(), args.one_digit_numbers, args.cache)
    except (DatasetError, FileNotFoundError, ModelError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:
        from export.verify import VerificationError
        if isinstance(err, VerificationError):
            print(f"error: {err}; nothing was installed", file=sys.stderr)
            return 1
        raise
    target = args.install_dir / MODEL_NAME
    print(f"installed {target} ({card['size_bytes'] / 1024:.0f} KiB, sha256 {card['sha256'][:12]}…)"
          f"; test accuracy {card['test_accuracy']:.2%}, max |ONNX-Keras| "
          f"{card['parity_with_keras']['max_abs_diff']:.1e}; card {card_path(target)}")
    if "quantized" in card:
        q = card["quantized"]
        print(f"int8: {q['test_accuracy']:.2%}, {q['size_bytes'] / 1024:.0f} KiB, "
              f"{q['images_per_second']} img/s vs float {q['float_images_per_second']} img/s: "
              + ("kept as " + QUANTIZED_NAME if q["kept"] else "dropped (accuracy fell too far)"))
    return 0
