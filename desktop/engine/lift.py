"""A 1 lifted out of the digit it overlaps: a straight stroke taken out of a blot whole.

A 1 written into its neighbour ("91" whose 1 runs down the 9's side, "13" whose 1 crosses the
3's tips) leaves no way between them, straight or bent (`cuts`, `paths`): the two are one blot,
read as one digit. But a 1 is a straight stroke, and a straight run of ink down most of a blot's
height is easy to find: the lines from each column at its top to each column at its bottom, the
one with the longest unbroken run of ink. Lifting that line's ink out leaves the neighbour (less
the ink the two shared); the classifier decides, as for cuts, whether a 1 and that neighbour
read better than the blot as one digit (`lift_ones`).
"""

from __future__ import annotations

import numpy as np

SPAN = 0.7      # a 1's unbroken run of ink spans at least this of the blot's height
SLANT = 0.35    # its ends at most this far apart in columns (x height)
INKED = 0.5     # ink at least this dark (x the blot's darkest) counts
WIDTH = 1.5     # the stroke lifted is at most this wide (x the blot's stroke width)
REST = 0.45     # what is left is a digit: at least this high (x the blot's height)
LINES = 2       # at most this many lines tried in one blot (a 9's own stem, then the 1)


def straight_strokes(crop: np.ndarray) -> list[np.ndarray]:
    """Masks of the straight strokes in a blot's ink that may be a 1 (longest first, at most
    LINES, their middles more than two strokes' widths apart)."""
    inked = crop > INKED * crop.max(initial=0.0)
    height, width = inked.shape
    if height < 8 or width < 3:
        return []
    rows = np.arange(height)
    slant = max(1, round(SLANT * height))
    tops, bottoms = np.meshgrid(np.arange(width), np.arange(width), indexing="ij")
    near = np.abs(tops - bottoms) <= slant
    tops, bottoms = tops[near], bottoms[near]
    columns = np.rint(tops[:, None] + (bottoms - tops)[:, None] * rows / (height - 1)).astype(
        np.int64)                                                    # (lines, rows)
    hits = inked[rows, columns]
    longest, end = _longest_runs(hits)
    order = np.argsort(-longest, kind="stable")
    stroke = _stroke_width(inked)
    chosen: list[np.ndarray] = []
    middles: list[float] = []
    for k in order:
        if longest[k] < SPAN * height or len(chosen) == LINES:
            break
        middle = float(columns[k].mean())
        if all(abs(middle - m) > 2 * stroke for m in middles):
            middles.append(middle)
            chosen.append(_line_mask(inked, columns[k], end[k] - longest[k], end[k], stroke))
    return chosen


def _longest_runs(hits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each line (a row of `hits`), its longest run of True and where that run ends."""
    run = np.zeros(hits.shape[0], np.int64)
    longest = np.zeros_like(run)
    end = np.zeros_like(run)
    for y in range(hits.shape[1]):
        run = np.where(hits[:, y], run + 1, 0)
        better = run > longest
        longest[better] = run[better]
        end[better] = y + 1
    return longest, end


def _stroke_width(inked: np.ndarray) -> float:
    """The median length of the runs of ink across rows."""
    edges = np.diff(np.pad(inked.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
    lengths = ends[1] - starts[1]
    return float(np.median(lengths)) if lengths.size else 1.0


def _line_mask(inked: np.ndarray, columns: np.ndarray, top: int, bottom: int,
               stroke: float) -> np.ndarray:
    """The line's pixels in rows top:bottom: in each row, the ink around its column, no wider
    than WIDTH strokes (where it crosses its neighbour's ink, only that much is lifted)."""
    width = inked.shape[1]
    half = WIDTH * stroke / 2
    mask = np.zeros_like(inked)
    for y in range(top, bottom):
        c = columns[y]
        left = c
        while left > 0 and inked[y, left - 1] and c - left + 1 <= half:
            left -= 1
        right = c
        while right < width - 1 and inked[y, right + 1] and right + 1 - c <= half:
            right += 1
        mask[y, left:right + 1] = True
    # The faint edge of the stroke goes with it.
    mask[:, 1:] |= mask[:, :-1]
    mask[:, :-1] |= mask[:, 1:]
    return mask


def split(crop: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """The blot's ink parted into the line and the rest, and whether the line is the left one
    (by their centres); None where the rest is too little to be a digit."""
    line = np.where(mask, crop, 0.0).astype(np.float32)
    rest = np.where(mask & ~_crossed(crop > INKED * crop.max(initial=0.0), mask), 0.0,
                    crop).astype(np.float32)
    inked = rest > INKED * crop.max(initial=0.0)
    rows = np.flatnonzero(inked.any(axis=1))
    if rows.size == 0 or rows[-1] - rows[0] + 1 < REST * crop.shape[0]:
        return None
    columns = np.arange(crop.shape[1])
    return line, rest, _centre(line, columns) < _centre(rest, columns)


def _crossed(inked: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The line's pixels in rows where other ink meets it from both sides: a stroke of the
    neighbour crossing the 1 (the bar of a 7, the foot of a loop), which both digits keep."""
    out = np.zeros_like(mask)
    width = mask.shape[1]
    for y in np.flatnonzero(mask.any(axis=1)):
        columns = np.flatnonzero(mask[y])
        left, right = columns[0], columns[-1]
        if inked[y, max(left - 2, 0):left].any() and \
                inked[y, right + 1:min(right + 3, width)].any():
            out[y, left:right + 1] = True
    return out


def _centre(ink: np.ndarray, columns: np.ndarray) -> float:
    return float(ink.sum(axis=0) @ columns / max(float(ink.sum()), 1e-9))
