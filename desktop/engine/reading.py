"""From strokes or an image to a Reading: the inputs of its digits (the recipes) and the
classifier's prediction for each. Plain functions, tested without a window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.engine.adapt import Adaptation
from desktop.engine.classifier import Classifier, Prediction
from desktop.engine.pen import weigh_the_pen
from desktop.engine.raster import Stroke
from desktop.engine.recipes import canvas_digits, file_inputs, number_inputs

Box = tuple[float, float, float, float]    # left, top, right, bottom


@dataclass(frozen=True)
class Reading:
    """What the model read: one 28x28 input and one prediction per digit, left to right."""
    source: str                              # "canvas" or "file"
    inputs: np.ndarray                       # (N, 28, 28) float32
    predictions: tuple[Prediction, ...]
    picture: np.ndarray | None = None        # the decoded image, for files,
    about: str = ""                           # and what the file is: name, format, size
    adapted: bool = False                    # the person's samples changed a digit
    groups: tuple[tuple[int, ...], ...] = ()  # for the canvas: each digit's strokes,
    boxes: tuple[Box, ...] = ()               # and where its ink lies (canvas coordinates)

    @property
    def digits(self) -> list[int]:
        return [p.digit for p in self.predictions]

    @property
    def confidences(self) -> list[float]:
        return [p.confidence for p in self.predictions]


def adapted_probabilities(inputs: np.ndarray, classifier: Classifier,
                          adaptation: Adaptation | None = None) -> tuple[np.ndarray, bool]:
    """The probabilities (n, 10) of each input, adapted to the person's samples when given;
    and whether the adaptation changed any digit."""
    if adaptation is None or not classifier.features or not len(inputs):
        return classifier.predict(inputs), False
    views = classifier.predict_with_features(inputs)
    base, adapted = views[0], adaptation.predict_proba(*views)
    return adapted, bool((adapted.argmax(axis=1) != base.argmax(axis=1)).any())


def predictions(inputs: np.ndarray, classifier: Classifier,
                adaptation: Adaptation | None = None) -> tuple[tuple[Prediction, ...], bool]:
    """The prediction of each input, adapted to the person's samples when given; and whether
    the adaptation changed any digit."""
    found, adapted = adapted_probabilities(inputs, classifier, adaptation)
    return tuple(Prediction.of(p) for p in found), adapted


def read_strokes(strokes: Sequence[Stroke], thickness: float, classifier: Classifier,
                 adaptation: Adaptation | None = None) -> Reading:
    """The digits drawn on the canvas (none for an empty drawing); the classifier also chooses
    which strokes form which digit, and its reading of the chosen ones is the answer (adapted
    to the person's samples when given)."""
    found = canvas_digits(strokes, thickness, classifier.pen_candidates)
    assert found.probabilities is not None
    read, adapted = found.probabilities, False
    if adaptation is not None:  # the person's samples weigh the picture, the pen's path on top
        read, adapted = adapted_probabilities(found.inputs, classifier, adaptation)
        read = weigh_the_pen(read, found.ink)
    chosen = tuple(Prediction.of(p) for p in read)
    return Reading("canvas", found.inputs, chosen, adapted=adapted, groups=found.groups,
                   boxes=tuple(strokes_box(ink, thickness) for ink in found.ink))


def strokes_box(strokes: Sequence[Stroke], thickness: float) -> Box:
    """Where a digit's strokes lie, their pen's breadth included."""
    xy = np.concatenate([np.asarray(stroke, np.float64).reshape(-1, 2) for stroke in strokes])
    pad = thickness / 2
    (left, top), (right, bottom) = xy.min(axis=0) - pad, xy.max(axis=0) + pad
    return float(left), float(top), float(right), float(bottom)


def read_image(image: np.ndarray, classifier: Classifier) -> Reading:
    """The digits in a picture (any size, polarity, channels), which the reading keeps."""
    inputs = number_inputs(image, classifier.candidates)
    return Reading("file", inputs, tuple(classifier.classify(inputs)), picture=image)


def read_image_file(path: str, classifier: Classifier,
                    adaptation: Adaptation | None = None) -> Reading:
    """Read the number in an image file as batch classification reads it (`file_inputs`);
    the reading keeps the picture in colour, for showing. The file is read once: read,
    shown and described, it is the same picture. Raises ImageError."""
    from desktop.engine.imagefile import describe, load_image, read_bytes

    data = read_bytes(path)
    inputs = file_inputs(data, number=True, score=classifier.candidates)
    found, adapted = predictions(inputs, classifier, adaptation)
    return Reading("file", inputs, found, picture=load_image(data), adapted=adapted,
                   about=f"{Path(path).name} ({describe(data)})")
