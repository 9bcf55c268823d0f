"""Photo-like pictures of MNIST digits, as people photograph and scan digits on paper: dark ink
on tinted paper with a light gradient, noise, sometimes blur, the digit 60-400 px high and
off-centre on a larger page (a few full 3000x4000 phone photos), turned a little, saved as JPEG
(quality 60-92) or now and then PNG; on paper printed with a security pattern when asked.
Deterministic for a seed; the tests and bench/ share it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageFilter

HUGE = (3000, 4000)        # width, height of a full-resolution phone photo
DIGIT_PX = (60, 400)       # the digit's height on the page, log-uniform
PAGE = (1.3, 2.5)          # the page is this much larger than the digit, each way
PNG_SHARE = 0.1
BLUR_SHARE = 0.3
GRAIN = (2.0, 8.0)         # the sensor noise's standard deviation, of 255


def photo(digit: np.ndarray, rng: np.random.Generator, huge: bool = False,
          grain: tuple[float, float] = GRAIN, printed: bool = False) -> Image.Image:
    """An RGB picture of one MNIST digit (28x28 uint8, ink bright; or wider, as digits side
    by side are) as if photographed, its sensor noise's standard deviation drawn from `grain`
    (of 255); `printed`: on paper printed with a security pattern (`security_pattern`, 0.15-0.4
    darker where it is printed)."""
    frame = round(rng.uniform(1200, 2400) if huge else
                  np.exp(rng.uniform(*np.log(DIGIT_PX))) * 28 / 20)  # the digit is 20 of 28
    ink = Image.fromarray(digit).resize((round(frame * digit.shape[1] / digit.shape[0]), frame),
                                        Image.Resampling.BICUBIC)
    ink = ink.rotate(rng.uniform(-10, 10), Image.Resampling.BILINEAR, expand=True)
    if huge:
        width, height = HUGE
    else:
        width = round(ink.width * rng.uniform(*PAGE))
        height = round(ink.height * rng.uniform(*PAGE))
    pressure = rng.uniform(0.75, 1.0)                   # not always full ink
    alpha = Image.new("L", (width, height), 0)
    alpha.paste(ink.point(lambda v: round(v * pressure)),
                (int(rng.integers(0, width - ink.width + 1)),
                 int(rng.integers(0, height - ink.height + 1))))
    paper = tuple(int(v) for v in rng.integers([200, 190, 165], [251, 249, 241]))
    pen = tuple(int(v) for v in rng.integers([10, 10, 20], [81, 81, 131]))
    picture = Image.composite(Image.new("RGB", alpha.size, pen),
                              Image.new("RGB", alpha.size, paper), alpha)
    if printed:
        layer = 1 - rng.uniform(0.15, 0.4) * security_pattern((height, width), rng)
        printing = Image.fromarray((layer * 255).astype(np.uint8)).convert("RGB")
        picture = ImageChops.multiply(picture, printing)
    picture = ImageChops.multiply(picture, _shadow(width, height, rng))
    if rng.random() < BLUR_SHARE and not huge:  # (blurring 12 megapixels costs seconds)
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5) * frame / 150))
    sensor = rng.standard_normal((height, width), dtype=np.float32) * rng.uniform(*grain) + 128
    noise = Image.fromarray(np.clip(sensor, 0, 255).astype(np.uint8)).convert("RGB")
    return ImageChops.add(picture, noise, offset=-128)


def security_pattern(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """What cheques print behind the amount (0: paper, 1: the pattern's full depth): guilloche
    (wavy lines), hatching at any angle or a dot screen, 4-9 px apart."""
    period, kind = float(rng.uniform(4, 9)), int(rng.integers(3))
    if kind == 0:
        swing = float(rng.uniform(2, 8))
        return guilloche(shape, period, swing, float(rng.uniform(20, 60)))
    if kind == 1:
        return hatching(shape, period, float(rng.uniform(0, np.pi)))
    return dot_screen(shape, period)


def guilloche(shape: tuple[int, int], period: float, swing: float = 5.0,
              wave: float = 40.0) -> np.ndarray:
    """Wavy lines `period` px apart, swinging `swing` px up and down every `wave` px."""
    ys, xs = _grid(shape)
    return _printed(np.cos(2 * np.pi * (ys + swing * np.sin(2 * np.pi * xs / wave)) / period))


def hatching(shape: tuple[int, int], period: float, angle: float) -> np.ndarray:
    """Straight lines `period` px apart, at `angle` radians from the vertical."""
    ys, xs = _grid(shape)
    return _printed(np.cos(2 * np.pi * (xs * np.cos(angle) + ys * np.sin(angle)) / period))


def dot_screen(shape: tuple[int, int], period: float) -> np.ndarray:
    """Dots `period` px apart in rows and columns."""
    ys, xs = _grid(shape)
    return _printed(np.cos(2 * np.pi * xs / period) * np.cos(2 * np.pi * ys / period))


def _grid(shape: tuple[int, int]) -> np.ndarray:
    return np.mgrid[:shape[0], :shape[1]].astype(np.float32)


def _printed(wave: np.ndarray) -> np.ndarray:
    """A wave's crests as printed ink: 1 on a line or dot, 0 between."""
    return np.clip((wave - 0.6) / 0.4, 0.0, 1.0)


def _shadow(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """Light falling off across the page in a random direction, to 55-90 % at the far side."""
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[-0.5:0.5:32j, -0.5:0.5:32j]
    ramp = np.clip(np.cos(angle) * xs + np.sin(angle) * ys + 0.5, 0, 1)
    light = 255 * (1.0 - rng.uniform(0.1, 0.45) * ramp)
    small = Image.fromarray(light.astype(np.uint8))
    return small.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")


def save_photo(picture: Image.Image, folder: Path, stem: str, rng: np.random.Generator) -> str:
    """As JPEG (quality 60-92), or now and then PNG; returns the file name."""
    if rng.random() < PNG_SHARE:
        picture.save(folder / f"{stem}.png")
        return f"{stem}.png"
    picture.save(folder / f"{stem}.jpg", quality=int(rng.integers(60, 93)))
    return f"{stem}.jpg"


def write_photos(folder: Path, digits: np.ndarray, labels: np.ndarray, seed: int = 0,
                 huge_every: int = 0) -> dict[str, int]:
    """One photo per digit, named photo_<index>; returns {file name: label}."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth = {}
    for i, (digit, label) in enumerate(zip(digits, labels, strict=True)):
        huge = bool(huge_every) and i % huge_every == huge_every - 1
        truth[save_photo(photo(digit, rng, huge), folder, f"photo_{i:05d}", rng)] = int(label)
    return truth
