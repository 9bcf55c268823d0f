"""A 1 lifted out of the digit it overlaps (`desktop.engine.lift`): the straight stroke is
found and taken out whole, round ink is never taken for one."""

from __future__ import annotations

import numpy as np

from desktop.engine.lift import split, straight_strokes

HEIGHT, WIDTH = 60, 40


def ring(mine: np.ndarray, left: int, right: int) -> None:
    """A 0 drawn as a rounded ring, strokes 4 px wide."""
    rows, columns = np.mgrid[:HEIGHT, :WIDTH]
    cy, cx = (HEIGHT - 1) / 2, (left + right - 1) / 2
    ry, rx = HEIGHT / 2 - 4, (right - left) / 2
    distance = np.hypot((rows - cy) / ry, (columns - cx) / rx)
    mine[np.abs(distance - 1) * min(ry, rx) < 2] = 1.0


def test_a_1_through_a_0s_side_is_found_and_lifted_whole():
    mine = np.zeros((HEIGHT, WIDTH))
    ring(mine, 2, 30)
    one = np.zeros_like(mine)
    one[1:59, 27:31] = 1.0  # down the 0's right side and beyond it
    masks = straight_strokes(np.maximum(mine, one))
    assert masks
    lifted = masks[0]
    assert lifted[one > 0].mean() > 0.95          # all of the 1
    left_side = mine.copy()
    left_side[:, 20:] = 0
    assert not (lifted & (left_side > 0)).any()    # none of the 0's far side
    parts = split(np.maximum(mine, one), lifted)
    assert parts is not None
    line, rest, line_first = parts
    assert not line_first                          # the 1 is on the right
    assert (line[one > 0] == 1).all()
    assert (rest[:, :20] == mine[:, :20]).all()    # the 0 keeps its left side


def test_a_ring_alone_has_no_straight_stroke():
    """A 0's sides curve: no straight run of ink spans most of its height."""
    mine = np.zeros((HEIGHT, WIDTH))
    ring(mine, 4, 36)
    assert straight_strokes(mine) == []


def test_a_1_alone_leaves_nothing_to_read():
    """Lifting the only stroke leaves no digit: no split."""
    mine = np.zeros((HEIGHT, WIDTH))
    mine[2:58, 18:22] = 1.0
    (mask,) = straight_strokes(mine)
    assert split(mine, mask) is None
