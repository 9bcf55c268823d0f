"""Real pen ink read through the canvas recipe directly (no window): a quick, repeatable sweep.

`python -m bench ink [--numbers 400] [--digits 400] [--seed 7]` reads a fixed-seed sample of
`../shared/datasets/dev/crohme_numbers.json.gz` and `crohme_digits.json.gz`, each item placed on
a 440x360 canvas the way `../shared/tools/replay_ink.py` places it (a number 30-50 % of the
canvas high, a digit 45-80 %), with the app's default brush, and prints how many read whole,
the digits' accuracy and the whole-number accuracy it predicts (accuracy^length), the digits
read as two or more, and the recipe's time per number. `--model PATH` reads with another model
(a candidate from `python -m export`), `--baseline PATH` adds a second column with one more;
`--pen-paths` keeps only some of what the pen's path says (`engine/pen.py`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.options import load_models, model_options, record  # noqa: E402

DEV = ROOT.parent / "shared" / "datasets" / "dev"
CANVAS = {"x": 0, "y": 0, "width": 440, "height": 360}   # the app's starting canvas
BRUSH = 22                                             # its default brush on that canvas


def load(name: str) -> list[dict]:
    with gzip.open(DEV / name, "rt") as f:
        return json.load(f)


def pick(items: list[dict], n: int, numbers: bool, rnd: random.Random) -> list[dict]:
    """n items: numbers at random; digits, the same count of each, spread over writers (as the
    replay tool picks them)."""
    if numbers:
        items = items[:]
        rnd.shuffle(items)
        return items[:n]
    out: list[dict] = []
    for label in sorted({x["label"] for x in items}):
        pool = [x for x in items if x["label"] == label]
        rnd.shuffle(pool)
        seen: set = set()
        first, rest = [], []
        for x in pool:
            (rest if x.get("writer") in seen else first).append(x)
            seen.add(x.get("writer"))
        out += (first + rest)[: max(1, n // 10)]
    rnd.shuffle(out)
    return out[:n]


def place(item: dict, numbers: bool, rnd: random.Random) -> list[list[tuple[float, float]]]:
    """The item's strokes scaled and moved onto the canvas as the replay tool draws them."""
    points = [p for s in item["strokes"] for p in s]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    w, h = max(max(xs) - min(xs), 1e-3), max(max(ys) - min(ys), 1e-3)
    width, height = CANVAS["width"], CANVAS["height"]
    if numbers:
        scale = min(rnd.uniform(0.3, 0.5) * height / h, 0.85 * width / w)
    else:
        scale = rnd.uniform(0.45, 0.8) * min(width, height) / max(w, h)
    x0 = rnd.uniform(0.05, max(0.05, 0.95 - w * scale / width)) * width
    y0 = rnd.uniform(0.05, max(0.05, 0.95 - h * scale / height)) * height
    return [[(x0 + (x - min(xs)) * scale, y0 + (y - min(ys)) * scale) for x, y in s]
            for s in item["strokes"]]


def read_all(items: list[dict], numbers: bool, seed: int, classifier) -> dict:
    from desktop.engine.reading import read_strokes

    rnd = random.Random(seed + 1)
    right, times, misses, lengths = 0, [], [], Counter()
    for item in items:
        strokes = place(item, numbers, rnd)
        start = time.perf_counter()
        got = "".join(map(str, read_strokes(strokes, BRUSH, classifier).digits))
        times.append(time.perf_counter() - start)
        right += got == item["label"]
        lengths[len(got)] += 1
        if got != item["label"]:
            misses.append((item["label"], got))
    times.sort()
    return {"right": right, "n": len(items), "misses": misses, "lengths": lengths,
            "median_ms": 1000 * times[len(times) // 2] if times else None}


def _share(right: int, n: int) -> str:
    return f"{right}/{n} ({100 * right / n:.1f} %)" if n else "–"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} ms"


def figures_of(classifier, digit_set: list[dict], numbers_set: list[dict], seed: int) -> dict:
    """One model's reading of the digits and numbers: the table's rows, and the misses."""
    digits = read_all(digit_set, False, seed, classifier)
    numbers = read_all(numbers_set, True, seed, classifier)
    several = sum(c for k, c in digits["lengths"].items() if k > 1)
    predicted = "–"  # with no digits or no numbers read (--digits 0, --numbers 0)
    if digits["n"] and numbers_set:
        accuracy = digits["right"] / digits["n"]
        whole = sum(accuracy ** len(x["label"]) for x in numbers_set) / len(numbers_set)
        predicted = f"{100 * whole:.1f} %"
    rows = [("crohme_digits, read right", _share(digits["right"], digits["n"])),
            ("crohme_digits read as two or more digits", str(several)),
            ("crohme_numbers, read whole", _share(numbers["right"], numbers["n"])),
            ("crohme_numbers, predicted by the digits' accuracy (accuracy^length)", predicted),
            ("recipe + inference, median per number", _ms(numbers["median_ms"])),
            ("recipe + inference, median per digit", _ms(digits["median_ms"]))]
    return {"rows": rows, "digits": digits, "numbers": numbers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ink", description=__doc__)
    parser.add_argument("--numbers", type=int, default=400)
    parser.add_argument("--digits", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--misses", action="store_true", help="print every misread")
    parser.add_argument("--pen-paths", metavar="NAMES",
                        help="only these of engine/pen.py's PATHS, by test name, comma-separated "
                             "('' for none): what each adds")
    model_options(parser)
    args = parser.parse_args(argv)
    from desktop.engine import pen

    if args.pen_paths is not None:
        names = set(filter(None, args.pen_paths.split(",")))
        unknown = names - {path[0].__name__ for path in pen.PATHS}
        if unknown:
            parser.error(f"no such pen path: {', '.join(sorted(unknown))}")
        pen.PATHS = tuple(path for path in pen.PATHS if path[0].__name__ in names)

    models = load_models(parser, args)
    rnd = random.Random(args.seed)
    digit_set = pick(load("crohme_digits.json.gz"), args.digits, False, rnd)
    numbers_set = pick(load("crohme_numbers.json.gz"), args.numbers, True, rnd)
    figures = [figures_of(classifier, digit_set, numbers_set, args.seed)
               for classifier in models.classifiers]
    names = models.names
    lines = ["| what | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for key, _ in figures[0]["rows"]:
        lines.append(f"| {key} | " + " | ".join(dict(f["rows"])[key] for f in figures) + " |")
    print("\n".join(lines))
    if args.misses:
        print("digits misread (want, got):", figures[0]["digits"]["misses"])
        print("numbers misread (want, got):", figures[0]["numbers"]["misses"])
    record(args, "ink", argv, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
