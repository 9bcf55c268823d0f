"""What the pen's path says that the picture does not: a 1 written with a long lead-in flag.

Many writers start a 1 low on the left and climb to its top before coming down: in the picture,
a long flag on a stem, which the model (taught on MNIST, whose 1s are mostly bare) often reads
as a 7. The pen tells them apart: a 7 is a bar drawn rightward from its top, then the stroke
down; that 1 climbs a good part of its height to its highest point and comes straight down
from there. Of the one-stroke 7s read right in the development set's pen-written numbers, 2 in
78 have that path; of the 1s, two thirds (and most of the 1s the model read as 7). A digit
drawn so is read with its 7 discounted by that ratio (a likelihood ratio, as evidence the image
lacks), the other digits as the model read them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CLIMB = 0.25        # the pen climbs at least this (x the stroke's height) to its highest point,
BAR = 0.1           # then goes less than this to the right of it before coming down,
DOWN = 0.15         # "coming down": this far below the highest point
STEM = 0.6          # and then comes down at least this far: a stem, not a bar drawn leftward
SEVEN_ODDS = 0.05   # how much likelier that path is for a 1 than for a 7, inverted
SEVEN = 7


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
    digit drawn as a 1 with a lead-in flag has its 7 discounted (SEVEN_ODDS), renormalized."""
    weighed = np.array(probabilities, np.float32, copy=True)
    for k, digit in enumerate(strokes):
        if len(digit) == 1 and climbs_to_a_stem(digit[0]):
            weighed[k, SEVEN] *= SEVEN_ODDS
            weighed[k] /= weighed[k].sum()
    return weighed
