"""MNIST digits turned into pen strokes: for re-rendering them in other pens and styles when
training, and for drawing them through the real window in the tests.

The digit is enlarged, thresholded and thinned to a one-pixel skeleton (Zhang-Suen); the
skeleton's pixel graph is walked into polylines and simplified.
"""

from __future__ import annotations

import numpy as np

from desktop.engine.frame import ink_box
from desktop.engine.resample import resize
from desktop.engine.segment import label_components

UPSAMPLE = 4            # thin at 112x112: smoother skeletons than at 28x28
THRESHOLD = 0.4         # of the enlarged digit's peak
SPECK = 0.1           # dust, not part of the digit: under a tenth of the largest part
TOLERANCE = 1.2         # Ramer-Douglas-Peucker tolerance, in enlarged pixels
STEPS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # clockwise

Pixel = tuple[int, int]
Point = tuple[float, float]


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean mask to a one-pixel-wide skeleton."""
    image = np.pad(mask.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            h, w = image.shape
            p = [image[1 + dy:h - 1 + dy, 1 + dx:w - 1 + dx] for dy, dx in STEPS]
            filled = sum(q.astype(np.int32) for q in p)
            turns = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.int32) for i in range(8))
            n, e, s, w_ = p[0], p[2], p[4], p[6]
            side = ((n * e * s == 0) & (e * s * w_ == 0)) if step == 0 \
                else ((n * e * w_ == 0) & (n * s * w_ == 0))
            delete = (image[1:-1, 1:-1] == 1) & (filled >= 2) & (filled <= 6) & (turns == 1) & side
            if delete.any():
                image[1:-1, 1:-1][delete] = 0
                changed = True
    return image[1:-1, 1:-1].astype(bool)


def pixel_graph(skeleton: np.ndarray) -> dict[Pixel, set[Pixel]]:
    """8-neighbour adjacency, without diagonals that an L-shaped pair of steps already covers."""
    pixels = {(int(y), int(x)) for y, x in zip(*np.nonzero(skeleton), strict=True)}
    graph: dict[Pixel, set[Pixel]] = {p: set() for p in pixels}
    for y, x in pixels:
        for dy, dx in STEPS:
            q = (y + dy, x + dx)
            if q not in pixels:
                continue
            if dy and dx and ((y, x + dx) in pixels or (y + dy, x) in pixels):
                continue
            graph[(y, x)].add(q)
    return graph


def _walk(graph: dict[Pixel, set[Pixel]], start: Pixel) -> list[Pixel]:
    """Follow unused edges from start, going as straight as possible at junctions."""
    path, heading = [start], (0, 0)
    while graph[path[-1]]:
        here = path[-1]
        step = max(graph[here], key=lambda q: (q[0] - here[0]) * heading[0]
                   + (q[1] - here[1]) * heading[1])
        graph[here].discard(step)
        graph[step].discard(here)
        heading = (step[0] - here[0], step[1] - here[1])
        path.append(step)
    return path


def polylines(skeleton: np.ndarray) -> list[list[Point]]:
    """The skeleton as (x, y) polylines: from loose ends first, then around closed loops."""
    graph = pixel_graph(skeleton)
    lines = [[(x + 0.5, y + 0.5)] for (y, x), near in graph.items() if not near]  # lone dots
    while True:
        ends = [p for p, near in graph.items() if len(near) == 1]
        left = [p for p, near in graph.items() if near]
        if not left:
            return lines
        lines.append([(x + 0.5, y + 0.5) for y, x in _walk(graph, min(ends or left))])


def simplify(line: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Ramer-Douglas-Peucker: keep only the points that bend the line by more than tolerance."""
    if len(line) < 3:
        return line
    points = np.asarray(line, np.float64)
    chord = points[-1] - points[0]
    length = float(np.hypot(*chord))
    offsets = points - points[0]
    dist = np.hypot(*offsets.T) if length == 0 else \
        np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
    worst = int(dist.argmax())
    if dist[worst] <= tolerance:
        return [line[0], line[-1]]
    return simplify(line[:worst + 1], tolerance)[:-1] + simplify(line[worst:], tolerance)


def without_specks(mask: np.ndarray) -> np.ndarray:
    """The mask without scanner dust: parts with under SPECK of the largest part's pixels."""
    labels, count = label_components(mask)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0
    return sizes[labels] >= SPECK * sizes.max()


def trace(digit: np.ndarray) -> tuple[list[list[Point]], tuple[float, float, float, float]]:
    """Strokes tracing an MNIST digit (uint8 28x28), and the ink's box (left, top, right,
    bottom), both in enlarged pixels."""
    big = resize(digit.astype(np.float32) / 255.0, 28 * UPSAMPLE, 28 * UPSAMPLE)
    mask = without_specks(big > THRESHOLD * big.max())
    top, bottom, left, right = ink_box(mask)
    return [simplify(line) for line in polylines(thin(mask))], (left, top, right, bottom)
