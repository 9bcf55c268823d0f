"""Handwriting styles MNIST under-represents, made from MNIST's own digits.

Each training digit is traced into pen strokes and written again the way other people write
(`train.hands`), then captured the way other devices capture it: drawn in the app with any
brush, or scanned and photographed with any pen from a hairline to a marker, down to 8 pixels
high, blocky or blurred.

The result is turned into the model's input by the app's own recipes (`canvas_digit_input` for
the canvas, `digit_input` for pictures), so the model learns from exactly what it will see.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from desktop.engine.raster import render_strokes
from desktop.engine.recipes import canvas_digit_input, digit_input
from desktop.engine.resample import resize
from train.cached import cached
from train.hands import (
    NEW_SHAPES,
    SHAPES,
    Line,
    Rng,
    continental_one,
    crossed_seven,
    curly_two,
    extent,
    few_points,
    joined,
    log_uniform,
    one_stroke_four,
    reshaped,
    sheared,
    slanted,
    small_loop_nine,
    traced,
)

CANVAS_SHARE = 0.35          # written on the canvas; the rest are pictures (scans, photos)
PEN_RANGE = (0.04, 0.30)     # pen width relative to the digit's height, log-uniform
LOW_RES_SHARE = 0.5          # pictures scanned at 8-16 px high, then enlarged
LOW_RES_PEN = (0.1, 0.3)     # such scans come from bold writing (optdigits: 32x32 bitmaps)
LOW_RES_HEIGHT = (8, 16)
CHUNK = 500                  # digits per worker task


# ---------------------------------------------------------------- how it is captured

def on_canvas(lines: list[Line], rng: Rng) -> np.ndarray:
    """Drawn in the app: canvas pixels, the user's brush, the app's stroke recipe."""
    height = rng.uniform(60, 300)
    strokes = [[(float(x), float(y)) for x, y in line * height + 20] for line in lines]
    return canvas_digit_input(strokes, thickness=height * log_uniform(rng, *PEN_RANGE))


def _ink(lines: list[Line], height: float, pen: float) -> np.ndarray:
    """The strokes rendered anti-aliased with the digit `height` pixels high."""
    left, top, right, bottom = extent(lines)
    margin = pen + 2
    shifted = [(line - (left, top)) * height + margin for line in lines]
    return render_strokes(shifted, int((bottom - top) * height + 2 * margin) + 1,
                          int((right - left) * height + 2 * margin) + 1, pen)


def _blur(image: np.ndarray, sigma: float) -> np.ndarray:
    radius = max(1, int(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.pad(image, radius, mode="edge")
    rows = np.apply_along_axis(np.convolve, 0, padded, taps, mode="valid")
    return np.apply_along_axis(np.convolve, 1, rows, taps, mode="valid")


def in_picture(lines: list[Line], rng: Rng, pen_ratio: float | None = None,
               low_res: str | None = None, blur: float | None = None) -> np.ndarray:
    """Scanned or photographed: any pen, maybe at very low resolution ("blocky" or "smooth"
    enlargement, or "" for none), blur, paper, noise; read by the app's recipe for a picture of
    one digit. What is not given is drawn at random."""
    if low_res is None:
        low_res = ("blocky" if rng.random() < 0.5 else "smooth") \
            if rng.random() < LOW_RES_SHARE else ""
    pen_ratio = pen_ratio or (rng.uniform(*LOW_RES_PEN) if low_res
                              else log_uniform(rng, *PEN_RANGE))
    if low_res:
        ink = _ink(lines, 96.0, 96.0 * pen_ratio)
        low = rng.uniform(*LOW_RES_HEIGHT) / 96.0
        small = resize(ink, max(2, round(ink.shape[0] * low)), max(2, round(ink.shape[1] * low)))
        if rng.random() < 0.5:  # counted in 17 levels, as optdigits' 4x4 blocks were
            small = np.round(np.clip(small, 0, 1) * 16) / 16
        factor = int(rng.integers(3, 10))
        ink = np.kron(small, np.ones((factor, factor), np.float32)) if low_res == "blocky" \
            else resize(small, small.shape[0] * factor, small.shape[1] * factor)
    else:
        height = rng.uniform(20, 100)
        ink = _ink(lines, height, max(0.8, height * pen_ratio))
    if blur is None:
        blur = rng.uniform(0.5, 1.5) if rng.random() < 0.4 else 0.0
    if blur:
        ink = _blur(ink, blur)
    paper, pen = rng.uniform(0.6, 1.0), rng.uniform(0.0, 0.4)
    grey = paper - np.clip(ink, 0, 1) * (paper - pen) + rng.normal(0, rng.uniform(0, 0.04),
                                                                    ink.shape)
    pixels = np.clip(np.rint(grey * 255), 0, 255).astype(np.uint8)
    return digit_input(np.pad(pixels, 4, constant_values=int(paper * 255)))


# ---------------------------------------------------------------- one sample

def restyle(digit: np.ndarray, label: int, rng: Rng) -> np.ndarray:
    """One MNIST digit (uint8 28x28) written again in a random other style: a 28x28 input."""
    if label in NEW_SHAPES and rng.random() < NEW_SHAPES[label][0]:
        lines = NEW_SHAPES[label][1](rng)
    else:
        lines = traced(digit)
        if not lines:
            return digit_input(digit)
        if label in SHAPES and rng.random() < SHAPES[label][0]:
            lines = SHAPES[label][1](lines, rng)
    if rng.random() < 0.5:
        lines = few_points(lines, rng)
    if len(lines) > 1 and rng.random() < 0.25:
        lines = joined(lines)
    if rng.random() < 0.7:
        lines = sheared(lines, rng)
    capture = on_canvas if rng.random() < CANVAS_SHARE else in_picture
    return capture(lines, rng)


def restyle_many(digits: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """restyle() for each digit, reproducibly: (N, 28, 28) float32."""
    rng = np.random.default_rng(seed)
    return np.stack([restyle(d, int(y), rng) for d, y in zip(digits, labels, strict=True)]
                    ).astype(np.float32)


# ---------------------------------------------------------------- one style at a time

def plain(lines: list[Line], rng: Rng) -> np.ndarray:
    """On paper with an ordinary pen, no other change: the style under test is the only one."""
    return in_picture(lines, rng, pen_ratio=rng.uniform(0.08, 0.12), low_res="", blur=0.0)


Style = Callable[[np.ndarray, Rng], np.ndarray]  # an MNIST digit → a 28x28 input
STYLES: dict[str, tuple[tuple[int, ...], Style]] = {
    "continental 1 (flag, base)": ((1,), lambda d, r: plain(continental_one(traced(d), r), r)),
    "7 with a bar or hooked foot": ((7,), lambda d, r: plain(crossed_seven(traced(d), r), r)),
    "4 in one stroke, open top": ((4,), lambda d, r: plain(one_stroke_four(r), r)),
    "9 with a small loop, straight or hooked stem": ((9,), lambda d, r: plain(
        small_loop_nine(r), r)),
    "2 with a loop at its foot": ((2,), lambda d, r: plain(curly_two(r), r)),
    "mouse polylines, pen lifts joined": ((), lambda d, r: on_canvas(
        joined(few_points(traced(d), r)), r)),
    "slant 20-30 degrees": ((), lambda d, r: plain(slanted(traced(d), r), r)),
    "much wider or narrower": ((), lambda d, r: plain(reshaped(traced(d), r), r)),
    "thick marker (a quarter of the height)": ((), lambda d, r: in_picture(
        traced(d), r, pen_ratio=r.uniform(0.24, 0.30), low_res="", blur=0.0)),
    "hairline pen": ((), lambda d, r: in_picture(traced(d), r, pen_ratio=r.uniform(0.02, 0.04),
                                                 low_res="", blur=0.0)),
    "scan 8-16 px high, blocky": ((), lambda d, r: in_picture(
        traced(d), r, pen_ratio=r.uniform(0.08, 0.14), low_res="blocky", blur=0.0)),
    "scan 8-16 px high, blurred": ((), lambda d, r: in_picture(
        traced(d), r, pen_ratio=r.uniform(0.08, 0.14), low_res="smooth", blur=1.0)),
}


def style_set(name: str, digits: np.ndarray, labels: np.ndarray, seed: int,
              count: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to `count` digits of the style's labels (all labels when it names none), written
    in that one style: (inputs, labels)."""
    wanted, write = STYLES[name]
    rng = np.random.default_rng(seed)
    chosen = [i for i in range(len(digits)) if not wanted or labels[i] in wanted][:count]
    inputs = np.stack([write(digits[i], rng) for i in chosen]).astype(np.float32)
    return inputs, labels[chosen]


# ---------------------------------------------------------------- many, in worker processes

def _restyle_chunk(args: tuple[np.ndarray, np.ndarray, int]) -> np.ndarray:
    return restyle_many(*args)


def styled_set(digits: np.ndarray, labels: np.ndarray, count: int, seed: int,
               cache_dir: Path | None = None, workers: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits drawn from (digits, labels), each restyled once: (inputs, labels).

    Made in worker processes (about 13 ms a digit) and cached under cache_dir, keyed by the
    inputs and by the source of this module and the preprocessing it calls (`train.cached`).
    """
    order = np.random.default_rng(seed).permutation(len(digits))[:count]
    digits, labels = digits[order], labels[order]

    def make() -> dict[str, np.ndarray]:
        chunks = [(digits[i:i + CHUNK], labels[i:i + CHUNK], seed + i)
                  for i in range(0, len(digits), CHUNK)]
        with ProcessPoolExecutor(workers or os.cpu_count() or 1,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            inputs = np.concatenate(list(pool.map(_restyle_chunk, chunks))) if chunks \
                else np.zeros((0, 28, 28), np.float32)
        return {"inputs": inputs, "labels": labels}

    made = cached(cache_dir, "styles", digits.tobytes() + labels.tobytes() + str(seed).encode(),
                  Path(__file__), make)
    return made["inputs"], made["labels"]
