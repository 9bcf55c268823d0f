"""Reading one file into model inputs, in a worker: never raises for a bad file.

Small grey PNGs skip most of Pillow's bookkeeping (`small_png`); 28x28 grey images are left
raw for the bulk check of MNIST framing (`engine.framed`); everything else goes through the
app's own recipes on a copy decoded reduced (JPEG draft, Pillow `reduce`).
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from desktop.batch import small_png
from desktop.batch.files import Source, claims_image
from desktop.engine.framed import is_candidate
from desktop.engine.imagefile import SNIFF_BYTES, ImageError, load_image, sniff
from desktop.engine.recipes import BLANK, DIGIT_WORK_SIZE, Score, digit_input, file_inputs

SMALL_FILE = 1 << 16       # files up to this size are read in one go


class Decoded(NamedTuple):
    """A decoded file: raw 28x28 pixels for the batch fast path, model inputs, or an error."""
    source: Source
    raw: np.ndarray | None = None
    inputs: np.ndarray | None = None
    error: str = ""
    skipped: bool = False


def _claims_image(source: Source) -> bool:
    return source.named or claims_image(source.file)


def _start_of(path: str) -> tuple[bytes, bool]:
    """The first SMALL_FILE bytes of a file, and whether that is all of it (no file object:
    for a 28x28 PNG the cost of opening counts)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        start = os.read(descriptor, SMALL_FILE)
        return start, len(start) == os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)


def _inputs(source: Source, multi_digit: bool, score: Score | None) -> Decoded:
    """Read, sniff and decode the file into inputs (the app's `file_inputs`, with shortcuts
    that give the very same pixels: small grey PNGs, MNIST-framed images left for the bulk
    check); OS and decoding failures as they come."""
    start, whole = _start_of(source.file)
    kind = sniff(start[:SNIFF_BYTES])
    if kind is None and not _claims_image(source):
        return Decoded(source, skipped=True)
    if not start:
        return Decoded(source, error="empty file (0 bytes)")
    data = start if whole else source.file
    formats = [kind] if kind else None
    if multi_digit:
        return Decoded(source, inputs=file_inputs(data, formats, number=True, score=score))
    image = small_png.pixels(start) if whole and kind == "PNG" else None
    if image is None:
        image = load_image(data, formats, DIGIT_WORK_SIZE, grey=True)
    if is_candidate(image):
        return Decoded(source, raw=image)
    return Decoded(source, inputs=digit_input(image)[None])


def read_source(source: Source, multi_digit: bool = False, score: Score | None = None) -> Decoded:
    """Read one file into what the batch step needs; never raises for a bad file. `score`
    reads a number's candidate digits (touching ones cut apart by recognition)."""
    if source.error:
        return Decoded(source, error=source.error)
    try:
        decoded = _inputs(source, multi_digit, score)
    except ImageError as err:
        return Decoded(source, error=str(err))
    except FileNotFoundError:
        return Decoded(source, error="file not found")
    except PermissionError:
        return Decoded(source, error="permission denied")
    except IsADirectoryError:
        return Decoded(source, error="is a folder, not an image")
    except OSError as err:
        return Decoded(source, error=f"cannot read: {err.strerror or err}")
    except (ValueError, MemoryError) as err:
        return Decoded(source, error=f"cannot preprocess: {err}")
    if decoded.inputs is not None and not decoded.inputs.any():
        return Decoded(source, error=BLANK)
    return decoded
