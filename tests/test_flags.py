"""A 1 with a flag (`desktop.engine.flags`): a flag meeting its stem on top is told from two
1s side by side where the blot is cut between them."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.engine.flags import cut_flag

HEIGHT, WIDTH = 60, 50


def line(ink: np.ndarray, top: tuple[int, int], bottom: tuple[int, int]) -> np.ndarray:
    """A stroke 3 px wide from (row, column) `top` to `bottom`, drawn into `ink`; its mask."""
    mask = np.zeros(ink.shape, bool)
    for t in np.linspace(0.0, 1.0, 4 * HEIGHT):
        y = round(top[0] + t * (bottom[0] - top[0]))
        x = round(top[1] + t * (bottom[1] - top[1]))
        mask[y, max(x - 1, 0):x + 2] = True
    ink[mask] = 1.0
    return mask


def straight(border: int) -> np.ndarray:
    return np.full(HEIGHT, border)


def flagged_one(flag_bottom: int) -> tuple[np.ndarray, np.ndarray]:
    """A stem down column 30 with a flag from (flag_bottom, 12) up to its top; and the stem."""
    ink = np.zeros((HEIGHT, WIDTH))
    stem = line(ink, (2, 30), (57, 30))
    line(ink, (flag_bottom, 12), (3, 29))
    return ink, stem


@pytest.mark.parametrize("flag_bottom", [20, 35, 48])
def test_a_flag_meeting_its_stem_on_top_is_the_same_1(flag_bottom):
    ink, _ = flagged_one(flag_bottom)
    assert cut_flag(ink, straight(28))


def test_a_flag_cut_further_down_is_still_a_flag():
    """A straight cut left of the top parts the flag's lower end from the rest: that piece
    hangs from where the cut crosses it, low in the blot but at its own top."""
    ink, _ = flagged_one(52)
    assert cut_flag(ink, straight(17))


def test_two_1s_leaning_into_each_other_at_full_height_stay_two():
    """A "Λ" of two whole 1s: nothing tells it from a flag as long as its stem; left to the
    classifier and the costs, as before."""
    ink = np.zeros((HEIGHT, WIDTH))
    line(ink, (57, 12), (2, 29))
    line(ink, (2, 31), (57, 40))
    assert not cut_flag(ink, straight(30))


@pytest.mark.parametrize(("left", "right"), [
    (((2, 10), (57, 26)), ((2, 30), (57, 30))),   # touching at their feet
    (((2, 27), (57, 27)), ((2, 30), (57, 30))),   # touching all along
    (((15, 18), (57, 28)), ((2, 30), (57, 30))),  # a short one meeting the other low
])
def test_1s_that_meet_lower_down_are_no_flag(left, right):
    ink = np.zeros((HEIGHT, WIDTH))
    line(ink, *left)
    line(ink, *right)
    assert not cut_flag(ink, straight(29))


def test_parts_that_do_not_meet_are_no_flag():
    ink = np.zeros((HEIGHT, WIDTH))
    line(ink, (20, 10), (5, 20))
    line(ink, (2, 30), (57, 30))
    assert not cut_flag(ink, straight(25))
