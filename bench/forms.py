"""Numbers written on a form's printed lines, read with `classify --multi-digit`'s recipe.

`python -m bench forms [--count 200] [--seed 5] [--digits validation]` makes the plain numbers
of `bench scans` (3-6 MNIST and `load_digits` digits, grey paper, 40-80 px high) on the lines
forms print around handwriting, each kind `count` numbers:

- none: no line (the same numbers, for comparison);
- underlined: a line through or just below the digits' feet;
- boxed: a box around the number, its top and bottom through the tallest digits' ends or a
  little apart;
- comb: the same box with a divider in each gap between digits (a box per digit);
- grid: squared paper, a line every half to whole of the digits' height, both ways.

The lines are 1-2 px thick at the digits' own scale (a tenth to a twentieth of their height
once scaled), from 40 % as dark as the ink to as dark. `--tilt D` turns each scan by up to D
degrees either way (a scan askew). Prints each kind's whole-number accuracy and time per image;
`--model`/`--baseline` as in `bench scans`.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.options import load_models, model_options, record  # noqa: E402
from bench.scans import DIGIT_SOURCES, Glyphs, compose, read, save  # noqa: E402
from desktop.batch.cli import positive  # noqa: E402
from train.numbers import scaled  # noqa: E402

FORMS = ("none", "underlined", "boxed", "comb", "grid")
MARGIN = 8  # px of paper around the number, at the digits' scale


def printed(ink: np.ndarray, rng: np.random.Generator, form: str) -> np.ndarray:
    """The form's lines where the ink is (1 = as dark as the darkest ink)."""
    h, w = ink.shape
    lines = np.zeros_like(ink)
    if form == "none":
        return lines
    t = int(rng.integers(1, 3))
    rows = np.flatnonzero(ink.max(axis=1) > 0.3)
    if form == "underlined":
        y = min(rows[-1] + int(rng.integers(-2, 3)), h - t)
        lines[y:y + t, 2:w - 2] = 1
    elif form in ("boxed", "comb"):
        top = max(rows[0] - int(rng.integers(-1, 5)), 0)  # through the tallest digits' tops
        bottom = min(rows[-1] + int(rng.integers(-1, 5)), h - t)  # to a little apart
        lines[top:top + t, 2:w - 2] = lines[bottom:bottom + t, 2:w - 2] = 1
        sides = [2, w - 2 - t] + (_gaps(ink) if form == "comb" else [])
        for x in sides:
            lines[top:bottom + t, x:x + t] = 1
    else:
        spacing = int(rng.integers(len(rows) // 2, len(rows) + 1))  # squares of a digit or less
        start = int(rng.integers(2, spacing))
        for at in range(start, h - 2, spacing):
            lines[at:at + t] = 1
        for at in range(start, w - 2, spacing):
            lines[:, at:at + t] = 1
    return lines * float(rng.uniform(0.4, 1.0))


def _gaps(ink: np.ndarray) -> list[int]:
    """The middle column of each run of paper between two digits' ink."""
    inked = np.flatnonzero(ink.max(axis=0) > 0.1)
    apart = np.flatnonzero(np.diff(inked) > 1)
    return [int(inked[i] + inked[i + 1]) // 2 for i in apart]


def on_form(ink: np.ndarray, rng: np.random.Generator, form: str, tilt: float = 0.0) -> bytes:
    """The number with MARGIN of paper around, the form's lines, scanned grey 40-80 px high;
    with `tilt`, turned by up to that many degrees either way, as a scan lies askew."""
    from PIL import Image

    ink = np.pad(ink, MARGIN)
    ink = np.maximum(ink, printed(ink, rng, form))
    ink = scaled(ink, int(rng.integers(40, 81)) * ink.shape[0] // (ink.shape[0] - 2 * MARGIN))
    paper, pen = float(rng.uniform(0.72, 0.95)), float(rng.uniform(0.05, 0.35))
    page = paper - (paper - pen) * ink + rng.normal(0, 0.02, ink.shape).astype(np.float32)
    picture = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8))
    if tilt:
        picture = picture.rotate(float(rng.uniform(-tilt, tilt)), Image.BILINEAR, expand=True,
                                 fillcolor=round(paper * 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def make_forms(count: int, seed: int, source: str,
               tilt: float = 0.0) -> dict[str, list[tuple[bytes, str]]]:
    """The same `count` numbers on each form (one seed draws the numbers, one the lines)."""
    glyphs = Glyphs(source)
    numbers_rng = np.random.default_rng(seed)
    numbers = [compose(numbers_rng, glyphs, "plain") for _ in range(count)]
    sets = {}
    for k, form in enumerate(FORMS):
        rng = np.random.default_rng([seed, k])
        sets[form] = [(on_form(ink, rng, form, tilt), label) for ink, label in numbers]
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench forms", description=__doc__)
    parser.add_argument("--count", type=positive, default=200, help="numbers of each form")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--digits", choices=DIGIT_SOURCES, default="test")
    parser.add_argument("--tilt", type=float, default=0.0, metavar="DEGREES",
                        help="turn each scan by up to this many degrees either way")
    parser.add_argument("--save", type=Path, help="also write the scans as PNGs here")
    model_options(parser)
    args = parser.parse_args(argv)
    models = load_models(parser, args)
    sets = make_forms(args.count, args.seed, args.digits, args.tilt)
    if args.save:
        save(sets, args.save)
    names = models.names
    found = [{form: read(items, classifier)[:2] for form, items in sets.items()}
             for classifier in models.classifiers]
    lines = ["| form | " + " | ".join(f"read whole, {n} | per image" for n in names) + " |",
             "|---" * (2 * len(names) + 1) + "|"]
    for form in FORMS:
        lines.append(f"| {form} | " + " | ".join(
            f"{read_of[form][0]}/{args.count} ({100 * read_of[form][0] / args.count:.1f} %) | "
            f"{1000 * read_of[form][1]:.2f} ms" for read_of in found) + " |")
    print("\n".join(lines))
    record(args, "forms", argv, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
