"""Bent cuts (`desktop.engine.paths`): the way down between two digits that overlap, through
the least ink near the cut's column; kept only where it is a cleaner cut than the column."""

from __future__ import annotations

import numpy as np

from desktop.engine.paths import cut_paths

HEIGHT, WIDTH = 60, 30


def test_a_cut_bends_between_overlapping_strokes():
    """The left digit's stroke jogs right into the column where the cut lies; the right
    digit's stroke leaves a clean way beside it."""
    mine = jogging()
    (path,) = cut_paths([(mine, [11])])
    assert path.shape == (HEIGHT, 1)
    columns = np.arange(WIDTH)
    left = columns < path  # each row: the columns left of the cut
    assert not (mine[:, :13] * ~left[:, :13]).any()  # the left stroke all on its left
    assert not (mine[:, 15:] * left[:, 15:]).any()   # the right one all on its right


def jogging() -> np.ndarray:
    """A left digit's stroke that jogs right, under column 11, and a right digit's stroke."""
    mine = np.zeros((HEIGHT, WIDTH))
    mine[:30, 8:10] = 1
    mine[28:31, 8:13] = 1
    mine[30:, 11:13] = 1
    mine[:, 15:17] = 1
    return mine


def ring(mine: np.ndarray, left: int, right: int) -> None:
    mine[5:8, left:right] = 1
    mine[52:55, left:right] = 1
    mine[5:55, left:left + 3] = 1
    mine[5:55, right - 3:right] = 1


def test_a_cut_along_two_rings_shared_side_stays_straight():
    """Two 0s sharing a side: a way into a ring's hole crosses less ink than the shared side,
    but crosses the ring twice and cuts the 0 in two: the column is kept."""
    mine = np.zeros((HEIGHT, WIDTH))
    ring(mine, 2, 15)
    ring(mine, 12, 28)  # the rings share columns 12-14
    (path,) = cut_paths([(mine, [13])])
    assert (path[:, 0] == 13).all()


def test_a_cut_through_no_ink_stays_straight_and_cuts_never_cross():
    mine = np.zeros((HEIGHT, WIDTH))
    mine[:, 10:12] = 1
    mine[20:40, 13:16] = 1  # ink beside the second cut: its way bends left, onto the first
    (paths,) = cut_paths([(mine, [5, 16])])
    assert (paths[:, 0] == 5).all()
    assert (paths[:, 1] >= paths[:, 0]).all()


def test_only_the_groups_asked_for_bend():
    mine = jogging()
    straight, bent = cut_paths([(mine, [11]), (mine, [11])], frozenset({1}))
    assert (straight[:, 0] == 11).all()
    assert (bent[:, 0] != 11).any()
