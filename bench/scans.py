"""Numbers in scans the way forms look, read with `classify --multi-digit`'s recipe.

`python -m bench scans [--count 300] [--seed 7]` makes numbers of 3-6 MNIST test digits (and of
scikit-learn's `load_digits`, smoothly enlarged) on grey paper, 40-80 px high, and reads each
through `desktop.engine.recipes.file_inputs(..., number=True)` and the bundled model, as batch
classification does. Kinds, each `count` numbers:

- plain: digits apart, uneven gaps, some slant and height jitter;
- touching: the same with one pair whose ink touches or overlaps;
- marks: thousands separators ("." or ","), a closing "-" or "=";
- ruled: ruled or patterned paper behind plain numbers.

`--digits validation` composes them of the bundled model's validation digits instead of
MNIST's test set (the 5,000 its training held out, by the seed on its card): the set to choose
the cutting's parameters on, leaving the test digits for the figures.

Prints each kind's whole-number accuracy and the time per image. `--pairs N` also reads N
numbers of exactly two digits whose ink touches (touching pairs alone). `--singles N` also
reads N single digits of the same source as numbers (half photo-like JPEGs, half enlarged
PNGs), as the app's File > Open image does: how many read right, and how many as two digits
or more (cutting touching digits must not cut one digit in two).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.options import load_models, model_options, record  # noqa: E402
from bench.record import mnist  # noqa: E402
from desktop.batch.cli import positive  # noqa: E402
from train.numbers import UNIT, crop, mark, scaled  # noqa: E402

KINDS = ("plain", "touching", "marks", "ruled")


DIGIT_SOURCES = ("test", "validation")


class Glyphs:
    """Digit glyphs (ink = 1, cropped) of MNIST's test set (or of the bundled model's
    validation digits) and of load_digits."""

    def __init__(self, source: str = "test") -> None:
        from sklearn.datasets import load_digits

        data = mnist()
        x, y = (data.x_test, data.y_test) if source == "test" else validation_digits(data)
        self.mnist = (x.astype(np.float32) / 255, y)
        small = load_digits()
        self.small = (small.images.astype(np.float32) / 16, small.target)

    def pick(self, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        images, labels = self.mnist if rng.random() < 0.7 else self.small
        i = int(rng.integers(len(images)))
        glyph = images[i]
        if glyph.shape[0] == 8:  # load_digits: smoothly enlarged, then sharpened to strokes
            glyph = np.clip((scaled(glyph, 32) - 0.25) * 2.0, 0, 1)
        return crop(glyph), int(labels[i])


def validation_digits(data) -> tuple[np.ndarray, np.ndarray]:
    """The MNIST training digits the bundled model's training held out for validation (its
    card's seed and split size, as `train.splits.split` draws them)."""
    from desktop.engine.classifier import bundled_model_path, read_card
    from train.config import TrainConfig
    from train.splits import split

    card = read_card(bundled_model_path())
    cfg = TrainConfig.recorded(card["training"]["parameters"])
    return split(data.x_train, data.y_train, cfg)[1]


def compose(rng: np.random.Generator, glyphs: Glyphs, kind: str,
            length: int | None = None) -> tuple[np.ndarray, str]:
    """The ink of one number (and its digits; 3-6 unless `length`), at UNIT pixels a digit."""
    length = length or int(rng.integers(3, 7))
    parts: list[tuple[np.ndarray, float]] = []
    label = ""
    touching = int(rng.integers(length - 1)) if kind == "touching" else -1
    gaps = []
    for k in range(length):
        glyph, digit = glyphs.pick(rng)
        height = int(rng.integers(UNIT - 3, UNIT + 2))
        parts.append((scaled(glyph, height), float(rng.uniform(-0.06, 0.06))))
        label += str(digit)
        gaps.append(int(rng.integers(-3, 0)) if k == touching else int(rng.integers(2, 8)))
        if kind == "marks" and (length - k - 1) % 3 == 0 and k < length - 1:
            parts.append(mark("." if rng.random() < 0.5 else ","))
            gaps.append(int(rng.integers(1, 4)))
    if kind == "marks":
        parts.append(mark("-" if rng.random() < 0.5 else "="))
    width = sum(p.shape[1] for p, _ in parts) + sum(max(g, 0) for g in gaps) + 12
    ink = np.zeros((UNIT + 12, width), np.float32)
    x = 6
    for (part, top), gap in zip(parts, [*gaps, 0][:len(parts)], strict=False):
        h, w = part.shape
        is_mark = h < UNIT / 2  # marks sit at a height; digits on the line, a little jitter
        y = 6 + round(top * UNIT) if is_mark else 6 + UNIT - h + round(top * 40)
        y = int(np.clip(y, 0, ink.shape[0] - h))
        ink[y:y + h, x:x + w] = np.maximum(ink[y:y + h, x:x + w], part)
        x += w + gap
    return crop_columns(ink), label


def crop_columns(ink: np.ndarray) -> np.ndarray:
    cols = np.flatnonzero(ink.any(axis=0))
    return ink[:, max(cols[0] - 6, 0):cols[-1] + 7]


def scan(ink: np.ndarray, rng: np.random.Generator, ruled: bool) -> bytes:
    """The ink on grey paper, 40-80 px high, a little noise; ruled or patterned when asked."""
    from PIL import Image

    height = int(rng.integers(40, 81))
    ink = scaled(ink, height)
    paper, pen = float(rng.uniform(0.72, 0.95)), float(rng.uniform(0.05, 0.35))
    page = np.full(ink.shape, paper, np.float32)
    if ruled:
        ys, xs = np.mgrid[:ink.shape[0], :ink.shape[1]]
        if rng.random() < 0.5:
            spacing = int(rng.integers(height // 4, height // 2))
            page -= 0.12 * ((ys % spacing) == spacing - 1)
        else:
            page -= 0.06 * (1 + np.sin((xs + ys) * float(rng.uniform(0.6, 1.2))))
    page = page - (paper - pen) * ink + rng.normal(0, 0.02, ink.shape).astype(np.float32)
    out = io.BytesIO()
    Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8)).save(out, "PNG")
    return out.getvalue()


def make_set(count: int, seed: int, source: str = "test") -> dict[str, list[tuple[bytes, str]]]:
    rng = np.random.default_rng(seed)
    glyphs = Glyphs(source)
    return {kind: scanned(rng, glyphs, kind, count) for kind in KINDS}


def touching_pairs(count: int, seed: int, source: str = "test") -> list[tuple[bytes, str]]:
    """`count` numbers of exactly two digits whose ink touches or overlaps, scanned."""
    return scanned(np.random.default_rng(seed), Glyphs(source), "touching", count, length=2)


def scanned(rng: np.random.Generator, glyphs: Glyphs, kind: str, count: int,
            length: int | None = None) -> list[tuple[bytes, str]]:
    """`count` numbers of a kind, each composed and scanned in turn: (PNG bytes, digits)."""
    items = []
    for _ in range(count):
        ink, label = compose(rng, glyphs, "plain" if kind == "ruled" else kind, length)
        items.append((scan(ink, rng, kind == "ruled"), label))
    return items


def save(sets: dict[str, list[tuple[bytes, str]]], folder: Path) -> None:
    """Each set's scans as PNGs in a folder of its own, named by their index and digits."""
    for kind, items in sets.items():
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for i, (data, label) in enumerate(items):
            (folder / kind / f"{i:04d}_{label}.png").write_bytes(data)


def read(items: list[tuple[bytes, str]], classifier) -> tuple[int, float, list]:
    from desktop.engine.recipes import file_inputs

    right, misses = 0, []
    start = time.perf_counter()
    for data, label in items:
        inputs = file_inputs(data, number=True, score=classifier.candidates)
        got = "".join(str(p.digit) for p in classifier.classify(inputs))
        right += got == label
        if got != label:
            misses.append((label, got))
    return right, (time.perf_counter() - start) / len(items), misses


def figures_of(classifier, sets: dict[str, list[tuple[bytes, str]]],
               misses: bool) -> tuple[dict[str, str], dict[str, str]]:
    """One model's whole-number accuracy and time per image, by kind."""
    accuracy, times, total = {}, {}, 0
    for kind, items in sets.items():
        right, each, missed = read(items, classifier)
        total += right
        accuracy[kind] = f"{right}/{len(items)} ({100 * right / len(items):.1f} %)"
        times[kind] = f"{1000 * each:.2f} ms"
        if misses:
            print(kind, missed[:40])
    n = sum(len(items) for items in sets.values())
    accuracy["all"] = f"{total}/{n} ({100 * total / n:.1f} %)"
    return accuracy, times


def single_digits(count: int, source: str = "test") -> list[tuple[bytes, str]]:
    """The first `count` MNIST test digits (or the bundled model's validation digits) as
    files: photo-like JPEGs and 2x enlarged PNGs (dark ink on white), alternately."""
    from PIL import Image

    from devtools.photos import photo

    data, rng, out = mnist(), np.random.default_rng(3), []
    x, y = (data.x_test, data.y_test) if source == "test" else validation_digits(data)
    for i in range(min(count, len(x))):
        buffer = io.BytesIO()
        if i % 2:
            Image.fromarray(255 - x[i]).resize((56, 56)).save(buffer, "PNG")
        else:
            photo(x[i], rng).convert("L").save(buffer, "JPEG", quality=85)
        out.append((buffer.getvalue(), str(y[i])))
    return out


def read_singles(items: list[tuple[bytes, str]], classifier) -> tuple[int, int]:
    """How many single digits read right as numbers, and how many as two digits or more."""
    from desktop.engine.recipes import file_inputs

    right = split = 0
    for data, label in items:
        inputs = file_inputs(data, number=True, score=classifier.candidates)
        got = "".join(str(p.digit) for p in classifier.classify(inputs))
        right += got == label
        split += len(got) > 1
    return right, split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scans", description=__doc__)
    parser.add_argument("--count", type=positive, default=300, help="numbers of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--save", type=Path, help="also write the scans as PNGs here")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--digits", choices=DIGIT_SOURCES, default="test",
                        help="compose the numbers of MNIST's test digits or of the bundled "
                             "model's validation digits (to choose parameters on)")
    parser.add_argument("--singles", type=int, default=0, metavar="N",
                        help="also read N single digits (of --digits) as numbers")
    parser.add_argument("--pairs", type=int, default=0, metavar="N",
                        help="also read N touching pairs alone (two digits whose ink touches)")
    model_options(parser)
    args = parser.parse_args(argv)
    if min(args.pairs, args.singles) < 0:
        parser.error("--pairs and --singles take a count of 0 or more")
    models = load_models(parser, args)
    sets = make_set(args.count, args.seed, args.digits)
    if args.save:
        save(sets, args.save)
    figures = [figures_of(classifier, sets, args.misses) for classifier in models.classifiers]
    names = models.names
    lines = ["| kind | " + " | ".join(f"read whole, {n} | per image" for n in names) + " |",
             "|---" * (2 * len(names) + 1) + "|"]
    for kind in [*KINDS, "all"]:
        lines.append(f"| {kind} | " + " | ".join(f"{a[kind]} | {t.get(kind, '')}"
                                                 for a, t in figures) + " |")
    if args.singles:
        lines += ["", "| single digits read as numbers | " + " | ".join(names) + " |",
                  "|---" * (len(names) + 1) + "|"]
        singles = single_digits(args.singles, args.digits)
        found = [read_singles(singles, classifier) for classifier in models.classifiers]
        lines.append(f"| read right (of {len(singles)}) | "
                     + " | ".join(str(right) for right, _ in found) + " |")
        lines.append("| read as two digits or more | "
                     + " | ".join(str(split) for _, split in found) + " |")
    if args.pairs:
        pairs = touching_pairs(args.pairs, args.seed, args.digits)
        lines += ["", "| touching pairs alone | " + " | ".join(names) + " |",
                  "|---" * (len(names) + 1) + "|",
                  f"| read whole (of {args.pairs}) | " + " | ".join(
                      str(read(pairs, classifier)[0]) for classifier in models.classifiers)
                  + " |"]
    print("\n".join(lines))
    record(args, "scans", argv, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
