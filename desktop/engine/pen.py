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

Two more paths, counted in the development set's one-stroke digits (`crohme_digits`), weigh the
confusions the pen-written numbers suffer most after that 1 (2 read as 9, 4 read as 6):

- a stroke that ends going right along its base, at its lowest point: 72 % of one-stroke 2s
  (1,202 of 1,667), no 0, 3, 4, 5, 6, 7 or 9 and one 8 of 177: a looped 2 is no 9;
- a stroke that starts in its top part and ends at its lowest point, right of its start: 80 %
  of one-stroke 4s (95 of 119: the open 4 written like an "h"), but 2 % of 6s, 1 % of 0s and
  no 8: a digit that closes a loop ends where it closes it, not at its foot;
- and the flagged 1 however it comes down (a hook at its top, a slanted stem): a stroke that
  starts a fifth of its height or more below its top, climbs rightward to it and ends at its
  foot: 54 % of one-stroke 1s (847 of 1,579), one 7 of 38 and one 4 of 119.

Each discounts the digits it rules out by DISCOUNT, as the flagged 1 does.
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
TAIL = 0.2          # a stroke's end: this share of its length
FLAT = 0.5          # going right: less than this much down or up per unit to the right
LOW = 0.15          # at its lowest point: within this (x its height) of it
FOOT = 0.12         # the same, for a stroke that starts in its
TOP = 0.3           # top part (this share of its height)
LEAD_IN = 0.2       # a lead-in: the pen starts at least this far (x height) below its top
NOT_BASED = (0, 3, 4, 5, 6, 7, 8, 9)  # never end going right along their base (a 2 does)
NOT_FOOTED = (0, 6, 8)                # never end at their foot: they close a loop


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


def _extent(stroke: Sequence[tuple[float, float]]) -> tuple[np.ndarray, float] | None:
    """The stroke's points and height; None for a stroke too short or flat to say anything."""
    points = np.asarray(stroke, np.float64).reshape(-1, 2)
    height = float(np.ptp(points[:, 1])) if len(points) >= 3 else 0.0
    return (points, height) if height > 0 else None


def ends_along_its_base(stroke: Sequence[tuple[float, float]]) -> bool:
    """The stroke's last part goes right, nearly level, and ends at its lowest point: the base
    of a 2."""
    found = _extent(stroke)
    if found is None:
        return False
    points, height = found
    length = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    start = min(int(np.searchsorted(length, length[-1] * (1 - TAIL))), len(points) - 2)
    dx, dy = (points[-1] - points[start]) / height
    return bool(dx > 0 and abs(dy) < FLAT * dx
                and points[:, 1].max() - points[-1, 1] < LOW * height)


def ends_at_its_foot(stroke: Sequence[tuple[float, float]]) -> bool:
    """The stroke starts in its top part and ends at its lowest point, right of where it
    started: an open 4 written like an "h" (or a 1, 2, 7), never a digit that closes a loop."""
    found = _extent(stroke)
    if found is None:
        return False
    points, height = found
    top, bottom = points[:, 1].min(), points[:, 1].max()
    return bool(points[0, 1] - top < TOP * height and bottom - points[-1, 1] < FOOT * height
                and points[-1, 0] > points[0, 0])


def climbs_to_its_foot(stroke: Sequence[tuple[float, float]]) -> bool:
    """The stroke starts well below its top, climbs rightward to it, and ends at its lowest
    point: a 1 with a lead-in flag, however it comes down (a bar-like hook at its top, a
    slanted stem), which a one-stroke 7 or 4 almost never is."""
    found = _extent(stroke)
    if found is None:
        return False
    points, height = found
    top = int(points[:, 1].argmin())
    return bool(points[0, 1] - points[top, 1] >= LEAD_IN * height
                and points[top, 0] > points[0, 0]
                and points[:, 1].max() - points[-1, 1] < FOOT * height)


# What a one-stroke digit's path rules out: the test, and the digits it discounts.
PATHS = ((climbs_to_a_stem, NOT_FLAGGED), (ends_along_its_base, NOT_BASED),
         (ends_at_its_foot, NOT_FOOTED), (climbs_to_its_foot, NOT_FLAGGED))


def weigh_the_pen(probabilities: np.ndarray,
                  strokes: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> np.ndarray:
    """The readings (n, 10) of n candidate digits, each given as its strokes: a one-stroke
    digit has the digits its path rules out (PATHS) discounted (DISCOUNT), renormalized."""
    weighed = np.array(probabilities, np.float32, copy=True)
    for k, digit in enumerate(strokes):
        if len(digit) != 1:
            continue
        ruled_out = sorted({d for test, digits in PATHS if test(digit[0]) for d in digits})
        if ruled_out:
            weighed[k, ruled_out] *= DISCOUNT
            weighed[k] /= weighed[k].sum()
    return weighed
