"""Labelled samples of the user's handwriting: the model's 28x28 input as PNG, strokes as JSON.

Layout: `<samples dir>/<digit>/<stamp>.png` beside `<stamp>.json`, which `python -m train --extra`
and `python -m export.finetune` read back as training data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from desktop import __version__
from desktop.user.whole import write_whole

SAMPLE_SUFFIX = ".png"


def _unique_stem(folder: Path) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    stem, n = stamp, 1
    while (folder / f"{stem}{SAMPLE_SUFFIX}").exists():
        n += 1
        stem = f"{stamp}-{n}"
    return stem


def save_sample(samples_dir: Path, digit: int, model_input: np.ndarray,
                strokes: Sequence[Sequence[tuple[float, float]]], thickness: float,
                source: str | None = None) -> Path:
    """Write one labelled sample; returns the PNG's path. Never overwrites an existing sample.
    source: the image file it was read from (`teach`), instead of strokes."""
    from PIL import Image

    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be 0-9, not {digit}")
    folder = Path(samples_dir) / str(digit)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _unique_stem(folder)
    png = folder / f"{stem}{SAMPLE_SUFFIX}"
    pixels = np.clip(np.rint(np.asarray(model_input, np.float32) * 255), 0, 255).astype(np.uint8)
    points = [[[round(float(x), 2), round(float(y), 2)] for x, y in s] for s in strokes]
    record = {"digit": digit, "thickness": thickness, "app_version": __version__,
              "strokes": points, **({"source": source} if source else {})}
    strokes_file = folder / f"{stem}.json"
    write_whole(strokes_file,
                 lambda path: path.write_text(json.dumps(record) + "\n", encoding="utf-8"))
    try:  # the picture last: the sample counts once it is there
        write_whole(png, lambda path: Image.fromarray(pixels.reshape(28, 28), mode="L").save(
            path, format="PNG"))
    except BaseException:
        strokes_file.unlink(missing_ok=True)
        raise
    return png


def count_samples(samples_dir: Path) -> dict[int, int]:
    """Number of sample images per digit (0 for digits without any)."""
    root = Path(samples_dir)
    return {d: sum(1 for p in (root / str(d)).glob(f"*{SAMPLE_SUFFIX}")
                   if not p.name.startswith(".")) for d in range(10)}


def sample_files(samples_dir: Path) -> list[tuple[Path, int]]:
    """Every sample image with its digit, oldest first within a digit (names are times)."""
    root = Path(samples_dir)
    return [(p, d) for d in range(10) for p in sorted((root / str(d)).glob(f"*{SAMPLE_SUFFIX}"))
            if not p.name.startswith(".")]


@dataclass
class Samples:
    """The samples read back: model inputs, digits, files, and a line per unreadable file."""
    inputs: np.ndarray
    labels: np.ndarray
    paths: list[Path]
    unreadable: list[str] = field(default_factory=list)


def read_sample(path: Path) -> np.ndarray:
    """A sample's 28x28 model input in [0, 1]; ValueError or OSError when it is not one."""
    from PIL import Image

    try:
        opened = Image.open(path)
    except Image.DecompressionBombError:  # a huge picture in the folder: not a sample
        raise ValueError("far larger than a 28x28 sample") from None
    with opened as image:
        if image.size != (28, 28):
            raise ValueError(f"{image.size[0]}x{image.size[1]}, not a 28x28 sample")
        return np.asarray(image.convert("L"), np.float32) / 255.0


def load_samples(samples_dir: Path, files: list[tuple[Path, int]] | None = None) -> Samples:
    """Read the samples folder (or these of its files); bad files are listed, not fatal."""
    inputs, labels, paths, unreadable = [], [], [], []
    for path, digit in sample_files(samples_dir) if files is None else files:
        try:
            inputs.append(read_sample(path))
        except (OSError, ValueError, SyntaxError) as err:  # Pillow raises these for bad files
            unreadable.append(f"{path}: {str(err).splitlines()[0] if str(err) else 'unreadable'}")
            continue
        labels.append(digit)
        paths.append(path)
    stacked = np.stack(inputs) if inputs else np.zeros((0, 28, 28), np.float32)
    return Samples(stacked, np.array(labels, np.int8), paths, unreadable)


def delete_sample(png: Path) -> None:
    """Remove a sample: its image and the strokes beside it (taking back a wrong label)."""
    Path(png).unlink()
    Path(png).with_suffix(".json").unlink(missing_ok=True)
