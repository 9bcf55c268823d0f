"""Pen strokes → digits: which strokes form which digit, decided by the classifier.

A digit is one stroke or a few strokes written in succession; two digits whose ink touches are
still different strokes, so pixels never join them. The candidate digits are runs of consecutive
strokes whose columns meet or that lie one above the other (the bar of a 5 and its body, the two
strokes of a 4); every way of cutting the drawing into such runs is a candidate reading, and the
one whose digits the classifier reads most surely wins: the sum of each digit's log top
probability, less small costs for what digits rarely look like (below), found by dynamic
programming over the runs (all read in one batch). Marks (dots, dashes, underlines) are never a
digit on their own. Without a classifier, geometry alone decides. The costs were chosen on the
development set's pen ink (`python -m bench ink`); `cuts` uses the same search for pictures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_STROKES = 5       # strokes one digit may have (a 1 with flag and base, retraced strokes)
GAP = 0.2             # strokes of one digit lie at most this far apart (x the digits' height)
OVERLAP = 0.5         # digits side by side share less than this of the narrower's columns
SPECK = 0.1           # a stroke smaller than this (x the digits' height) is no digit on its own,
SHORT = 0.3           # nor strokes lower than this: a dot, a dash, an underline, a bar
ROUND = 0.2           # unless at least this high and
ROUND_WIDE = 1.8      # at most this much wider than high: a 0 written small ("00000001")
DIGIT_COST = 0.05     # log-probability a reading pays per digit: fewer, surer digits win
OVERLAP_COST = 3.0    # log-probability paid by neighbours that mostly share their columns
MARK_COST = 0.5       # paid for a stroke left out of the number (a separator, a dash)
NEAR = 0.1            # a mark this close (x height) to a digit's strokes may be part of it
                      # (a 5's bar drawn a little apart from its body)
WIDE = 0.75           # a digit is rarely wider than this (x the digits' height: 84 % of pen
WIDE_COST = 4.0       # digits are within it, half within 0.56), two digits in one box are;
                      # per unit of width beyond that, in log-probability
WIDEST = 2.5          # wider runs of strokes are not read as one digit at all
SHIFT = 0.15          # digits side by side have their middles at most this far apart (x
SHIFT_COST = 8.0      # digits' height); per unit beyond that (a 4's bar above its stem)
UNEVEN = 0.6          # digits side by side are at least this high (x each other's height);
UNEVEN_COST = 0.5     # at most this paid by a pair as uneven as a digit and its tick
JOIN = 0.6            # a stroke of a digit shares at least this of its columns with the rest
JOIN_COST = 0.3       # (the bar of a 5, the stem of a 4); at most this paid per stroke that
                      # shares fewer (two round digits side by side, each read surely alone)
PEN_WHOLE_WEIGHT = 0.1  # x log of the model's probability that a candidate is one whole digit
                        # (`one_digit`, taught on pictures: half its weight there cost pen ink
                        # numbers; a tenth mends digits in two strokes read as a part alone
                        # or as two digits)
PEN_WHOLE_FLOOR = 0.01  # ... and no lower than this: it is sure that a 1 broken into short
                        # pieces is no whole digit, which would cost the whole 1 too much

Run = tuple[int, int]  # strokes start:end of one candidate digit, in writing order


@dataclass(frozen=True)
class Candidates:
    """What the classifier says of candidate digits: their probabilities (n, 10) and, when the
    model has the `one_digit` output, the probability that each is one whole digit (n,), not
    two touching digits, a part of one or a mark; when it has `one_digit_lone` (pictures
    only), the probability that each, were it a picture's only piece of ink, is one digit
    rather than touching ones."""
    probabilities: np.ndarray
    whole: np.ndarray | None = None
    lone: np.ndarray | None = None


Score = Callable[[np.ndarray], Candidates]  # (n, 28, 28) inputs of candidate digits


@dataclass(frozen=True)
class Grouping:
    """The digits found, left to right: their strokes' indices and what the classifier read."""
    groups: tuple[tuple[int, ...], ...]
    probabilities: np.ndarray | None  # (k, 10) when a classifier chose


def stroke_boxes(strokes: Sequence[Sequence[tuple[float, float]]]) -> np.ndarray:
    """(n, 4) left, top, right, bottom of each stroke's points."""
    boxes = np.zeros((len(strokes), 4), np.float64)
    for i, stroke in enumerate(strokes):
        xy = np.asarray(stroke, np.float64).reshape(-1, 2)
        boxes[i] = (*xy.min(axis=0), *xy.max(axis=0))
    return boxes


def writing_height(boxes: np.ndarray) -> float:
    """The height of the digits: their tallest stroke's, so that a slanted line of writing or
    an underline does not count as taller digits."""
    return float(max((boxes[:, 3] - boxes[:, 1]).max(), 1.0))


def _near(a: np.ndarray, b: np.ndarray, gap: float) -> bool:
    """Two strokes that may be parts of one digit: their columns meet (up to `gap` apart), or
    one lies above the other, farther apart in height than in width (a 1 in dashes)."""
    dx = max(a[0], b[0]) - min(a[2], b[2])
    dy = max(a[1], b[1]) - min(a[3], b[3])
    return dx <= gap or dx <= dy


def _connected(boxes: np.ndarray, gap: float) -> bool:
    """The strokes are linked by `_near` pairs into one piece."""
    reached, frontier = {0}, [0]
    while frontier:
        k = frontier.pop()
        for m in range(len(boxes)):
            if m not in reached and _near(boxes[k], boxes[m], gap):
                reached.add(m)
                frontier.append(m)
    return len(reached) == len(boxes)


def candidate_runs(boxes: np.ndarray, gap: float = GAP) -> list[Run]:
    """Runs of consecutive strokes that may form one digit: every stroke alone, and up to
    MAX_STROKES in succession whose columns meet (up to `gap` heights apart), no wider than
    WIDEST (marks aside)."""
    height = writing_height(boxes)
    n = len(boxes)
    return [(i, j) for i in range(n) for j in range(i + 1, min(n, i + MAX_STROKES) + 1)
            if may_be_one(boxes[i:j], height, gap)]


def may_be_one(boxes: np.ndarray, height: float, gap: float = GAP) -> bool:
    """The strokes may form one digit: one stroke, or strokes no wider than WIDEST (marks
    aside) whose columns meet (up to `gap` heights apart)."""
    return len(boxes) == 1 or (_body_width(boxes, height) <= WIDEST * height
                               and _connected(boxes, gap * height))


def is_mark(box: np.ndarray, height: float, short: float = SHORT, rounds: bool = True) -> bool:
    """No digit on its own: a speck or dot, or lower than digits are (a dash, an underline, a
    bar of a 5 or 7 that belongs to its neighbour). With `rounds` (pen strokes), a stroke
    ROUND high and no more than ROUND_WIDE times as wide is a digit written small or raised
    (a 0), not a mark; in pictures a blurred separator dot is as round."""
    tall, wide = box[3] - box[1], box[2] - box[0]
    if rounds and tall >= ROUND * height and wide <= ROUND_WIDE * tall:
        return False
    return bool(tall < short * height or max(wide, tall) < SPECK * height)


def _box(boxes: np.ndarray, run: Run) -> np.ndarray:
    part = boxes[run[0]:run[1]]
    return np.array([part[:, 0].min(), part[:, 1].min(), part[:, 2].max(), part[:, 3].max()])


def pair_cost(a: np.ndarray, b: np.ndarray, height: float) -> float:
    """Neighbouring digits that mostly share their columns, one much higher than the other or
    one much shorter (a 7's serif beside it) are likely one digit cut in two."""
    shared = min(a[2], b[2]) - max(a[0], b[0])
    narrower = max(min(a[2] - a[0], b[2] - b[0]), 1e-6)
    shift = abs(a[1] + a[3] - b[1] - b[3]) / 2 / height
    heights = sorted((a[3] - a[1], b[3] - b[1]))
    return (OVERLAP_COST if shared > OVERLAP * narrower else 0.0) \
        + SHIFT_COST * max(0.0, shift - SHIFT) \
        + UNEVEN_COST * max(0.0, 1.0 - heights[0] / max(heights[1], 1e-6) / UNEVEN)


def join_cost(boxes: np.ndarray, height: float) -> float:
    """What joining these strokes into one digit costs: strokes left to right, each sharing
    fewer of its columns with those before it than strokes of one digit do pays a part; a mark
    (`is_mark`) more than NEAR away from the other strokes' box pays more than leaving it out (a
    separator dot or an underline beside a digit is not part of it; the bar of a 5 or 7 touches
    it or nearly)."""
    mark, body = _marks_and_body(boxes, height)
    order = body[np.argsort(body[:, 0])]
    left, right, cost = order[0, 0], order[0, 2], 0.0
    for box in order[1:]:
        narrower = max(min(box[2] - box[0], right - left), 1e-6)
        shared = max(min(right, box[2]) - box[0], 0.0) / narrower
        cost += JOIN_COST * max(0.0, 1.0 - shared / JOIN)
        right = max(right, box[2])
    outer = (body[:, 0].min(), body[:, 1].min(), body[:, 2].max(), body[:, 3].max())
    near = NEAR * height
    for box in boxes[mark] if not mark.all() else ():
        apart = (box[0] > outer[2] + near or box[2] < outer[0] - near or box[1] > outer[3] + near
                 or box[3] < outer[1] - near)
        cost += 2 * MARK_COST if apart else 0.0  # dearer than leaving it out
    return cost


def _marks_and_body(boxes: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """Which strokes are marks (`is_mark`), and the boxes of the others: the digit's body (all
    of them when every stroke is a mark)."""
    mark = np.array([is_mark(box, height) for box in boxes])
    return mark, (boxes if mark.all() else boxes[~mark])


def _body_width(boxes: np.ndarray, height: float) -> float:
    """The width of strokes without their marks: a 7's long bar or a 5's does not make the
    digit as wide as two."""
    _, body = _marks_and_body(boxes, height)
    return float(body[:, 2].max() - body[:, 0].min())


def run_scores(runs: list[Run], read: Candidates | None, boxes: np.ndarray,
               joins: np.ndarray | None = None, whole_weight: float = 0.0) -> np.ndarray:
    """Each run read as one digit: its log top probability (0 without a classifier) and
    `whole_weight` x the log probability that it is one whole digit (when the model says;
    taught on pictures, it weighs less for pen ink: PEN_WHOLE_WEIGHT), less the
    cost of a digit, of joining its parts (`join_cost` unless given) and of a width more like
    two digits' (the classifier alone is sure of too many blots of two digits in one box)."""
    height = writing_height(boxes)
    widths = np.array([_body_width(boxes[i:j], height) for i, j in runs]) / height
    if joins is None:
        joins = np.array([join_cost(boxes[i:j], height) for i, j in runs])
    prior = -DIGIT_COST - WIDE_COST * np.maximum(widths - WIDE, 0.0) - joins
    if read is None:
        return prior
    if read.whole is not None and whole_weight:
        prior = prior + log_whole(read.whole, whole_weight)
    return log_top(read.probabilities) + prior


def log_top(probabilities: np.ndarray) -> np.ndarray:
    """The log of each reading's top probability (floored: a sure 0 is no minus infinity)."""
    return np.log(np.maximum(probabilities.max(axis=-1), 1e-9))


def log_whole(whole: np.ndarray, weight: float) -> np.ndarray:
    """`weight` x the log probability that each candidate is one whole digit (floored)."""
    return weight * np.log(np.maximum(whole, 1e-9))


def best_runs(runs: list[Run], scores: np.ndarray, boxes: np.ndarray,
              cuts: np.ndarray | None = None, short: float = SHORT,
              sliced: np.ndarray | None = None, rounds: bool = True,
              marked: np.ndarray | None = None) -> list[tuple[Run, bool]]:
    """The cut of the strokes into runs with the highest total score: (run, is a digit) in
    writing order; a mark (`is_mark`) is no digit: a stroke of one is left out at a cost, or
    joins a digit; cuts[k], when given, is paid by a run starting at part k (a cut through
    connected ink); sliced[k] true: part k is a slice of a digit's ink, never a mark;
    marked[k] true: part k alone is a mark, whatever its box; `short` and `rounds` as in
    `is_mark`. Dynamic
    programming over (end of the last run, that run), since the cost
    of two neighbours depends on both."""
    height = writing_height(boxes)
    cuts = np.zeros(len(boxes)) if cuts is None else cuts
    n = len(boxes)
    box_of = {run: _box(boxes, run) for run in runs}
    best: dict[int, tuple[float, list[tuple[Run, bool]]]] = {-1: (0.0, [])}  # by last run
    ending: dict[int, list[int]] = {0: [-1]}
    for r in sorted(range(len(runs)), key=lambda r: runs[r][1]):
        start, end = runs[r]
        alone_a_mark = marked is not None and end == start + 1 and bool(marked[start])
        mark = (alone_a_mark or is_mark(box_of[runs[r]], height, short, rounds)) and (
            sliced is None or not sliced[start:end].any())
        if mark and end > start + 1:
            continue
        score = (-MARK_COST if mark else float(scores[r])) - float(cuts[start])
        options = []
        for prev in ending.get(start, []):
            total, path = best[prev]
            digits = [run for run, digit in path if digit]
            cost = 0.0 if mark or not digits else pair_cost(box_of[digits[-1]],
                                                              box_of[runs[r]], height)
            options.append((total + score - cost, path))
        if options:
            total, path = max(options, key=lambda o: o[0])
            best[r] = (total, [*path, (runs[r], not mark)])
            ending.setdefault(end, []).append(r)
    finals = [best[r] for r in ending.get(n, [])]
    return max(finals, key=lambda f: f[0])[1] if finals else []


def group_strokes(boxes: np.ndarray, runs: list[Run], read: Candidates | None,
                  joins: np.ndarray | None = None, cuts: np.ndarray | None = None,
                  short: float = SHORT, whole_weight: float = 0.0,
                  sliced: np.ndarray | None = None, rounds: bool = True,
                  marked: np.ndarray | None = None) -> Grouping:
    """The digits of the best cut, left to right (by the centre of their columns), `read`
    being the classifier's reading of every run; `joins`, `whole_weight`, `cuts`, `short`,
    `sliced`, `rounds` and `marked` as in `run_scores` and `best_runs`."""
    scores = run_scores(runs, read, boxes, joins, whole_weight)
    best = {run for run, digit in best_runs(runs, scores, boxes, cuts, short, sliced, rounds,
                                            marked) if digit}
    chosen = [(r, run) for r, run in enumerate(runs) if run in best]
    chosen.sort(key=lambda item: float(_box(boxes, item[1])[[0, 2]].mean()))
    groups = tuple(tuple(range(*run)) for _, run in chosen)
    if read is None:
        return Grouping(groups, None)
    return Grouping(groups, read.probabilities[[r for r, _ in chosen]])
