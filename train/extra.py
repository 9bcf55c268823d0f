"""Labelled images from DIR/<digit>/*, read by the very recipe the app and batch classification
read image files with (`desktop.engine.recipes.file_inputs`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop.engine.imagefile import ImageError
from desktop.engine.recipes import BLANK, file_inputs


def load_extra(folder: str | Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(images (N, 28, 28) float32, labels (N,) uint8, skipped files with reasons)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    images, labels, skipped = [], [], []
    for digit in range(10):
        sub = folder / str(digit)
        for path in sorted(sub.glob("*")) if sub.is_dir() else []:
            if path.name.startswith(".") or not path.is_file() or path.suffix.lower() == ".json":
                continue
            try:
                inputs = file_inputs(path)
            except ImageError as err:
                skipped.append(f"{path}: {err}")
                continue
            if not len(inputs):
                skipped.append(f"{path}: {BLANK}")
                continue
            images.append(inputs[0])
            labels.append(digit)
    if not images:
        return np.zeros((0, 28, 28), np.float32), np.zeros((0,), np.uint8), skipped
    return np.stack(images).astype(np.float32), np.array(labels, np.uint8), skipped
