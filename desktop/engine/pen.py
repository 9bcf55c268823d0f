"""What the pen's path says that the picture does not: a 1 written with a lead-in flag, and
where a stroke ends and which way it turns.

Many writers start a 1 low on the left and climb to its top before coming down: in the picture,
a long flag on a stem, which the model (taught on MNIST, whose 1s are mostly bare) often reads
as a 7 or, flag and stem apart, as an open 4. The pen tells them apart: a 7 is a bar drawn
rightward from its top, then the stroke down; a 4 in one stroke starts at its top and goes
down first; that 1 climbs a good part of its height to its highest point and comes straight
down from there. In the development set's pen-written numbers, two in three one-stroke 1s have
that path, and none of the one-stroke 7s and 4s read right (0 of 76, 0 of 232): a digit drawn
so has its 4 discounted by the likelihood ratio (DISCOUNT, with one such 7 counted as a prior)
and its 7 ten times more (FLAGGED_7: the model reads such a 1 as a 7 too surely for DISCOUNT to
turn), the other digits as the model read them.

More paths, counted in the development set's one-stroke digits (`crohme_digits`), weigh the
confusions the pen-written numbers suffer most after that 1 (2 read as 9, 4 as 6, 1 as 7, 9
and 5 as 3):

- a stroke that ends going right along its base, at its lowest point: 72 % of one-stroke 2s
  (1,202 of 1,667), no 0, 3, 4, 5, 6, 7 or 9 and one 8 of 177: a looped 2 is no 9;
- a stroke that starts in its top part and ends at its lowest point, right of its start: 80 %
  of one-stroke 4s (95 of 119: the open 4 written like an "h"), but 2 % of 6s, 1 % of 0s and
  no 8: a digit that closes a loop ends where it closes it, not at its foot;
- a stroke that ends at its rightmost part: the first stroke of 96 % of two-stroke 4s (275 of
  287: an "L" or a "U" whose stem comes after), but 1.4-2.2 % of one-stroke 0s, 5s and 6s and
  0.2 % of 3s: the open part of a 4 is no 6 (a 4 so written was read "61");
- the flagged 1 however it comes down (a hook at its top, a slanted stem): a stroke that
  starts a fifth of its height or more below its top, climbs rightward to it and ends at its
  foot: 54 % of one-stroke 1s (847 of 1,579), one 7 of 38 and one 4 of 119;
- and which way the stroke begins to turn (its first half by length, as a closed loop):
  clockwise on the screen for 97 % of 2s, 87 % of 3s, 58 % of 7s, but 1-5 % of 0, 4, 5, 6 and
  9; anticlockwise for 93 % of 9s, 96 % of 0s, 71 % of 5s and no 2, 3 or 7 (9 and 5 read as
  3, a 2 as 9).

Each discounts the digits it rules out by DISCOUNT, as the flagged 1 does; a clockwise start
by CLOCKWISE_DISCOUNT, as a few of the digits it rules out do begin so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

Stroke = Sequence[tuple[float, float]]

CLIMB = 0.25        # the pen climbs at least this (x the stroke's height) to its highest point,
BAR = 0.1           # then goes less than this to the right of it before coming down,
DOWN = 0.15         # "coming down": this far below the highest point
STEM = 0.6          # and then comes down at least this far: a stem, not a bar drawn leftward
DISCOUNT = 0.02     # how much likelier that path is for a 1 than for a 7 or a 4, inverted
FLAGGED_7 = 0.002   # a flagged 1's path discounts a 4 by DISCOUNT, a 7 by this: the model reads
                    # a flagged 1 as a 7 so surely (0.99 and more) that DISCOUNT left 20 of
                    # 3,239 pen numbers with a 1 read as a 7
TAIL = 0.2          # a stroke's end: this share of its length
FLAT = 0.5          # going right: less than this much down or up per unit to the right
LOW = 0.15          # at its lowest point: within this (x its height) of it
FOOT = 0.12         # the same, for a stroke that starts in its
TOP = 0.3           # top part (this share of its height)
RIGHT = 0.15        # at its rightmost part: within this (x its width) of it
LEAD_IN = 0.2       # a lead-in: the pen starts at least this far (x height) below its top
HALF = 0.5          # the first half of a stroke, by length,
TURN = 0.05         # turns when it encloses at least this (x its height squared)
NOT_CLOCKWISE = (0, 4, 5, 6, 9)   # never begin turning clockwise (at most 5 % of them do)
NOT_ANTICLOCKWISE = (2, 3, 7)     # never begin turning anticlockwise
CLOCKWISE_DISCOUNT = 0.05         # what a clockwise start says: 1-5 % of 0, 4, 5, 6, 9 begin so
NOT_BASED = (0, 3, 4, 5, 6, 7, 8, 9)  # never end going right along their base (a 2 does)
NOT_FOOTED = (0, 6, 8)                # never end at their foot: they close a loop
NOT_RIGHT_ENDED = (0, 3, 5, 6)        # never end at their rightmost part (at most 2.2 % do)
STRAIGHT = 0.2      # a straight stroke strays at most this far (x its length) from its chord
TWO_CURVES_COST = 1.0  # log-probability paid by two strokes, neither straight, read as one digit
BAR_ON_STEM = 1.0   # log-probability given back to two strokes read as one digit when the first
REACH = 0.15        # ends going right within this (x the digits' height) of a straight, upright
BELOW = 0.2         # second stroke that goes on at least this far below it: a 4's bar on its stem


def _along(points: np.ndarray) -> np.ndarray:
    """The pen's way from the first of these points to each."""
    return np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])


@dataclass(frozen=True)
class Shape:
    """A stroke's points (y grows downwards) and what the tests below share, worked out once."""
    points: np.ndarray      # (n, 2)
    height: float

    @classmethod
    def of(cls, stroke: Stroke | Shape) -> Shape | None:
        """The stroke's shape; None for one too short or flat to say anything."""
        if isinstance(stroke, Shape):
            return stroke
        points = np.asarray(stroke, np.float64).reshape(-1, 2)
        height = float(np.ptp(points[:, 1])) if len(points) >= 3 else 0.0
        return cls(points, height) if height > 0 else None

    @cached_property
    def length(self) -> np.ndarray:
        """The pen's way from the start to each point."""
        return _along(self.points)

    @cached_property
    def turning(self) -> float:
        """How the first half of the stroke (by length) turns: the signed area it encloses,
        closed, in units of its height squared; positive clockwise as seen on the screen."""
        cut = max(3, int(np.searchsorted(self.length, self.length[-1] * HALF)))
        x, y = (self.points[:cut] / self.height).T
        return float(0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)))


def climbs_to_a_stem(stroke: Stroke | Shape) -> bool:
    """The stroke climbs to its highest point and comes down from it, a stem with no bar to
    the right: a 1 with a lead-in flag."""
    shape = Shape.of(stroke)
    if shape is None:
        return False
    points, height = shape.points, shape.height
    top = int(points[:, 1].argmin())
    climb = (points[0, 1] - points[top, 1]) / height
    after = points[top:]
    down = np.flatnonzero(after[:, 1] > points[top, 1] + DOWN * height)
    if not len(down):
        return False
    bar = (after[:down[0], 0].max() - points[top, 0]) / height
    stem = (after[:, 1].max() - points[top, 1]) / height
    return bool(climb >= CLIMB and bar < BAR and stem >= STEM)


def ends_along_its_base(stroke: Stroke | Shape) -> bool:
    """The stroke's last part goes right, nearly level, and ends at its lowest point: the base
    of a 2."""
    shape = Shape.of(stroke)
    if shape is None:
        return False
    points, length = shape.points, shape.length
    start = min(int(np.searchsorted(length, length[-1] * (1 - TAIL))), len(points) - 2)
    dx, dy = (points[-1] - points[start]) / shape.height
    return bool(dx > 0 and abs(dy) < FLAT * dx
                and points[:, 1].max() - points[-1, 1] < LOW * shape.height)


def ends_at_its_foot(stroke: Stroke | Shape) -> bool:
    """The stroke starts in its top part and ends at its lowest point, right of where it
    started: an open 4 written like an "h" (or a 1, 2, 7), never a digit that closes a loop."""
    shape = Shape.of(stroke)
    if shape is None:
        return False
    points, height = shape.points, shape.height
    top, bottom = points[:, 1].min(), points[:, 1].max()
    return bool(points[0, 1] - top < TOP * height and bottom - points[-1, 1] < FOOT * height
                and points[-1, 0] > points[0, 0])


def ends_at_its_right(stroke: Stroke | Shape) -> bool:
    """The stroke ends at its rightmost part: the "L" or "U" of a 4 whose stem is a second
    stroke, a 2's base, a 1; never a 0, 3, 5 or 6, which end inside or on their left."""
    shape = Shape.of(stroke)
    if shape is None:
        return False
    x = shape.points[:, 0]
    return bool(x.max() - x[-1] < RIGHT * max(float(np.ptp(x)), 1e-9))


def climbs_to_its_foot(stroke: Stroke | Shape) -> bool:
    """The stroke starts well below its top, climbs rightward to it, and ends at its lowest
    point: a 1 with a lead-in flag, however it comes down (a bar-like hook at its top, a
    slanted stem), which a one-stroke 7 or 4 almost never is."""
    shape = Shape.of(stroke)
    if shape is None:
        return False
    points, height = shape.points, shape.height
    top = int(points[:, 1].argmin())
    return bool(points[0, 1] - points[top, 1] >= LEAD_IN * height
                and points[top, 0] > points[0, 0]
                and points[:, 1].max() - points[-1, 1] < FOOT * height)


def turns_clockwise(stroke: Stroke | Shape) -> bool:
    """The stroke's first half turns clockwise: a 2, 3 or 7 begins so, a 9, 0, 6 or 4 not."""
    shape = Shape.of(stroke)
    return shape is not None and shape.turning > TURN


def turns_anticlockwise(stroke: Stroke | Shape) -> bool:
    """The stroke's first half turns anticlockwise: a 9, 0, 6, 5 or 4 begins so, a 2, 3 or 7
    not."""
    shape = Shape.of(stroke)
    return shape is not None and shape.turning < -TURN


def is_straight(stroke: Stroke) -> bool:
    """The stroke keeps within STRAIGHT of its length from the line from its start to its end
    (a bar, a stem, a flag, a dot). An allowance of a quarter or half of the brush's width on
    top read a number fewer of the development set's 3,239."""
    points = np.asarray(stroke, np.float64).reshape(-1, 2)
    if len(points) < 2:
        return True
    chord = points[-1] - points[0]
    length = float(np.hypot(*chord))
    offset = points - points[0]
    away = (np.abs(offset[:, 0] * chord[1] - offset[:, 1] * chord[0]) / length if length
            else np.hypot(offset[:, 0], offset[:, 1]))  # a closed stroke: its reach
    return bool(away.max() <= STRAIGHT * length)


def two_curves(strokes: Sequence[Stroke]) -> bool:
    """Two strokes, neither of them straight (`is_straight`): two digits side by side
    far more often than one. A digit written in two strokes has a straight one (a bar, a stem,
    a base or a flag): 93 % of the development set's 804 two-stroke digits, 97-98 % of its 1s,
    4s, 5s and 7s (most of them), but 2 of its 23 8s and 9s, written in two loops or arcs."""
    return len(strokes) == 2 and not any(is_straight(s) for s in strokes)


def bar_meets_stem(first: Stroke, second: Stroke, height: float) -> bool:
    """The first stroke ends going right at the second, a straight upright stroke that goes on
    well below that end (REACH, BELOW; height: the digits'): the bar of a 4 meeting its stem,
    which the picture alone reads as two digits ("61", "21"). 111 of the development set's 289
    two-stroke 4s are drawn so, none of its 515 other two-stroke digits."""
    bar = np.asarray(first, np.float64).reshape(-1, 2)
    stem = np.asarray(second, np.float64).reshape(-1, 2)
    if len(bar) < 2 or len(stem) < 2:
        return False
    (left, top), (right, bottom) = stem.min(axis=0), stem.max(axis=0)
    end = bar[-1]
    if not (bottom - top >= max(0.5 * height, 2 * (right - left))  # upright, and the bar ends
            and left - REACH * height <= end[0] <= right + REACH * height  # at it, above
            and top < end[1] <= bottom - BELOW * height):  # its foot (the cheap tests first)
        return False
    along = _along(bar)
    tail = bar[-1] - bar[np.searchsorted(along, (1 - TAIL) * along[-1])]
    return bool(tail[0] > abs(tail[1]) and is_straight(second))


def pen_join(strokes: Sequence[Stroke], height: float) -> float:
    """What the pen's path says of strokes read as one digit, as a cost in log-probability
    (height: the digits'): two curves are likelier two digits, a bar ending on a stem one."""
    if len(strokes) != 2:
        return 0.0
    return (TWO_CURVES_COST * two_curves(strokes)
            - BAR_ON_STEM * bar_meets_stem(strokes[0], strokes[1], height))


# What a one-stroke digit's path rules out: the test, and the digits it discounts by how much.
FLAGGED = {7: FLAGGED_7, 4: DISCOUNT}  # what a flagged 1's picture is taken for
PATHS = ((climbs_to_a_stem, FLAGGED), (ends_along_its_base, dict.fromkeys(NOT_BASED, DISCOUNT)),
         (ends_at_its_foot, dict.fromkeys(NOT_FOOTED, DISCOUNT)), (climbs_to_its_foot, FLAGGED),
         (ends_at_its_right, dict.fromkeys(NOT_RIGHT_ENDED, DISCOUNT)),
         (turns_clockwise, dict.fromkeys(NOT_CLOCKWISE, CLOCKWISE_DISCOUNT)),
         (turns_anticlockwise, dict.fromkeys(NOT_ANTICLOCKWISE, DISCOUNT)))


def weigh_the_pen(probabilities: np.ndarray,
                  strokes: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> np.ndarray:
    """The readings (n, 10) of n candidate digits, each given as its strokes: a one-stroke
    digit has the digits its path rules out (PATHS) discounted, renormalized."""
    weighed = np.array(probabilities, np.float32, copy=True)
    for k, digit in enumerate(strokes):
        shape = Shape.of(digit[0]) if len(digit) == 1 else None
        if shape is None:
            continue
        discount = np.ones(10, np.float32)
        for test, factors in PATHS:
            if test(shape):
                for ruled_out, factor in factors.items():
                    discount[ruled_out] = min(discount[ruled_out], factor)
        if discount.min() < 1:
            weighed[k] *= discount
            weighed[k] /= weighed[k].sum()
    return weighed
