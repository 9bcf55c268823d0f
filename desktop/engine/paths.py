"""Cuts that bend: the way down between two touching digits through the least ink.

Digits that overlap leave no clean column between them, but often a clean way between their
strokes: a cut at a column (`cuts`) may move a column aside per row, within REACH of the
height, through the least ink (each column aside costs DRIFT as much as a pixel of ink). The
bent cut is kept where it crosses the ink at most once and less of it than the straight one
(a way into a 0's hole crosses its ring twice: straight through the ring reads better). All the
cuts of a picture are found in one pass (the rows are the loop; bottom-aligned, so shorter
groups start their way on rows of no cost).
"""

from __future__ import annotations

import numpy as np

REACH = 0.05   # a bent cut stays this close (x the group's height) to its column
DRIFT = 0.05   # the cost of a column aside, in pixels of full ink
INKED = 0.5    # ink at least this dark counts as crossed

Problem = tuple[np.ndarray, list[int]]  # a group's ink (rows, columns) and its cut columns


def cut_paths(problems: list[Problem], bend: frozenset[int] | None = None) -> list[np.ndarray]:
    """For each group, (rows, cuts): the column each cut takes in each row, in order left to
    right and never crossing. Only the groups in `bend` (None: all) may bend; a cut through no
    ink stays straight."""
    out = [np.repeat(np.array(cuts, np.int64)[None], len(mine), axis=0)
           for mine, cuts in problems]
    bent = [(g, k) for g, (mine, cuts) in enumerate(problems) for k, c in enumerate(cuts)
            if (bend is None or g in bend) and (mine[:, c] > INKED).any()]
    if bent:
        ways = _least_ink([(problems[g][0], problems[g][1][k]) for g, k in bent])
        for (g, k), way in zip(bent, ways, strict=True):
            if _better(problems[g][0], way, problems[g][1][k]):
                out[g][:, k] = way
    return [np.maximum.accumulate(paths, axis=1) for paths in out]


def _better(mine: np.ndarray, way: np.ndarray, column: int) -> bool:
    """The bent way crosses the ink once at most, and less of it than the column."""
    inked = mine[np.arange(len(mine)), way] > INKED
    crossings = int(inked[0]) + int((inked[1:] & ~inked[:-1]).sum())
    return crossings <= 1 and inked.sum() < (mine[:, column] > INKED).sum()


def _least_ink(cuts: list[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """For each (group's ink, column), the way down through the least ink near the column."""
    rows = max(len(mine) for mine, _ in cuts)
    reach = max(max(1, round(REACH * len(mine))) for mine, _ in cuts)
    band = np.arange(-reach, reach + 1)
    cost = np.zeros((rows, len(cuts), len(band)))  # rows above a shorter group: no cost
    columns = np.empty((len(cuts), len(band)), np.int64)
    for k, (mine, column) in enumerate(cuts):
        height, width = mine.shape
        own = max(1, round(REACH * height))
        columns[k] = np.clip(column + band, 1, width - 2)
        cost[rows - height:, k] = mine[:, columns[k]] + DRIFT * np.abs(band)
        cost[rows - height:, k, np.abs(band) > own] = np.inf
    # Each row's cheapest total from the three places above; padded with no way out.
    totals = np.full((rows, len(cuts), len(band) + 2), np.inf)
    totals[0, :, 1:-1] = cost[0]
    best = np.empty(cost.shape[1:])
    for y in range(1, rows):
        above = totals[y - 1]
        np.minimum(above[:, :-2], above[:, 1:-1], out=best)
        np.minimum(best, above[:, 2:], out=best)
        np.add(cost[y], best, out=totals[y, :, 1:-1])
    # Back up from the cheapest end: in each row, where its cheapest total came from.
    came = np.stack([totals[:-1, :, :-2], totals[:-1, :, 1:-1], totals[:-1, :, 2:]]).argmin(
        axis=0) - 1 + np.arange(len(band))       # (rows - 1, cuts, band): a place above
    index = np.arange(len(cuts))
    at = np.empty((rows, len(cuts)), np.int64)
    at[-1] = totals[-1, :, 1:-1].argmin(axis=1)
    for y in range(rows - 1, 0, -1):
        at[y - 1] = came[y - 1, index, at[y]]
    ways = np.take_along_axis(columns, at.T, axis=1)  # (cuts, rows)
    return [ways[k, rows - len(mine):] for k, (mine, _) in enumerate(cuts)]
