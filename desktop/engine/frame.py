"""Ink map of one digit → the model's 28x28 input, framed the way MNIST was made: crop to the
ink, strokes brought to MNIST's width, longer side scaled to 20 px, centre of mass at the
centre. Pure NumPy, no I/O, no Tk.
"""

from __future__ import annotations

import numpy as np

from desktop.engine.resample import resize

INPUT_SIZE = 28
BOX = 20                    # MNIST digits fit a 20x20 box inside the 28x28 frame
CENTRE = 14.0               # MNIST's mean centre of mass, in pixel-index coordinates
STROKE_RATIO = 0.1          # MNIST's stroke width is about a tenth of the digit's box
MIN_STROKE_RATIO = 0.09     # strokes are drawn at least this thick, relative to the writing,
MAX_STROKE_RATIO = 0.13     # and at most this: a broader pen blots loops shut
MAX_WIDTH_RATIO = 0.15      # strokes broader than 95 % of MNIST's are thinned in images,
THINNED_RATIO = 0.11        # to this (MNIST's median is 0.09 of the digit's size)
FAINT = 0.05                # ink below this does not count when cropping
READING_GAMMA = 0.7         # a picture's digit is read with its ink raised to this power: a
                            # side left pale (a third of the darkest) comes nearer full ink, as
                            # MNIST's saturated strokes are (a 0 no "C" read as 6)


def ink_box(ink: np.ndarray, threshold: float = 0.0) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), exclusive ends, of pixels above threshold; None when blank."""
    inked = ink > threshold
    rows = np.flatnonzero(inked.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(inked.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the inked area over its outline length."""
    solid = ink > 0.5
    outline = (np.count_nonzero(solid[1:] != solid[:-1])
               + np.count_nonzero(solid[:, 1:] != solid[:, :-1]))
    return 2.0 * np.count_nonzero(solid) / outline if outline else 0.0


def _spread(ink: np.ndarray, radius: int, combine: np.ufunc) -> np.ndarray:
    """Separable (2r+1)-square max or min filter; outside the array counts as background (0).
    Shifted slices combined in place: a few passes, no stacking."""
    out = ink
    for axis in (0, 1):
        padded = np.zeros(tuple(n + 2 * radius * (a == axis) for a, n in enumerate(out.shape)),
                          out.dtype)
        n = out.shape[axis]
        inner = [slice(None), slice(None)]
        inner[axis] = slice(radius, radius + n)
        padded[tuple(inner)] = out
        out = padded[tuple(_window(axis, 0, n))].copy()
        for k in range(1, 2 * radius + 1):
            combine(out, padded[tuple(_window(axis, k, n))], out=out)
    return out


def _window(axis: int, start: int, length: int) -> list[slice]:
    window = [slice(None), slice(None)]
    window[axis] = slice(start, start + length)
    return window


def dilate(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey dilation with a (2r+1) square: thickens strokes by r pixels each side."""
    return _spread(ink, radius, np.maximum)


def erode(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey erosion with a (2r+1) square: thins strokes by r pixels each side."""
    return _spread(ink, radius, np.minimum)


def normalize_stroke_width(ink: np.ndarray, size: int | None = None) -> np.ndarray:
    """Bring strokes far thinner or thicker than MNIST's, relative to the digit's size (the
    longer side of its ink's box, unless given), back to MNIST's proportion: a hairline pen is
    thickened, a marker or a blurred blob thinned. Returns `ink` itself when it is kept."""
    if size is None:
        box = ink_box(ink)
        if box is None:
            return ink
        size = max(box[1] - box[0], box[3] - box[2])
    width = stroke_width(ink)
    if width < MIN_STROKE_RATIO * size:
        radius = int((STROKE_RATIO * size - width) / 2)
        return dilate(np.pad(ink, radius), radius) if radius >= 1 else ink  # room to grow
    if width > MAX_WIDTH_RATIO * size:
        radius = int((width - THINNED_RATIO * size) / 2)
        thinned = erode(ink, radius) if radius >= 1 else ink
        # A blob rather than strokes (a dot, a filled shape) would vanish: keep it as it is.
        return thinned if thinned.max(initial=0.0) >= 0.5 * ink.max() else ink
    return ink


def normalize(ink: np.ndarray, widths: bool = True, gamma: float = 1.0) -> np.ndarray:
    """Ink map of one digit → the 28x28 float32 model input (zeros when there is no ink).
    widths=False where the strokes were already drawn with a pen of MNIST's proportions (the
    canvas: `raster.model_thickness`), so their width is brought to MNIST's once, not twice.
    `gamma`: the ink raised to this power once its strokes' width is settled (0 and full ink
    stay); pictures' digits are read so (READING_GAMMA), their candidate cuts weighed without."""
    frame = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
    box = ink_box(ink, FAINT)
    if box is None:
        return frame
    top, bottom, left, right = box
    digit = ink[top:bottom, left:right]
    # The crop is its ink's box: the digit's size is its longer side.
    changed = normalize_stroke_width(digit, max(digit.shape)) if widths else digit
    if changed is not digit:
        top, bottom, left, right = ink_box(changed, FAINT) or (0, changed.shape[0], 0,
                                                                changed.shape[1])
        digit = changed[top:bottom, left:right]
    if gamma != 1.0:
        digit = digit ** gamma
    h, w = digit.shape
    scale = BOX / max(h, w)
    small = resize(digit, max(1, round(h * scale)), max(1, round(w * scale)))
    peak = small.max()
    if peak <= 0:
        return frame
    small = np.clip(small / peak, 0.0, 1.0)  # a faint or thin digit still reaches full ink
    sh, sw = small.shape
    rows, cols = small.sum(axis=1), small.sum(axis=0)
    mass = rows.sum()
    cy, cx = rows @ np.arange(sh) / mass, cols @ np.arange(sw) / mass
    top = min(max(round(CENTRE - cy), 0), INPUT_SIZE - sh)  # Python's: cheaper for scalars
    left = min(max(round(CENTRE - cx), 0), INPUT_SIZE - sw)
    frame[top:top + sh, left:left + sw] = small
    return frame
