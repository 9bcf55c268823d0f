"""Teach it your handwriting: turn the drawing on the canvas into a labelled sample.

The sample is the model's own 28x28 input for the drawing (framed exactly as for recognition),
saved with the strokes by `desktop.user.samples`. Expected failures (no digit, several digits, a
folder that cannot be written) become a SampleError with one line for the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from desktop.engine.raster import Stroke
from desktop.engine.recipes import canvas_inputs
from desktop.user.samples import save_sample

NOT_ONE_DIGIT = "draw one digit to save a sample"


class SampleError(Exception):
    """The sample cannot be written (folder, disk, Pillow); one line for the user."""


class NotOneDigit(SampleError):
    """The drawing is not one digit: nothing to save; the user draws again."""


def sample_input(strokes: Sequence[Stroke], thickness: float) -> np.ndarray:
    """The 28x28 model input of a drawing of exactly one digit."""
    inputs = canvas_inputs(strokes, thickness)
    if len(inputs) != 1:
        raise NotOneDigit(NOT_ONE_DIGIT)
    return inputs[0]


def save_drawing(samples_dir: Path, digit: int, strokes: Sequence[Stroke],
                 thickness: float) -> Path:
    """Save the drawing as a sample of `digit`; returns the PNG's path."""
    model_input = sample_input(strokes, thickness)
    try:
        return save_sample(samples_dir, digit, model_input, strokes, thickness)
    except ImportError:  # Pillow is an extra; the app runs without it, but cannot save PNGs
        raise SampleError("saving samples needs Pillow (pip install pillow)") from None
    except OSError as err:
        reason = err.strerror or str(err)
        raise SampleError(f"cannot save the sample in {samples_dir}: {reason}") from None

