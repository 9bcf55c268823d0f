"""One recipe per kind of input, from what the user gives to the model's 28x28 inputs.

The app, batch classification and training (`train.extra`, `train.styles`) all call these
functions, so a digit reads the same wherever it comes from:

- a picture of one digit → `digit_input`: find the ink on a reduced copy, drop specks and far
  haze, frame it like MNIST (images already framed like MNIST only need scaling);
- a picture of a number → `number_inputs`: the same ink, split into digits (touching ones cut
  apart by recognition when a classifier is given, marks left out: `cuts`); a picture of one
  digit gives exactly `digit_input`'s answer;
- an image file → `file_inputs`: decoded grey and reduced, then one of the two above;
- pen strokes → `canvas_digits` (`canvas_inputs`): rasterized at a fixed height of the writing,
  each stroke on its own map; which strokes form which digit is chosen by the classifier
  (`grouping`), or by geometry alone when there is none.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop.engine import joined
from desktop.engine.cuts import number_crops
from desktop.engine.frame import INPUT_SIZE, READING_GAMMA, dilate, normalize
from desktop.engine.framed import framed_inputs, is_candidate
from desktop.engine.grouping import (
    PEN_WHOLE_FLOOR,
    PEN_WHOLE_WEIGHT,
    Candidates,
    Score,
    candidate_runs,
    group_strokes,
    join_cost,
    stroke_boxes,
    writing_height,
)
from desktop.engine.ink import find_ink, only_a_pattern
from desktop.engine.lines import remove_lines
from desktop.engine.pen import pen_join, weigh_the_pen
from desktop.engine.raster import Stroke, model_thickness, rasterize, strokes_extent
from desktop.engine.segment import INK_THRESHOLD, Parts, significant

DIGIT_WORK_SIZE = 128      # one digit: 6x the 20-px box, plenty for its strokes to survive
NUMBER_WORK_SIZE = 512     # several digits side by side share the width
BLANK = "no ink found: blank image"  # a picture without a digit: in batch rows and training
HALO = 2                   # pixels around strokes whose faint ink still belongs to them
ROW_RESOLUTION = 112       # pixels across the height of the writing when it is rasterized
MAX_RESOLUTION = 560       # a long number is rendered no wider than this
JOINED_CUT_COST = 1.5      # log-probability paid for parting a stroke between two digits


def no_inputs() -> np.ndarray:
    return np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)


def near_strokes(ink: np.ndarray) -> np.ndarray:
    """The ink within a few pixels of a stroke. Faint haze far from any (the edge of a shadow,
    JPEG noise) would otherwise widen the crop and shrink the digit in its 20-pixel box."""
    strokes = (ink > INK_THRESHOLD).astype(np.float32)
    return np.where(dilate(strokes, HALO) > 0, ink, 0.0).astype(np.float32)


def picture_ink(image: np.ndarray, work_size: int) -> np.ndarray:
    """The digits' ink in a picture (any size, polarity, channels), on a copy reduced to at
    most work_size, without specks and far haze."""
    return picture_ink_and_parts(image, work_size)[0]


def picture_ink_and_parts(image: np.ndarray, work_size: int) -> tuple[np.ndarray, Parts]:
    """`picture_ink`, and its components (dropping far haze leaves every stroke as it was)."""
    return _digits_ink(_unprinted_ink(image, work_size)[0])


def _unprinted_ink(image: np.ndarray, work_size: int) -> tuple[np.ndarray, bool]:
    """The ink without a form's printed lines, and whether all of it was a pattern printed all
    over with nothing written on it (an empty field of a cheque: then no ink is left)."""
    ink = remove_lines(find_ink(image, work_size), INK_THRESHOLD)
    if only_a_pattern(ink, INK_THRESHOLD):
        return np.zeros_like(ink), True
    return ink, False


def _digits_ink(ink: np.ndarray) -> tuple[np.ndarray, Parts]:
    ink, parts = significant(ink)
    return near_strokes(ink), parts


def digit_input(image: np.ndarray) -> np.ndarray:
    """A picture of one digit → its 28x28 input (zeros when there is no ink)."""
    if is_candidate(image):
        framed, ok = framed_inputs(image[None])
        if ok[0]:
            return framed[0]
    return normalize(picture_ink(image, DIGIT_WORK_SIZE), gamma=READING_GAMMA)


def _several_digits(image: np.ndarray, score: Score | None = None) -> np.ndarray | None:
    """The inputs of the digits of a number, left to right (none for an empty printed field);
    None for a picture of one digit (one group of ink, not cut). With `score`, touching
    digits are cut apart and the cut is chosen by recognition (`cuts`)."""
    unprinted, printed_alone = _unprinted_ink(image, NUMBER_WORK_SIZE)
    if printed_alone:  # judged at the number's size: reduced, a pattern can blur into a blot
        return no_inputs()
    ink, parts = _digits_ink(unprinted)
    found = number_crops(ink, score, parts)
    if found.groups <= 1 and len(found.crops) <= 1:
        return None
    inputs = [x for x in found.inputs if x.any()]
    return np.stack(inputs) if inputs else no_inputs()


def _one(model_input: np.ndarray) -> np.ndarray:
    return model_input[None] if model_input.any() else no_inputs()


def number_inputs(image: np.ndarray, score: Score | None = None) -> np.ndarray:
    """A picture of a number → (k, 28, 28) inputs of its digits, left to right (k = 0 when
    there is no ink). One digit found: `digit_input`'s answer."""
    several = _several_digits(image, score)
    return several if several is not None else _one(digit_input(image))


def file_inputs(source: str | os.PathLike | bytes, formats: list[str] | None = None,
                number: bool = False, score: Score | None = None) -> np.ndarray:
    """An image file (path or bytes) → (k, 28, 28) inputs: its digit, or with `number` the
    digits of the number in it. The one recipe for files: the app's File > Open image,
    batch classification and training on labelled images all read files through it, so a file
    gets the very same inputs wherever it is read. Decoded grey and reduced (`imagefile`);
    raises ImageError."""
    from desktop.engine.imagefile import load_image

    if number:
        image = load_image(source, formats, NUMBER_WORK_SIZE, grey=True)
        several = _several_digits(image, score)
        if several is not None:
            return several
        if max(image.shape[:2]) <= DIGIT_WORK_SIZE:  # decoding it smaller gives these pixels
            return _one(digit_input(image))
    return _one(digit_input(load_image(source, formats, DIGIT_WORK_SIZE, grey=True)))


def canvas_ink(strokes: Sequence[Stroke], thickness: float, each: bool = False) -> np.ndarray:
    """Strokes rasterized so the writing is about ROW_RESOLUTION high, however many digits,
    with a pen within MNIST's proportions to the digits' height (`raster.model_thickness`,
    the canvas's one stroke-width normalization: `normalize` leaves the width alone after it);
    with `each`, one map per stroke on the same grid (n, h, w)."""
    extent = strokes_extent(strokes)
    if extent is None:
        return np.zeros((len(strokes), 1, 1) if each else (1, 1), np.float32)
    left, top, right, bottom = extent
    thickness = model_thickness(strokes, thickness)
    height, width = bottom - top + thickness, right - left + thickness
    resolution = ROW_RESOLUTION * max(1.0, width / height)
    return rasterize(strokes, thickness, round(min(resolution, MAX_RESOLUTION)), each)


@dataclass(frozen=True)
class CanvasDigits:
    """The digits drawn, left to right: their inputs, their strokes (indices into the strokes
    given), their ink (the strokes, or the pieces of a stroke that holds two digits:
    `joined`) and, when a classifier chose the grouping, its probabilities (k, 10)."""
    inputs: np.ndarray
    groups: tuple[tuple[int, ...], ...]
    probabilities: np.ndarray | None
    ink: tuple[tuple[Stroke, ...], ...] = ()


def canvas_digits(strokes: Sequence[Stroke], thickness: float,
                  score: Score | None = None) -> CanvasDigits:
    """Strokes drawn on the canvas → their digits. Every run of strokes that may be one digit
    is framed from its own strokes' ink (a neighbour's touching ink stays out) and, with
    `score`, all are read in one call; the best grouping wins (`grouping`). With `score`, a
    stroke wide enough for two digits is cut into pieces the grouping may part (`joined`)."""
    drawn = [i for i, stroke in enumerate(strokes) if len(stroke)]
    if not drawn:
        return CanvasDigits(no_inputs(), (), None if score is None else np.zeros((0, 10)))
    kept = [strokes[i] for i in drawn]
    boxes = stroke_boxes(kept)
    height = writing_height(boxes)
    parts, of = kept, list(range(len(kept)))
    if score is not None and len(kept) > 1:  # one stroke alone: far more often one wide digit
        parts, of = joined.stroke_pieces(kept, height)  # (a 2's long base) than two joined
    split = len(parts) > len(kept)
    boxes = stroke_boxes(parts) if split else boxes
    layers = canvas_ink(parts, thickness, each=True)
    runs = candidate_runs(boxes)
    inputs = np.stack([normalize(layers[i:j].max(axis=0), widths=False) for i, j in runs])
    each = [joined.rejoined(parts[i:j], of[i:j]) if split else parts[i:j] for i, j in runs]
    read = None if score is None else pen_read(score(inputs), each)
    joins = np.array([join_cost(stroke_boxes(strokes_of) if split else boxes[i:j], height)
                      + pen_join(strokes_of, height)
                      for (i, j), strokes_of in zip(runs, each, strict=True)])
    cut = np.array([0.0] + [JOINED_CUT_COST * (a == b) for a, b in itertools.pairwise(of)])
    grouping = group_strokes(boxes, runs, read, joins, cut, whole_weight=PEN_WHOLE_WEIGHT)
    chosen = [runs.index((g[0], g[-1] + 1)) for g in grouping.groups]
    groups = tuple(tuple(sorted({drawn[of[i]] for i in g})) for g in grouping.groups)
    return CanvasDigits(inputs[chosen] if chosen else no_inputs(), groups,
                        grouping.probabilities, tuple(tuple(each[r]) for r in chosen))


def pen_read(read: Candidates, strokes: Sequence[Sequence[Stroke]]) -> Candidates:
    """The classifier's reading of candidate digits of pen ink (each given as its strokes)
    with what their pen's path says (`pen`), its `one_digit` judgement floored at
    PEN_WHOLE_FLOOR."""
    probabilities = weigh_the_pen(read.probabilities, strokes)
    if read.whole is None:
        return Candidates(probabilities)
    return Candidates(probabilities, np.maximum(read.whole, PEN_WHOLE_FLOOR))


def canvas_inputs(strokes: Sequence[Stroke], thickness: float,
                  score: Score | None = None) -> np.ndarray:
    """Strokes drawn on the canvas → (k, 28, 28) inputs of the digits, left to right."""
    return canvas_digits(strokes, thickness, score).inputs


def canvas_digit_input(strokes: Sequence[Stroke], thickness: float) -> np.ndarray:
    """Strokes of one digit → its 28x28 input, all the ink taken as that digit (a drawing
    that `canvas_inputs` reads as one digit gets the same input)."""
    return normalize(canvas_ink(strokes, thickness), widths=False)
