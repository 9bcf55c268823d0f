"""Pen strokes → ink map: anti-aliased round-capped capsules, rasterized in NumPy (no screen
grab), with the pen kept within MNIST's proportions of the writing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from desktop.engine.frame import MAX_STROKE_RATIO, MIN_STROKE_RATIO
from desktop.engine.grouping import stroke_boxes

SIMPLIFY = 0.25             # stroke points this close to a straight line, in output pixels, go
MARK_HEIGHT = 0.5           # lower strokes (x the tallest digit) are marks: no digit's height

Point = tuple[float, float]
Stroke = Sequence[Point]


def render_strokes(strokes: Sequence[Stroke], height: int, width: int, thickness: float,
                   scale: float = 1.0, each: bool = False) -> np.ndarray:
    """Anti-aliased round-capped strokes on a (height*scale, width*scale) ink map; with `each`,
    one map per stroke (n, h, w), so that strokes can be grouped into digits afterwards."""
    out_h, out_w = max(1, round(height * scale)), max(1, round(width * scale))
    ink = np.zeros((len(strokes) if each else 1, out_h, out_w), np.float32)
    radius = max(thickness * scale / 2.0, 0.5)
    starts, ends, owner = _pieces(strokes, scale, step=max(1.0, radius))
    if len(starts):
        _draw_capsules(ink, owner if each else np.zeros_like(owner), starts, ends, radius)
    return ink if each else ink[0]


def _simplify(points: np.ndarray, tolerance: float = SIMPLIFY) -> np.ndarray:
    """Ramer-Douglas-Peucker: the points that bend the line by more than tolerance. A pen's
    motion events come far closer than a stroke needs, and each segment costs drawing work."""
    if len(points) <= 2:
        return points
    start, end = points[0], points[-1]
    chord = end - start
    offsets = points[1:-1] - start
    length = float(np.hypot(chord[0], chord[1]))
    if length == 0:
        dist = np.hypot(offsets[:, 0], offsets[:, 1])
    else:
        dist = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
    worst = int(dist.argmax()) + 1
    if dist[worst - 1] <= tolerance:
        return points[[0, -1]]
    return np.concatenate([_simplify(points[:worst + 1], tolerance)[:-1],
                           _simplify(points[worst:], tolerance)])


def _pieces(strokes: Sequence[Stroke], scale: float, step: float) -> tuple[np.ndarray, ...]:
    """Start and end points (n, 2) of the strokes' segments, long ones cut to at most 2*step,
    so that every piece fits a small square and all are drawn in one batch; and the index of
    the stroke each piece belongs to."""
    starts, ends, owner = [], [], []
    for index, stroke in enumerate(strokes):
        points = _simplify(np.asarray(stroke, np.float32).reshape(-1, 2) * scale)
        if len(points) == 0:
            continue
        if len(points) == 1:  # a dot
            points = np.repeat(points, 2, axis=0)
        a, d = points[:-1], np.diff(points, axis=0)
        parts = np.maximum(1, np.ceil(np.hypot(d[:, 0], d[:, 1]) / (2 * step))).astype(int)
        segment = np.repeat(np.arange(len(a)), parts)
        k = np.arange(parts.sum()) - np.repeat(np.cumsum(parts) - parts, parts)
        starts.append(a[segment] + d[segment] * (k / parts[segment])[:, None])
        ends.append(a[segment] + d[segment] * ((k + 1) / parts[segment])[:, None])
        owner.append(np.full(len(segment), index))
    if not starts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32), np.zeros(0, int)
    return np.concatenate(starts), np.concatenate(ends), np.concatenate(owner)


def _draw_capsules(ink: np.ndarray, layer: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   radius: float) -> None:
    """Coverage of capsules (segments widened by radius), anti-aliased, max-blended into
    ink[layer] (ink is (layers, h, w)): each computed on its own small square of pixels, all
    squares at once, in float32 and on a margin wide enough that no square needs clipping."""
    side = int(np.ceil(np.abs(ends - starts).max() + 2 * radius + 3))
    corner = np.floor(np.minimum(starts, ends) - radius - 1).astype(np.int64)  # (n, 2) x, y
    offsets = np.arange(side, dtype=np.float32) + np.float32(0.5)
    px = (corner[:, 0, None, None] - starts[:, 0, None, None]).astype(np.float32) \
        + offsets[None, None, :]                                    # (n, 1, side)
    py = (corner[:, 1, None, None] - starts[:, 1, None, None]).astype(np.float32) \
        + offsets[None, :, None]                                    # (n, side, 1)
    d = (ends - starts).astype(np.float32)
    dx, dy = d[:, 0, None, None], d[:, 1, None, None]
    length2 = dx * dx + dy * dy
    t = np.clip((px * dx + py * dy) / np.where(length2 > 0, length2, np.float32(1.0)), 0, 1)
    coverage = np.clip(np.float32(radius + 0.5) - np.hypot(px - t * dx, py - t * dy), 0, 1)
    layers, height, width = ink.shape
    padded = np.zeros((layers, height + 2 * side, width + 2 * side), np.float32)
    base = (layer * padded.shape[1] + corner[:, 1] + side) * padded.shape[2] + corner[:, 0] + side
    steps = np.arange(side)
    flat = (base[:, None, None] + steps[None, :, None] * padded.shape[2] + steps[None, None, :])
    inside = coverage > 0
    np.maximum.at(padded.reshape(-1), flat[inside], coverage[inside])  # 1-D: NumPy's fast path
    np.maximum(ink, padded[:, side:side + height, side:side + width], out=ink)


def strokes_extent(strokes: Sequence[Stroke]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of all stroke points, or None when there are none."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return None
    xy = np.asarray(points, np.float32)
    (left, top), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def digits_height(strokes: Sequence[Stroke]) -> float | None:
    """The height of the digits written (None without points): the median height of the
    strokes' column groups (strokes whose columns overlap, as one digit's mostly do) at least
    MARK_HEIGHT of the tallest. One digit: its height; a number written rising or slanting:
    less than its extent, which would draw its digits with too broad a pen."""
    drawn = [stroke for stroke in strokes if len(stroke)]
    if not drawn:
        return None
    boxes = stroke_boxes(drawn)
    groups: list[list[float]] = []  # left, top, right, bottom
    for left, top, right, bottom in boxes[np.argsort(boxes[:, 0], kind="stable")]:
        if groups and left <= groups[-1][2]:
            group = groups[-1]
            group[1:] = min(group[1], top), max(group[2], right), max(group[3], bottom)
        else:
            groups.append([left, top, right, bottom])
    heights = np.array([bottom - top for _, top, _, bottom in groups])
    return float(np.median(heights[heights >= MARK_HEIGHT * heights.max()]))


def model_thickness(strokes: Sequence[Stroke], thickness: float) -> float:
    """The pen thickness to rasterize with: the user's, kept within MNIST's proportions of the
    digits' height (`digits_height`), so a hairline or a broad pen on small digits reads the
    same."""
    height = digits_height(strokes)
    if height is None:
        return thickness
    return max(1.0, min(max(thickness, MIN_STROKE_RATIO * height), MAX_STROKE_RATIO * height))


def rasterize(strokes: Sequence[Stroke], thickness: float, resolution: int = 112,
              each: bool = False) -> np.ndarray:
    """The ink of strokes, cropped to them and rendered with the longer side near resolution;
    with `each`, one map per stroke on the same grid (n, h, w)."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((len(strokes), 1, 1) if each else (1, 1), np.float32)
    left, top, right, bottom = extent
    pad = thickness / 2 + 1
    side = max(right - left, bottom - top) + 2 * pad
    scale = resolution / side
    shifted = [[(x - left + pad, y - top + pad) for x, y in stroke] for stroke in strokes]
    return render_strokes(shifted, int(bottom - top + 2 * pad) + 1,
                          int(right - left + 2 * pad) + 1, thickness, scale, each)
