"""Which digits a run trains on and which it validates on, and the restyled digits of each:
what training (`train.cli`) and recalibration (`train.calibrate`) must agree on."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from train.config import TrainConfig
from train.data import Mnist


def split(x: np.ndarray, y: np.ndarray, cfg: TrainConfig):
    """Seeded train/validation split of the MNIST training set; --limit trims the training part."""
    order = np.random.default_rng(cfg.validation_seed).permutation(len(x))
    val, train = order[: cfg.val_split], order[cfg.val_split:]
    if cfg.limit:
        train = train[: cfg.limit]
        val = val[: max(cfg.limit // 5, 100)]
    return (x[train], y[train]), (x[val], y[val])


def styled(data: tuple[np.ndarray, np.ndarray], count: int, cfg: TrainConfig, seed: int):
    """`count` digits of data written again in other hands (cached under runs/cache)."""
    from train.styles import styled_set

    started = time.perf_counter()
    result = styled_set(*data, min(count, len(data[0])), seed, Path(cfg.cache))
    print(f"styles: {len(result[0])} digits restyled in {time.perf_counter() - started:.0f} s")
    return result


def validation_parts(data: Mnist, cfg: TrainConfig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The validation digits: MNIST's own, and (cfg.styled_val of them) in other styles."""
    _, (x, y) = split(data.x_train, data.y_train, cfg)
    parts = {"mnist": (x.astype(np.float32) / 255.0, y)}
    if cfg.styled_val:
        parts["styled"] = styled((x, y), cfg.styled_val, cfg, cfg.validation_seed + 1)
    return parts
