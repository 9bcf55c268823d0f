"""The model's usual doubt: how far from sure it reads ordinary digits it never trained on.

The app's adaptation (`desktop.engine.adapt`) lets a person's samples of a digit vote only when
the model reads them with more doubt than it reads everyone's. That takes the model's own
measure: models differ several-fold (a distilled model's probabilities are softer, and reads
plain 7s with three times the bundled model's doubt). Measured on the MNIST validation digits
the run held out (its seed, or split_seed, and val_split), through the app's loader, and
written to the card as `doubt`; a model without it is adapted with the bundled model's figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from train.data import Mnist

MEANING = ("median over the MNIST validation digits the run held out of 1 - p(true digit): "
           "how far from sure the model reads ordinary digits; the app's adaptation lets a "
           "person's samples of a digit vote only when the model doubts them more")


def validation_digits(parameters: dict, data: Mnist) -> tuple[np.ndarray, np.ndarray] | None:
    """The MNIST validation digits of a run with these training parameters (float, ink = 1);
    None when they do not say which (no seed or val_split)."""
    from train.config import TrainConfig
    from train.splits import validation_parts

    try:
        split_seed = parameters.get("split_seed")
        cfg = TrainConfig(seed=int(parameters["seed"]), val_split=int(parameters["val_split"]),
                          limit=int(parameters.get("limit") or 0), styled_val=0,
                          split_seed=None if split_seed is None else int(split_seed))
    except (KeyError, TypeError, ValueError):
        return None
    x, y = validation_parts(data, cfg)["mnist"]
    return (x, y) if len(y) else None


def usual_doubt(model: Path, digits: tuple[np.ndarray, np.ndarray]) -> dict:
    """The card's `doubt` entry for the ONNX model at `model`, read on `digits`."""
    from desktop.engine.classifier import Classifier

    x, y = digits
    probabilities = Classifier(model, verify_sha256=False).predict(x)
    doubt = 1 - probabilities[np.arange(len(y)), y]
    return {"median": round(float(np.median(doubt)), 6), "digits": len(y),
            "meaning": MEANING}


def card_entry(model: Path, parameters: dict, data: Mnist) -> dict:
    """{"doubt": ...} for the card, or {} when the run's validation digits are unknown."""
    digits = validation_digits(parameters, data)
    return {"doubt": usual_doubt(model, digits)} if digits else {}
