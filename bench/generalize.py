"""Other people's handwriting: a model (and a baseline model, side by side) on digits not
written by MNIST's writers.

- MNIST's own test set (for reference; never used to choose anything).
- The development set: scikit-learn's `load_digits` (1,797 digits by 43 writers, UCI optdigits,
  8x8), never trained on, rendered as a person's scan or photo of them would look: dark ink on
  light paper, 40-160 px, the 8x8 cells softened by the scanner's optics, paper tint and noise,
  JPEG (quality 70-95) or PNG; read through `python -m desktop classify`. Per-digit accuracy and
  what the confidence means (the share given >= 90 %, and how many of those are right). Also
  rendered as hard blocks and as smooth enlargements, the two extremes.
- Numbers of 2-6 of those digits side by side, read with --multi-digit: whole numbers right
  against what the per-digit accuracy predicts (accuracy ^ length); and the single digits
  themselves read as numbers: how many come out as two digits or more.
- Each style of train/styles.py applied alone to MNIST test digits (read in-process by the
  app's recipes), the 630 digits in handwriting fonts, and the photo-like pictures of
  bench/folders.py (and 600 more with three times their grain, 600 taken in dim light, 600 on
  paper printed with a security pattern), all through `classify`.

    python bench/generalize.py [--model PATH] [--baseline PATH] [--record HEADING]
"""

from __future__ import annotations

import argparse
import csv
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.folders import build, dim, grainy, image_files, label_of, printed  # noqa: E402
from bench.record import append_section  # noqa: E402
from bench.record import mnist as load_mnist  # noqa: E402

BUNDLED = ROOT / "desktop" / "model" / "digits.onnx"
FONTS = ROOT / "tests" / "data" / "font_digits"
STYLE_COUNT = 600          # MNIST test digits per style (fewer for the styles of one digit)
NUMBERS = 400
# How load_digits' 8x8 cells are drawn (`optdigit_ink`), and the names of their rows.
RENDERINGS = {"scan": "as scans", "blocky": "as blocks", "smooth": "smoothly enlarged"}


def classify(folder: Path, model: Path, *flags: str) -> dict[str, tuple[str, float]]:
    """{relative path: (digit, confidence)} as `python -m desktop classify` reads them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.csv"
        subprocess.run([sys.executable, "-m", "desktop", "classify", str(folder), "-r", "-q",
                        "--model", str(model), "--out", str(out), *flags], cwd=ROOT, check=False)
        with open(out, newline="", encoding="utf-8") as f:
            return {row["path"]: (row["digit"], float(row["confidence"] or 0))
                    for row in csv.DictReader(f)}


# ---------------------------------------------------------------- the development set

def optdigit_ink(cells: np.ndarray, side: int, rng: np.random.Generator, how: str) -> np.ndarray:
    """An 8x8 optdigits bitmap (0-16) enlarged to side x side ink (1 = ink): as a scan (hard
    cells softened by the scanner's optics), as hard blocks, or smoothly interpolated."""
    from PIL import Image, ImageFilter

    ink = Image.fromarray((cells * (255 / 16)).astype(np.uint8))
    if how == "smooth":
        return np.asarray(ink.resize((side, side), Image.Resampling.BICUBIC)) / 255.0
    ink = ink.resize((side, side), Image.Resampling.NEAREST)
    if how == "scan":
        ink = ink.filter(ImageFilter.GaussianBlur(side / 8 * rng.uniform(0.15, 0.35)))
    return np.asarray(ink) / 255.0


def on_paper(ink: np.ndarray, rng: np.random.Generator):
    """Ink on tinted paper with a margin and sensor noise, as a picture."""
    from PIL import Image

    margin = int(min(ink.shape) * rng.uniform(0.15, 0.5))
    paper, pen = rng.uniform(200, 250), rng.uniform(10, 70)
    page = np.full((ink.shape[0] + 2 * margin, ink.shape[1] + 2 * margin), paper, np.float32)
    page[margin:margin + ink.shape[0], margin:margin + ink.shape[1]] -= ink * (paper - pen)
    page += rng.normal(0, rng.uniform(1, 5), page.shape)
    return Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))


def write_optdigits(folder: Path, how: str, seed: int = 3) -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i, (cells, label) in enumerate(zip(digits.images, digits.target, strict=True)):
        picture = on_paper(optdigit_ink(cells, int(rng.integers(40, 161)), rng, how), rng)
        if rng.random() < 0.5:
            picture.save(folder / f"{i:04d}_{label}.jpg", quality=int(rng.integers(70, 96)))
        else:
            picture.save(folder / f"{i:04d}_{label}.png")


def write_numbers(folder: Path, seed: int = 4) -> None:
    """Numbers of 2-6 optdigits side by side, with the gaps people leave, scanned as one."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(NUMBERS):
        picks = rng.integers(0, len(digits.target), int(rng.integers(2, 7)))
        side = int(rng.integers(40, 121))
        parts = []
        for i in picks:
            parts += [optdigit_ink(digits.images[i], side, rng, "scan"),
                      np.zeros((side, int(side * rng.uniform(0.0, 0.25))))]
        text = "".join(str(digits.target[i]) for i in picks)
        on_paper(np.concatenate(parts[:-1], axis=1), rng).save(
            folder / f"number{n:03d}_{text}.png")


def dev_rows(name: str, folder: Path, models: dict[str, Path]) -> list[str]:
    files = image_files(folder)
    rows = []
    for model_name, model in models.items():
        read = classify(folder, model)
        digits = np.array([int(read.get(str(p.relative_to(folder)), ("-1", 0))[0] or -1)
                           for p in files])
        confidence = np.array([read.get(str(p.relative_to(folder)), ("", 0.0))[1]
                               for p in files])
        labels = np.array([label_of(p) for p in files])
        right = digits == labels
        sure = confidence >= 0.9
        per = " ".join(f"{d}:{right[labels == d].mean():.1%}" for d in range(10))
        rows.append(f"| {name}, {model_name} | **{right.mean():.2%}** | {per} | "
                    f"{sure.mean():.1%} given >= 90 %, {right[sure].mean():.2%} of them right |")
    return rows


def number_rows(folder: Path, single_accuracy: dict[str, float],
                models: dict[str, Path]) -> list[str]:
    files = image_files(folder)
    truth = {str(p.relative_to(folder)): p.stem.rsplit("_", 1)[1] for p in files}
    rows = []
    for model_name, model in models.items():
        read = classify(folder, model, "--multi-digit")
        whole = np.mean([read.get(path, ("", 0))[0] == text for path, text in truth.items()])
        lengths = np.array([len(text) for text in truth.values()])
        predicted = np.mean(single_accuracy[model_name] ** lengths)
        rows.append(f"| numbers of 2-6 of those digits ({len(files)}), {model_name} | "
                    f"**{whole:.2%}** read whole | accuracy ^ length predicts {predicted:.2%} | |")
    return rows


def as_numbers_rows(name: str, folder: Path, models: dict[str, Path]) -> list[str]:
    """Single digits read as numbers (`--multi-digit`, as File > Open reads a file): how many
    read right, and how many as two digits or more (a single digit should never be)."""
    files = image_files(folder)
    labels = [str(label_of(p)) for p in files]
    rows = []
    for model_name, model in models.items():
        read = classify(folder, model, "--multi-digit")
        got = [read.get(str(p.relative_to(folder)), ("", 0))[0] for p in files]
        right = np.mean([g == label for g, label in zip(got, labels, strict=True)])
        split = sum(len(g) > 1 for g in got)
        rows.append(f"| {name} read as numbers (`--multi-digit`), {model_name} | "
                    f"**{right:.2%}** | {split} read as two digits or more | |")
    return rows


# ---------------------------------------------------------------- styles, fonts, photos

def style_rows(models: dict[str, Path]) -> list[str]:
    from desktop.engine.classifier import Classifier
    from train.styles import STYLES, style_set

    mnist = load_mnist()
    classifiers = {name: Classifier(path) for name, path in models.items()}
    rows = ["| style, MNIST test digits | " + " | ".join(models) + " |",
            "| --- |" + " --- |" * len(models)]
    plain = mnist.x_test.astype(np.float32) / 255
    rows.append("| MNIST test set itself (10,000) | " + " | ".join(
        f"{(c.predict(plain).argmax(1) == mnist.y_test).mean():.2%}"
        for c in classifiers.values()) + " |")
    for name in STYLES:
        inputs, labels = style_set(name, mnist.x_test, mnist.y_test, seed=21, count=STYLE_COUNT)
        rows.append(f"| {name} ({len(labels)}) | " + " | ".join(
            f"{(c.predict(inputs).argmax(1) == labels).mean():.2%}"
            for c in classifiers.values()) + " |")
    return rows


def folder_rows(name: str, folder: Path, models: dict[str, Path],
                label=label_of) -> str:
    """Accuracy of each model on a folder whose file names carry the labels."""
    files = image_files(folder)
    truth = {str(p.relative_to(folder)): str(label(p)) for p in files}
    cells = []
    for model in models.values():
        read = classify(folder, model)
        right = [read.get(path, ("",))[0] == digit for path, digit in truth.items()]
        cells.append(f"{np.mean(right):.2%}")
    return f"| {name} ({len(files)}) | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=BUNDLED)
    parser.add_argument("--baseline", type=Path, help="a model to compare with, side by side")
    parser.add_argument("--record", metavar="HEADING")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    models = {"model": args.model} | ({"baseline": args.baseline} if args.baseline else {})
    out = ROOT / "bench" / "out" / "optdigits"
    for how in RENDERINGS:
        if not (out / how).is_dir() or len(image_files(out / how)) != 1797:
            write_optdigits(out / how, how)
    if not (out / "numbers").is_dir():
        write_numbers(out / "numbers")
    lines = ["| set | accuracy | per digit | confidence |", "| --- | --- | --- | --- |"]
    for how, name in RENDERINGS.items():
        lines += dev_rows(f"load_digits {name} (1,797)", out / how, models)
        print("\n".join(lines[-len(models):]), flush=True)
    single = {}
    for row, name in zip(lines[2:2 + len(models)], models, strict=True):
        single[name] = float(row.split("**")[1].rstrip("%")) / 100
    lines += number_rows(out / "numbers", single, models)
    for how, name in RENDERINGS.items():
        lines += as_numbers_rows(f"load_digits {name} (1,797)", out / how, models)
    lines += ["", *style_rows(models)]
    photos = build(load_mnist())["photos"]
    lines += [folder_rows("photo-like pictures of MNIST test digits", photos / "mnist", models),
              folder_rows("photo-like, three times the grain", grainy(load_mnist()), models),
              folder_rows("photo-like, in dim light (15-50 % of its brightness)",
                          dim(load_mnist()), models),
              folder_rows("photo-like, on paper printed as cheques are", printed(load_mnist()),
                          models),
              folder_rows("digits in 21 handwriting fonts", FONTS, models,
                          label=lambda p: p.name[0])]
    text = "\n".join(lines)
    print(text)
    if args.record:
        append_section(args.record, "python bench/generalize.py " + shlex.join(argv), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
