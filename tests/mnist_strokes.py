"""Placing traced MNIST digits on the canvas, as a person would draw them there."""

from __future__ import annotations

import numpy as np

from train.skeleton import Point, trace  # noqa: F401  (re-exported for the tests)


def place(strokes: list[list[Point]], box: tuple[float, float, float, float],
          canvas: tuple[int, int], fraction: float, where: tuple[float, float],
          margin: float = 0.0) -> list[list[tuple[int, int]]]:
    """Integer canvas points: the digit's longer side is fraction of the canvas's shorter side,
    and its top-left corner is at where (0..1 each) of the room left around it."""
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
