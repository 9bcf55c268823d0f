"""Pictures enlarged pixel for pixel, softened before their ink is read.

A small bitmap shown large (an 8x8 digit enlarged to 60 px by repeating its pixels: hard
square cells) is read far worse than the same digit enlarged smoothly: the model learnt strokes,
not staircases (`load_digits` as blocks 89 %, smoothly enlarged 98 %: bench/generalize.py).
Such a picture's edges all lie on a grid: along each axis, the columns (rows) where the
brightness changes are a few, a whole number of cells apart, and they carry almost all of the
change. Where both axes show the same grid, the picture is blurred by a fraction of a cell, as a
scanner's optics would have done. Anything else is left as it is.
"""

from __future__ import annotations

import numpy as np

MIN_CELL = 3          # px: finer grids are a picture's own pixels
MIN_EDGES = 3         # edge lines a grid needs along each axis
PEAK = 0.15           # an edge line: a local maximum of at least this share of the strongest
ON_EDGES = 0.8        # a grid: at least this share of the change lies within 1 px of its lines,
ON_GRID = 0.3         # which lie within this of a whole number of cells apart,
SAME_CELL = 0.3       # with cells as wide as tall, within this share
SOFTEN = 0.3          # Gaussian blur: this many cells (a scan of such cells: 0.15-0.35)


def cell_along(grey: np.ndarray, axis: int) -> float | None:
    """The cell of the grid on which the brightness changes along `axis` (1: across columns,
    0: down rows), or None when it changes elsewhere too. The cheap tests first: most
    pictures fail the first."""
    # Every other line is enough: a grid's edges run through the whole picture.
    change = np.abs(np.diff(grey[::2] if axis == 1 else grey[:, ::2], axis=axis)).sum(
        axis=1 - axis)
    if len(change) < MIN_EDGES * MIN_CELL:
        return None
    change = np.maximum(change - np.partition(change, len(change) // 2)[len(change) // 2], 0)
    inner = change[1:-1]
    lines = np.flatnonzero((inner >= change[:-2]) & (inner > change[2:])
                           & (inner >= PEAK * change.max())) + 1
    if len(lines) < MIN_EDGES:
        return None
    gaps = np.diff(lines)
    smallest = int(gaps.min())
    if 1.5 * smallest < MIN_CELL:  # the cell (below) is at most this: too fine
        return None
    cell = float(gaps[gaps <= 1.5 * smallest].mean())
    cells = gaps / cell
    if cell < MIN_CELL or np.abs(cells - np.round(cells)).max() > ON_GRID:
        return None
    near = np.zeros(len(change), bool)
    for offset in (-1, 0, 1):
        near[np.clip(lines + offset, 0, len(change) - 1)] = True
    return cell if change[near].sum() >= ON_EDGES * change.sum() else None


def cell_size(grey: np.ndarray) -> float | None:
    """The side of the square cells a grey picture is made of (px), or None for a picture that
    is not a bitmap enlarged pixel for pixel."""
    across = cell_along(grey, 1)
    if across is None:  # most pictures stop here, at half the cost
        return None
    down = cell_along(grey, 0)
    if down is None or abs(across - down) > SAME_CELL * max(across, down):
        return None
    return (across + down) / 2


def soften_blocks(grey: np.ndarray) -> np.ndarray:
    """The grey picture, blurred by SOFTEN of a cell when it is made of square cells."""
    cell = cell_size(grey)
    if cell is None:
        return grey
    sigma = SOFTEN * cell
    return (_blur_matrix(grey.shape[0], sigma) @ grey @ _blur_matrix(grey.shape[1], sigma).T
            ).astype(grey.dtype)


def _blur_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) Gaussian blur along one axis, each row summing to 1 (the edges keep their
    level: no dark or light border)."""
    offsets = np.arange(size)[:, None] - np.arange(size)[None, :]
    weights = np.exp(-0.5 * (offsets / sigma) ** 2).astype(np.float32)
    return weights / weights.sum(axis=1, keepdims=True)
