"""NumPy pixels → PPM bytes that Tk's PhotoImage reads natively, so showing an image or the
model's 28x28 input needs neither Pillow nor a screen grab."""

from __future__ import annotations

import numpy as np

from desktop.engine.ink import to_float
from desktop.engine.resample import resize

PAPER = 1.0  # transparent pixels are shown on white paper


def ppm(rgb: np.ndarray) -> bytes:
    """A binary PPM (P6) of an (H, W, 3) uint8 array."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = rgb.shape[:2]
    return f"P6 {width} {height} 255\n".encode("ascii") + rgb.tobytes()


def to_rgb(image: np.ndarray) -> np.ndarray:
    """Any (H, W) or (H, W, 1-4) pixel array as float RGB in [0, 1], alpha composited on white."""
    image = to_float(image)
    if image.ndim == 2:
        image = image[..., None]
    channels = image.shape[2]
    if channels in (2, 4):
        colour, alpha = image[..., :-1], image[..., -1:]
        image = colour * alpha + PAPER * (1.0 - alpha)
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    return image[..., :3]


def fit(image: np.ndarray, max_width: int, max_height: int) -> np.ndarray:
    """The image as uint8 RGB scaled to fit the box (up or down), aspect ratio kept."""
    rgb = to_rgb(image)
    height, width = rgb.shape[:2]
    scale = min(max_width / width, max_height / height)
    size = max(1, round(height * scale)), max(1, round(width * scale))
    channels = [resize(rgb[..., c], *size) for c in range(3)]
    return (np.clip(np.stack(channels, axis=2), 0, 1) * 255 + 0.5).astype(np.uint8)


def enlarge(model_input: np.ndarray, factor: int) -> np.ndarray:
    """A 28x28 input as the model sees it (ink bright on black), each pixel a factor-square."""
    grey = (np.clip(model_input, 0, 1) * 255 + 0.5).astype(np.uint8)
    big = np.repeat(np.repeat(grey, factor, axis=0), factor, axis=1)
    return np.repeat(big[..., None], 3, axis=2)
