"""Model inputs for many images at once, as cheaply as each image allows.

Images already framed the way MNIST was (28x28 grey, a plain background around a digit whose
longer side is 19-20 px, its centre of mass within about half a pixel of the centre) need only
polarity and scaling: the check and the conversion run on a whole batch in a few NumPy calls.
Everything else takes the app's general preprocessing (`preprocess.find_ink`,
`segment.keep_significant`, `preprocess.normalize`) on a copy reduced to a working size that
still leaves several pixels per stroke of the final 20-pixel digit.
"""

from __future__ import annotations

import numpy as np

from desktop.preprocess import (
    BOX,
    CENTRE,
    FAINT,
    INPUT_SIZE,
    dilate,
    find_ink,
    normalize,
    reduce_to,
    to_float,
)
from desktop.segment import INK_THRESHOLD, keep_significant, split_digits

DIGIT_WORK_SIZE = 128      # one digit: 6x the 20-px box, plenty for its strokes to survive
NUMBER_WORK_SIZE = 512     # several digits side by side share the width
CENTRE_TOLERANCE = 0.6     # MNIST's own centres of mass lie within 0.5 px of (14, 14)
HALO = 2                   # pixels around strokes whose faint ink still belongs to them


def _profiles(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums along each row and each column of a (N, 28, 28) float batch. (A matrix-vector
    product and einsum: NumPy's sum over 28-long axes costs several times more.)"""
    by_row = (images.reshape(-1, INPUT_SIZE) @ np.ones(INPUT_SIZE, np.float32))
    return by_row.reshape(len(images), INPUT_SIZE), np.einsum("nij->nj", images)


def framed_inputs(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs for a (N, 28, 28) uint8 batch, and which images were framed like MNIST.

    Inputs of the images not framed so are meaningless: they need `general_input`. The inputs
    are exactly the pixels / 255 (inverted for dark ink on light paper), as MNIST models saw
    them. Every check is a pass or two over the whole batch: about 2 µs an image.
    """
    border = np.concatenate([images[:, 0], images[:, -1], images[:, 1:-1, 0],
                             images[:, 1:-1, -1]], axis=1)
    light_paper = border.mean(axis=1) >= 127.5
    ink = images
    if light_paper.any():
        ink = images.copy()
        ink[light_paper] = 255 - images[light_paper]
    inputs = ink.astype(np.float32) / np.float32(255)
    rows, cols = (profile > 0 for profile in _profiles((inputs > FAINT).astype(np.float32)))
    height = INPUT_SIZE - rows.argmax(axis=1) - rows[:, ::-1].argmax(axis=1)
    width = INPUT_SIZE - cols.argmax(axis=1) - cols[:, ::-1].argmax(axis=1)
    side = np.maximum(height, width)
    by_row, by_column = _profiles(inputs)
    mass = np.maximum(by_row.sum(axis=1), 1e-6)
    index = np.arange(INPUT_SIZE, dtype=np.float32)
    cy, cx = by_row @ index / mass, by_column @ index / mass
    framed = rows.any(axis=1) & (side >= BOX - 1) & (side <= BOX) \
        & (np.abs(cy - CENTRE) <= CENTRE_TOLERANCE) & (np.abs(cx - CENTRE) <= CENTRE_TOLERANCE) \
        & (inputs.reshape(len(images), -1).max(axis=1) >= 0.5)
    return inputs, framed


def is_candidate(image: np.ndarray) -> bool:
    """Whether an image may be framed already (checked in bulk by `framed_inputs`)."""
    return image.shape == (INPUT_SIZE, INPUT_SIZE) and image.dtype == np.uint8


def general_input(image: np.ndarray) -> np.ndarray:
    """The app's preprocessing for one digit, on a copy reduced to DIGIT_WORK_SIZE, keeping
    only the ink near its strokes."""
    ink = keep_significant(find_ink(reduce_to(to_float(image), DIGIT_WORK_SIZE)))
    return normalize(near_strokes(ink))


def near_strokes(ink: np.ndarray) -> np.ndarray:
    """The ink within a few pixels of a stroke. Faint haze far from any (the edge of a shadow,
    JPEG noise) would otherwise widen the crop and shrink the digit in its 20-pixel box."""
    strokes = (ink > INK_THRESHOLD).astype(np.float32)
    return np.where(dilate(strokes, HALO) > 0, ink, 0.0).astype(np.float32)


def number_inputs(image: np.ndarray) -> np.ndarray:
    """(k, 28, 28) inputs of a number's digits, left to right, segmented as the app does
    (k = 0 when there is no ink)."""
    ink = keep_significant(find_ink(reduce_to(to_float(image), NUMBER_WORK_SIZE)))
    inputs = [x for x in (normalize(crop) for crop in split_digits(ink)) if x.any()]
    if not inputs:
        return np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)
    return np.stack(inputs)
