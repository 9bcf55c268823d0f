"""A picture's marks: the ink lower than the digits (separators, a closing dash or "="), left
out of a number, and what its box alone does not tell.

A mark's box is lower than SHORT of the digits' height (`grouping.is_mark`), or it is a stray
tick beside a picture's only digit (`stray_ticks`). A closing mark the
pen joined to the last digit is cut from it where its flat run begins (`closing_cut`) and left
out as a mark (`closing_marks`); a ".-" whose dot lies under its dash is grouped as a digit's
pieces are (`closing_apart`); a 0 written small is as low as a mark, but its ink closes round
paper, a separator's does not (`small_zeros`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from desktop.engine.grouping import ROUND, ROUND_WIDE, is_mark, writing_height
from desktop.engine.segment import Region, encloses_paper

if TYPE_CHECKING:
    from desktop.engine.cuts import Pieces

SHORT = 0.45          # a picture's marks: lower than this (x the digits' height), as a
                      # thousands separator, a closing "-" or "=" (blurred: taller than drawn)
FLAT = 2.5            # a closing dash is at least this much wider than high
DOT = 0.25            # a dot is smaller than this (x the digits' height) each way
CLOSING_RUN = 0.3     # a closing mark joined to the last digit runs at least this far (x its
CLOSING_LOW = 0.75    # height) right of it, its middle above this share of the height (a
                      # 2's base tail lies lower)
TICK_HIGH = 0.6       # beside a picture's only digit, a stroke lower than this (x its height)
TICK_WIDE = 0.25      # and narrower than this, at most TICK_NEAR beside it, its foot at least
TICK_NEAR = 0.1       # TICK_LIFT above the digit's, is a stray tick (a 6 with one read "61");
TICK_LIFT = 0.25      # real 1s written as short and raised (a "19") stand farther apart


def closing_marks(found: Pieces, height: float) -> np.ndarray:
    """The slices at the right end of the last group, cut from it, that are marks by their
    box: a closing dash, "=" or dot the pen joined to the last digit ("6-"), which may be left
    out as a mark is, unless together they close round paper (a 0 written small). Only the
    last group: elsewhere the tail of a 2's base is as low."""
    out = np.zeros(len(found.slices), bool)
    last = len(found.slices)
    k = last - 1
    while k > 0 and found.slices[k - 1].group == found.slices[k].group \
            and is_mark(found.boxes[k], height, SHORT, rounds=False):
        k -= 1
    if k + 1 < last and not encloses_paper(found.crop((k + 1, last))):
        out[k + 1:] = True
    return out


def closing_cut(mine: np.ndarray) -> int | None:
    """Where a closing mark the pen joined to the last digit begins, in the ink of the last
    group (`mine`): the first of the columns at its right end whose ink together spans less
    than SHORT of the group's height, when they run CLOSING_RUN of it at least, their middle
    above CLOSING_LOW of it; None where there is none."""
    height, width = mine.shape
    inked = mine > 0
    rows = np.arange(height)[:, None]
    # Each column's first and last inked row, then those of all columns from it to the right.
    tops = np.minimum.accumulate(np.where(inked, rows, height).min(axis=0)[::-1])[::-1]
    bottoms = np.maximum.accumulate(np.where(inked, rows, -1).max(axis=0)[::-1])[::-1]
    low = bottoms - tops + 1 < SHORT * height
    k = width
    while k > 0 and low[k - 1]:
        k -= 1
    if k == width or width - k < CLOSING_RUN * height:
        return None
    return k if tops[k] + bottoms[k] < 2 * CLOSING_LOW * height else None


def small_zeros(found: Pieces, height: float) -> np.ndarray:
    """Which slices are a 0 written small, not a mark: lower than digits are (`SHORT`) but
    ROUND high, no more than ROUND_WIDE as wide, and their ink closes round paper (a blurred
    separator dot is as round, but solid)."""
    tall = found.boxes[:, 3] - found.boxes[:, 1]
    wide = found.boxes[:, 2] - found.boxes[:, 0]
    small = (tall < SHORT * height) & (tall >= ROUND * height) & (wide <= ROUND_WIDE * tall)
    return np.array([bool(small[k]) and encloses_paper(found.crop((k, k + 1)))
                     for k in range(len(found.slices))], bool)


def closing_apart(groups: list[Region], regions: list[Region]) -> list[Region]:
    """The groups, the last one parted into its pieces where they are all a closing mark's
    (`closing_piece`): a ".-" whose dot lies under the dash's start shares columns with it and
    is grouped as a digit's pieces are, half a digit high, and was read as a 5."""
    if len(groups) < 2:
        return groups
    inside = [r for r in regions if groups[-1].holds(r)]
    height = writing_height(np.array([(g.left, g.top, g.right, g.bottom) for g in groups]))
    if len(inside) < 2 or not all(closing_piece(r, height) for r in inside):
        return groups
    return groups[:-1] + sorted(inside, key=lambda r: r.left)


def stray_ticks(found: Pieces, height: float) -> np.ndarray:
    """The slices that are a stray tick beside a picture's only digit: a short, narrow stroke
    close beside it, its foot far above the digit's (`TICK_HIGH`...). Some writers leave one
    beside a digit's top; read, it was a 1 ("61", "91"). Only in a picture of two groups of
    ink: beside a number's digits such a stroke may be a 1 written small ("30!6")."""
    groups = np.array([s.group for s in found.slices])
    out = np.zeros(len(groups), bool)
    if found.groups != 2 or len(set(groups)) != 2:
        return out
    for group in set(groups):
        mine, others = groups == group, found.boxes[groups != group]
        if mine.sum() == 1:  # a group of ink not cut: a tick is narrow
            digit = np.concatenate([others[:, :2].min(axis=0), others[:, 2:].max(axis=0)])
            out[mine] = _tick(found.boxes[mine][0], digit, height)
    return out


def _tick(box: np.ndarray, digit: np.ndarray, height: float) -> bool:
    tall, wide = box[3] - box[1], box[2] - box[0]
    gap = max(box[0], digit[0]) - min(box[2], digit[2])
    return bool(tall < TICK_HIGH * height <= digit[3] - digit[1] and wide < TICK_WIDE * height
                and gap <= TICK_NEAR * height and digit[3] - box[3] >= TICK_LIFT * height)


def closing_piece(piece: Region, height: float) -> bool:
    """A dash (FLAT times as wide as high at least, lower than SHORT of the digits) or a dot
    (less than DOT of the digits each way)."""
    tall, wide = piece.bottom - piece.top, piece.right - piece.left
    return (wide >= FLAT * tall and tall < SHORT * height) or max(tall, wide) < DOT * height
