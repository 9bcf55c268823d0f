"""Handwriting for the tests, the benchmarks and the executable's smoke test: digits drawn by
hand (devtools/data/hand_digits.json, each in a 60x100 box), and strokes of any digit (MNIST's,
traced by train/skeleton.py) scaled and placed where they are needed. NumPy only."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

Point = tuple[float, float]
Strokes = list[list[Point]]
PEN_STEP = 8.0        # pixels between a drawn stroke's points
PITCH = 85            # hand-drawn digits side by side: width 60 plus a gap of 25


def _load() -> dict[str, Strokes]:
    path = Path(__file__).parent / "data" / "hand_digits.json"
    return json.loads(path.read_text(encoding="utf-8"))["digits"]


HAND: dict[str, Strokes] = _load()


def moved(strokes: Sequence[Sequence[Point]], scale: float, dx: float = 0.0,
          dy: float = 0.0) -> Strokes:
    """Strokes scaled about the origin, then shifted."""
    return [[(dx + x * scale, dy + y * scale) for x, y in stroke] for stroke in strokes]


def written(text: str, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> Strokes:
    """A number in the hand-drawn digits, side by side."""
    return [s for i, d in enumerate(text) for s in moved(HAND[d], scale, dx + i * PITCH * scale,
                                                          dy)]


def densify(line: Sequence[Point], step: float = PEN_STEP) -> list[tuple[int, int]]:
    """Integer points at most step apart, as a pen's motion events would be: Tk merges motion
    events that queue up, and with close points a merged one barely changes the shape."""
    out = [(round(line[0][0]), round(line[0][1]))]
    for (x0, y0), (x1, y1) in pairwise(line):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        out += [(round(x0 + (x1 - x0) * k / n), round(y0 + (y1 - y0) * k / n))
                for k in range(1, n + 1)]
    return out


def fit_strokes(strokes: Strokes, canvas: dict, height_fraction: float = 0.6,
                left: float | None = None) -> list[list[tuple[int, int]]]:
    """Hand-drawn strokes scaled to height_fraction of the canvas, centred, as pen points."""
    scale = height_fraction * canvas["height"] / 100
    x0 = (canvas["width"] - 60 * scale) / 2 if left is None else left
    y0 = (canvas["height"] - 100 * scale) / 2
    return [densify(line) for line in moved(strokes, scale, x0, y0)]


def number_strokes(text: str, canvas: dict, height_fraction: float = 0.35):
    """A number in the hand-drawn digits across the canvas's middle (smaller than
    height_fraction if it would not fit the width), as pen points."""
    width_units = PITCH * len(text) - 25
    scale = min(height_fraction * canvas["height"] / 100, 0.9 * canvas["width"] / width_units)
    left = (canvas["width"] - width_units * scale) / 2
    y0 = (canvas["height"] - 100 * scale) / 2
    return [densify(line) for line in written(text, scale, left, y0)]


# Numbers as people write them, in the hand-drawn digits' units (each digit 60x100): digits at
# these left offsets, so that some touch; "-" a dash and "." a dot after the digit before.
LAYOUTS: dict[str, list[tuple[str, float]]] = {
    "100": [("1", 0), ("0", 40), ("0", 96)],            # the two zeros touch
    "132": [("1", 0), ("3", 28), ("2", 85)],            # the 1 touches the 3
    "60": [("6", 0), ("0", 52)],                        # 6 and 0 touch
    "150-": [("1", 0), ("5", 45), ("0", 115), ("-", 195)],  # a dash closes the amount
    "12.50": [("1", 0), ("2", 45), (".", 118), ("5", 135), ("0", 205)],  # a separator dot
}
MARKS: dict[str, Strokes] = {"-": [[(0, 55), (40, 55)]], ".": [[(0, 96)]]}


def laid_out(text: str, canvas: dict, height_fraction: float = 0.35):
    """The number `text` of LAYOUTS across the canvas's middle, as pen points."""
    parts = LAYOUTS[text]
    width_units = max(x for _, x in parts) + 60
    scale = min(height_fraction * canvas["height"] / 100, 0.9 * canvas["width"] / width_units)
    left = (canvas["width"] - width_units * scale) / 2
    y0 = (canvas["height"] - 100 * scale) / 2
    return [densify(line) for part, x in parts
            for line in moved(MARKS.get(part) or HAND[part], scale, left + x * scale, y0)]


def place(strokes: Strokes, box: tuple[float, float, float, float], canvas: tuple[int, int],
          fraction: float, where: tuple[float, float],
          margin: float = 0.0) -> list[list[tuple[int, int]]]:
    """Integer canvas points of traced strokes: the digit's longer side is fraction of the
    canvas's shorter side, its top-left corner at where (0..1 each) of the room around it."""
    left, top, right, bottom = box
    scale = fraction * min(canvas) / max(right - left, bottom - top)
    width, height = (right - left) * scale, (bottom - top) * scale
    x0 = margin + where[0] * max(0.0, canvas[0] - width - 2 * margin)
    y0 = margin + where[1] * max(0.0, canvas[1] - height - 2 * margin)
    return [[(round(x0 + (x - left) * scale), round(y0 + (y - top) * scale)) for x, y in line]
            for line in strokes]


def random_placements(count: int, canvas: tuple[int, int], seed: int,
                      fractions: tuple[float, float] = (0.45, 0.80)):
    """(fraction, where) pairs: sizes filling 45-80 % of the canvas, anywhere on it."""
    rng = np.random.default_rng(seed)
    return [(float(rng.uniform(*fractions)), (float(rng.uniform()), float(rng.uniform())))
            for _ in range(count)]


__all__ = ["HAND", "LAYOUTS", "densify", "fit_strokes", "laid_out", "moved", "number_strokes",
           "place", "random_placements", "written"]
