"""What the pen's path says that the picture does not: a 1 written with a lead-in flag.

Many writers start a 1 low on the left and climb to its top before coming down: in the picture,
a long flag on a stem, which the model (taught on MNIST, whose 1s are mostly bare) often reads
as a 7 or, flag and stem apart, as an open 4. The pen tells them apart: a 7 is a bar drawn
rightward from its top, then the stroke down; a 4 in one stroke starts at its top and goes
down first; that 1 climbs a good part of its height to its highest point and comes straight
down from there. In the development set's pen-written numbers, two in three one-stroke 1s have
that path, and none of the one-stroke 7s and 4s read right (0 of 76, 0 of 232): a digit drawn
so has its 7 and 4 discounted by the likelihood ratio (DISCOUNT, with one such 7 counted as a
prior), the other digits as the model read them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CLIMB = 0.25        # the pen climbs at least this (x the stroke's height) to its highest point,
BAR = 0.1           # then goes less than this to the right of it before coming down,
DOWN = 0.15         # "coming down": this far below the highest point
STEM = 0.6          # and then comes down at least this far: a stem, not a bar drawn leftward
DISCOUNT = 0.02     # how much likelier that path is for a 1 than for a 7 or a 4, inverted
NOT_FLAGGED = (4, 7)  # the digits a flagged 1's picture is taken for, that never have its path


def climbs_to_a_stem(stroke: Sequence[tuple[float, float]]) -> bool:
    """The stroke climbs to its highest point and comes down from it, a stem with no bar to
    the right: a 1 with a lead-in flag (y grows downwards)."""
    points = np.asarray(stroke, np.float64).reshape(-1, 2)
    if len(points) < 3:
        return False
    height = float(np.ptp(points[:, 1]))
    if height <= 0:
        return False
    top = int(points[:, 1].argmin())
    climb = (points[0, 1] - points[top, 1]) / height
    after = points[top:]
    down = np.flatnonzero(after[:, 1] > points[top, 1] + DOWN * height)
    if not len(down):
        return False
    bar = (after[:down[0], 0].max() - points[top, 0]) / height
    stem = (after[:, 1].max() - points[top, 1]) / height
    return bool(climb >= CLIMB and bar < BAR and stem >= STEM)


def weigh_the_pen(probabilities: np.ndarray,
                  strokes: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> np.ndarray:
    """The readings (n, 10) of n candidate digits, each given as its strokes: a one-stroke
    digit drawn as a 1 with a lead-in flag has its 7 and 4 discounted (DISCOUNT),
    renormalized."""
    weighed = np.array(probabilities, np.float32, copy=True)
    for k, digit in enumerate(strokes):
        if len(digit) == 1 and climbs_to_a_stem(digit[0]):
            weighed[k, list(NOT_FLAGGED)] *= DISCOUNT
            weighed[k] /= weighed[k].sum()
    return weighed
