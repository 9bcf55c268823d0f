"""Anti-aliased resampling of 2-D float arrays, in NumPy: box filter down, linear up."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=512)
def _resample_matrix(n_in: int, n_out: int, scale: float) -> np.ndarray:
    """Matrix W (n_out, n_in) with out = W @ in: box filter when shrinking, linear when growing."""
    out_centres = (np.arange(n_out) + 0.5) / scale - 0.5
    if scale >= 1:
        weights = np.maximum(0.0, 1.0 - np.abs(out_centres[:, None] - np.arange(n_in)[None, :]))
    else:  # overlap of each output pixel's footprint with each input pixel, in input units
        lo = np.arange(n_out)[:, None] / scale
        hi = lo + 1.0 / scale
        left = np.arange(n_in)[None, :]
        weights = np.clip(np.minimum(hi, left + 1) - np.maximum(lo, left), 0.0, None)
    total = weights.sum(axis=1, keepdims=True)
    matrix = (weights / np.where(total > 0, total, 1.0)).astype(np.float32)
    matrix.flags.writeable = False  # shared by every call with these sizes
    return matrix


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize of a 2-D float array to (height, width)."""
    rows = _resample_matrix(image.shape[0], height, height / image.shape[0])
    cols = _resample_matrix(image.shape[1], width, width / image.shape[1])
    return rows @ image.astype(np.float32) @ cols.T


def reduce_to(image: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink by an integer block mean until the longer side is at most max_side (cheap, exact)."""
    factor = -(-max(image.shape[:2]) // max_side)
    if factor <= 1:
        return image
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    if h == 0 or w == 0:  # a sliver thinner than the factor: resample it instead
        return resize(image, max(1, image.shape[0] // factor), max(1, image.shape[1] // factor))
    blocks = image[:h, :w].reshape(h // factor, factor, w // factor, factor, *image.shape[2:])
    return blocks.mean(axis=(1, 3), dtype=np.float32)
