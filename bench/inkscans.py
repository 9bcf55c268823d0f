"""Real pen-written numbers as scans: other people's handwriting in pictures, not MNIST's.

`python -m bench inkscans [--count 600] [--seed 4] [--pen 0.05 0.1]` takes `count` numbers of
`../shared/datasets/dev/crohme_numbers.json.gz` (real tablet ink, 262 writers, each number in
its writer's own layout), draws each with a pen of the given width (x the digits' height: 0.05
a ballpoint, 0.1 a felt tip) on grey paper 40-80 px high, softened as a scanner's optics do,
with paper noise, as PNG or JPEG, and reads it through `file_inputs(..., number=True)` as
`classify --multi-digit` does. Prints how many numbers read whole per pen, side by side for
`--model` and `--baseline`; `--misses` lists what was misread. The same ink read on the canvas
is `bench ink`: the difference is what the picture loses of the pen's order and lifts.
`--amounts` reads amounts as cheques show them instead: each number, a separator (".", ","
or "'"), a number of the same writer and a closing mark (none, ".-", "-" or "="), the marks
drawn with the same pen; only the digits count. `--printed` draws them on paper printed with a
security pattern as cheques are (guilloche, hatching at any angle or a dot screen, 4-9 px apart,
0.1-0.3 darker than the paper where it is printed), and reads as many empty fields of that
paper, which should read blank.
"""

from __future__ import annotations

import argparse
import functools
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ink import load  # noqa: E402
from bench.options import load_models, model_options, record  # noqa: E402
from bench.scans import read  # noqa: E402
from desktop.batch.cli import positive  # noqa: E402
from devtools.photos import security_pattern  # noqa: E402

SUPERSAMPLE = 4   # strokes drawn this much larger, then reduced: smooth edges as a scan has


def scanned_ink(strokes: list[list[list[float]]], rng: np.random.Generator,
                pen: float, printed: bool = False) -> bytes:
    """A number's strokes (y down, any unit) drawn with a pen `pen` x its height wide on grey
    paper 40-80 px high (`printed`: with a security pattern), softened and noisy, as PNG or
    JPEG bytes."""
    from PIL import Image, ImageDraw

    height = int(rng.integers(40, 81))
    points = [np.asarray(stroke, np.float64).reshape(-1, 2) for stroke in strokes]
    every = np.concatenate(points)
    origin, margin = every.min(axis=0), height // 2
    scale = height / max(float(np.ptp(every[:, 1])), 1e-6)
    width = int(float(np.ptp(every[:, 0])) * scale) + 2 * margin
    big = Image.new("L", (width * SUPERSAMPLE, (height + 2 * margin) * SUPERSAMPLE), 0)
    draw, brush = ImageDraw.Draw(big), max(1, round(pen * height * SUPERSAMPLE))
    for stroke in points:
        xy = [tuple(p) for p in ((stroke - origin) * scale + margin) * SUPERSAMPLE]
        draw.line(xy * (2 if len(xy) == 1 else 1), fill=255, width=brush, joint="curve")
        for x, y in (xy[0], xy[-1]):  # round ends, as a pen's
            draw.ellipse([x - brush / 2, y - brush / 2, x + brush / 2, y + brush / 2], fill=255)
    ink = np.asarray(big.resize((width, height + 2 * margin), Image.Resampling.BOX),
                     np.float32) / 255
    return scan_of(ink, rng, printed)


def scan_of(ink: np.ndarray, rng: np.random.Generator, printed: bool) -> bytes:
    """Ink (1 = the pen's) on grey paper (`printed`: with a security pattern), softened and
    noisy, as PNG or JPEG bytes."""
    from PIL import Image, ImageFilter

    paper, dark = float(rng.uniform(0.72, 0.95)), float(rng.uniform(0.05, 0.35))
    page = paper - float(rng.uniform(0.1, 0.3)) * security_pattern(ink.shape, rng) if printed \
        else np.float32(paper)
    page = page - (page - dark) * ink + rng.normal(0, 0.02, ink.shape)
    picture = Image.fromarray((np.clip(page, 0, 1) * 255).astype(np.uint8))
    picture = picture.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    if rng.random() < 0.5:
        picture.save(out, "JPEG", quality=int(rng.integers(70, 96)))
    else:
        picture.save(out, "PNG")
    return out.getvalue()


@functools.cache
def development_numbers() -> list[dict]:
    """The development set's numbers, read once (`amounts` finds each writer's among them)."""
    return load("crohme_numbers.json.gz")


def numbers(count: int, seed: int) -> list[dict]:
    """`count` numbers of the development set, at random."""
    items = development_numbers()
    chosen = np.random.default_rng(seed).choice(len(items), min(count, len(items)),
                                                replace=False)
    return [items[i] for i in chosen]


SEPARATORS = (".", ",", "'")   # between thousands, as cheques are written
CLOSINGS = ("", ".-", "-", "=")  # after the amount


def amounts(items: list[dict], seed: int) -> list[dict]:
    """Each number followed, as on a cheque, by a separator and another number of the same
    writer (3 digits as a rule: one of theirs, its digits in their own hand), and a closing
    mark: "12.345.-". The separator and the closing mark are pen strokes of the digits' size
    (the items are 1000 units high); the label is the digits alone."""
    rng = np.random.default_rng(seed)
    by_writer: dict[str, list[dict]] = {}
    for item in development_numbers():
        by_writer.setdefault(item["writer"], []).append(item)
    out = []
    for item in items:
        mine = by_writer.get(item["writer"]) or [item]
        threes = [m for m in mine if len(m["label"]) == 3] or mine
        partner = threes[rng.integers(len(threes))]
        strokes = [np.asarray(s, np.float64).reshape(-1, 2) for s in item["strokes"]]
        right = max(float(s[:, 0].max()) for s in strokes)
        gap = float(rng.uniform(150, 300))
        strokes.append(_separator(str(rng.choice(SEPARATORS)), right + gap / 2, rng))
        start = right + gap
        for stroke in partner["strokes"]:
            strokes.append(np.asarray(stroke, np.float64).reshape(-1, 2) + np.array([start, 0.0]))
        end = max(float(s[:, 0].max()) for s in strokes) + float(rng.uniform(80, 200))
        strokes += _closing(str(rng.choice(CLOSINGS)), end, rng)
        out.append({"label": item["label"] + partner["label"], "writer": item["writer"],
                    "strokes": [s.tolist() for s in strokes]})
    return out


def _separator(kind: str, x: float, rng: np.random.Generator) -> np.ndarray:
    """A "." (a dab), "," (a tick down past the baseline) or "'" (a tick at the top)."""
    dab = float(rng.uniform(15, 40))
    if kind == ".":
        return np.array([(x - dab, 980.0), (x, 1000.0 - dab), (x + dab / 2, 990.0)])
    top = 0.0 if kind == "'" else 950.0
    return np.array([(x, top), (x - 40.0, top + float(rng.uniform(120, 200)))])


def _closing(kind: str, x: float, rng: np.random.Generator) -> list[np.ndarray]:
    """A closing ".-" (a dab, then a dash at mid-height), "-" or "=", from column `x`."""
    long = float(rng.uniform(300, 550))
    marks = []
    if kind == ".-":
        marks.append(_separator(".", x, rng))
        x += 120
    if kind in (".-", "-"):
        marks.append(np.array([(x, 520.0), (x + long, 500.0)]))
    if kind == "=":
        marks += [np.array([(x, 400.0), (x + long, 390.0)]),
                  np.array([(x, 620.0), (x + long, 610.0)])]
    return marks


def empty_fields(count: int, seed: int) -> list[tuple[bytes, str]]:
    """`count` fields of the printed paper with nothing written in them, as high as the
    numbers' pictures (the digits 40-80 px) and 2-8 times as wide, scanned as they are: each
    should read blank."""
    rng = np.random.default_rng(seed)
    fields = []
    for _ in range(count):
        height = int(rng.integers(40, 81))
        blank = np.zeros((2 * height, int(height * rng.uniform(2, 8))), np.float32)
        fields.append((scan_of(blank, rng, printed=True), ""))
    return fields


def read_scans(items: list[dict], pen: float, classifier,
               printed: bool = False) -> tuple[int, list[tuple[str, str]]]:
    """How many of the numbers, scanned with this pen (on printed paper), read whole; and the
    misreadings."""
    rng = np.random.default_rng(11)
    scans = [(scanned_ink(item["strokes"], rng, pen, printed), item["label"]) for item in items]
    right, _, misses = read(scans, classifier)
    return right, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench inkscans", description=__doc__)
    parser.add_argument("--count", type=positive, default=600)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--pen", type=float, nargs="+", default=[0.05, 0.1],
                        help="pen widths, x the digits' height")
    parser.add_argument("--amounts", action="store_true",
                        help="read amounts as on cheques: each number, a separator, another "
                             "number of its writer and a closing mark (\"12.345.-\")")
    parser.add_argument("--printed", action="store_true",
                        help="on paper printed with a security pattern, as cheques are "
                             "(guilloche, hatching or a dot screen)")
    parser.add_argument("--misses", action="store_true", help="print every misread")
    model_options(parser)
    args = parser.parse_args(argv)
    if not all(0 < pen <= 0.5 for pen in args.pen):
        parser.error("--pen takes widths above 0 and at most 0.5 (x the digits' height)")
    models = load_models(parser, args)
    items = numbers(args.count, args.seed)
    if args.amounts:
        items = amounts(items, args.seed)
    names = models.names
    lines = ["| pen (x height) | " + " | ".join(f"read whole, {n}" for n in names) + " |",
             "|---" * (len(names) + 1) + "|"]
    for pen in args.pen:
        found = [read_scans(items, pen, classifier, args.printed)
                 for classifier in models.classifiers]
        lines.append(f"| {pen:g} | " + " | ".join(
            f"{right}/{len(items)} ({100 * right / len(items):.1f} %)" for right, _ in found)
            + " |")
        if args.misses:
            for name, (_, missed) in zip(names, found, strict=True):
                print(f"{name}, pen {pen:g}: {missed}")
    if args.printed:
        fields = empty_fields(args.count, args.seed)
        lines += ["", "| empty fields of that paper | " + " | ".join(
            f"read blank, {n}" for n in names) + " |", "|---" * (len(names) + 1) + "|",
            f"| {len(fields)} | " + " | ".join(
                f"{read(fields, classifier)[0]}/{len(fields)}"
                for classifier in models.classifiers) + " |"]
    print("\n".join(lines))
    record(args, "inkscans", argv, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
