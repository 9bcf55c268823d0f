"""Strokes that hold two digits: digits joined in one stroke ("50" whose 5 runs on into its 0).

Grouping whole strokes (`grouping`) can never part digits written without lifting the pen. A
stroke much wider than one digit is (SPLIT_WIDE x the digits' height) is cut where its pen
turns up or down (its path's highest and lowest points along the way, ignoring wiggles lower
than TURN of the height) away from its left and right ends: a join between two digits runs from
a turn of one digit to the next. Each piece is then a stroke of its own to the grouping, which
pays for every cut it keeps (as for cuts through ink in pictures) and otherwise puts the pieces
back together. A drawing of one stroke is never cut (`recipes.canvas_digits`): it is far more
often one wide digit (a 2 with a long base read "71", a 0 "10") than two joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from desktop.engine.raster import Stroke

SPLIT_WIDE = 0.9   # a stroke wider than this (x the digits' height) may hold two digits
TURN = 0.05        # its pen turns where it goes at least this far (x height) the other way
END = 0.2          # cuts lie at least this far (x height) in from the stroke's left and right
MOST = 4           # at most this many cuts in one stroke


def turns(heights: np.ndarray, least: float) -> list[int]:
    """Where a path's height turns (its local highest and lowest points, by index), ignoring
    turns of less than `least`."""
    out: list[int] = []
    going, extreme, low, high = 0, 0, 0, 0  # going: 1 down the screen, -1 up, 0 not yet
    for i in range(1, len(heights)):
        if going == 0:
            low = i if heights[i] < heights[low] else low
            high = i if heights[i] > heights[high] else high
            if heights[high] - heights[low] >= least:
                going, extreme = (1, high) if high > low else (-1, low)
        elif (heights[i] - heights[extreme]) * going > 0:
            extreme = i                                    # further the same way
        elif abs(heights[i] - heights[extreme]) >= least:  # turned back far enough
            out.append(extreme)
            going, extreme = -going, i
    return out


def cut_points(stroke: Stroke, height: float) -> list[int]:
    """The points where a stroke wide enough for two digits may be cut (none for others)."""
    xy = np.asarray(stroke, np.float64).reshape(-1, 2)
    if len(xy) < 5 or np.ptp(xy[:, 0]) <= SPLIT_WIDE * height:
        return []
    left, right = xy[:, 0].min() + END * height, xy[:, 0].max() - END * height
    inside = [i for i in turns(xy[:, 1], TURN * height)
              if 1 < i < len(xy) - 2 and left <= xy[i, 0] <= right]
    return inside[:MOST]


def stroke_pieces(strokes: Sequence[Stroke], height: float) -> tuple[list[Stroke], list[int]]:
    """The strokes with those wide enough for two digits cut at their `cut_points` (the pieces
    share the points they were cut at), and the stroke each piece is of."""
    out: list[Stroke] = []
    of: list[int] = []
    for k, stroke in enumerate(strokes):
        ends = [0, *cut_points(stroke, height), len(stroke) - 1]
        for a, b in pairwise(ends):
            out.append(list(stroke[a:b + 1]))
            of.append(k)
    return out, of


def rejoined(strokes: Sequence[Stroke], of: Sequence[int]) -> list[Stroke]:
    """Consecutive pieces of one stroke put back together (each shared point once)."""
    out: list[Stroke] = []
    for k, stroke in enumerate(strokes):
        if k and of[k] == of[k - 1]:
            out[-1] = [*out[-1], *stroke[1:]]
        else:
            out.append(list(stroke))
    return out
