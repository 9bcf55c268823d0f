"""Photo-like pictures of MNIST digits: dark ink on tinted paper with a shadow, noise, off-centre
in a larger picture of any size, turned a little, saved as JPEG. Deterministic for a seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageChops

HUGE = (3000, 4000)        # width, height of a full-resolution phone photo


def photo(digit: np.ndarray, rng: np.random.Generator, huge: bool = False) -> Image.Image:
    """An RGB picture of one MNIST digit (28x28 uint8, ink bright) as if photographed."""
    frame = round(rng.uniform(1200, 2400) if huge else np.exp(rng.uniform(np.log(40),
                                                                            np.log(320))))
    ink = Image.fromarray(digit).resize((frame, frame), Image.Resampling.BICUBIC)
    ink = ink.rotate(rng.uniform(-10, 10), Image.Resampling.BILINEAR, expand=True)
    if huge:
        width, height = HUGE
    else:
        width = round(ink.width * rng.uniform(1.2, 2.4))
        height = round(ink.height * rng.uniform(1.2, 2.4))
    pressure = rng.uniform(0.75, 1.0)                   # not always full ink
    alpha = Image.new("L", (width, height), 0)
    alpha.paste(ink.point(lambda v: round(v * pressure)),
                (int(rng.integers(0, width - ink.width + 1)),
                 int(rng.integers(0, height - ink.height + 1))))
    paper = tuple(int(v) for v in rng.integers([200, 190, 165], [251, 249, 241]))
    pen = tuple(int(v) for v in rng.integers([10, 10, 20], [81, 81, 131]))
    picture = Image.composite(Image.new("RGB", alpha.size, pen),
                              Image.new("RGB", alpha.size, paper), alpha)
    picture = ImageChops.multiply(picture, _shadow(width, height, rng))
    grain = rng.standard_normal((height, width), dtype=np.float32) * rng.uniform(2, 8) + 128
    noise = Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8)).convert("RGB")
    return ImageChops.add(picture, noise, offset=-128)


def _shadow(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Light falling off across the page in a random direction, to 55-90 % at the far side."""
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[-0.5:0.5:32j, -0.5:0.5:32j]
    ramp = np.clip(np.cos(angle) * xs + np.sin(angle) * ys + 0.5, 0, 1)
    light = 255 * (1.0 - rng.uniform(0.1, 0.45) * ramp)
    small = Image.fromarray(light.astype(np.uint8))
    return small.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")


def write_photos(folder: Path, digits: np.ndarray, labels: np.ndarray, seed: int = 0,
                 huge_every: int = 0) -> dict[str, int]:
    """JPEGs (quality 60-85) named by index; returns {file name: label}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth = {}
    for i, (digit, label) in enumerate(zip(digits, labels, strict=True)):
        huge = bool(huge_every) and i % huge_every == huge_every - 1
        name = f"photo_{i:05d}.jpg"
        photo(digit, rng, huge).save(folder / name, quality=int(rng.integers(60, 86)))
        truth[name] = int(label)
    return truth
