"""Confidence that means what it says: temperature scaling, fitted on the validation split.

The model's last layer computes softmax(x W + b); dividing W and b by a temperature T changes
no prediction, only how sure each one is. T is chosen to minimise the negative log-likelihood of
the validation digits (MNIST's and those written in other styles), never of the test set.
"""

from __future__ import annotations

import numpy as np

OUTPUT_LAYER = "probabilities"
TEMPERATURES = np.exp(np.linspace(np.log(0.2), np.log(5.0), 321))


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that makes these probabilities most likely for these labels."""
    logits = np.log(np.clip(probabilities.astype(np.float64), 1e-12, 1.0))
    best, best_nll = 1.0, np.inf
    for temperature in TEMPERATURES:
        scaled = logits / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_p[np.arange(len(labels)), labels].mean()
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def apply_temperature(model, temperature: float) -> None:
    """Fold the temperature into the model's last layer (the exported model carries it)."""
    layer = model.get_layer(OUTPUT_LAYER)
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel / temperature, bias / temperature])


def confident_share(probabilities: np.ndarray, labels: np.ndarray,
                    threshold: float = 0.9) -> dict:
    """Of the digits given at least `threshold` confidence: their share, and how many are right."""
    sure = probabilities.max(axis=1) >= threshold
    right = probabilities.argmax(axis=1) == labels
    return {"share": float(sure.mean()),
            "accuracy": float(right[sure].mean()) if sure.any() else None}
