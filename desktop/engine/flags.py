"""A 1 with a flag: two parts of a blot that each read as a 1, the one shorter, meeting on top.

Many writers start a 1 with a long up-stroke from the left (a flag, "^"). In a picture the flag
and the stem are two straight strokes joined at the top, and each reads as a 1 by itself, surely:
cutting the blot between them (`cuts`) or lifting the stem out of it (`lift`) read such a 1 as
"11" (real pen-written numbers as scans, `bench inkscans`: a third of the numbers misread).
Two 1s written side by side meet, when they touch at all, along their length or low, and are
about as tall as each other; two parts that both read as 1, meet only in the top MEET of the
blot's rows and differ in height (a flag is shorter than its stem) are one 1. Two full-height
1s leaning into each other ("Λ") stay two: a flag as long as its stem is told from them by
nothing in the picture, and pairs of touching MNIST 1s read so as often as before.
"""

from __future__ import annotations

import numpy as np

from desktop.engine.segment import label_components

MEET = 0.5      # a flag meets its stem in this share of the blot's rows from its top
SHORTER = 0.9   # and spans less than this share of its stem's rows (of the blot's, lifted)
INKED = 0.5     # ink at least this dark (x the blot's darkest) counts
REACH = 2       # parts this close (px) across their border meet


def cut_flag(crop: np.ndarray, border: np.ndarray) -> bool:
    """Whether a blot cut in two (`border`: in each row, the first column of the right part)
    is a flag and its stem: its ink crosses the border only near its top, one part shorter."""
    inked = _inked(crop)
    padded = np.pad(inked, ((0, 0), (REACH, REACH)))
    rows = np.arange(len(crop))
    edge = np.asarray(border) + REACH
    left = np.zeros(len(crop), bool)
    right = np.zeros(len(crop), bool)
    for step in range(REACH):
        left |= padded[rows, edge - 1 - step]
        right |= padded[rows, edge + step]
    before = inked & (np.arange(crop.shape[1]) < np.asarray(border)[:, None])
    return _on_top(np.flatnonzero(left & right), inked) and _uneven(before, inked & ~before)


def lifted_flag(crop: np.ndarray, stroke: np.ndarray) -> bool:
    """Whether a blot's ink besides a straight stroke in it (`stroke`, a mask) is that stroke's
    flag: it meets the stroke only near the blot's top and spans fewer of its rows. Only the
    largest piece of that ink counts (not the stem's end beyond the mask), and the blot's rows,
    not the mask's (the stem's top above the flag may be left out of it)."""
    inked = _inked(crop)
    near = stroke.copy()
    for step in range(1, REACH + 1):
        near[:, step:] |= stroke[:, :-step]
        near[:, :-step] |= stroke[:, step:]
    rest = _largest(inked & ~stroke)
    return _on_top(np.flatnonzero((rest & near).any(axis=1)), inked) and _uneven(rest, inked)


def _largest(inked: np.ndarray) -> np.ndarray:
    """The largest 8-connected piece of ink."""
    labels, count = label_components(inked)
    if count <= 1:
        return inked
    return labels == np.bincount(labels.ravel())[1:].argmax() + 1


def _inked(crop: np.ndarray) -> np.ndarray:
    return crop > INKED * crop.max(initial=0.0)


def _on_top(rows: np.ndarray, inked: np.ndarray) -> bool:
    """Whether `rows` (where two parts meet) are some, all in the top MEET of the ink's rows."""
    ink_rows = np.flatnonzero(inked.any(axis=1))
    if rows.size == 0 or ink_rows.size == 0:
        return False
    return bool(rows.max() - ink_rows[0] < MEET * (ink_rows[-1] - ink_rows[0] + 1))


def _uneven(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether one part's ink spans fewer than SHORTER of the other's rows."""
    a_rows, b_rows = _span(a), _span(b)
    return min(a_rows, b_rows) < SHORTER * max(a_rows, b_rows)


def _span(inked: np.ndarray) -> int:
    rows = np.flatnonzero(inked.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0
