"""Labelled samples of the user's handwriting: the model's 28x28 input as PNG, strokes as JSON.

Layout: `<samples dir>/<digit>/<stamp>.png` beside `<stamp>.json`, which `python -m train --extra`
and `python -m export.finetune` read back as training data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from desktop import __version__

SAMPLE_SUFFIX = ".png"


def _unique_stem(folder: Path) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    stem, n = stamp, 1
    while (folder / f"{stem}{SAMPLE_SUFFIX}").exists():
        n += 1
        stem = f"{stamp}-{n}"
    return stem


def save_sample(samples_dir: Path, digit: int, model_input: np.ndarray,
                strokes: Sequence[Sequence[tuple[float, float]]], thickness: float) -> Path:
    """Write one labelled sample; returns the PNG's path. Never overwrites an existing sample."""
    from PIL import Image

    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be 0-9, not {digit}")
    folder = Path(samples_dir) / str(digit)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _unique_stem(folder)
    png = folder / f"{stem}{SAMPLE_SUFFIX}"
    pixels = np.clip(np.rint(np.asarray(model_input, np.float32) * 255), 0, 255).astype(np.uint8)
    Image.fromarray(pixels.reshape(28, 28), mode="L").save(png)
    points = [[[round(float(x), 2), round(float(y), 2)] for x, y in s] for s in strokes]
    record = {"digit": digit, "thickness": thickness, "app_version": __version__,
              "strokes": points}
    (folder / f"{stem}.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return png


def count_samples(samples_dir: Path) -> dict[int, int]:
    """Number of sample images per digit (0 for digits without any)."""
    root = Path(samples_dir)
    return {d: sum(1 for p in (root / str(d)).glob(f"*{SAMPLE_SUFFIX}")
                   if not p.name.startswith(".")) for d in range(10)}
