"""A 1 with a flag: two parts of a blot that each read as a 1, the shorter hanging from the other.

Many writers start a 1 with a long up-stroke from the left (a flag, "^"). In a picture the flag
and the stem are two straight strokes joined at the top, and each reads as a 1 by itself, surely:
cutting the blot between them (`cuts`) read such a 1 as "11" (real pen-written numbers as
scans, `bench inkscans`: a third of the numbers misread; `cuts` never lifts a stroke out of a
digit read as a 1).
Two 1s written side by side meet, when they touch at all, along their length or low, and are
about as tall as each other. Two parts that both read as 1 are one 1 when the shorter spans
less than SHORTER of the other's rows and they meet only in the top MEET of its own rows: a flag
hangs from its stem's top, whether a cut parts them at the top or further down the flag. Two
full-height 1s leaning into each other ("Λ") stay two: a flag as long as its stem is told from
them by nothing in the picture, and pairs of touching MNIST 1s read so as often as before.
"""

from __future__ import annotations

import numpy as np

MEET = 0.5      # a flag meets its stem only in this share of its own rows from its top
SHORTER = 0.9   # and spans less than this share of the stem's rows
INKED = 0.5     # ink at least this dark (x the blot's darkest) counts
REACH = 2       # parts this close (px) across their border meet


def cut_flag(crop: np.ndarray, border: np.ndarray) -> bool:
    """Whether a blot cut in two (`border`: in each row, the first column of the right part)
    is a flag and its stem, by the rows where its ink crosses the border."""
    inked = _inked(crop)
    border = np.asarray(border)
    padded = np.pad(inked, ((0, 0), (REACH, REACH)))
    rows = np.arange(len(crop))
    edge = border + REACH
    left = np.zeros(len(crop), bool)
    right = np.zeros(len(crop), bool)
    for step in range(REACH):
        left |= padded[rows, edge - 1 - step]
        right |= padded[rows, edge + step]
    before = inked & (np.arange(crop.shape[1]) < border[:, None])
    return _flag_and_stem(np.flatnonzero(left & right), before, inked & ~before)


def _flag_and_stem(meet: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two parts of ink that meet in rows `meet` are a flag and its stem: the shorter
    spans less than SHORTER of the other's rows, and they meet in its top MEET only."""
    flag, stem = sorted((_rows(a), _rows(b)), key=len)
    if meet.size == 0 or flag.size == 0 or len(flag) >= SHORTER * len(stem):
        return False
    return bool(meet.max() - flag[0] < MEET * len(flag))


def _rows(inked: np.ndarray) -> np.ndarray:
    """The rows from the ink's first to its last."""
    rows = np.flatnonzero(inked.any(axis=1))
    return np.arange(rows[0], rows[-1] + 1) if rows.size else rows


def _inked(crop: np.ndarray) -> np.ndarray:
    return crop > INKED * crop.max(initial=0.0)
